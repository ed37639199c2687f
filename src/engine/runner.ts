/**
 * Runs one rule over an event stream at a fixed `now`, as Kibana's detection engine would in one
 * execution:
 *
 * - window `[from, to]` (inclusive; `to` defaults to `now`) on `timestamp_override`, falling back
 *   per document to `@timestamp` when the override field is missing, else on `@timestamp`;
 *   a bare query (a `.kql` file) has no window and sees every event;
 * - `query`: one alert per matching event in the window;
 * - `new_terms`: query matches in `[history_window_start, to]`; a value combination of the
 *   new-terms fields (arrays expand to every combination; an event missing a field gives none)
 *   alerts when its earliest occurrence is strictly after the window start; the alert is built from
 *   that earliest event;
 * - `threshold`: window matches grouped by the threshold fields (none = one group; an event
 *   without a value is in no group), alert when count >= value and every cardinality condition
 *   (distinct values >= value) holds.
 *
 * `push` is synchronous and allocation-light: the window check runs before the query.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Rule } from '../rules/model.js';
import { compileQueryDetailed, type Predicate } from '../eval/compile.js';
import { compileAccessor, type Accessor } from '../eval/values.js';
import { docDateMs } from '../eval/date.js';
import { defaultSchema, type Schema } from '../schema/schema.js';
import { resolveDateMath, DateMathError } from '../time/index.js';
import { combinationCount, combinations, termsOf, tupleKey, type TermsOf } from './values.js';
import type { Alert, EventRecord, EventRef, RuleStats } from './types.js';

export interface EngineOptions {
  /** Execution time; default: the current time. */
  now?: Date;
  schema?: Schema;
  /**
   * Apply the rule window. Default: true, except for a bare query (a rule read from a `.kql` file),
   * which is evaluated on every event regardless of time.
   */
  window?: boolean;
  /** Keep every query match in the window (for `siemc test --matches`). */
  collectMatches?: boolean;
  /** Receive query-rule alerts as they happen instead of collecting them. */
  onAlert?: (a: Alert) => void;
}

export interface RunResult {
  rule: string;
  alerts: Alert[];
  matches: EventRef[];
  stats: RuleStats;
  diagnostics: Diagnostic[];
}

interface Member {
  file: string;
  line: number;
  seq: number;
  ts: number;
  id?: string;
}

interface TermState {
  values: unknown[];
  first: Member;
}

interface Group {
  values: unknown[];
  count: number;
  first: Member;
  members: Member[];
  distinct: Set<string>[];
}

const eventIdOf = compileAccessor('event.id');

function eventId(doc: object): string | undefined {
  let id: string | undefined;
  eventIdOf(doc, (v) => {
    if (typeof v === 'string' || typeof v === 'number') {
      id = String(v);
      return true;
    }
    return false;
  });
  return id;
}

function firstDate(get: Accessor, doc: object): number | undefined {
  let t: number | undefined;
  get(doc, (v) => {
    t = docDateMs(v);
    return t !== undefined;
  });
  return t;
}

/**
 * Above this many term combinations in one event (several fields), the event is not grouped: a
 * memory guard against the cartesian product of long arrays.
 */
export const MAX_COMBINATIONS = 10_000;
/** Kibana's multi-field new_terms runtime field emits at most this many combinations per document. */
export const KIBANA_NEW_TERMS_EMIT_LIMIT = 100;

export class RuleRunner {
  readonly rule: Rule;
  readonly diagnostics: Diagnostic[] = [];
  readonly stats: RuleStats = {
    scanned: 0,
    inWindow: 0,
    matches: 0,
    alerts: 0,
    noTimestamp: 0,
    afterWindow: 0,
    historyMatches: 0,
    ms: 0,
  };
  /** False when the rule cannot run (see diagnostics). */
  readonly ok: boolean;
  private readonly predicate: Predicate = () => false;
  private readonly windowed: boolean;
  private readonly from: number = -Infinity;
  private readonly to: number = Infinity;
  private readonly scanFrom: number = -Infinity;
  private readonly tsGet: Accessor;
  private readonly tsFallback?: Accessor;
  private readonly alerts: Alert[] = [];
  private readonly matchRefs: EventRef[] = [];
  private readonly collectMatches: boolean;
  private readonly onAlert?: (a: Alert) => void;
  private seq = 0;
  private readonly kind: 'query' | 'new_terms' | 'threshold';
  private readonly termFns: TermsOf[] = [];
  private readonly cardFns: TermsOf[] = [];
  private readonly terms = new Map<string, TermState>();
  private readonly groups = new Map<string, Group>();
  /** Events whose term arrays give more combinations than MAX_COMBINATIONS (skipped). */
  private tooMany = { count: 0, first: undefined as EventRecord | undefined, n: 0 };
  /** new_terms events with more than Kibana's 100 combinations per document. */
  private overKibanaCap = { count: 0, first: undefined as EventRecord | undefined, n: 0 };

