/**
 * `verify`: run a source rule and its translations over the same events and report every
 * disagreement — with the smallest event that shows it, the clause responsible, and whether a
 * diagnostic of the translation had declared that kind of difference.
 *
 * - Events: the rule's generated boundary events (seeded) plus the user's, all ECS documents.
 *   Generated events are stamped inside the rule window (on `@timestamp` and `event.ingested`)
 *   and with the mapping profile's route values; copies of a matching one sit on the window edges.
 * - Native side: the rule engine's query matches in the window (for new_terms / threshold rules
 *   the query part: the translation of the same rule as a `query` rule).
 * - Target side: the translation run by the target's interpreter (`interpreters.ts`) on the
 *   events in the target's shape (the profile's event transform, `transforms.ts`).
 * - Rule level (new_terms / threshold): the alerts of the engine and of the whole translation on
 *   streams around the history, window and count edges (`generate/rule.ts`).
 * - A disagreement is *wider* (the target selects an event the source does not) or *narrower*; it
 *   is declared when a translation diagnostic has that effect (or `unsupported`, or the verdict
 *   `different`).
 * - The responsible clause: starting from the whole query, descend into the child subquery whose
 *   own translation still disagrees with the native evaluator on the event, down to a leaf.
 * - The smallest event: fields are removed one by one while the disagreement persists.
 */
import type { Node } from '../kql/ast.js';
import type { Rule } from '../rules/model.js';
import type { Target } from '../../targets/core/target.js';
import type { TranslateOptions } from '../../targets/core/target.js';
import { translateRule } from '../../targets/core/translate.js';
import type {
  Effect,
  TargetName,
  Translation,
  TranslationDiagnostic,
  Verdict,
} from '../../targets/types.js';
import { runRuleSync } from '../engine/index.js';
import { defaultSchema, type Schema } from '../schema/index.js';
import { format } from '../kql/print.js';
import { generateEvents } from './generate/index.js';
import {
  restamp,
  ruleScenarios,
  windowEdges,
  windowStamp,
  type RuleScenario,
} from './generate/rule.js';
import { schemaFieldInfo } from './native.js';
import { cloneDoc, setPath } from './doc.js';
import { getValues } from '../eval/index.js';
import { interpreterFor, InterpreterError } from './interpreters.js';
import type { EcsEvent, TargetInterpreter } from './types.js';
import { eventTransform, type EventTransform } from './transforms.js';
import { selectProfile } from '../mapping/select.js';
import type { MappingProfile } from '../mapping/types.js';
import { fieldShapes } from './shape.js';

export interface VerifyOptions {
  targets: readonly Target[];
  /** Pinned execution time. */
  now: Date;
  seed?: number;
  /** The user's ECS events (compared in addition to the generated ones). */
  events?: readonly EcsEvent[];
  schema?: Schema;
  translate?: TranslateOptions;
  /** Interpreter lookup (default: siemc's own). */
  interpreters?: (t: TargetName) => TargetInterpreter | undefined;
  /** Cap on generated events per rule. */
  maxEvents?: number;
  /** Disagreements reported per target (the smallest first). Default 3. */
  maxReported?: number;
  /**
   * May fields that neither ECS nor the mapping profile describes hold arrays? Default `array`
   * (their shape is unknown); `scalar` when the data sources send single values there.
   */
  unknownFields?: 'array' | 'scalar';
}

export interface Disagreement {
  /** The (minimised) event. */
  event: EcsEvent;
  /** Why the event was generated (or `user event #n`). */
  origin: string;
  native: boolean;
  target: boolean;
  /** wider: the translation selects an event the source rule does not; narrower: the reverse. */
  kind: 'wider' | 'narrower';
  /** The smallest sub-query whose translation still disagrees (KQL text). */
  clause: string;
  declared: boolean;
  /** Codes of the diagnostics that declared it. */
  declaredBy: string[];
}

export type TargetStatus = 'exact' | 'declared' | 'undeclared' | 'skipped';

