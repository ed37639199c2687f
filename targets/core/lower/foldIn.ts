/**
 * Lowering pass: fold `or` children that are `eq` matches on the same field into one `in` node
 * (`f:(a or b or c)` → `f IN (a, b, c)`). Order of first appearance is kept; other children stay.
 */
import type { EqPattern, LIn, LNode } from '../ir.js';

function fieldKey(n: LNode): string | undefined {
  if (n.kind !== 'match' || !n.field || n.pattern.kind !== 'eq' || n.field.wildcard)
    return undefined;
  return `${n.field.source}\u0000${n.field.name}`;
}

export function foldIn(n: LNode): LNode {
  switch (n.kind) {
    case 'and':
      return { ...n, children: n.children.map(foldIn) };
    case 'not':
      return { ...n, child: foldIn(n.child) };
    case 'nested':
      return { ...n, query: foldIn(n.query) };
    case 'or': {
      const kids = n.children.map(foldIn);
      const groups = new Map<string, number[]>();
      kids.forEach((k, i) => {
        const key = fieldKey(k);
        if (key === undefined) return;
        const g = groups.get(key) ?? [];
        g.push(i);
        groups.set(key, g);
      });
      const out: LNode[] = [];
      const consumed = new Set<number>();
      kids.forEach((k, i) => {
        if (consumed.has(i)) return;
        const key = fieldKey(k);
        const g = key === undefined ? undefined : groups.get(key);
        if (!g || g.length < 2 || k.kind !== 'match' || !k.field) {
          out.push(k);
          return;
        }
        const values: EqPattern[] = [];
        let end = k.span.end;
        for (const j of g) {
          consumed.add(j);
          const m = kids[j];
          if (m.kind === 'match' && m.pattern.kind === 'eq') values.push(m.pattern);
          end = Math.max(end, m.span.end);
        }
        const folded: LIn = {
          kind: 'in',
          field: k.field,
          values,
          span: { start: k.span.start, end },
        };
        out.push(folded);
      });
      if (out.length === 1) return out[0];
      return { ...n, children: out };
    }
    default:
      return n;
  }
}