  constructor(rule: Rule, opts: EngineOptions = {}) {
    this.rule = rule;
    const now = opts.now ?? new Date();
    const schema = opts.schema ?? defaultSchema();
    this.windowed = opts.window ?? rule.source.format !== 'kql';
    this.collectMatches = opts.collectMatches ?? false;
    this.onAlert = opts.onAlert;
    const tsField = rule.timestampOverride ?? '@timestamp';
    this.tsGet = compileAccessor(tsField);
    if (tsField !== '@timestamp') this.tsFallback = compileAccessor('@timestamp');
    const err = (code: string, message: string, hint?: string) =>
      this.diagnostics.push({
        severity: 'error',
        code,
        message,
        rule: rule.id,
        file: rule.source.file,
        line: rule.source.line ?? 1,
        column: 1,
        hint,
      });
    let ok = true;
    const t = rule.type;
    if (t !== 'query' && t !== 'new_terms' && t !== 'threshold') {
      err(
        'ENG001',
        `rule type '${t}' is not supported by the engine`,
        'supported: query, new_terms, threshold',
      );
      ok = false;
    }
    this.kind = t === 'new_terms' ? 'new_terms' : t === 'threshold' ? 'threshold' : 'query';
    if (!rule.ast) {
      err('ENG002', 'the rule has no usable query (see the loader diagnostics)');
      ok = false;
    } else {
      const c = compileQueryDetailed(rule.ast, { schema, now });
      for (const d of c.diagnostics)
        this.diagnostics.push({ ...d, rule: rule.id, file: d.file ?? rule.source.file });
      if (c.diagnostics.some((d) => d.severity === 'error')) ok = false;
      else this.predicate = c.predicate;
    }
    try {
      this.from = this.windowed ? resolveDateMath(rule.from, now).getTime() : -Infinity;
      this.to = this.windowed
        ? rule.to
          ? resolveDateMath(rule.to, now).getTime()
          : now.getTime()
        : Infinity;
      this.scanFrom = this.from;
      if (this.kind === 'new_terms') {
        if (!rule.newTerms || rule.newTerms.fields.length === 0) {
          err('ENG003', 'new_terms rule without new_terms_fields');
          ok = false;
        } else {
          this.termFns = rule.newTerms.fields.map((f) => termsOf(schema, f));
          if (this.windowed) {
            const h = resolveDateMath(rule.newTerms.historyWindowStart, now).getTime();
            if (!(h < this.from)) {
              err(
                'ENG004',
                `history_window_start (${rule.newTerms.historyWindowStart}) must be earlier than from (${rule.from})`,
              );
              ok = false;
            }
            this.scanFrom = h;
          }
        }
      }
      if (this.kind === 'threshold') {
        if (!rule.threshold) {
          err('ENG005', 'threshold rule without a threshold');
          ok = false;
        } else {
          this.termFns = rule.threshold.field.map((f) => termsOf(schema, f));
          this.cardFns = (rule.threshold.cardinality ?? []).map((c) => termsOf(schema, c.field));
        }
      }
    } catch (e) {
      if (e instanceof DateMathError) {
        this.diagnostics.push({ ...e.diagnostic, rule: rule.id, file: rule.source.file });
        ok = false;
      } else throw e;
    }
    this.ok = ok;
  }

  /** The window timestamp of an event (override, falling back to @timestamp), or undefined. */
  private timestampOf(doc: object): number | undefined {
    const t = firstDate(this.tsGet, doc);
    if (t !== undefined || !this.tsFallback) return t;
    return firstDate(this.tsFallback, doc);
  }

