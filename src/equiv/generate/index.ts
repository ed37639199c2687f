/**
 * Boundary-event generation: from one or more queries, a small, deterministic (seeded), explained
 * set of ECS documents that exercises every atom true and false:
 *
 * - base documents: a few that match each query (one per distinct satisfying path the solver
 *   finds) and a few that do not, realised by the same theory as `equiv` (so they are real
 *   documents, arrays and all);
 * - on the first matching base: every boundary variant of every atom (exact value, case variants,
 *   empty string, near misses, wildcard boundary strings, arrays with one matching element among
 *   others, missing / null / [] fields, range and CIDR edges);
 * - on the other bases: each decided atom flipped once (true → a value just outside it, false →
 *   a value inside it), which exposes precedence and grouping mistakes;
 * - the empty document.
 */
import type { Node } from '../../kql/ast.js';
import { AtomTable, type Atom, type FieldTypeLookup } from '../decide/atoms.js';
import { Bdd, BddLimit } from '../decide/bdd.js';
import { TheoryLimit } from '../decide/strings.js';
import { anyValue, witness } from '../decide/theory.js';
import { fieldsOf, intern, realise, structuralLemmas, toBdd, type Ctx } from '../decide/solve.js';
import { cloneDoc, deletePath, setPath } from '../doc.js';
import type { EcsEvent, GeneratedEvent } from '../types.js';
import { makeRng } from './rng.js';
import { MISSING, atomVariants } from './variants.js';

export interface GenerateOptions {
  seed?: number;
  fieldInfo?: FieldTypeLookup;
  /** `now` for date math in the queries. */
  now?: Date;
  /** Cap on the number of events (default 600). */
  maxEvents?: number;
  /** Matching base documents per query (default 3). */
  bases?: number;
  /**
   * May a field hold an array? Array-valued variants are generated only where it may (default:
   * everywhere, as Elasticsearch allows; `verify` passes the ECS / profile shapes of `shape.ts`).
   */
  multiValued?: (field: string) => boolean;
}

