/**
 * `equiv`: decide whether two KQL queries match the same documents.
 *
 * Method (lazy SMT over BDDs, exact for the fragment of keyword equality / wildcards / keyword
 * ranges, numeric, date and ip ranges and CIDR, booleans, exists, and/or/not):
 *
 * 1. Every leaf becomes a variable (`AtomTable`); both queries become BDDs and we take A xor B.
 * 2. A document assigns each field a *set* of values (arrays match if any element does). Given which
 *    value atoms of a field are true (T) and false (F), a document exists iff for every t in T some
 *    single value lies in t and in no atom of F — the elements are independent. Exists(f) is "the
 *    set is non-empty". These per-field facts are the theory.
 * 3. Structural lemmas (value atom ⇒ exists, literal ⊆ pattern ⇒ implication, empty atom ⇒ false)
 *    are conjoined up front; then we walk satisfying paths of (A xor B) ∧ lemmas: a path the theory
 *    rejects yields a minimal conflict clause (t ⇒ f1 ∨ … ∨ fk) that is conjoined, and we retry.
 *    A path the theory accepts yields concrete witness values, hence a counterexample document.
 * 4. UNSAT ⇒ equivalent. Atoms outside the fragment stay unconstrained variables, so an UNSAT
 *    answer is still a proof; a SAT answer over such atoms is only a candidate, checked by running
 *    both queries on the document with the native evaluator. Every counterexample is checked so.
 * 5. When no proof and no verified counterexample come out (limits, opaque atoms), fall back to
 *    testing on generated boundary events, and say so.
 */
import type { Node } from '../../kql/ast.js';
import { AtomTable, type FieldTypeLookup } from './atoms.js';
import { Bdd, BddLimit, FALSE } from './bdd.js';
import { TheoryLimit } from './strings.js';
import type { EcsEvent, NativeMatcher } from '../types.js';
import { type Ctx, checkPath, fieldsOf, intern, structuralLemmas, toBdd } from './solve.js';
import { buildDocument } from '../doc.js';
import { generateEvents } from '../generate/index.js';

export interface DecideOptions {
  /** Field types (the evaluator's schema); unknown fields are keyword. */
  fieldInfo?: FieldTypeLookup;
  /** The native evaluator, used to check every counterexample and for the testing fallback. */
  matcher?: NativeMatcher;
  /** Upper bound on conflict clauses learnt before giving up on the exact method. */
  maxLemmas?: number;
  /** BDD node budget. */
  maxNodes?: number;
  /** Seed of the generated events of the testing fallback. */
  seed?: number;
  /** `now` for date math in both queries (pinned so that both sides see the same instant). */
  now?: Date;
}

export interface Counterexample {
  /** The distinguishing document. */
  doc: EcsEvent;
  /** Does query A (B) match it? Exactly one does. */
  matchesA: boolean;
  matchesB: boolean;
  /** The atoms the document decides, e.g. `process.name:"cmd.exe" = true`. */
  explanation: string[];
  /** True when the native evaluator confirmed the two verdicts. */
  verified: boolean;
}

export interface Decision {
  result: 'equivalent' | 'different' | 'unknown';
  /** `exact`: decided by the procedure; `tested`: found (or not) on generated events only. */
  method: 'exact' | 'tested';
  counterexample?: Counterexample;
  /** Atoms outside the exact fragment, with reasons. */
  outside: { atom: string; reason: string }[];
  /** Why the exact method did not conclude (for `tested` results). */
  note?: string;
  stats: { atoms: number; lemmas: number; bddNodes: number; paths: number; events?: number };
}

function explain(table: AtomTable, assign: Map<number, boolean>): string[] {
  return table.atoms
    .filter((a) => assign.has(a.id))
    .map(
      (a) =>
        `${a.text} is ${assign.get(a.id) ? 'true' : 'false'}${a.kind === 'opaque' ? ' (outside the exact fragment)' : ''}`,
    );
}