export interface TargetReport {
  target: TargetName;
  status: TargetStatus;
  verdict: Verdict;
  /** Events compared, and how many disagree (all kinds). */
  compared: number;
  disagreeing: number;
  disagreements: Disagreement[];
  diagnostics: TranslationDiagnostic[];
  note?: string;
}

export interface RuleReport {
  rule: string;
  name: string;
  file: string;
  type: string;
  events: number;
  targets: TargetReport[];
  note?: string;
}

function declaring(
  diags: readonly TranslationDiagnostic[],
  kind: 'wider' | 'narrower',
  verdict: Verdict,
): string[] {
  const ok = (e: Effect) => e === kind || e === 'unsupported';
  const codes = diags.filter((d) => ok(d.effect)).map((d) => d.code);
  if (codes.length === 0 && (verdict === 'different' || verdict === kind))
    return [`verdict:${verdict}`];
  return [...new Set(codes)];
}

/**
 * Stamp a generated event as one from the rule's data source: window timestamps, and the values
 * the profile's routes say every event of its source has (`event.dataset: o365.audit`), where the
 * generator left the field out.
 */
function stamp(
  doc: EcsEvent,
  ts: string,
  rule: Rule,
  routes: readonly { field: string; value: string }[],
): EcsEvent {
  const d = cloneDoc(doc);
  const paths = new Set(leafPaths(d));
  for (const p of ['@timestamp', 'event.ingested', rule.timestampOverride]) {
    // A rule that constrains a time field keeps the generated value.
    if (p && !paths.has(p)) setPath(d, p, ts);
  }
  for (const r of routes) if (!paths.has(r.field)) setPath(d, r.field, r.value);
  return d;
}

/** The source facts of a profile's routes (first value of each routed field, any target). */
function sourceRoutes(profile: MappingProfile | undefined): { field: string; value: string }[] {
  const out = new Map<string, string>();
  for (const section of Object.values(profile?.targets ?? {}))
    for (const r of section?.routes ?? [])
      if (!out.has(r.field) && r.values.length > 0) out.set(r.field, r.values[0]);
  return [...out].map(([field, value]) => ({ field, value }));
}

/** The rule as a plain query rule (same query, same window). */
function asQueryRule(rule: Rule, ast: Node): Rule {
  const { newTerms: _n, threshold: _t, ...rest } = rule;
  return { ...rest, type: 'query', ast };
}

interface RunCtx {
  rule: Rule;
  target: Target;
  interp: TargetInterpreter;
  opts: VerifyOptions;
  schema: Schema;
  transform: EventTransform | 'interpreter';
  /** Fields every event of the source has (route values): the minimiser keeps them. */
  sourceFields: readonly string[];
  /** The profile's lookup items for this target (their tables are built from the events). */
  lookupItems: readonly LookupItem[];
}

interface LookupItem {
  ecsName: string;
  table: string;
  input: string;
  /** Column of the table matched against `input`. */
  column: string;
  output: string;
}

function lookupItems(profile: MappingProfile | undefined, target: TargetName): LookupItem[] {
  return Object.entries(profile?.targets[target]?.fields ?? {}).flatMap(([ecsName, it]) =>
    it.lookup
      ? [
          {
            ecsName,
            table: it.lookup.table,
            input: it.lookup.input,
            column: it.lookup.inputField ?? it.lookup.input,
            output: it.lookup.output,
          },
        ]
      : [],
  );
}

/**
 * Lookup tables that agree with the events: each event's raw input value (in its target record)
 * → the ECS value the integration's enrichment gave it. Undefined when the profile has none.
 */