export function generateEvents(
  queries: readonly Node[],
  opts: GenerateOptions = {},
): GeneratedEvent[] {
  const rng = makeRng(opts.seed ?? 1);
  const max = opts.maxEvents ?? 600;
  const table = new AtomTable(opts.fieldInfo ?? (() => undefined), queries, opts.now);
  const bdd = new Bdd(500_000);
  const ctx: Ctx = { table, bdd };
  const out: GeneratedEvent[] = [];
  const seen = new Set<string>();
  const multiValued = opts.multiValued ?? (() => true);
  const push = (doc: EcsEvent, why: string) => {
    if (out.length >= max) return;
    // No arrays where the data never has them (bases and flips may realise one).
    if (opts.multiValued && !conforming(doc, '', multiValued)) return;
    const key = JSON.stringify(doc);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ id: `g${String(out.length + 1).padStart(4, '0')}`, doc, why });
  };

  const positives: { doc: EcsEvent; assign: Map<number, boolean> }[] = [];
  const negatives: { doc: EcsEvent; assign: Map<number, boolean> }[] = [];
  try {
    queries.forEach((q) => intern(table, q));
    const fields = fieldsOf(table);
    let lemmas = structuralLemmas(ctx, fields);
    for (const q of queries) {
      const f = toBdd(ctx, q);
      const pos = realise(ctx, fields, f, lemmas, opts.bases ?? 3);
      lemmas = pos.lemmas;
      positives.push(...pos.docs);
      const neg = realise(ctx, fields, bdd.not(f), lemmas, 2);
      lemmas = neg.lemmas;
      negatives.push(...neg.docs);
    }
  } catch (e) {
    if (!(e instanceof BddLimit || e instanceof TheoryLimit)) throw e;
    // Too big to solve: fall back to per-atom variants on an empty base.
  }
  const describe = (assign: Map<number, boolean>) =>
    table.atoms
      .filter((a) => assign.has(a.id) && a.kind !== 'opaque')
      .map((a) => `${a.text}=${assign.get(a.id) ? 'T' : 'F'}`)
      .join(', ');
  positives.forEach((p) => push(p.doc, `matching base: ${describe(p.assign) || 'any document'}`));
  negatives.forEach((p) =>
    push(p.doc, `non-matching base: ${describe(p.assign) || 'any document'}`),
  );

  const base = positives[0]?.doc ?? {};
  const sampleOf = (a: Atom): unknown => {
    const t = a.field !== undefined ? anyValue(table.type(a.field)) : undefined;
    return t ? (witness(t, []) ?? 'x') : 'x';
  };
  const apply = (doc: EcsEvent, field: string, value: unknown) => {
    const d = cloneDoc(doc);
    deletePath(d, field);
    if (value !== MISSING) setPath(d, field, value);
    return d;
  };
  // Full variants on the first matching base.
  for (const atom of table.atoms) {
    if (atom.field === undefined) continue;
    const arrays = multiValued(atom.field);
    for (const v of atomVariants(atom, rng, sampleOf(atom))) {
      if (Array.isArray(v.value) && !arrays) continue;
      push(apply(base, atom.field, v.value), v.why);
    }
  }
  // The atom's value under a sibling key while the field itself holds another value: catches
  // mixed-up fields and Name/Value pairs that lost their pairing in a target.
  for (const atom of table.atoms) {
    const t = atom.theory;
    if (atom.kind !== 'value' || !atom.field || !t || t.kind !== 'string') continue;
    // A value the atom accepts: the literal, or a wildcard pattern's match with `x` in each `*`.
    const value =
      t.pred.kind === 'eq'
        ? t.pred.value
        : t.pred.kind === 'wildcard'
          ? t.pred.chunks.join('x')
          : undefined;
    if (value === undefined) continue;
    const dot = atom.field.lastIndexOf('.');
    if (dot < 0) continue;
    const sibling = `${atom.field.slice(0, dot)}.zz_sibling`;
    const d = apply(base, atom.field, 'zz_other');
    setPath(d, sibling, value);
    push(
      d,
      `${atom.text}: the value under the sibling field ${sibling}, another value in the field`,
    );
  }
  // Atoms outside the fragment: their value in a field (free text: in `message`).
  for (const atom of table.atoms) {
    const n = atom.node;
    if (atom.kind !== 'opaque' || !n || (n.kind !== 'is' && n.kind !== 'range')) continue;
    // A multi-field (`process.name.caseless`) reads its parent's values: write those.
    const named = n.field && !n.field.wildcard ? String(n.field.name) : 'message';
    const field = opts.fieldInfo?.(named)?.valuePath ?? named;
    const v = n.value;
    const text =
      v.kind === 'wildcard'
        ? v.chunks.join(rng.pick(['x', 'q']))
        : v.value === null
          ? 'null'
          : String(v.value);
    push(apply(base, field, text), `${atom.text}: the value itself in ${field}`);
    push(apply(base, field, text.toUpperCase()), `${atom.text}: upper-case value in ${field}`);
    push(apply(base, field, `${text} x`), `${atom.text}: the value followed by a word in ${field}`);
  }
  // One flip per decided atom on the other bases.
  for (const b of [...positives.slice(1), ...negatives]) {
    for (const [id, val] of b.assign) {
      const atom = table.atoms[id];
      if (atom.kind !== 'value' || atom.field === undefined || !atom.theory) continue;
      try {
        const w = val
          ? witness(anyValue(table.type(atom.field)), [atom.theory])
          : witness(atom.theory, []);
        if (w === null) continue;
        push(
          apply(b.doc, atom.field, w),
          `flip ${atom.text} to ${val ? 'false' : 'true'} in base (${describe(b.assign)})`,
        );
      } catch (e) {
        if (!(e instanceof TheoryLimit)) throw e;
      }
    }
  }
  push({}, 'empty document (every field missing)');
  return out;
}

/** Does every array in `v` sit in a field that may hold several values? */
function conforming(v: unknown, path: string, multiValued: (field: string) => boolean): boolean {
  if (Array.isArray(v)) {
    if (path !== '' && !multiValued(path)) return false;
    return v.every((x) => conforming(x, path, multiValued));
  }
  if (v === null || typeof v !== 'object') return true;
  return Object.entries(v as Record<string, unknown>).every(([k, x]) =>
    conforming(x, path ? `${path}.${k}` : k, multiValued),
  );
}
