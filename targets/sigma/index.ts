/**
 * The Sigma target: one Sigma rule per source rule.
 *
 * - `query` rules: one detection rule.
 * - `threshold` rules: the detection rule plus an `event_count` / `value_count` correlation rule
 *   in one multi-document `.yml` (the correlation refers to the base rule by `name`).
 * - `new_terms` rules: the detection rule plus a structured warning (Sigma has no new-terms form).
 *
 * Every emitted file is validated against the Sigma JSON schemas and the structural checks of
 * `validate.ts`; a failure is reported as an error diagnostic (it would be a siemc bug).
 */
import type { Diagnostic } from '../../src/diagnostics.js';
import { mapField } from '../../src/mapping/resolve.js';
import { parseDateMath } from '../../src/time/index.js';
import { lowerQuery } from '../core/translate.js';
import type { Target, TargetContext, TargetOutput } from '../core/target.js';
import { buildDetection } from './detection.js';
import { header, logsource, sigmaRuleId } from './meta.js';
import { SigmaValidator, validateSigma } from './validate.js';
import {
  toJs,
  writeYaml,
  writeYamlDocuments,
  ymap,
  yseq,
  type YamlMap,
  type YamlValue,
} from './yaml.js';

export { validateSigma, SigmaValidator, type SigmaIssue } from './validate.js';

let validator: SigmaValidator | undefined;

/** Sigma `name` of the base rule of a correlation: a slug of the title. */
function baseName(title: string, id: string): string {
  const s = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64)
    .replace(/_+$/, '');
  return s.length >= 2
    ? s
    : `rule_${id
        .replace(/[^a-z0-9]/gi, '')
        .slice(0, 12)
        .toLowerCase()}`;
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** The rule window length as a Sigma timespan (`now-9m` → `9m`), or undefined. */
export function windowTimespan(from: string): string | undefined {
  const r = parseDateMath(from);
  if (!r.ok || r.value.anchor.kind !== 'now') return undefined;
  let ms = 0;
  for (const op of r.value.ops) {
    if (op.op !== '-' || !(op.unit in UNIT_MS)) return undefined;
    ms += op.amount * UNIT_MS[op.unit];
  }
  if (ms <= 0) return undefined;
  for (const [u, f] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % f === 0) return `${ms / f}${u}`;
  }
  return undefined;
}

/** The Sigma name of a group-by / value field; undefined (and a diagnostic) when it has none. */
function targetField(ctx: TargetContext, ecs: string): string | undefined {
  const f = mapField(ctx.profile, 'sigma', ecs);
  const it = f.item;
  if (it && (it.none || it.pair || it.lookup || it.expression)) {
    ctx.diags.unsupported(
      undefined,
      'SIGMA-CORRELATION-FIELD',
      `the threshold field ${ecs} has no plain Sigma field in profile '${ctx.profile.id}', so the correlation cannot group or count by it`,
    );
    return undefined;
  }
  if (f.traceId) ctx.trace.record({ item: f.traceId, from: ecs, to: f.name });
  return f.name;
}

function correlationDoc(ctx: TargetContext, base: string): YamlMap | undefined {
  const rule = ctx.rule;
  const th = rule.threshold;
  if (!th) {
    ctx.diags.unsupported(
      undefined,
      'SIGMA-THRESHOLD-SPEC',
      'the threshold rule has no threshold settings',
    );
    return undefined;
  }
  const span = windowTimespan(rule.from);
  if (!span) {
    ctx.diags.unsupported(
      undefined,
      'SIGMA-TIMESPAN',
      `the rule window 'from: ${rule.from}' has no fixed length (Sigma timespans are a number of s, m, h or d)`,
    );
    return undefined;
  }
  const h = header(rule, ctx);
  const groupBy = th.field.map((f) => targetField(ctx, f));
  const cardField = th.cardinality?.[0] ? targetField(ctx, th.cardinality[0].field) : undefined;
  if (groupBy.some((g) => g === undefined) || (th.cardinality?.[0] && cardField === undefined))
    return undefined;
  const card = th.cardinality ?? [];
  let correlation: YamlMap;
  if (card.length === 0) {
    correlation = ymap([
      ['type', 'event_count'],
      ['rules', yseq([base])],
      ['group-by', yseq(groupBy as string[])],
      ['timespan', span],
      ['condition', ymap([['gte', th.value]])],
    ]);
  } else {
    const c = card[0];
    if (card.length > 1) {
      ctx.diags.unsupported(
        undefined,
        'SIGMA-CARDINALITY-MANY',
        'only one cardinality condition can be expressed in a Sigma value_count correlation',
      );
    }
    if (th.value > c.value) {
      ctx.diags.lossy(
        'wider',
        undefined,
        'SIGMA-THRESHOLD-COUNT',
        `the correlation checks ${c.field} has >= ${c.value} distinct values, but not that the group has >= ${th.value} events (a value_count correlation has one condition)`,
      );
    }
    correlation = ymap([
      ['type', 'value_count'],
      ['rules', yseq([base])],
      ['group-by', yseq(groupBy as string[])],
      ['timespan', span],
      [
        'condition',
        ymap([
          ['field', cardField as string],
          ['gte', c.value],
        ]),
      ],
    ]);
  }
  ctx.diags.info(
    'SIGMA-CORRELATION-WINDOW',
    `the correlation counts over a ${span} timespan, the rule's look-back (from ${rule.from}); the Sigma backend places the windows${
      rule.timestampOverride
        ? ` and must use ${rule.timestampOverride} as the event time, as the source rule does`
        : ''
    }`,
  );
  return ymap([
    ['title', h.title],
    ['id', sigmaRuleId(rule.id, 'correlation')],
    ['status', h.status],
    ['description', h.description],
    ['references', h.references],
    ['author', h.author],
    ['date', h.date],
    ['modified', h.modified],
    ['tags', h.tags],
    ['correlation', correlation],
    ['falsepositives', h.falsepositives],
    ['level', h.level],
  ]);
}

