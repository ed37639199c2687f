/**
 * Lint warnings for inputs Kibana's grammar accepts but that are probably mistakes
 * (`a:b or` is the value "b or"; a value running over a line break hides a missing `or`).
 */
import type { FieldRef, Node, Value } from '../src/kql/ast.js';
import type { Diagnostic } from '../src/diagnostics.js';

const KEYWORD_EDGE = /(^|[ \t\r\n\u00a0])(or|and|not)$|^(or|and|not)[ \t\r\n\u00a0]/i;

function hasSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0) return true;
  }
  return false;
}

/** Unquoted text of a value or field with inner whitespace, else null (nothing to lint). */
function spacedText(v: Value | FieldRef): string | null {
  if (v.kind === 'wildcard' || (v.kind === 'field' && v.wildcard)) {
    const chunks = v.kind === 'wildcard' ? v.chunks : v.wildcard!;
    return chunks.some(hasSpace) ? chunks.join('*') : null;
  }
  const raw = v.kind === 'field' ? v.name : v.quoted ? null : v.value;
  return typeof raw === 'string' && hasSpace(raw) ? raw : null;
}

function checkUnquoted(v: Value | FieldRef, what: string, out: Diagnostic[]): void {
  // Both lints need whitespace inside unquoted text: nothing to do in the common case.
  const text = spacedText(v);
  if (text === null) return;
  const m = KEYWORD_EDGE.exec(text);
  if (m) {
    const word = (m[2] ?? m[3]).toLowerCase();
    out.push({
      severity: 'warning',
      code: 'KQLW01',
      message: `the ${what} "${text}" contains the word '${word}' at its edge: Kibana reads it as part of the ${what}, not as an operator`,
      span: v.span,
      hint: `if '${word}' is an operator, put whitespace on both sides and an expression after it; if it is text, quote the ${what}`,
    });
  }
  if (/[\r\n]/.test(text)) {
    out.push({
      severity: 'warning',
      code: 'KQLW02',
      message: `the unquoted ${what} runs over a line break ("${text.replace(/\r?\n/g, '\\n')}"): probably a missing 'or' or 'and'`,
      span: v.span,
      hint: 'join the lines with an operator, or quote the value if the line break is meant',
    });
  }
}

function checkField(f: FieldRef | null, out: Diagnostic[]): void {
  if (f !== null) checkUnquoted(f, 'field name', out);
}

export function lintAst(root: Node, _text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    switch (n.kind) {
      case 'or':
      case 'and':
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
        break;
      case 'not':
        stack.push(n.child);
        break;
      case 'nested':
        checkField(n.path, out);
        stack.push(n.query);
        break;
      case 'is':
        checkField(n.field, out);
        checkUnquoted(n.value, 'value', out);
        break;
      case 'exists':
        checkField(n.field, out);
        break;
      case 'range':
        checkField(n.field, out);
        checkUnquoted(n.value, 'value', out);
        if (n.value.kind === 'wildcard') {
          out.push({
            severity: 'warning',
            code: 'KQLW03',
            message:
              'a range value cannot be a wildcard: Elasticsearch compares the text with its "*" literally',
            span: n.value.span,
            hint: 'remove the "*" or use a wildcard match (field:value*) instead of a range',
          });
        }
        break;
      case 'all':
        break;
    }
  }
  return out;
}