  push(rec: EventRecord): void {
    if (!this.ok) return;
    this.stats.scanned++;
    const seq = this.seq++;
    let ts = NaN;
    if (this.windowed) {
      const t = this.timestampOf(rec.doc);
      if (t === undefined) {
        this.stats.noTimestamp++;
        return;
      }
      if (t > this.to) {
        this.stats.afterWindow++;
        return;
      }
      if (t < this.scanFrom) return;
      ts = t;
    }
    const inWindow = !this.windowed || ts >= this.from;
    if (inWindow) this.stats.inWindow++;
    if (!this.predicate(rec.doc)) return;
    if (!inWindow) {
      this.stats.historyMatches++;
      this.newTerms(rec, ts, seq);
      return;
    }
    this.stats.matches++;
    let ref: EventRef | undefined;
    if (this.collectMatches) {
      ref = this.ref(rec.file, rec.line, eventId(rec.doc), ts);
      this.matchRefs.push(ref);
    }
    switch (this.kind) {
      case 'query': {
        const a: Alert = {
          rule: this.rule.id,
          type: 'query',
          ...(ref ?? this.ref(rec.file, rec.line, eventId(rec.doc), ts)),
        };
        this.stats.alerts++;
        if (this.onAlert) this.onAlert(a);
        else this.alerts.push(a);
        return;
      }
      case 'new_terms':
        this.newTerms(rec, ts, seq);
        return;
      case 'threshold':
        this.threshold(rec, ts, seq);
        return;
    }
  }

  private ref(file: string, line: number, id: string | undefined, ts: number): EventRef {
    const r: EventRef = { file, line };
    if (id !== undefined) r.event_id = id;
    if (!Number.isNaN(ts)) r.timestamp = new Date(ts).toISOString();
    return r;
  }

  /** The term lists of an event, or undefined when their combinations are too many to group. */
  private termLists(rec: EventRecord): unknown[][] | undefined {
    const lists = this.termFns.map((f) => f(rec.doc));
    const n = combinationCount(lists);
    // Only a product that outgrows the event itself is refused (one long array is fine).
    if (n > MAX_COMBINATIONS && lists.length > 1) {
      if (this.tooMany.count++ === 0) this.tooMany = { count: 1, first: rec, n };
      return undefined;
    }
    if (this.kind === 'new_terms' && lists.length > 1 && n > KIBANA_NEW_TERMS_EMIT_LIMIT) {
      if (this.overKibanaCap.count++ === 0) this.overKibanaCap = { count: 1, first: rec, n };
    }
    return lists;
  }

  private newTerms(rec: EventRecord, ts: number, seq: number): void {
    const lists = this.termLists(rec);
    if (!lists) return;
    const combos = combinations(lists);
    if (combos.length === 0) return;
    let member: Member | undefined;
    for (const values of combos) {
      const key = tupleKey(values);
      const cur = this.terms.get(key);
      const t = Number.isNaN(ts) ? seq : ts;
      if (!cur || t < cur.first.ts || (t === cur.first.ts && seq < cur.first.seq)) {
        member ??= { file: rec.file, line: rec.line, seq, ts: t, id: eventId(rec.doc) };
        this.terms.set(key, { values, first: member });
      }
    }
  }

  private threshold(rec: EventRecord, ts: number, seq: number): void {
    const lists = this.termLists(rec);
    if (!lists) return;
    const combos = combinations(lists);
    if (combos.length === 0) return;
    const member: Member = {
      file: rec.file,
      line: rec.line,
      seq,
      ts: Number.isNaN(ts) ? seq : ts,
      id: eventId(rec.doc),
    };
    const card = this.cardFns.map((f) => f(rec.doc));
    for (const values of combos) {
      const key = tupleKey(values);
      let g = this.groups.get(key);
      if (!g) {
        g = {
          values,
          count: 0,
          first: member,
          members: [],
          distinct: this.cardFns.map(() => new Set<string>()),
        };
        this.groups.set(key, g);
      }
      g.count++;
      g.members.push(member);
      if (member.ts < g.first.ts) g.first = member;
      for (let i = 0; i < card.length; i++)
        for (const v of card[i]) g.distinct[i].add(tupleKey([v]));
    }
  }

