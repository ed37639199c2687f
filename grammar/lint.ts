/**
 * Lint warnings for inputs Kibana's grammar accepts but that are probably mistakes
 * (`a:b or` is the value "b or"; a value running over a line break hides a missing `or`).
 */
import type { FieldRef, Node, Value } from '../src/kql/ast.js';
import type { Diagnostic } from '../src/diagnostics.js';

const KEYWORD_EDGE = /(^|[ \t\r\n\u00a0])(or|and|not)$|^(or|and|not)[ \t\r\n\u00a0]/i;

function valueText(v: Value): string | null {
  if (v.kind === 'wildcard') return v.chunks.join('*');
  return typeof v.value === 'string' ? v.value : null;
}

function checkUnquoted(v: Value, what: string, out: Diagnostic[]): void {
  if (v.kind === 'literal' && v.quoted) return;
  const text = valueText(v);
  // Both lints need whitespace inside the text: skip the regexes for the common case.
  if (text === null || !/[ \t\r\n\u00a0]/.test(text)) return;
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
  if (f === null || typeof f.name !== 'string') return;
  const v: Value = f.wildcard
    ? { kind: 'wildcard', chunks: f.wildcard, span: f.span }
    : { kind: 'literal', value: f.name, quoted: false, span: f.span };
  checkUnquoted(v, 'field name', out);
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
