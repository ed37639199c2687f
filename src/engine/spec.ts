/**
 * Test specs: YAML files that name a rule, give events and state what must happen.
 *
 * Two shapes are accepted:
 *
 * 1. The case format of `../shared/cases/*.yaml`: `query`, an optional `rule:` block (type,
 *    new_terms_fields, history_window_start, from, now, threshold), `events: [{doc, match}]`, and
 *    `expect.alerts` / `expect.error`.
 * 2. A spec beside a rule file:
 *
 *        rule: ../rules/my_rule.toml      # any format the loaders read (relative to the spec)
 *        now: '2026-06-20T12:00:00Z'
 *        events: events.ndjson            # or a list of paths, or inline [{doc: {...}, match: true}]
 *        expect:
 *          alerts: [{new_terms: [alice, 64500]}]
 *          matches: 3                     # optional: number of query matches in the window
 *
 * Each event's `match` is checked against the query alone (no window); `expect.alerts` against
 * the rule engine run at `now` (each expected alert is a partial alert; all must be found and no
 * other alert may occur).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve, isAbsolute } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { hasErrors, type Diagnostic } from '../diagnostics.js';
import { loadCaseSpec } from '../rules/case-spec.js';
import { loadRuleFile, loadRuleText } from '../rules/load.js';
import type { Rule } from '../rules/model.js';
import { compileQueryDetailed } from '../eval/compile.js';
import type { Schema } from '../schema/schema.js';
import { readNdjson, type NdjsonOptions } from './ndjson.js';
import { runRuleSync } from './runner.js';
import type { Alert, EventRecord } from './types.js';

export interface SpecCheck {
  ok: boolean;
  /** What was checked, e.g. "event 2 match" or "alerts". */
  what: string;
  /** Readable difference when not ok. */
  detail?: string[];
}

export interface SpecOutcome {
  file: string;
  id: string;
  /** All checks passed (and there was something to check, or the spec says nothing). */
  passed: boolean;
  checks: SpecCheck[];
  alerts: Alert[];
  /** Loader / compiler / reader diagnostics. */
  diagnostics: Diagnostic[];
}

export interface SpecOptions {
  schema?: Schema;
  /** Overrides the spec's `now`. */
  now?: Date;
  ndjson?: NdjsonOptions;
  /** Events to use when the spec has none (from `--events`). */
  extraEvents?: EventRecord[];
  /** How to name the spec file in results (default: the path read). */
  display?: string;
}

interface SpecEvent {
  rec: EventRecord;
  match?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Is this YAML text a spec (rather than something else)? */
export function looksLikeSpec(text: string): boolean {
  return /^(query|rule|events|expect)\s*:/m.test(text);
}

export async function runSpecFile(path: string, opts: SpecOptions = {}): Promise<SpecOutcome> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail(path, path, [
      {
        severity: 'error',
        code: 'SPEC001',
        message: `cannot read spec: ${(e as Error).message}`,
        file: path,
      },
    ]);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    return fail(path, path, [
      {
        severity: 'error',
        code: 'SPEC002',
        message: `invalid YAML: ${(e as Error).message}`,
        file: path,
      },
    ]);
  }
  if (!isRecord(data)) {
    return fail(path, path, [
      {
        severity: 'error',
        code: 'SPEC002',
        message: 'a spec is a YAML mapping (rule/query, events, expect)',
        file: path,
      },
    ]);
  }
  const o = await (typeof data.rule === 'string'
    ? runRuleSpec(path, data, opts)
    : runCaseSpec(path, text, opts));
  if (opts.display !== undefined) o.file = opts.display;
  return o;
}

function fail(file: string, id: string, diagnostics: Diagnostic[]): SpecOutcome {
  return { file, id, passed: false, checks: [], alerts: [], diagnostics };
}

