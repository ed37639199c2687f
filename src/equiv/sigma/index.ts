/**
 * siemc's Sigma evaluator: runs Sigma rules (and `event_count` / `value_count` correlation
 * rules) over JSON events, to check that an emitted Sigma rule means what the source rule means.
 *
 *   const file = loadSigma(text);                 // one or more YAML documents (YAML 1.1)
 *   const hits = matchingEvents(file, events);    // events matched by the detection rule(s)
 *   const alerts = runCorrelations(file, events, {now, timeFields}); // correlation results
 *
 * Correlation semantics: the window is [now - timespan, now] (inclusive) on the first present
 * field of `timeFields` (a deployment setting in Sigma; siemc passes the source rule's
 * timestamp field); an event lacking a `group-by` field is in no group; an array in a group-by
 * field puts the event in one group per value (per combination with several fields).
 */
import { parseAllDocuments } from 'yaml';
import { compileDetection, SigmaEvalError, type EventPredicate } from './detection.js';
import { fieldValues, scalarText } from './fields.js';

export { SigmaEvalError } from './detection.js';
export { compileDetection } from './detection.js';

export interface SigmaDocument {
  [key: string]: unknown;
}

export interface SigmaFile {
  /** Detection rules (documents with `detection`). */
  rules: SigmaDocument[];
  /** Correlation rules (documents with `correlation`). */
  correlations: SigmaDocument[];
}

/** Parse a Sigma file (one or several YAML documents) with a YAML 1.1 loader. */
export function loadSigma(text: string): SigmaFile {
  const docs = parseAllDocuments(text, { version: '1.1' });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: SigmaFile = { rules: [], correlations: [] };
  list.forEach((d, i) => {
    if (d.errors.length > 0)
      throw new SigmaEvalError(`YAML error: ${d.errors[0].message}`, `document ${i + 1}`);
    const v = d.toJS() as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new SigmaEvalError('a Sigma document must be a map', `document ${i + 1}`);
    }
    const doc = v as SigmaDocument;
    if ('correlation' in doc) out.correlations.push(doc);
    else if ('detection' in doc) out.rules.push(doc);
    else
      throw new SigmaEvalError(
        'document has neither detection nor correlation',
        `document ${i + 1}`,
      );
  });
  return out;
}

/** Compile every detection rule of the file; an event matches when any rule matches it. */
export function compileRules(file: SigmaFile): EventPredicate {
  const preds = file.rules.map((r, i) =>
    compileDetection(r.detection, `rule ${String(r.name ?? r.title ?? i + 1)}.detection`),
  );
  return (e) => preds.some((p) => p(e));
}

export function matchingEvents<T>(file: SigmaFile, events: readonly T[]): T[] {
  const p = compileRules(file);
  return events.filter((e) => p(e));
}

export interface CorrelationOptions {
  now: Date;
  /** Time fields in order of preference; default `['@timestamp']`. */
  timeFields?: string[];
}

export interface CorrelationAlert {
  /** Correlation rule title. */
  rule: string;
  /** Group-by field → value (text). */
  group: Record<string, string>;
  count: number;
  /** Distinct count of the condition's `field` (value_count). */
  distinct?: number;
}

const SPAN = /^(\d+)([smhd])$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function timespanMs(span: unknown, path = 'timespan'): number {
  const m = typeof span === 'string' ? SPAN.exec(span) : null;
  if (!m)
    throw new SigmaEvalError(
      `timespan must be a number and one of s, m, h, d (e.g. 10m), got ${JSON.stringify(span)}`,
      path,
    );
  return Number(m[1]) * UNIT_MS[m[2]];
}

function eventTime(event: unknown, fields: readonly string[]): number | undefined {
  for (const f of fields) {
    const v = fieldValues(event, f).values[0];
    if (v === undefined) continue;
    const t = typeof v === 'number' ? v : Date.parse(String(v));
    if (!Number.isNaN(t)) return t;
  }
  return undefined;
}

const OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;