  /** Finish the run: new_terms / threshold alerts are decided here. */
  finish(): RunResult {
    const id = this.rule.id;
    if (this.ok && this.kind === 'new_terms') {
      const fresh = [...this.terms.values()]
        .filter((s) => !this.windowed || s.first.ts > this.from)
        .sort((a, b) => a.first.ts - b.first.ts || a.first.seq - b.first.seq);
      for (const s of fresh) {
        const a: Alert = {
          rule: id,
          type: 'new_terms',
          ...this.ref(s.first.file, s.first.line, s.first.id, this.windowed ? s.first.ts : NaN),
          new_terms: s.values,
        };
        this.alerts.push(a);
      }
      this.stats.alerts = fresh.length;
    }
    if (this.ok && this.kind === 'threshold' && this.rule.threshold) {
      const th = this.rule.threshold;
      const fields = th.field;
      const card = th.cardinality ?? [];
      const hits = [...this.groups.values()]
        .filter((g) => g.count >= th.value && card.every((c, i) => g.distinct[i].size >= c.value))
        .sort((a, b) => a.first.ts - b.first.ts || a.first.seq - b.first.seq);
      for (const g of hits) {
        const terms: Record<string, unknown> = {};
        fields.forEach((f, i) => (terms[f] = g.values[i]));
        const a: Alert = {
          rule: id,
          type: 'threshold',
          ...this.ref(g.first.file, g.first.line, g.first.id, this.windowed ? g.first.ts : NaN),
          terms,
          count: g.count,
          lines: g.members.map((m) => ({ file: m.file, line: m.line })),
          event_ids: g.members.filter((m) => m.id !== undefined).map((m) => m.id as string),
        };
        if (card.length > 0)
          a.cardinality = card.map((c, i) => ({ field: c.field, value: g.distinct[i].size }));
        this.alerts.push(a);
      }
      this.stats.alerts = hits.length;
    }
    if (this.tooMany.first) {
      const f = this.tooMany.first;
      this.diagnostics.push({
        severity: 'warning',
        code: 'ENG011',
        message: `${this.tooMany.count} event(s) were not grouped: their ${this.kind === 'new_terms' ? 'new_terms_fields' : 'threshold.field'} values give more than ${MAX_COMBINATIONS} combinations (the first, ${f.file}:${f.line}, gives ${this.tooMany.n})`,
        rule: id,
        hint: 'siemc skips such events to bound its memory, so its counts may be lower than Elasticsearch’s; check the field arrays',
      });
    }
    if (this.overKibanaCap.first) {
      const f = this.overKibanaCap.first;
      this.diagnostics.push({
        severity: 'warning',
        code: 'ENG012',
        message: `${this.overKibanaCap.count} event(s) have more than ${KIBANA_NEW_TERMS_EMIT_LIMIT} value combinations of the new_terms_fields (the first, ${f.file}:${f.line}, has ${this.overKibanaCap.n}); siemc checks every combination, Kibana's history check emits at most ${KIBANA_NEW_TERMS_EMIT_LIMIT} per document, so its alerts may differ`,
        rule: id,
      });
    }
    if (this.ok && this.windowed && this.stats.noTimestamp > 0) {
      this.diagnostics.push({
        severity: 'warning',
        code: 'ENG010',
        message: `${this.stats.noTimestamp} event(s) have no usable ${this.rule.timestampOverride ? `${this.rule.timestampOverride} or @timestamp` : '@timestamp'} (missing, or not a date) and were not evaluated`,
        rule: id,
      });
    }
    return {
      rule: id,
      alerts: this.alerts,
      matches: this.matchRefs,
      stats: this.stats,
      diagnostics: this.diagnostics,
    };
  }
}

/** Run a rule over events (sync or async iterable). */
export async function runRule(
  rule: Rule,
  events: AsyncIterable<EventRecord> | Iterable<EventRecord>,
  opts: EngineOptions = {},
): Promise<RunResult> {
  const r = new RuleRunner(rule, opts);
  const t0 = performance.now();
  if (Symbol.asyncIterator in events) {
    for await (const e of events as AsyncIterable<EventRecord>) r.push(e);
  } else {
    for (const e of events as Iterable<EventRecord>) r.push(e);
  }
  r.stats.ms += performance.now() - t0;
  return r.finish();
}

/** Synchronous variant for in-memory events. */
export function runRuleSync(
  rule: Rule,
  events: Iterable<EventRecord>,
  opts: EngineOptions = {},
): RunResult {
  const r = new RuleRunner(rule, opts);
  const t0 = performance.now();
  for (const e of events) r.push(e);
  r.stats.ms += performance.now() - t0;
  return r.finish();
}