async function runCaseSpec(path: string, text: string, opts: SpecOptions): Promise<SpecOutcome> {
  const c = loadCaseSpec(text, path);
  const id = c.spec?.id ?? path;
  if (!c.spec) return fail(path, id, c.diagnostics);
  const spec = c.spec;
  const now = opts.now ?? spec.now;
  const loaded = loadRuleText(text, path, 'yaml', now ? { now } : {});
  const diagnostics = loaded.flatMap((l) => l.diagnostics);
  const rule = loaded[0]?.rule;
  const expect = spec.expect;
  const checks: SpecCheck[] = [];
  if (typeof expect.error === 'string') {
    const rejected = hasErrors(diagnostics) || !rule?.ast;
    checks.push({
      ok: rejected,
      what: 'rejected',
      detail: rejected
        ? undefined
        : [`expected the input to be rejected (${expect.error}), but it loaded without errors`],
    });
    return { file: path, id, passed: rejected, checks, alerts: [], diagnostics };
  }
  if (!rule || !rule.ast || hasErrors(diagnostics)) return fail(path, id, diagnostics);
  const label = opts.display ?? path;
  const events: SpecEvent[] = spec.events.map((e, i) => ({
    rec: { doc: e.doc, file: label, line: i + 1 },
    match: e.match,
  }));
  if (events.length === 0 && opts.extraEvents)
    for (const rec of opts.extraEvents) events.push({ rec });
  const expectedAlerts = Array.isArray(expect.alerts) ? expect.alerts : undefined;
  return evaluate(
    path,
    id,
    rule,
    events,
    now,
    expectedAlerts,
    undefined,
    diagnostics,
    checks,
    opts,
  );
}

async function runRuleSpec(
  path: string,
  data: Record<string, unknown>,
  opts: SpecOptions,
): Promise<SpecOutcome> {
  const dir = dirname(path);
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const diagnostics: Diagnostic[] = [];
  const specErr = (message: string) =>
    diagnostics.push({ severity: 'error', code: 'SPEC003', message, file: path });
  let now = opts.now;
  if (!now && data.now !== undefined) {
    const t = typeof data.now === 'string' ? Date.parse(data.now) : NaN;
    if (Number.isNaN(t))
      specErr(`'now' must be an ISO 8601 timestamp, got ${JSON.stringify(data.now)}`);
    else now = new Date(t);
  }
  const loaded = await loadRuleFile(rel(data.rule as string), now ? { now } : {});
  for (const l of loaded) diagnostics.push(...l.diagnostics);
  const rule = loaded.find((l) => l.rule)?.rule;
  const id = typeof data.id === 'string' ? data.id : (rule?.id ?? path);
  const expect = isRecord(data.expect) ? data.expect : {};
  const checks: SpecCheck[] = [];
  if (typeof expect.error === 'string') {
    const rejected = hasErrors(diagnostics) || !rule?.ast;
    checks.push({
      ok: rejected,
      what: 'rejected',
      detail: rejected ? undefined : ['expected the rule to be rejected'],
    });
    return { file: path, id, passed: rejected, checks, alerts: [], diagnostics };
  }
  if (!rule || !rule.ast || hasErrors(diagnostics)) return fail(path, id, diagnostics);
  const events: SpecEvent[] = [];
  const sources =
    data.events === undefined || data.events === null
      ? []
      : Array.isArray(data.events)
        ? data.events
        : [data.events];
  let inline = 0;
  for (const s of sources) {
    if (typeof s === 'string') {
      try {
        for await (const rec of readNdjson(rel(s), {
          ...opts.ndjson,
          onInvalid: (d) => diagnostics.push(d),
        }))
          events.push({ rec });
      } catch (e) {
        specErr(`cannot read events '${s}': ${(e as Error).message}`);
      }
    } else if (isRecord(s)) {
      inline++;
      const isCase = isRecord(s.doc) && Object.keys(s).every((k) => k === 'doc' || k === 'match');
      const doc = isCase ? (s.doc as object) : s;
      events.push({
        rec: { doc, file: opts.display ?? path, line: inline },
        match: isCase && typeof s.match === 'boolean' ? s.match : undefined,
      });
    } else specErr(`events: expected a path or an event object, got ${JSON.stringify(s)}`);
  }
  if (events.length === 0 && opts.extraEvents)
    for (const rec of opts.extraEvents) events.push({ rec });
  if (hasErrors(diagnostics)) return fail(path, id, diagnostics);
  const expectedAlerts = Array.isArray(expect.alerts)
    ? (expect.alerts as Record<string, unknown>[])
    : undefined;
  const expectedMatches = typeof expect.matches === 'number' ? expect.matches : undefined;
  return evaluate(
    path,
    id,
    rule,
    events,
    now,
    expectedAlerts,
    expectedMatches,
    diagnostics,
    checks,
    opts,
  );
}

