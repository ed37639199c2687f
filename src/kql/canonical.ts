/**
 * The neutral canonical JSON form of a KQL tree (../shared/corpus/README.md, "Canonical AST"):
 * what `siemc parse --canonical` prints and what the corpus records for Kibana's parser.
 */
import type { FieldRef, Node, Value } from './ast.js';

export type CanonicalField = null | { lit: string | boolean } | { wc: string[] };
export type CanonicalValue = { lit: string | boolean | null; quoted: boolean } | { wc: string[] };
export type CanonicalNode =
  | { or: CanonicalNode[] }
  | { and: CanonicalNode[] }
  | { not: CanonicalNode }
  | { is: { field: CanonicalField; value: CanonicalValue } }
  | { exists: { field: CanonicalField } }
  | { range: { field: CanonicalField; op: string; value: CanonicalValue } }
  | { nested: { path: CanonicalField; query: CanonicalNode } }
  | { all: true };

function wc(chunks: string[]): string[] {
  const out: string[] = [];
  chunks.forEach((c, i) => {
    if (i > 0) out.push('*');
    out.push(c);
  });
  return out;
}

export function canonicalField(f: FieldRef | null): CanonicalField {
  if (f === null || f.name === null) return null;
  if (f.wildcard) return { wc: wc(f.wildcard) };
  return { lit: f.name };
}

export function canonicalValue(v: Value): CanonicalValue {
  return v.kind === 'wildcard' ? { wc: wc(v.chunks) } : { lit: v.value, quoted: v.quoted };
}

export function toCanonical(n: Node): CanonicalNode {
  switch (n.kind) {
    case 'or':
      return { or: n.children.map(toCanonical) };
    case 'and':
      return { and: n.children.map(toCanonical) };
    case 'not':
      return { not: toCanonical(n.child) };
    case 'is':
      return { is: { field: canonicalField(n.field), value: canonicalValue(n.value) } };
    case 'exists':
      return { exists: { field: canonicalField(n.field) } };
    case 'range':
      return {
        range: { field: canonicalField(n.field), op: n.op, value: canonicalValue(n.value) },
      };
    case 'nested':
      return { nested: { path: canonicalField(n.path), query: toCanonical(n.query) } };
    case 'all':
      return { all: true };
  }
}
