/**
 * The solver core shared by `equiv` and event generation: queries → BDDs over atoms, the
 * per-field theory check of a BDD path (with conflict clauses), and turning accepted paths into
 * documents.
 */
import type { Node } from '../../kql/ast.js';
import type { Atom, AtomTable, ValueTheory } from './atoms.js';
import { type Bdd, FALSE, TRUE, type Ref } from './bdd.js';
import { anyValue, witness } from './theory.js';
import { matchesString } from './strings.js';
import { buildDocument } from '../doc.js';
import type { EcsEvent } from '../types.js';

export interface Ctx {
  table: AtomTable;
  bdd: Bdd;
}

export function toBdd(ctx: Ctx, n: Node): Ref {
  switch (n.kind) {
    case 'and':
      return n.children.reduce<Ref>((acc, c) => ctx.bdd.and(acc, toBdd(ctx, c)), TRUE);
    case 'or':
      return n.children.reduce<Ref>((acc, c) => ctx.bdd.or(acc, toBdd(ctx, c)), FALSE);
    case 'not':
      return ctx.bdd.not(toBdd(ctx, n.child));
    case 'all':
      return TRUE;
    default:
      return ctx.bdd.variable(ctx.table.leaf(n).id);
  }
}

/** Intern the atoms of `n` in depth-first order (this is the BDD variable order). */
export function intern(table: AtomTable, n: Node): void {
  switch (n.kind) {
    case 'and':
    case 'or':
      n.children.forEach((c) => intern(table, c));
      return;
    case 'not':
      intern(table, n.child);
      return;
    case 'all':
      return;
    default:
      table.leaf(n);
  }
}

export interface FieldState {
  field: string;
  type: string;
  maxLen?: number;
  exists?: Atom;
  values: Atom[];
}

export function fieldsOf(table: AtomTable): Map<string, FieldState> {
  const out = new Map<string, FieldState>();
  for (const a of table.atoms) {
    if (a.kind === 'opaque' || a.field === undefined) continue;
    let st = out.get(a.field);
    if (!st) {
      const info = table.info(a.field);
      st = { field: a.field, type: info.type, maxLen: info.ignoreAbove, values: [] };
      out.set(a.field, st);
    }
    if (a.kind === 'exists') st.exists = a;
    else st.values.push(a);
  }
  return out;
}

const th = (a: Atom): ValueTheory => a.theory!;

/**
 * Cheap necessary condition for P ⊆ Q on strings: two members of P (every * empty, every * a
 * character no pattern uses) must be in Q. Saves the automaton search for almost every pair.
 */
function maybeSubset(p: ValueTheory, q: ValueTheory): boolean {
  if (p.kind !== 'string' || q.kind !== 'string') return true;
  const pp = p.pred;
  if (pp.kind === 'eq') return matchesString(q.pred, pp.value);
  if (pp.kind !== 'wildcard') return true;
  return (
    matchesString(q.pred, pp.chunks.join('')) && matchesString(q.pred, pp.chunks.join('\u0001'))
  );
}

/** Structural lemmas: value ⇒ exists; P ⊆ Q ⇒ (p ⇒ q); empty P ⇒ ¬p; every value has a witness. */
export function structuralLemmas(ctx: Ctx, fields: Map<string, FieldState>): Ref {
  const { bdd } = ctx;
  let d: Ref = TRUE;
  for (const st of fields.values()) {
    const e = st.exists!;
    for (const a of st.values) {
      d = bdd.and(d, bdd.implies(bdd.variable(a.id), bdd.variable(e.id)));
      if (witness(th(a), []) === null) {
        d = bdd.and(d, bdd.not(bdd.variable(a.id)));
        continue;
      }
      for (const b of st.values) {
        if (a === b) continue;
        const ta = th(a);
        const tb = th(b);
        // Literal ⊆ pattern needs no search; two literals are never nested (they are distinct).
        if (
          ta.kind === 'string' &&
          ta.pred.kind === 'eq' &&
          tb.kind === 'string' &&
          tb.pred.kind === 'eq'
        )
          continue;
        if (
          ta.kind === 'string' &&
          ta.pred.kind !== 'eq' &&
          tb.kind === 'string' &&
          tb.pred.kind === 'eq'
        )
          continue;
        if (!maybeSubset(ta, tb)) continue;
        if (witness(ta, [tb]) === null)
          d = bdd.and(d, bdd.implies(bdd.variable(a.id), bdd.variable(b.id)));
      }
    }
  }
  return d;
}