function evaluate(
  path: string,
  id: string,
  rule: Rule,
  events: SpecEvent[],
  now: Date | undefined,
  expectedAlerts: Record<string, unknown>[] | undefined,
  expectedMatches: number | undefined,
  diagnostics: Diagnostic[],
  checks: SpecCheck[],
  opts: SpecOptions,
): SpecOutcome {
  const compiled = compileQueryDetailed(rule.ast!, { schema: opts.schema, now: now ?? new Date() });
  diagnostics.push(...compiled.diagnostics);
  if (hasErrors(compiled.diagnostics)) return fail(path, id, diagnostics);
  events.forEach((e, i) => {
    if (e.match === undefined) return;
    const got = compiled.predicate(e.rec.doc);
    checks.push({
      ok: got === e.match,
      what: `event ${i + 1} match`,
      detail:
        got === e.match
          ? undefined
          : [
              `event ${i + 1}: expected match: ${e.match}, got ${got}`,
              `  doc: ${JSON.stringify(e.rec.doc)}`,
            ],
    });
  });
  let alerts: Alert[] = [];
  if (expectedAlerts !== undefined || expectedMatches !== undefined) {
    const res = runRuleSync(
      rule,
      events.map((e) => e.rec),
      { now: now ?? new Date(), schema: opts.schema, collectMatches: true },
    );
    diagnostics.push(...res.diagnostics.filter((d) => !compiled.diagnostics.includes(d)));
    alerts = res.alerts;
    if (expectedAlerts !== undefined) checks.push(compareAlerts(expectedAlerts, alerts));
    if (expectedMatches !== undefined) {
      const ok = res.stats.matches === expectedMatches;
      checks.push({
        ok,
        what: 'matches',
        detail: ok
          ? undefined
          : [`expected ${expectedMatches} query matches in the window, got ${res.stats.matches}`],
      });
    }
  }
  if (checks.length === 0) {
    // A spec that checks nothing (e.g. misspelt `expect` keys) must not pass silently.
    diagnostics.push({
      severity: 'error',
      code: 'SPEC004',
      message:
        'the spec checks nothing: no event carries `match: true|false` and `expect` has no alerts, matches or error',
      hint: 'check the spelling of the keys (events[].match, expect.alerts, expect.matches, expect.error)',
      file: path,
    });
  }
  return {
    file: path,
    id,
    passed: checks.length > 0 && checks.every((c) => c.ok),
    checks,
    alerts,
    diagnostics,
  };
}

// ---- alert comparison ----

function scalarEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a === 'object' || typeof b === 'object') return false;
  return String(a) === String(b);
}

function listEq(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => scalarEq(x, b[i]));
}

