/**
 * Lowering pass: constant folding and flattening. `and` with `none` is `none`, `or` with `all`
 * is `all`, `all`/`none` children drop out of their groups, `not all` is `none`, nested groups of
 * the same operator merge, one-child groups collapse.
 */
import type { LNode } from '../ir.js';

export function simplify(n: LNode): LNode {
  switch (n.kind) {
    case 'and':
    case 'or': {
      const unit = n.kind === 'and' ? 'all' : 'none';
      const zero = n.kind === 'and' ? 'none' : 'all';
      const kids: LNode[] = [];
      for (const c0 of n.children) {
        const c = simplify(c0);
        if (c.kind === zero) return { kind: zero, span: n.span };
        if (c.kind === unit) continue;
        if (c.kind === n.kind) kids.push(...c.children);
        else kids.push(c);
      }
      if (kids.length === 0) return { kind: unit, span: n.span };
      if (kids.length === 1) return kids[0];
      return { ...n, children: kids };
    }
    case 'not': {
      const c = simplify(n.child);
      if (c.kind === 'all') return { kind: 'none', span: n.span };
      if (c.kind === 'none') return { kind: 'all', span: n.span };
      return { ...n, child: c };
    }
    case 'nested': {
      const q = simplify(n.query);
      if (q.kind === 'none') return q;
      return { ...n, query: q };
    }
    default:
      return n;
  }
}