function lookupsFor(
  ctx: RunCtx,
  events: readonly EcsEvent[],
  index: readonly number[],
  shaped: readonly Record<string, unknown>[],
): Record<string, Record<string, unknown>[]> | undefined {
  if (ctx.lookupItems.length === 0) return undefined;
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const l of ctx.lookupItems) {
    const rows = (out[l.table] ??= []);
    shaped.forEach((rec, j) => {
      const v = rec[l.input];
      const keys = (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map(String);
      const outs = getValues(events[index[j]], l.ecsName)
        .filter((x) => x !== null && x !== undefined)
        .map(String);
      if (outs.length === 0) return;
      for (const k of keys) {
        const row = rows.find((r) => r[l.column] === k);
        const value = outs.length === 1 ? outs[0] : outs;
        if (!row) rows.push({ [l.column]: k, [l.output]: value });
        else if (row[l.output] === undefined) row[l.output] = value;
      }
    });
  }
  return out;
}

/** Does the native engine match each event (inside the window)? */
function nativeMatches(ctx: RunCtx, ast: Node, events: readonly EcsEvent[]): boolean[] {
  const rule = asQueryRule(ctx.rule, ast);
  const res = runRuleSync(
    rule,
    events.map((doc, i) => ({ doc, file: '<verify>', line: i + 1 })),
    // Translations always carry the rule window, so the source side always applies it too.
    { now: ctx.opts.now, schema: ctx.schema, collectMatches: true, window: true },
  );
  const out = events.map(() => false);
  for (const m of res.matches) out[m.line - 1] = true;
  return out;
}

function translationOf(ctx: RunCtx, ast: Node): Translation {
  return translateRule(asQueryRule(ctx.rule, ast), ctx.target, ctx.opts.translate);
}

/** The events in the target's shape, with the indices of those that reach the target at all. */
function shapeFor(
  ctx: RunCtx,
  tr: Translation,
  events: readonly EcsEvent[],
): { index: number[]; shaped: Record<string, unknown>[] } {
  // Events the profile's transform keeps out of the target's source never match there.
  if (ctx.transform === 'interpreter') {
    const shaped = ctx.interp.transform
      ? ctx.interp.transform(events, ctx.rule, tr)
      : events.map((e) => ({ ...e }));
    const index = events.map((_, i) => i);
    withLookupInputs(ctx, events, index, shaped);
    return { index, shaped };
  }
  const t = ctx.transform;
  const recs = events.map((e) => t(e));
  const index = events.map((_, i) => i).filter((i) => recs[i] !== undefined);
  const shaped = index.map((i) => recs[i]!);
  withLookupInputs(ctx, events, index, shaped);
  return { index, shaped };
}

/**
 * An enriched ECS value (`source.as.number`) implies the raw field it was looked up from
 * (`ClientIP`): a record without that field gets a stand-in address, one per enriched value, so
 * the translation's lookup finds the row `lookupsFor` builds (the integration could not have
 * enriched an event without it).
 */
function withLookupInputs(
  ctx: RunCtx,
  events: readonly EcsEvent[],
  index: readonly number[],
  shaped: Record<string, unknown>[],
): void {
  for (const l of ctx.lookupItems) {
    shaped.forEach((rec, j) => {
      if (rec[l.input] !== undefined) return;
      const outs = getValues(events[index[j]], l.ecsName).filter((x) => x !== null);
      if (outs.length === 0) return;
      let h = 0;
      for (const c of String(outs[0])) h = (h * 31 + c.charCodeAt(0)) >>> 0;
      const ip = `198.18.${(h >>> 8) & 255}.${h & 255}`;
      // Splunk events hold every field as a list of strings.
      rec[l.input] = Object.values(rec).every(Array.isArray) ? [ip] : ip;
    });
  }
}

function interpreterFailed(ctx: RunCtx, e: unknown): InterpreterError {
  if (e instanceof InterpreterError) return e;
  return new InterpreterError(
    `${ctx.target.name} interpreter failed: ${e instanceof Error ? e.message : String(e)}`,
  );
}

