/**
 * Rule-level boundary events: the rule window's edges, and for new_terms / threshold rules small
 * streams around the history, window and count edges, built from one event the query matches
 * (deterministic, each with the reason it exists). `verify` compares the alerts of the source
 * rule and of the whole translation on each stream.
 */
import type { Rule } from '../../rules/model.js';
import type { Schema } from '../../schema/index.js';
import { resolveDateMath } from '../../time/index.js';
import { cloneDoc, setPath } from '../doc.js';
import type { EcsEvent } from '../types.js';

export function windowStart(rule: Rule, now: Date): number {
  try {
    return resolveDateMath(rule.from, now).getTime();
  } catch {
    return now.getTime() - 6 * 60_000; // a bad `from` is the loader's business
  }
}

/** Timestamp for generated events: the middle of the rule window, whole seconds. */
export function windowStamp(rule: Rule, now: Date): string {
  const mid = Math.floor((windowStart(rule, now) + now.getTime()) / 2 / 1000) * 1000;
  return new Date(mid).toISOString();
}

/** Window edges (Elastic's window is inclusive at both ends): before, at and after each edge. */
export function windowEdges(rule: Rule, now: Date): { ts: string; why: string }[] {
  const start = windowStart(rule, now);
  const end = now.getTime();
  const at = (ms: number, why: string) => ({ ts: new Date(ms).toISOString(), why });
  return [
    at(start - 1000, 'one second before the window start'),
    at(start, 'exactly at the window start (inside)'),
    at(start + 1000, 'one second after the window start'),
    at(end, 'exactly at now (inside)'),
    at(end + 1000, 'one second after now (not yet searchable)'),
  ];
}

/** Set every window timestamp field of an event to `ts`. */
export function restamp(doc: EcsEvent, ts: string, rule: Rule): EcsEvent {
  const d = cloneDoc(doc);
  for (const p of ['@timestamp', 'event.ingested', rule.timestampOverride])
    if (p) setPath(d, p, ts);
  return d;
}

/**
 * A rule-level scenario (new_terms / threshold): a stream of copies of a matching event with a
 * planted key, at chosen times around the history and window edges.
 */
export interface RuleScenario {
  why: string;
  events: EcsEvent[];
  /** The event that makes the scenario interesting (shown as the counterexample). */
  sample: EcsEvent;
}

/** A value for a key field that no generated event uses, by the field's type; undefined: none. */
function plantedKey(type: string, n: number, i: number): unknown {
  if (type === 'ip') return `198.51.100.${(n * 3 + i) % 250}`;
  if (['long', 'integer', 'short', 'byte', 'unsigned_long'].includes(type))
    return 7_000_000 + n * 10 + i;
  if (['keyword', 'constant_keyword', 'wildcard', 'flattened'].includes(type))
    return `zz-key-${n}-${i}`;
  return undefined;
}

/**
 * The history and window edges of a new_terms rule and the count and window edges of a threshold
 * rule, as separate streams built from `first` (an event the query matches). Empty when the key
 * fields cannot be planted without unmatching the query (or have a type without a planted value).
 */
export function ruleScenarios(
  rule: Rule,
  first: EcsEvent,
  now: Date,
  schema: Schema,
  matches: (doc: EcsEvent) => boolean,
): RuleScenario[] {
  const fields = rule.type === 'new_terms' ? rule.newTerms?.fields : rule.threshold?.field;
  if (!fields) return [];
  let n = 0;
  const keyed = (): EcsEvent | undefined => {
    n++;
    const d = cloneDoc(first);
    for (const [i, f] of fields.entries()) {
      const v = plantedKey(schema.resolve(f).type, n, i);
      if (v === undefined) return undefined;
      setPath(d, f, v);
    }
    return matches(d) ? d : undefined;
  };
  const at = (doc: EcsEvent, ms: number) => restamp(doc, new Date(ms).toISOString(), rule);
  const start = windowStart(rule, now);
  const end = now.getTime();
  const mid = Date.parse(windowStamp(rule, now));
  const out: RuleScenario[] = [];
  const add = (why: string, times: number[], sampleAt = 0) => {
    const d = keyed();
    if (!d) return;
    const events = times.map((t) => at(d, t));
    out.push({ why, events, sample: events[sampleAt] });
  };
  if (rule.type === 'new_terms' && rule.newTerms) {
    let hist: number;
    try {
      hist = resolveDateMath(rule.newTerms.historyWindowStart, now).getTime();
    } catch {
      return [];
    }
    const histMid = Math.floor((hist + start) / 2 / 1000) * 1000;
    add('a term seen only in the window', [mid]);
    add('a term seen in the history and again in the window', [histMid, mid]);
    add('a term seen exactly at the history start, again in the window', [hist, mid]);
    add('a term seen one second before the history start, again in the window', [hist - 1000, mid]);
    add('a term seen exactly at the window start, again later in the window', [start, mid]);
    add('a term seen one second before the window start, again in the window', [start - 1000, mid]);
    add('a term seen only exactly at the window start', [start]);
    add('a term seen only one second after now', [end + 1000]);
  } else if (rule.type === 'threshold' && rule.threshold) {
    const k = rule.threshold.value;
    if (k > 200 || (rule.threshold.cardinality?.length ?? 0) > 0) return [];
    const times = (count: number) => Array.from({ length: count }, () => mid);
    if (k > 1) add(`${k - 1} events in the window (one short of the threshold ${k})`, times(k - 1));
    add(`${k} events in the window (the threshold)`, times(k));
    add(`${k - 1} events in the window and one a second before the window start`, [
      start - 1000,
      ...times(k - 1),
    ]);
    add(`${k - 1} events in the window and one exactly at the window start`, [
      start,
      ...times(k - 1),
    ]);
    add(`${k - 1} events in the window and one a second after now`, [end + 1000, ...times(k - 1)]);
  }
  return out;
}