/** Decide whether queries `a` and `b` match exactly the same documents. */
export function decideEquivalence(a: Node, b: Node, opts: DecideOptions = {}): Decision {
  const table = new AtomTable(opts.fieldInfo ?? (() => undefined), [a, b], opts.now);
  const bdd = new Bdd(opts.maxNodes ?? 2_000_000);
  const ctx: Ctx = { table, bdd };
  const stats = { atoms: 0, lemmas: 0, bddNodes: 0, paths: 0 };
  const outside = () =>
    table.atoms
      .filter((x) => x.kind === 'opaque')
      .map((x) => ({ atom: x.text, reason: x.reason ?? 'outside the fragment' }));
  let note: string | undefined;
  try {
    intern(table, a);
    intern(table, b);
    const fa = toBdd(ctx, a);
    const fb = toBdd(ctx, b);
    const diff = bdd.xor(fa, fb);
    const fields = fieldsOf(table);
    let lemmas = structuralLemmas(ctx, fields);
    const maxLemmas = opts.maxLemmas ?? 2000;
    const rejected = new Set<string>();
    for (;;) {
      const goal = bdd.and(diff, lemmas);
      stats.atoms = table.atoms.length;
      stats.bddNodes = bdd.size;
      if (goal === FALSE) {
        return { result: 'equivalent', method: 'exact', outside: outside(), stats };
      }
      let learnt = false;
      let sawCandidate = false;
      for (const path of bdd.paths(goal, 10_000)) {
        stats.paths++;
        const r = checkPath(ctx, fields, path);
        if (!r.ok) {
          lemmas = bdd.and(lemmas, r.lemma);
          stats.lemmas++;
          learnt = true;
          break;
        }
        const doc = buildDocument(r.values);
        const key = JSON.stringify(doc);
        if (rejected.has(key)) continue;
        sawCandidate = true;
        const usesOpaque = table.atoms.some((x) => x.kind === 'opaque' && path.has(x.id));
        const cx = confirm(a, b, doc, opts.matcher, !usesOpaque);
        if (cx) {
          return {
            result: 'different',
            method: 'exact',
            counterexample: { ...cx, explanation: explain(table, path) },
            outside: outside(),
            stats,
          };
        }
        rejected.add(key);
        if (!usesOpaque) {
          note = `the native evaluator disagrees with the decision procedure on ${key}; please report it`;
        }
      }
      if (!learnt) {
        note ??= sawCandidate
          ? 'candidate counterexamples depend on atoms outside the exact fragment and the evaluator did not confirm them'
          : 'path limit reached';
        break;
      }
      if (stats.lemmas >= maxLemmas) {
        note = `gave up after ${maxLemmas} conflict clauses`;
        break;
      }
    }
  } catch (e) {
    if (!(e instanceof BddLimit || e instanceof TheoryLimit)) throw e;
    note = e.message;
  }
  return fallback(a, b, opts, outside(), note ?? 'undecided', stats);
}

/**
 * Check a candidate with the native evaluator. Without an evaluator, a candidate built from exact
 * atoms only is trusted (the theory computed both verdicts), one using opaque atoms is not.
 */
function confirm(
  a: Node,
  b: Node,
  doc: EcsEvent,
  matcher: NativeMatcher | undefined,
  exact: boolean,
): Omit<Counterexample, 'explanation'> | null {
  if (!matcher) {
    if (!exact) return null;
    return { doc, matchesA: false, matchesB: false, verified: false };
  }
  const ma = matcher(a)(doc);
  const mb = matcher(b)(doc);
  if (ma === mb) return null;
  return { doc, matchesA: ma, matchesB: mb, verified: true };
}

function fallback(
  a: Node,
  b: Node,
  opts: DecideOptions,
  outside: Decision['outside'],
  note: string,
  stats: Decision['stats'],
): Decision {
  if (!opts.matcher) {
    return {
      result: 'unknown',
      method: 'tested',
      outside,
      note: `${note}; no evaluator to test with`,
      stats,
    };
  }
  const ma = opts.matcher(a);
  const mb = opts.matcher(b);
  const events = generateEvents([a, b], { seed: opts.seed ?? 1, fieldInfo: opts.fieldInfo });
  for (const ev of events) {
    const x = ma(ev.doc);
    const y = mb(ev.doc);
    if (x !== y) {
      return {
        result: 'different',
        method: 'tested',
        counterexample: {
          doc: ev.doc,
          matchesA: x,
          matchesB: y,
          explanation: [ev.why],
          verified: true,
        },
        outside,
        note,
        stats: { ...stats, events: events.length },
      };
    }
  }
  return {
    result: 'unknown',
    method: 'tested',
    outside,
    note,
    stats: { ...stats, events: events.length },
  };
}