/** Shrink `excluded` to a minimal subset that still leaves `target` without a witness. */
function minimise(target: ValueTheory, excluded: Atom[]): Atom[] {
  let keep = [...excluded];
  for (const x of excluded) {
    const without = keep.filter((k) => k !== x);
    if (witness(target, without.map(th)) === null) keep = without;
  }
  return keep;
}

export type PathResult = { ok: true; values: Map<string, unknown[]> } | { ok: false; lemma: Ref };

/** Theory check of one BDD path: witnesses per field, or a conflict clause. */
export function checkPath(
  ctx: Ctx,
  fields: Map<string, FieldState>,
  assign: Map<number, boolean>,
): PathResult {
  const { bdd } = ctx;
  const values = new Map<string, unknown[]>();
  for (const st of fields.values()) {
    const trues = st.values.filter((a) => assign.get(a.id) === true);
    const falses = st.values.filter((a) => assign.get(a.id) === false);
    const exists = st.exists ? assign.get(st.exists.id) : undefined;
    const out: unknown[] = [];
    for (const t of trues) {
      const w = witness(th(t), falses.map(th));
      if (w === null) {
        const core = minimise(th(t), falses);
        const clause = core.reduce<Ref>(
          (acc, f) => bdd.or(acc, bdd.variable(f.id)),
          bdd.not(bdd.variable(t.id)),
        );
        return { ok: false, lemma: clause };
      }
      if (!out.some((o) => o === w)) out.push(w);
    }
    if (trues.length === 0 && exists === true) {
      const any = anyValue(st.type, st.maxLen);
      const w = witness(any, falses.map(th));
      if (w === null) {
        const core = minimise(any, falses);
        const clause = core.reduce<Ref>(
          (acc, f) => bdd.or(acc, bdd.variable(f.id)),
          bdd.not(bdd.variable(st.exists!.id)),
        );
        return { ok: false, lemma: clause };
      }
      out.push(w);
    }
    if (out.length > 0) values.set(st.field, out);
  }
  return { ok: true, values };
}

/**
 * Up to `limit` documents realising satisfying paths of `root` (theory-checked; conflicts are
 * learnt into `lemmas`, which is returned updated). Paths through opaque atoms are skipped unless
 * `allowOpaque`.
 */
export function realise(
  ctx: Ctx,
  fields: Map<string, FieldState>,
  root: Ref,
  lemmas: Ref,
  limit: number,
  maxRounds = 200,
): { docs: { doc: EcsEvent; assign: Map<number, boolean> }[]; lemmas: Ref } {
  const docs: { doc: EcsEvent; assign: Map<number, boolean> }[] = [];
  const seen = new Set<string>();
  for (let round = 0; round < maxRounds && docs.length < limit; round++) {
    const goal = ctx.bdd.and(root, lemmas);
    if (goal === FALSE) break;
    let learnt = false;
    for (const path of ctx.bdd.paths(goal, 2000)) {
      const r = checkPath(ctx, fields, path);
      if (!r.ok) {
        lemmas = ctx.bdd.and(lemmas, r.lemma);
        learnt = true;
        break;
      }
      const doc = buildDocument(r.values);
      const key = JSON.stringify(doc);
      if (seen.has(key)) continue;
      seen.add(key);
      docs.push({ doc, assign: path });
      if (docs.length >= limit) break;
    }
    if (!learnt) break;
  }
  return { docs, lemmas };
}