function targetMatches(ctx: RunCtx, tr: Translation, events: readonly EcsEvent[]): boolean[] {
  const { index, shaped } = shapeFor(ctx, tr, events);
  const out = events.map(() => false);
  if (shaped.length === 0) return out;
  const base = { now: ctx.opts.now.toISOString(), rule: ctx.rule };
  try {
    if (ctx.lookupItems.length === 0) {
      for (const i of ctx.interp.run(tr, shaped, base).matches) out[index[i]] = true;
    } else {
      // One run per event, each with the lookup rows its own enrichment implies.
      shaped.forEach((rec, j) => {
        const lookups = lookupsFor(ctx, events, [index[j]], [rec]);
        if (ctx.interp.run(tr, [rec], { ...base, lookups }).matches.length > 0)
          out[index[j]] = true;
      });
    }
  } catch (e) {
    throw interpreterFailed(ctx, e);
  }
  return out;
}

/** Native and target alert counts per scenario; the scenarios on which they differ. */
function ruleLevel(
  ctx: RunCtx,
  scenarios: readonly RuleScenario[],
): { compared: number; disagreements: Disagreement[] } | undefined {
  if (!ctx.interp.alerts || scenarios.length === 0) return undefined;
  const tr = translateRule(ctx.rule, ctx.target, ctx.opts.translate);
  if (tr.verdict === 'unsupported' || tr.text === '') {
    const codes = tr.diagnostics.filter((d) => d.effect === 'unsupported').map((d) => d.code);
    throw new InterpreterError(
      `the whole rule's translation is unsupported (declared${codes.length ? `: ${[...new Set(codes)].join(', ')}` : ''})`,
    );
  }
  const out: Disagreement[] = [];
  for (const sc of scenarios) {
    const native = runRuleSync(
      ctx.rule,
      sc.events.map((doc, i) => ({ doc, file: '<verify>', line: i + 1 })),
      { now: ctx.opts.now, schema: ctx.schema, window: true },
    ).alerts.length;
    const { index, shaped } = shapeFor(ctx, tr, sc.events);
    let target: number;
    try {
      target = ctx.interp.alerts(tr, shaped, {
        now: ctx.opts.now.toISOString(),
        rule: ctx.rule,
        lookups: lookupsFor(ctx, sc.events, index, shaped),
      });
    } catch (e) {
      throw interpreterFailed(ctx, e);
    }
    if (native === target) continue;
    const kind = target > native ? 'wider' : 'narrower';
    const by = declaring(tr.diagnostics, kind, tr.verdict);
    const r = ctx.rule;
    out.push({
      event: sc.sample,
      origin: `${r.type}: ${sc.why} — ${native} alert(s) from the source rule, ${target} from the translation`,
      native: native > 0,
      target: target > 0,
      kind,
      clause:
        r.type === 'new_terms'
          ? `new terms of ${r.newTerms!.fields.join(', ')} in [${r.from}, now] unseen in [${r.newTerms!.historyWindowStart}, ${r.from}]`
          : `threshold: ${r.threshold!.value} events${r.threshold!.field.length ? ` per ${r.threshold!.field.join(', ')}` : ''} in [${r.from}, now]`,
      declared: by.length > 0,
      declaredBy: by,
    });
  }
  return { compared: scenarios.length, disagreements: out };
}

/** Does the translation of `ast` disagree with the native evaluator on `doc`? */
function disagreesOn(ctx: RunCtx, ast: Node, doc: EcsEvent): boolean {
  const tr = translationOf(ctx, ast);
  if (tr.verdict === 'unsupported' || tr.text === '') return false;
  try {
    return nativeMatches(ctx, ast, [doc])[0] !== targetMatches(ctx, tr, [doc])[0];
  } catch (e) {
    if (e instanceof InterpreterError) return false;
    throw e;
  }
}

function children(n: Node): Node[] {
  switch (n.kind) {
    case 'and':
    case 'or':
      return n.children;
    case 'not':
      return [n.child];
    default:
      return [];
  }
}

/** Smallest sub-query whose own translation still disagrees on the event. */
function responsibleClause(ctx: RunCtx, doc: EcsEvent): string {
  let cur = ctx.rule.ast!;
  for (let depth = 0; depth < 64; depth++) {
    const next = children(cur).find((c) => disagreesOn(ctx, c, doc));
    if (!next) break;
    cur = next;
  }
  return format(cur);
}

