/**
 * Lowering pass: classify a KQL value into a match pattern (eq / prefix / suffix / contains /
 * wildcard / cidr / any). Consecutive wildcards collapse (`a**b` is `a*b`); nothing is escaped.
 */
import type { Value } from '../../../src/kql/ast.js';
import { literalText } from '../../../src/kql/ast.js';
import type { FieldType } from '../../../src/mapping/types.js';
import type { Pattern } from '../ir.js';

const CIDR4 = /^(\d{1,3})(\.\d{1,3}){3}\/\d{1,2}$/;
const CIDR6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\/\d{1,3}$/;

/** Text looks like a CIDR network (`10.0.0.0/8`, `2001:db8::/64`). */
export function isCidr(text: string): boolean {
  return CIDR4.test(text) || CIDR6.test(text);
}

/** Collapse runs of empty middle chunks: `['a','','b']` (a**b) → `['a','b']`. */
export function collapseWildcards(chunks: readonly string[]): string[] {
  const out: string[] = [chunks[0]];
  for (let i = 1; i < chunks.length; i++) {
    const c = chunks[i];
    // an empty chunk strictly between two wildcards adds nothing
    if (c === '' && i < chunks.length - 1) continue;
    out.push(c);
  }
  if (out.length < 2) out.push('');
  return out;
}

export function classifyValue(value: Value, fieldType?: FieldType): Pattern {
  if (value.kind === 'literal') {
    const text = literalText(value);
    if (fieldType === 'ip' && typeof value.value === 'string' && isCidr(text))
      return { kind: 'cidr', text };
    const p: Pattern = { kind: 'eq', text, quoted: value.quoted };
    if (typeof value.value !== 'string') p.typed = value.value;
    return p;
  }
  const chunks = collapseWildcards(value.chunks);
  if (chunks.length === 2) {
    const [a, b] = chunks;
    if (a === '' && b === '') return { kind: 'any' };
    if (b === '') return { kind: 'prefix', text: a };
    if (a === '') return { kind: 'suffix', text: b };
  }
  if (chunks.length === 3 && chunks[0] === '' && chunks[2] === '') {
    return chunks[1] === '' ? { kind: 'any' } : { kind: 'contains', text: chunks[1] };
  }
  return { kind: 'wildcard', chunks };
}

/** The pattern as wildcard chunks (eq → one chunk, prefix → [text, ''], ...). */
export function patternChunks(p: Pattern): string[] | undefined {
  switch (p.kind) {
    case 'eq':
      return [p.text];
    case 'prefix':
      return [p.text, ''];
    case 'suffix':
      return ['', p.text];
    case 'contains':
      return ['', p.text, ''];
    case 'wildcard':
      return p.chunks;
    case 'any':
      return ['', ''];
    case 'cidr':
      return undefined;
  }
}

/** The literal texts of a pattern (what case-sensitivity or escaping applies to). */
export function patternTexts(p: Pattern): string[] {
  if (p.kind === 'cidr') return [p.text];
  return patternChunks(p) ?? [];
}

/** Does the text contain a letter whose case can vary (so case-insensitive matching differs)? */
export function hasCasedLetters(text: string): boolean {
  return text.toLowerCase() !== text.toUpperCase();
}

/** Text reads as a number (for ranges). */
export function isNumeric(text: string): boolean {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text.trim());
}

/** Test a string against a wildcard pattern (`*` any run incl. line breaks), case-sensitive. */
export function wildcardMatches(chunks: readonly string[], s: string): boolean {
  const re = new RegExp(
    '^' + chunks.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*') + '$',
  );
  return re.test(s);
}
