/**
 * Adapters from the target interpreters (owned by the target engineers: `./kusto/`, `./sigma/`,
 * `./spl/`) to the one `TargetInterpreter` interface `verify` uses. Events are ECS documents; each
 * adapter applies the ECS→target event transform of the pass-through mapping (generic ECS table
 * rows for Sentinel, the ECS document itself for Sigma).
 *
 * An adapter answers per event (does the translation select it?) by running the translation on a
 * one-event table, so no marker field has to survive the translation's pipeline.
 */
import type { TargetName, Translation } from '../../targets/types.js';
import { bundledSchemas } from '../../targets/sentinel/schema.js';
import { parseKusto, runKusto, ecsDocumentToRow, type Row } from './kusto/index.js';
import { compileRules, loadSigma } from './sigma/index.js';
import { runSpl, splInterpreter, type LookupTable, type SplEvent } from './spl/index.js';
import type { EcsEvent, InterpreterOptions, InterpreterRun, TargetInterpreter } from './types.js';

/** Raised when a translation cannot be executed by the interpreter (its text, not the events). */
export class InterpreterError extends Error {}

/** Parse a Kusto translation and find the tables it reads (with bundled schemas). */
function kustoQuery(translation: Translation) {
  let q;
  try {
    q = parseKusto(translation.text);
  } catch (e) {
    throw new InterpreterError(
      `Kusto interpreter cannot parse the translation: ${(e as Error).message}`,
    );
  }
  const names = new Set<string>();
  const collect = (t: {
    source: { kind: 'name'; name: string } | { kind: 'sub'; query: unknown };
  }) => {
    if (t.source.kind === 'name') names.add(t.source.name);
  };
  collect(q.body);
  for (const l of q.lets) if (l.value.kind === 'tabular') collect(l.value.query);
  const schemas = bundledSchemas();
  const tables = [...names].filter((n) => schemas.has(n));
  if (tables.length === 0)
    throw new InterpreterError(`no table schema for ${[...names].join(', ') || 'the query'}`);
  return { q, tables: tables.map((t) => ({ name: t, columns: schemas.get(t)!.columns })) };
}

const kustoInterpreter: TargetInterpreter = {
  target: 'sentinel',
  run(
    translation: Translation,
    events: readonly EcsEvent[],
    opts: InterpreterOptions,
  ): InterpreterRun {
    const { q, tables } = kustoQuery(translation);
    const now = Date.parse(opts.now);
    const matches: number[] = [];
    events.forEach((doc, i) => {
      const map = new Map<string, Row[]>();
      for (const t of tables) map.set(t.name, [ecsDocumentToRow(doc, t.columns)]);
      const rows = runKusto(q, { tables: map, now });
      if (rows.length > 0) matches.push(i);
    });
    return { matches };
  },
  alerts(translation: Translation, events: readonly EcsEvent[], opts: InterpreterOptions): number {
    const { q, tables } = kustoQuery(translation);
    const map = new Map<string, Row[]>();
    for (const t of tables)
      map.set(
        t.name,
        events.map((doc) => ecsDocumentToRow(doc, t.columns)),
      );
    return runKusto(q, { tables: map, now: Date.parse(opts.now) }).length;
  },
};

const sigmaInterpreter: TargetInterpreter = {
  target: 'sigma',
  windowed: false,
  run(translation: Translation, events: readonly EcsEvent[]): InterpreterRun {
    let pred;
    try {
      pred = compileRules(loadSigma(translation.text));
    } catch (e) {
      throw new InterpreterError(
        `Sigma evaluator cannot load the translation: ${(e as Error).message}`,
      );
    }
    const matches: number[] = [];
    events.forEach((doc, i) => {
      if (pred(doc)) matches.push(i);
    });
    return { matches };
  },
};

const builtin = new Map<TargetName, TargetInterpreter>([
  // The SPL interpreter ignores the search's time modifiers: window edges are not compared.
  [
    'spl',
    {
      ...splInterpreter,
      windowed: splInterpreter.windowed ?? false,
      // The whole search (time modifiers, stats, where) over the stream: one row per alert.
      alerts(translation: Translation, events: readonly Record<string, unknown>[], opts) {
        try {
          return runSpl(translation.text, events as SplEvent[], {
            now: Date.parse(opts.now),
            lookups: opts.lookups as Record<string, LookupTable> | undefined,
          }).rows.length;
        } catch (e) {
          throw new InterpreterError(`SPL interpreter: ${(e as Error).message}`);
        }
      },
    },
  ],
  ['sentinel', kustoInterpreter],
  ['sigma', sigmaInterpreter],
]);

/** The interpreter for a target, if siemc has one. */
export function interpreterFor(target: TargetName): TargetInterpreter | undefined {
  return builtin.get(target);
}

/** Register (or replace) an interpreter: used by the SPL interpreter and by tests. */
export function registerInterpreter(i: TargetInterpreter): void {
  builtin.set(i.target, i);
}