/**
 * One diagnostic per code, effect and message: a mapping item or field used by many clauses
 * (`ExtendedProperties.Value` in fifteen negated values) says so once, at its first clause.
 */
function collapseRepeats(ctx: TargetContext): void {
  const items = ctx.diags.items;
  const seen = new Set<string>();
  let w = 0;
  for (const d of items) {
    const key = `${d.code}\u0000${d.effect}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items[w++] = d;
  }
  items.length = w;
}

function translate(ctx: TargetContext): TargetOutput {
  const out = translateRuleToSigma(ctx);
  collapseRepeats(ctx);
  return out;
}

function translateRuleToSigma(ctx: TargetContext): TargetOutput {
  const rule = ctx.rule;
  const lowered = lowerQuery(ctx, { foldIn: false });
  const { detection } = buildDetection(lowered, ctx);
  const h = header(rule, ctx);
  const id = sigmaRuleId(rule.id);
  const isThreshold = rule.type === 'threshold';
  if (rule.type === 'new_terms') {
    ctx.diags.lossy(
      'wider',
      undefined,
      'SIGMA-NEW-TERMS',
      `Sigma has no new-terms rule: the output is the base rule, which alerts on every matching event, not only on a first-seen ${(rule.newTerms?.fields ?? []).join(' + ') || 'value'} (history from ${rule.newTerms?.historyWindowStart ?? '?'})`,
      'run it as a building block and add first-seen logic in the SIEM, or keep the rule in Elastic',
    );
  }
  let docs: YamlMap[];
  if (isThreshold) {
    const name = baseName(h.title, rule.id);
    const base = ymap([
      ['title', h.title],
      ['id', id],
      ['name', name],
      ['status', h.status],
      ['description', h.description],
      ['license', h.license],
      ['logsource', logsource(ctx)],
      ['detection', detection],
    ]);
    const corr = correlationDoc(ctx, name);
    docs = corr ? [base, corr] : [base];
  } else {
    const entries: [string, YamlValue | undefined][] = [
      ['title', h.title],
      ['id', id],
      ['status', h.status],
      ['description', h.description],
      ['references', h.references],
      ['author', h.author],
      ['date', h.date],
      ['modified', h.modified],
      ['tags', h.tags],
      ['license', h.license],
      ['logsource', logsource(ctx)],
      ['detection', detection],
      ['falsepositives', h.falsepositives],
      ['level', h.level],
    ];
    docs = [ymap(entries)];
  }
  const text = docs.length === 1 ? writeYaml(docs[0]) : writeYamlDocuments(docs);
  // Validate what a loader gets back (the writer's round trip is covered by its own tests, and
  // every corpus output is re-loaded from text in the test suite).
  validator ??= new SigmaValidator();
  for (const issue of validator.validateDocuments(docs.map(toJs))) {
    ctx.diags.add({
      code: 'SIGMA-INVALID-OUTPUT',
      message: `emitted Sigma fails validation (document ${issue.document}, ${issue.path}): ${issue.message}`,
      effect: 'unsupported',
      severity: 'error',
      hint: 'this is a siemc bug; please report it with the rule',
    });
  }
  return { text };
}

/** Check a Sigma file (schema + structure), as diagnostics. */
export function checkSigma(text: string): Diagnostic[] {
  return validateSigma(text).map((i) => ({
    severity: i.kind === 'regex' ? 'warning' : 'error',
    code:
      i.kind === 'schema'
        ? 'SIGMA-SCHEMA'
        : i.kind === 'yaml'
          ? 'SIGMA-YAML'
          : i.kind === 'regex'
            ? 'SIGMA-REGEX'
            : 'SIGMA-STRUCTURE',
    message: `document ${i.document}${i.path ? ` ${i.path}` : ''}: ${i.message}`,
  }));
}

export const sigmaTarget: Target = {
  name: 'sigma',
  aliases: [],
  title: 'Sigma',
  outDir: 'sigma',
  extension: '.yml',
  translate,
  check: checkSigma,
};