/** JSON with object keys sorted (the identity of a document whatever its key order). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

function leafPaths(doc: unknown, prefix = ''): string[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return prefix ? [prefix] : [];
  return Object.entries(doc as Record<string, unknown>).flatMap(([k, v]) =>
    leafPaths(v, prefix ? `${prefix}.${k}` : k),
  );
}

function without(doc: EcsEvent, path: string): EcsEvent {
  const d = cloneDoc(doc);
  const parts = path.split('.');
  const chain: Record<string, unknown>[] = [d];
  for (let i = 0; i < parts.length - 1; i++)
    chain.push(chain[i][parts[i]] as Record<string, unknown>);
  delete chain[parts.length - 1][parts[parts.length - 1]];
  // Drop objects left empty.
  for (let i = parts.length - 2; i >= 0; i--) {
    if (Object.keys(chain[i + 1]).length === 0) delete chain[i][parts[i]];
  }
  return d;
}

/** Remove fields one at a time while the same disagreement remains (window timestamps stay). */
function minimiseEvent(ctx: RunCtx, tr: Translation, doc: EcsEvent, native: boolean): EcsEvent {
  let cur = doc;
  const keep = new Set([
    '@timestamp',
    'event.ingested',
    ctx.rule.timestampOverride ?? '@timestamp',
    ...ctx.sourceFields,
  ]);
  for (const path of leafPaths(doc)) {
    if (keep.has(path)) continue;
    const cand = without(cur, path);
    const n = nativeMatches(ctx, ctx.rule.ast!, [cand])[0];
    const t = targetMatches(ctx, tr, [cand])[0];
    if (n === native && t !== native) cur = cand;
  }
  return cur;
}

const TIME_EDGE = 'time: ';

