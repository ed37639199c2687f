/** Shared helpers for the SPL target tests. */
import { parse } from '../../src/kql/parse.js';
import type { Rule } from '../../src/rules/model.js';
import { translateRule, type TranslateOptions } from '../../targets/core/index.js';
import { splTarget } from '../../targets/spl/index.js';
import type { Translation } from '../../targets/types.js';

/** A rule around a KQL query (default: query rule, window now-9m on @timestamp). */
export function makeRule(query: string, extra: Partial<Rule> = {}): Rule {
  const parsed = parse(query);
  if (!parsed.ast)
    throw new Error(`test query does not parse: ${query}: ${parsed.diagnostics[0]?.message}`);
  return {
    id: 'test-rule',
    name: 'Test rule',
    description: 'test',
    type: 'query',
    language: 'kuery',
    query,
    ast: parsed.ast,
    tags: [],
    threat: [],
    references: [],
    falsePositives: [],
    author: [],
    index: [],
    from: 'now-9m',
    interval: '5m',
    metadata: {},
    source: { file: 'test.kql', text: query, queryOffset: 0 },
    ...extra,
  };
}

export function toSpl(
  query: string,
  opts: TranslateOptions = {},
  extra: Partial<Rule> = {},
): Translation {
  return translateRule(makeRule(query, extra), splTarget, opts);
}

export const HEAD = 'search index=* earliest=-9m latest=now';

import { generateEvents } from '../../src/equiv/generate/index.js';
import { nativeMatcher, schemaFieldInfo } from '../../src/equiv/native.js';
import type { EcsEvent } from '../../src/equiv/types.js';
import { splInterpreter } from '../../src/equiv/spl/index.js';

export interface MeaningResult {
  events: number;
  /** Documents the SPL selects but the rule does not. */
  wider: EcsEvent[];
  /** Documents the rule selects but the SPL does not. */
  narrower: EcsEvent[];
  /** A wider / narrower difference that no diagnostic declared. */
  undeclared: string[];
}

const native = nativeMatcher();

/** Compare the native evaluator and the SPL interpreter on `events` (default: generated boundary events). */
export function meaning(rule: Rule, t: Translation, events?: EcsEvent[]): MeaningResult {
  const docs =
    events ??
    generateEvents([rule.ast!], { fieldInfo: schemaFieldInfo(), maxEvents: 300 }).map((g) => g.doc);
  const pred = native(rule.ast!);
  const rows = splInterpreter.transform!(docs, rule, t);
  const sel = new Set(splInterpreter.run(t, rows, { now: new Date().toISOString(), rule }).matches);
  const wider: EcsEvent[] = [];
  const narrower: EcsEvent[] = [];
  docs.forEach((d, i) => {
    const a = pred(d);
    const b = sel.has(i);
    if (b && !a) wider.push(d);
    if (a && !b) narrower.push(d);
  });
  const effects = new Set(t.diagnostics.map((d) => d.effect));
  const undeclared: string[] = [];
  if (wider.length && !effects.has('wider'))
    undeclared.push(`wider on ${JSON.stringify(wider[0])}`);
  if (narrower.length && !effects.has('narrower'))
    undeclared.push(`narrower on ${JSON.stringify(narrower[0])}`);
  return { events: docs.length, wider, narrower, undeclared };
}
