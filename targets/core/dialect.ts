/**
 * Declarative expression dialects. A target describes each expression language it writes (SPL
 * `search`, SPL `where`, Kusto, ...) as a `Dialect`: boolean tokens, precedence, grouping,
 * quoting, and one handler per lowered node kind and per match kind. The handler tables are
 * typed as complete records, so a dialect that forgets a kind does not compile.
 *
 * Parenthesisation is generic: `emit` wraps a child whenever its precedence is lower than its
 * parent's, or always for compound children when the dialect sets `alwaysGroup` (SPL `search`,
 * where OR binds tighter than AND).
 */
import type { LField, LKind, LMatch, LNode, LNodeOf, MatchKind, Pattern } from './ir.js';

/** Boolean syntax of a dialect. Higher precedence binds tighter. */
export interface BoolSyntax {
  and: string;
  or: string;
  not: string;
  precedence: { or: number; and: number; not: number };
  /** Parenthesise every compound child of a binary operator, whatever the precedence (a `not` child only when `not` binds looser). */
  alwaysGroup: boolean;
  open: string;
  close: string;
  /** Text for a constant true / false (used only when a tree folds to a constant). */
  all: string;
  none: string;
}

/** Emitted text with the precedence of its top operator (`ATOM` for atoms and groups). */
export interface Emitted {
  text: string;
  prec: number;
}

export const ATOM = 1000;

export type NodeHandlers<C> = { [K in LKind]: (n: LNodeOf<K>, d: Dialect<C>, c: C) => Emitted };
export type MatchHandlers<C> = {
  [K in MatchKind]: (
    field: LField | null,
    p: Extract<Pattern, { kind: K }>,
    node: LMatch,
    c: C,
  ) => string;
};

export interface Dialect<C> {
  name: string;
  bool: BoolSyntax;
  /** Write a string literal with this dialect's quoting and escaping. */
  quote(text: string): string;
  /** Write a field reference. */
  field(f: LField, c: C): string;
  nodes: NodeHandlers<C>;
  match: MatchHandlers<C>;
}

export function emit<C>(n: LNode, d: Dialect<C>, c: C): Emitted {
  const h = d.nodes[n.kind] as (n: LNode, d: Dialect<C>, c: C) => Emitted;
  return h(n, d, c);
}

/** Emit `n` as the operand of an operator with precedence `parent`. */
export function operand<C>(n: LNode, d: Dialect<C>, c: C, parent: number): string {
  const e = emit(n, d, c);
  const compound = e.prec < ATOM;
  if (
    compound &&
    (d.bool.alwaysGroup || e.prec < parent || (e.prec === parent && n.kind === 'not'))
  ) {
    return `${d.bool.open}${e.text}${d.bool.close}`;
  }
  return e.text;
}

/** A `not` child needs no group under `alwaysGroup` when `not` binds tighter than the parent. */
function notBindsTighter<C>(k: LNode, d: Dialect<C>, parent: number): boolean {
  return k.kind === 'not' && d.bool.precedence.not > parent;
}

/** Join operands with a binary operator, grouping children as precedence requires. */
export function joinBool<C>(op: 'and' | 'or', children: LNode[], d: Dialect<C>, c: C): Emitted {
  const prec = d.bool.precedence[op];
  const parts = children.map((k) => {
    const e = emit(k, d, c);
    const compound = e.prec < ATOM;
    // same operator nested (not flattened) needs no parentheses unless alwaysGroup
    if (
      compound &&
      ((d.bool.alwaysGroup && !notBindsTighter(k, d, prec)) ||
        e.prec < prec ||
        (e.prec === prec && k.kind !== op))
    ) {
      return `${d.bool.open}${e.text}${d.bool.close}`;
    }
    return e.text;
  });
  return { text: parts.join(` ${d.bool[op]} `), prec };
}

/** Handlers for the boolean structure; a dialect spreads them and adds its atoms. */
export function boolHandlers<C>(): Pick<
  NodeHandlers<C>,
  'and' | 'or' | 'not' | 'all' | 'none' | 'match'
> {
  return {
    and: (n, d, c) => joinBool('and', n.children, d, c),
    or: (n, d, c) => joinBool('or', n.children, d, c),
    not: (n, d, c) => {
      const p = d.bool.precedence.not;
      const e = emit(n.child, d, c);
      const inner = e.prec < ATOM ? `${d.bool.open}${e.text}${d.bool.close}` : e.text;
      return { text: `${d.bool.not} ${inner}`, prec: p };
    },
    all: (_n, d) => ({ text: d.bool.all, prec: ATOM }),
    none: (_n, d) => ({ text: d.bool.none, prec: ATOM }),
    match: (n, d, c) => {
      const h = d.match[n.pattern.kind] as (
        f: LField | null,
        p: Pattern,
        node: LMatch,
        c: C,
      ) => string;
      return { text: h(n.field, n.pattern, n, c), prec: ATOM };
    },
  };
}