function setEq(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  const rest = [...b];
  for (const x of a) {
    const i = rest.findIndex((y) => scalarEq(x, y));
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

/** Kibana's `[{field, value}]` list or an object → an object. */
export function termsObject(t: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(t)) {
    const o: Record<string, unknown> = {};
    for (const e of t) if (isRecord(e) && typeof e.field === 'string') o[e.field] = e.value;
    return o;
  }
  return isRecord(t) ? t : undefined;
}

function cardinalityList(c: unknown): { field?: string; value: unknown }[] | undefined {
  if (c === undefined) return undefined;
  if (Array.isArray(c))
    return c.map((e) =>
      isRecord(e) ? { field: e.field as string | undefined, value: e.value } : { value: e },
    );
  if (isRecord(c)) return [{ field: c.field as string | undefined, value: c.value }];
  return [{ value: c }];
}

/** Does the actual alert satisfy every key of the expected (partial) alert? */
export function alertMatches(expected: Record<string, unknown>, a: Alert): boolean {
  for (const [k, v] of Object.entries(expected)) {
    switch (k) {
      case 'new_terms':
        if (!Array.isArray(v) || !a.new_terms || !listEq(v, a.new_terms)) return false;
        break;
      case 'terms': {
        const want = termsObject(v);
        const got = a.terms ?? {};
        if (!want || Object.keys(want).length !== Object.keys(got).length) return false;
        for (const [f, x] of Object.entries(want)) if (!scalarEq(x, got[f])) return false;
        break;
      }
      case 'cardinality': {
        const want = cardinalityList(v) ?? [];
        const got = a.cardinality ?? [];
        for (const w of want) {
          const g = w.field === undefined ? got[0] : got.find((x) => x.field === w.field);
          if (!g || !scalarEq(w.value, g.value)) return false;
        }
        break;
      }
      case 'event_ids':
        if (!Array.isArray(v) || !setEq(v, a.event_ids ?? [])) return false;
        break;
      case 'lines':
        if (
          !Array.isArray(v) ||
          !setEq(
            v.map((x) => (isRecord(x) ? x.line : x)),
            (a.lines ?? []).map((l) => l.line),
          )
        )
          return false;
        break;
      case 'source_event_id':
      case 'event_id':
        if (!scalarEq(v, a.event_id)) return false;
        break;
      case 'timestamp':
      case 'first_seen':
        if (a.timestamp === undefined || Date.parse(String(v)) !== Date.parse(a.timestamp))
          return false;
        break;
      case 'source_case':
      case 'cases':
        break; // fixture bookkeeping, not alert content
      default:
        if (!scalarEq(v, (a as unknown as Record<string, unknown>)[k])) return false;
    }
  }
  return true;
}

function brief(a: Alert): string {
  const o: Record<string, unknown> = { line: a.line };
  if (a.event_id) o.event_id = a.event_id;
  if (a.new_terms) o.new_terms = a.new_terms;
  if (a.terms) o.terms = a.terms;
  if (a.count !== undefined) o.count = a.count;
  if (a.cardinality) o.cardinality = a.cardinality;
  return JSON.stringify(o);
}

/** Expected (partial) alerts vs actual: one-to-one, order-free. */
export function compareAlerts(expected: Record<string, unknown>[], actual: Alert[]): SpecCheck {
  const used = new Set<number>();
  const missing: Record<string, unknown>[] = [];
  for (const e of expected) {
    const i = actual.findIndex((a, j) => !used.has(j) && alertMatches(e, a));
    if (i < 0) missing.push(e);
    else used.add(i);
  }
  const extra = actual.filter((_, j) => !used.has(j));
  const ok = missing.length === 0 && extra.length === 0;
  if (ok) return { ok, what: 'alerts' };
  const detail = [
    `alerts: expected ${expected.length}, got ${actual.length} (${missing.length} missing, ${extra.length} unexpected)`,
  ];
  for (const m of missing) detail.push(`  - missing:    ${JSON.stringify(m)}`);
  for (const x of extra) detail.push(`  + unexpected: ${brief(x)}`);
  return { ok, what: 'alerts', detail };
}

/** Human report of one spec outcome. */
export function renderSpecOutcome(o: SpecOutcome): string {
  const lines: string[] = [];
  const errs = o.diagnostics.filter((d) => d.severity === 'error');
  const status = o.passed ? 'PASS' : 'FAIL';
  const n = o.checks.length;
  lines.push(
    `${status} ${o.id} (${o.file})${n > 0 ? ` — ${o.checks.filter((c) => c.ok).length}/${n} checks` : ' — nothing to check'}`,
  );
  for (const c of o.checks) if (!c.ok) for (const d of c.detail ?? [c.what]) lines.push(`    ${d}`);
  if (!o.passed)
    for (const d of errs)
      lines.push(`    error ${d.code}: ${d.message}${d.line ? ` (line ${d.line})` : ''}`);
  return lines.join('\n');
}