function verifyTarget(
  ctx: RunCtx,
  allEvents: readonly { doc: EcsEvent; origin: string }[],
  scenarios: readonly RuleScenario[],
): TargetReport {
  const events =
    ctx.interp.windowed === false
      ? allEvents.filter((e) => !e.origin.startsWith(TIME_EDGE))
      : allEvents;
  const base = {
    target: ctx.target.name,
    compared: 0,
    disagreeing: 0,
    disagreements: [] as Disagreement[],
  };
  const tr = translationOf(ctx, ctx.rule.ast!);
  const skipped = (note: string): TargetReport => ({
    ...base,
    status: 'skipped',
    verdict: tr.verdict,
    diagnostics: tr.diagnostics,
    note,
  });
  if (tr.verdict === 'unsupported' || tr.text === '') {
    return skipped('the translation is unsupported (declared): nothing to run');
  }
  if (ctx.rule.type !== 'query' && ctx.rule.type !== 'new_terms' && ctx.rule.type !== 'threshold') {
    return skipped(`rule type ${ctx.rule.type} is not verified`);
  }
  const docs = events.map((e) => e.doc);
  let nat: boolean[];
  let tgt: boolean[];
  try {
    nat = nativeMatches(ctx, ctx.rule.ast!, docs);
    tgt = targetMatches(ctx, tr, docs);
  } catch (e) {
    if (e instanceof InterpreterError) return skipped(e.message);
    throw e;
  }
  const bad: number[] = [];
  nat.forEach((n, i) => {
    if (n !== tgt[i]) bad.push(i);
  });
  const order = bad.sort(
    (a, b) => JSON.stringify(docs[a]).length - JSON.stringify(docs[b]).length || a - b,
  );
  // One report per kind first (the smallest of each), then the next smallest.
  const pickedKinds = new Set<string>();
  const picked: number[] = [];
  for (const i of order) {
    const k = nat[i] ? 'narrower' : 'wider';
    if (!pickedKinds.has(k)) {
      pickedKinds.add(k);
      picked.push(i);
    }
  }
  for (const i of order)
    if (picked.length < (ctx.opts.maxReported ?? 3) && !picked.includes(i)) picked.push(i);
  // Minimised events that coincide (different generated events, same smallest form) are
  // reported once; a few more candidates are tried to fill the report.
  const max = ctx.opts.maxReported ?? 3;
  const candidates = [...picked, ...order.filter((i) => !picked.includes(i))].slice(0, max * 3);
  const shown = new Set<string>();
  const disagreements: Disagreement[] = [];
  for (const i of candidates) {
    if (disagreements.length >= max) break;
    const kind = nat[i] ? 'narrower' : 'wider';
    const event = minimiseEvent(ctx, tr, docs[i], nat[i]);
    const key = `${kind} ${canonical(event)}`;
    if (shown.has(key)) continue;
    shown.add(key);
    const by = declaring(tr.diagnostics, kind, tr.verdict);
    disagreements.push({
      event,
      origin: events[i].origin,
      native: nat[i],
      target: tgt[i],
      kind,
      clause: events[i].origin.startsWith(TIME_EDGE)
        ? `the rule window [${ctx.rule.from}, now] on ${ctx.rule.timestampOverride ?? '@timestamp'}`
        : responsibleClause(ctx, event),
      declared: by.length > 0,
      declaredBy: by,
    });
  }
  // Rule level (new_terms / threshold): alerts on streams around the history and window edges.
  let rule: ReturnType<typeof ruleLevel>;
  let ruleError = '';
  try {
    rule = ruleLevel(ctx, scenarios);
  } catch (e) {
    if (!(e instanceof InterpreterError)) throw e;
    ruleError = e.message;
    rule = undefined;
  }
  const ruleBad = rule?.disagreements ?? [];
  disagreements.unshift(...ruleBad);
  // Every disagreeing event counts, not only the reported ones.
  const undeclared =
    ruleBad.some((d) => !d.declared) ||
    bad.some(
      (i) => declaring(tr.diagnostics, nat[i] ? 'narrower' : 'wider', tr.verdict).length === 0,
    );
  const status: TargetStatus =
    bad.length + ruleBad.length === 0 ? 'exact' : undeclared ? 'undeclared' : 'declared';
  const note =
    ctx.rule.type === 'query'
      ? undefined
      : rule
        ? `${ctx.rule.type}: the query part on every event, and the alerts on ${rule.compared} streams around the ${ctx.rule.type === 'new_terms' ? 'history and window' : 'count and window'} edges`
        : `${ctx.rule.type}: the query part is compared; the alerts are not (${!ctx.interp.alerts ? `the ${ctx.target.name} interpreter does not raise alerts` : scenarios.length === 0 ? 'no edge streams for these key fields' : ruleError})`;
  return {
    ...base,
    compared: docs.length,
    disagreeing: bad.length + ruleBad.length,
    disagreements,
    status,
    verdict: tr.verdict,
    diagnostics: tr.diagnostics,
    note,
  };
}