function conditionHolds(cond: Record<string, unknown>, n: number, path: string): boolean {
  let seen = false;
  for (const op of OPS) {
    if (!(op in cond)) continue;
    seen = true;
    const v = cond[op];
    if (typeof v !== 'number') throw new SigmaEvalError(`condition '${op}' needs a number`, path);
    const ok =
      op === 'gt'
        ? n > v
        : op === 'gte'
          ? n >= v
          : op === 'lt'
            ? n < v
            : op === 'lte'
              ? n <= v
              : op === 'eq'
                ? n === v
                : n !== v;
    if (!ok) return false;
  }
  if (!seen) throw new SigmaEvalError('condition needs one of gt, gte, lt, lte, eq, neq', path);
  return true;
}

function combinations(lists: string[][]): string[][] {
  return lists.reduce<string[][]>(
    (acc, l) => acc.flatMap((prefix) => l.map((v) => [...prefix, v])),
    [[]],
  );
}

/** Evaluate the file's correlation rules over `events` at `opts.now`. */
export function runCorrelations(
  file: SigmaFile,
  events: readonly unknown[],
  opts: CorrelationOptions,
): CorrelationAlert[] {
  const timeFields = opts.timeFields ?? ['@timestamp'];
  const byRef = new Map<string, EventPredicate>();
  for (const r of file.rules) {
    const p = compileDetection(r.detection, `rule ${String(r.name ?? r.title)}.detection`);
    if (typeof r.name === 'string') byRef.set(r.name, p);
    if (typeof r.id === 'string') byRef.set(r.id, p);
  }
  const alerts: CorrelationAlert[] = [];
  for (const c of file.correlations) {
    const title = String(c.title ?? 'correlation');
    const path = `correlation ${title}`;
    const corr = c.correlation as Record<string, unknown>;
    const type = corr.type;
    if (type !== 'event_count' && type !== 'value_count') {
      throw new SigmaEvalError(
        `correlation type ${JSON.stringify(type)} is not supported by siemc's evaluator`,
        path,
      );
    }
    const refs = corr.rules;
    if (!Array.isArray(refs) || refs.length === 0)
      throw new SigmaEvalError('rules must be a non-empty list', path);
    const preds = refs.map((r) => {
      const p = byRef.get(String(r));
      if (!p)
        throw new SigmaEvalError(
          `rules names ${JSON.stringify(r)}, which is not a rule of this file`,
          path,
        );
      return p;
    });
    const span = timespanMs(corr.timespan, `${path}.timespan`);
    const groupBy = (corr['group-by'] ?? []) as unknown;
    if (!Array.isArray(groupBy) || groupBy.some((g) => typeof g !== 'string'))
      throw new SigmaEvalError('group-by must be a list of field names', path);
    const cond = corr.condition as Record<string, unknown> | undefined;
    if (!cond || typeof cond !== 'object') throw new SigmaEvalError('condition is required', path);
    const valueField = type === 'value_count' ? cond.field : undefined;
    if (type === 'value_count' && typeof valueField !== 'string')
      throw new SigmaEvalError("value_count needs condition 'field'", path);

    const end = opts.now.getTime();
    const start = end - span;
    const groups = new Map<
      string,
      { group: Record<string, string>; count: number; values: Set<string> }
    >();
    for (const e of events) {
      if (!preds.some((p) => p(e))) continue;
      const t = eventTime(e, timeFields);
      if (t === undefined || t < start || t > end) continue;
      const lists = (groupBy as string[]).map((g) => [
        ...new Set(fieldValues(e, g).values.map(scalarText)),
      ]);
      if (lists.some((l) => l.length === 0)) continue;
      for (const combo of combinations(lists)) {
        const key = JSON.stringify(combo);
        let g = groups.get(key);
        if (!g) {
          g = {
            group: Object.fromEntries((groupBy as string[]).map((f, i) => [f, combo[i]])),
            count: 0,
            values: new Set(),
          };
          groups.set(key, g);
        }
        g.count++;
        if (typeof valueField === 'string')
          for (const v of fieldValues(e, valueField).values) g.values.add(scalarText(v));
      }
    }
    for (const g of groups.values()) {
      const n = type === 'value_count' ? g.values.size : g.count;
      if (conditionHolds(cond, n, `${path}.condition`)) {
        alerts.push({
          rule: title,
          group: g.group,
          count: g.count,
          ...(type === 'value_count' ? { distinct: g.values.size } : {}),
        });
      }
    }
  }
  return alerts;
}
