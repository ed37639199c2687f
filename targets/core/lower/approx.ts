/**
 * Lowering pass: sound approximations. Given which atoms a target dialect can express exactly
 * and which only as a superset (e.g. SPL `search`, where values match case-insensitively), build
 *
 * - `over(n)`:  a tree that matches at least every event `n` matches (a safe pre-filter), and
 * - `under(n)`: a tree that matches only events `n` matches.
 *
 * `not` swaps them: over(not x) = not under(x). An atom that is only a superset is kept in
 * `over` and replaced by `none` in `under`; an atom the dialect cannot express at all becomes
 * `all` in `over` and `none` in `under`.
 */
import type { LNode } from '../ir.js';
import { isAtom } from '../ir.js';
import { simplify } from './simplify.js';

/** How a dialect expresses an atom: exactly, as a superset, or not at all. */
export type AtomFidelity = 'exact' | 'superset' | 'none';

export function over(n: LNode, fidelity: (atom: LNode) => AtomFidelity): LNode {
  return simplify(approx(n, fidelity, true));
}

export function under(n: LNode, fidelity: (atom: LNode) => AtomFidelity): LNode {
  return simplify(approx(n, fidelity, false));
}

function approx(n: LNode, fidelity: (atom: LNode) => AtomFidelity, up: boolean): LNode {
  if (isAtom(n)) {
    const f = fidelity(n);
    if (f === 'exact') return n;
    if (f === 'superset') return up ? n : { kind: 'none', span: n.span };
    return { kind: up ? 'all' : 'none', span: n.span };
  }
  switch (n.kind) {
    case 'and':
    case 'or':
      return { ...n, children: n.children.map((c) => approx(c, fidelity, up)) };
    case 'not':
      return { ...n, child: approx(n.child, fidelity, !up) };
    case 'nested': {
      const q = approx(n.query, fidelity, up);
      return { ...n, query: q };
    }
    default:
      return n;
  }
}

/** Every atom of the tree is expressed exactly. */
export function allExact(n: LNode, fidelity: (atom: LNode) => AtomFidelity): boolean {
  if (isAtom(n)) return fidelity(n) === 'exact';
  switch (n.kind) {
    case 'and':
    case 'or':
      return n.children.every((c) => allExact(c, fidelity));
    case 'not':
      return allExact(n.child, fidelity);
    case 'nested':
      return allExact(n.query, fidelity);
    default:
      return true;
  }
}