/** A target verify cannot run at all (no interpreter or event transform): skipped, nothing compared. */
function notRun(target: TargetName, note: string): TargetReport {
  return {
    target,
    status: 'skipped',
    verdict: 'exact',
    compared: 0,
    disagreeing: 0,
    disagreements: [],
    diagnostics: [],
    note,
  };
}
/** Verify one rule against the given targets. */
export function verifyRule(rule: Rule, opts: VerifyOptions): RuleReport {
  const schema = opts.schema ?? defaultSchema();
  const report: RuleReport = {
    rule: rule.id,
    name: rule.name,
    file: rule.source.file,
    type: String(rule.type),
    events: 0,
    targets: [],
  };
  if (!rule.ast) {
    report.note = 'no parsed KQL query: nothing to verify';
    return report;
  }
  // The mapping profile (the same for every target): its event transforms and field shapes.
  let profile: MappingProfile | undefined;
  try {
    profile = selectProfile(rule, {
      mapping: opts.translate?.mapping,
      cwd: opts.translate?.cwd,
      candidates: opts.translate?.candidates,
    }).profile;
  } catch {
    /* a bad --mapping is reported by the translation itself */
  }
  const ts = windowStamp(rule, opts.now);
  const generated = generateEvents([rule.ast], {
    seed: opts.seed ?? 1,
    fieldInfo: schemaFieldInfo(schema),
    now: opts.now,
    maxEvents: opts.maxEvents ?? 300,
    multiValued: fieldShapes(profile, opts.unknownFields),
  });
  const routes = sourceRoutes(profile);
  const stamped = generated.map((g) => ({
    doc: stamp(g.doc, ts, rule, routes),
    origin: g.why,
  }));
  // The first generated event the source rule matches, moved to the window edges.
  const nat = runRuleSync(
    asQueryRule(rule, rule.ast),
    stamped.map((e, i) => ({ doc: e.doc, file: '<verify>', line: i + 1 })),
    { now: opts.now, schema, collectMatches: true, window: true },
  );
  const firstMatch = nat.matches[0] ? stamped[nat.matches[0].line - 1] : undefined;
  const edges = firstMatch
    ? windowEdges(rule, opts.now).map((e) => ({
        doc: restamp(firstMatch.doc, e.ts, rule),
        origin: `${TIME_EDGE}${e.why}`,
      }))
    : [];
  const scenarios =
    firstMatch && (rule.type === 'new_terms' || rule.type === 'threshold')
      ? ruleScenarios(rule, firstMatch.doc, opts.now, schema, (doc) => {
          const r = runRuleSync(
            asQueryRule(rule, rule.ast!),
            [{ doc, file: '<verify>', line: 1 }],
            {
              now: opts.now,
              schema,
              collectMatches: true,
              window: true,
            },
          );
          return r.matches.length === 1;
        })
      : [];
  const events = [
    ...stamped,
    ...edges,
    ...(opts.events ?? []).map((doc, i) => ({ doc, origin: `user event #${i + 1}` })),
  ];
  report.events = events.length;
  const lookup = opts.interpreters ?? interpreterFor;
  for (const target of opts.targets) {
    const interp = lookup(target.name);
    if (!interp) {
      report.targets.push(notRun(target.name, `no interpreter for ${target.name} yet`));
      continue;
    }
    const profileId = profile?.id ?? 'ecs';
    const transform = eventTransform(profile ?? profileId, target.name);
    if (!transform) {
      report.targets.push(
        notRun(
          target.name,
          `no ECS → ${target.name} event transform for mapping profile '${profileId}' yet`,
        ),
      );
      continue;
    }
    report.targets.push(
      verifyTarget(
        {
          rule,
          target,
          interp,
          opts,
          schema,
          transform,
          sourceFields: routes.map((r) => r.field),
          lookupItems: lookupItems(profile, target.name),
        },
        events,
        scenarios,
      ),
    );
  }
  return report;
}

/** Totals over rules: per target and overall. */
export interface VerifyTotals {
  rules: number;
  exact: number;
  declared: number;
  undeclared: number;
  skipped: number;
  perTarget: Record<string, Record<TargetStatus, number>>;
}

/** A rule is undeclared if any target is; declared if any is (and none undeclared); exact if all compared targets are. */
export function totals(reports: readonly RuleReport[]): VerifyTotals {
  const t: VerifyTotals = {
    rules: reports.length,
    exact: 0,
    declared: 0,
    undeclared: 0,
    skipped: 0,
    perTarget: {},
  };
  for (const r of reports) {
    const st = r.targets.map((x) => x.status);
    for (const x of r.targets) {
      t.perTarget[x.target] ??= { exact: 0, declared: 0, undeclared: 0, skipped: 0 };
      t.perTarget[x.target][x.status]++;
    }
    if (st.includes('undeclared')) t.undeclared++;
    else if (st.includes('declared')) t.declared++;
    else if (st.includes('exact')) t.exact++;
    else t.skipped++;
  }
  return t;
}
