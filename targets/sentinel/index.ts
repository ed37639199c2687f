/**
 * Microsoft Sentinel (Kusto) target: a bare KQL query per rule plus a scheduled analytic rule.
 * `query` rules filter the rule window; `new_terms` rules anti-join a history set; `threshold`
 * rules summarize and compare. Windows use the ingestion-time column for `event.ingested` rules.
 */
import type { Diagnostic } from '../../src/diagnostics.js';
import { sectionFor } from '../../src/mapping/resolve.js';
import type { LField } from '../core/ir.js';
import type { Target, TargetContext, TargetOutput } from '../core/target.js';
import { lowerQuery } from '../core/translate.js';
import { mapField } from '../../src/mapping/resolve.js';
import { type EntityMapping, analyticRuleYaml } from './analytic.js';
import { kustoErrors } from './check.js';
import { type EmitContext, emitNode, resolveAccess } from './emit.js';
import { bundledSchemas, type TableSchema } from './schema.js';
import { kident } from './text.js';
import { fieldShapes } from '../../src/equiv/shape.js';
import { dateMathToKusto, durationMs, sentinelPeriod } from './time.js';

export const DEFAULT_TABLE = 'EcsEvents';
/** Artifact name of the analytic rule; written as `<out>/sentinel/<stem>.yaml` by `bundle`. */
export const ANALYTIC_RULE = 'analytic-rule.yaml';
const MAX_PERIOD_MS = 14 * 86_400_000;
const MIN_PERIOD_MS = 5 * 60_000;

function tableFor(ctx: TargetContext): TableSchema | undefined {
  const src = sectionFor(ctx.profile, 'sentinel').source.table;
  const name = Array.isArray(src) ? src[0] : (src ?? DEFAULT_TABLE);
  return bundledSchemas().get(name);
}

interface Pipeline {
  /** Steps after the table (without leading `| `). */
  steps: string[];
}

function filterSteps(ec: EmitContext, pred: string): string[] {
  const steps = [...ec.applies];
  if (pred !== 'true') steps.push(`where ${pred}`);
  if (ec.flags.length) steps.push(`project-away ${ec.flags.join(', ')}`);
  return steps;
}

function render(table: string, p: Pipeline, indent = ''): string {
  return [kident(table), ...p.steps.map((s) => `${indent}| ${s}`)].join('\n');
}

/** Keys for new_terms / threshold: one extend or mv-expand per field; returns alias names. */
function keySteps(
  fields: string[],
  ctx: TargetContext,
  ec: EmitContext,
  steps: string[],
): string[] {
  const aliases: string[] = [];
  /** Keys expanded from JSON: null/absent drops the row, "" is a value (as in Elastic). */
  const dynamicKeys: string[] = [];
  for (const f of fields) {
    const mf: LField = mapField(ctx.profile, 'sentinel', f);
    const a = resolveAccess(mf, ec);
    const alias =
      (mf.name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'key') +
      (aliases.includes(mf.name) ? '_2' : '');
    if (!a) {
      ctx.diags.unsupported(
        undefined,
        'KUSTO-NO-COLUMN',
        `table ${ec.table.table} has no column for ${f}`,
      );
      aliases.push(alias);
      steps.push(`extend ${alias} = ""`);
      continue;
    }
    if (a.noColumn)
      ctx.diags.lossy(
        'narrower',
        undefined,
        'KUSTO-NO-COLUMN-KEY',
        `table ${ec.table.table} has no column '${a.noColumn}': the key ${f} never has a value, so no event gives a combination`,
      );
    if (mf.item?.warning || (mf.item?.effect && mf.item.effect !== 'exact'))
      ctx.diags.add({
        code: 'MAP-ITEM',
        message: mf.item.warning ?? `mapping of ${f} is not exact`,
        effect: mf.item.effect ?? 'exact',
        severity: 'warning',
      });
    if (a.ktype === 'dynamic') {
      // arrays give one key per element (every combination across fields), scalars one key
      steps.push(
        `mv-expand ${alias} = iff(gettype(${a.expr}) == "array", ${a.expr}, pack_array(${a.expr}))`,
      );
      dynamicKeys.push(alias);
    } else if (!(a.ktype === 'string' && a.expr === alias))
      steps.push(`extend ${alias} = ${a.ktype === 'string' ? a.expr : `tostring(${a.expr})`}`);
    aliases.push(alias);
  }
  // a string column cannot hold null: "" is its missing value; a JSON value is missing when null
  if (aliases.length)
    steps.push(
      `where ${aliases.map((k) => (dynamicKeys.includes(k) ? `isnotnull(${k})` : `isnotempty(${k})`)).join(' and ')}`,
    );
  if (dynamicKeys.length)
    steps.push(`extend ${dynamicKeys.map((k) => `${k} = tostring(${k})`).join(', ')}`);
  return aliases;
}

function translate(ctx: TargetContext): TargetOutput {
  const { rule, diags } = ctx;
  const table = tableFor(ctx);
  if (!table) {
    const src = sectionFor(ctx.profile, 'sentinel').source.table;
    diags.unsupported(
      undefined,
      'KUSTO-TABLE',
      `no schema for Sentinel table '${String(src)}' (rules/schemas/sentinel)`,
    );
    return { text: '' };
  }
  ctx.trace.record({
    item: `${ctx.profile.id}/sentinel/source`,
    from: `index ${rule.index.join(', ') || '(none)'}`,
    to: `table ${table.table}`,
  });
  const ec: EmitContext = {
    table,
    diags,
    applies: [],
    flags: [],
    seq: { n: 0 },
    shape: fieldShapes(ctx.profile),
  };
  const pred = emitNode(lowerQuery(ctx, { foldIn: true }), ec);

  // time column and windows
  const ingested = rule.timestampOverride === 'event.ingested';
  const timeCol = ingested ? table.timestamp.ingestTime : table.timestamp.eventTime;
  const col = timeCol ?? table.timestamp.eventTime ?? 'TimeGenerated';
  // the time expression: a column, or another field as Kibana reads it (falling back to the event
  // time when the field is missing)
  let timeExpr = kident(col);
  const override = rule.timestampOverride;
  const otherOverride = override && override !== 'event.ingested' && override !== '@timestamp';
  if (otherOverride) {
    const a = resolveAccess(mapField(ctx.profile, 'sentinel', override), ec);
    if (a && !a.noColumn) {
      timeExpr = `coalesce(${a.ktype === 'datetime' ? a.expr : `todatetime(${a.expr})`}, ${kident(col)})`;
      diags.info(
        'KUSTO-TIMESTAMP-OVERRIDE',
        `the windows use ${override} (${a.expr}), and ${col} where it is missing, as Kibana does`,
      );
    } else
      diags.lossy(
        'wider',
        undefined,
        'KUSTO-TIMESTAMP',
        `timestamp_override ${override} has no column; ${col} is used`,
      );
  }
  if (ingested && !table.timestamp.ingestTime)
    diags.lossy(
      'wider',
      undefined,
      'KUSTO-INGEST-TIME',
      `table ${table.table} has no ingestion-time column: the window uses ${col}`,
    );
  const from =
    dateMathToKusto(rule.from) ??
    (diags.unsupported(undefined, 'KUSTO-FROM', `cannot translate from '${rule.from}'`),
    { expr: 'ago(6m)', ms: 360_000, lookbackMs: 360_000 });
  const windowMs = from.lookbackMs;
  const window = `where ${timeExpr} between (${from.expr} .. now())`;

  let text: string;
  let periodMs = windowMs;
  let triggerThreshold = 0;
  const entity: EntityMapping[] = [];
  const thresholdKeys: string[] = [];
  if (rule.type === 'new_terms' && rule.newTerms) {
    if (rule.newTerms.fields.length === 0) {
      diags.unsupported(
        undefined,
        'KUSTO-NEW-TERMS-FIELDS',
        'a new_terms rule needs at least one new_terms field (Elastic requires 1 to 3)',
      );
      return { text: '' };
    }
    const hist = dateMathToKusto(rule.newTerms.historyWindowStart);
    if (!hist) {
      diags.unsupported(
        undefined,
        'KUSTO-HISTORY',
        `cannot translate history_window_start '${rule.newTerms.historyWindowStart}'`,
      );
      return { text: '' };
    }
    periodMs = Math.max(windowMs, hist.lookbackMs);
    // the matching events of the whole lookback with their keys, once; then the known keys
    // (history) and the window's events whose keys are not known
    const t = timeExpr;
    const evSteps: string[] = [
      `where ${t} between (${hist.expr} .. now())`,
      ...filterSteps(ec, pred),
    ];
    const keys = keySteps(rule.newTerms.fields, ctx, ec, evSteps);
    const histSteps = [
      `where ${t} between (${hist.expr} .. ${from.expr})`,
      `distinct ${keys.join(', ')}`,
    ];
    const winSteps = [
      window,
      `join kind=leftanti _history on ${keys.join(', ')}`,
      `summarize arg_min(${t}, *) by ${keys.join(', ')}`,
    ];
    diags.info(
      'KUSTO-NEW-TERMS-BOUNDARY',
      'history is [history start, window start] inclusive, so a term seen exactly at the window start is known (as in Elastic: first_seen must be after the window start)',
    );
    text = [
      `let _events = ${render(table.table, { steps: evSteps }, '    ')};`,
      `let _history = ${render('_events', { steps: histSteps }, '    ')};`,
      render('_events', { steps: winSteps }),
    ].join('\n');
  } else if (rule.type === 'threshold' && rule.threshold) {
    const th = rule.threshold;
    const steps: string[] = [window, ...filterSteps(ec, pred)];
    const keys = keySteps(th.field, ctx, ec, steps);
    thresholdKeys.push(...keys);
    const aggs = ['Count = count()'];
    const post: string[] = [];
    const lists: string[] = [];
    const conds = [`Count >= ${th.value}`];
    for (const [i, c] of (th.cardinality ?? []).entries()) {
      const mf = mapField(ctx.profile, 'sentinel', c.field);
      const a = resolveAccess(mf, ec);
      if (!a) {
        diags.unsupported(
          undefined,
          'KUSTO-NO-COLUMN',
          `table ${table.table} has no column for ${c.field}`,
        );
        continue;
      }
      const name = `Distinct${i ? i + 1 : ''}`;
      if (a.ktype === 'dynamic') {
        // JSON values: every element of an array counts, "" is a value (a prefix keeps dcount from
        // skipping it), null is none. The group's values are collected as a list of arrays and
        // counted element by element.
        const list = `__d${i + 1}`;
        aggs.push(
          `${list} = make_list(iff(gettype(${a.expr}) == "array", ${a.expr}, pack_array(${a.expr})))`,
        );
        post.push(
          `mv-apply __x${i + 1} = ${list} on (mv-expand __y${i + 1} = __x${i + 1} | summarize ${name} = dcountif(strcat("=", tostring(__y${i + 1})), isnotnull(__y${i + 1})))`,
        );
        lists.push(list);
      } else {
        // a typed column: "" is its missing value
        aggs.push(`${name} = dcountif(tostring(${a.expr}), isnotempty(tostring(${a.expr})))`);
      }
      conds.push(`${name} >= ${c.value}`);
      diags.info(
        'KUSTO-DCOUNT',
        'dcount() is an estimate (exact for small cardinalities); Elastic counts distinct values exactly below 3000',
      );
    }
    steps.push(`summarize ${aggs.join(', ')}${keys.length ? ` by ${keys.join(', ')}` : ''}`);
    steps.push(...post);
    steps.push(`where ${conds.join(' and ')}`);
    if (lists.length) steps.push(`project-away ${lists.join(', ')}`);
    text = render(table.table, { steps });
  } else {
    text = render(table.table, { steps: [window, ...filterSteps(ec, pred)] });
  }

  // analytic rule
  const freqMs = durationMs(rule.interval);
  if (freqMs === undefined)
    diags.unsupported(undefined, 'KUSTO-INTERVAL', `interval '${rule.interval}' is not a duration`);
  if (periodMs > MAX_PERIOD_MS)
    diags.add({
      code: 'KUSTO-QUERY-PERIOD',
      message: `the rule needs a ${sentinelPeriod(periodMs)} lookback; Sentinel scheduled rules allow at most 14 days (queryPeriod)`,
      effect: 'unsupported',
      severity: 'error',
      hint: 'shorten history_window_start / from, or run the query as a hunting query',
    });
  if ((ingested && timeCol && timeCol !== 'TimeGenerated') || timeExpr.startsWith('coalesce('))
    diags.info(
      'KUSTO-QUERY-PERIOD-TIMEGENERATED',
      `a scheduled analytic rule only sees rows whose TimeGenerated is inside queryPeriod: events in the window whose TimeGenerated is older than ${sentinelPeriod(Math.max(periodMs, 60_000))} are missed (the bare query has no such limit)`,
    );
  if (freqMs !== undefined && freqMs < MIN_PERIOD_MS)
    diags.info(
      'KUSTO-QUERY-FREQUENCY',
      `interval ${rule.interval} is below Sentinel's minimum queryFrequency: the analytic rule runs every 5m (its queryPeriod still covers the rule window, so no event is missed; alerts come later)`,
    );
  if (freqMs !== undefined && freqMs > MAX_PERIOD_MS)
    diags.add({
      code: 'KUSTO-QUERY-FREQUENCY',
      message: `interval ${rule.interval} is above Sentinel's maximum queryFrequency of 14 days`,
      effect: 'unsupported',
      severity: 'error',
    });
  // entity mappings name output columns: a threshold rule outputs only its group-by keys
  const opts = sectionFor(ctx.profile, 'sentinel').options;
  const em = opts.entityMappings;
  const outputColumns =
    rule.type === 'threshold' ? new Set(thresholdKeys) : new Set(Object.keys(table.columns));
  if (Array.isArray(em))
    for (const e of em as EntityMapping[]) {
      const fm = (e.fieldMappings ?? []).filter((m) => outputColumns.has(m.columnName));
      if (fm.length) entity.push({ ...e, fieldMappings: fm });
      else
        diags.info(
          'KUSTO-ENTITY',
          `entity ${e.entityType} is not mapped: its column${(e.fieldMappings ?? []).length === 1 ? '' : 's'} ${(e.fieldMappings ?? []).map((m) => m.columnName).join(', ')} ${rule.type === 'threshold' ? 'is not a group-by key of the threshold' : 'is not in the output'}`,
        );
    }
  const artifact = analyticRuleYaml({
    rule,
    query: text,
    queryFrequency: sentinelPeriod(
      Math.min(Math.max(freqMs ?? 300_000, MIN_PERIOD_MS), MAX_PERIOD_MS),
    ),
    queryPeriod: sentinelPeriod(Math.max(periodMs, freqMs ?? 0, MIN_PERIOD_MS)),
    triggerThreshold,
    entityMappings: entity,
    connectors: table.connector ? [{ connectorId: table.connector, dataTypes: [table.table] }] : [],
  });
  return { text: text + '\n', artifacts: [{ path: ANALYTIC_RULE, content: artifact }] };
}

/** Language-service errors of an emitted query against the bundled schemas. */
export function checkSentinel(text: string): Diagnostic[] {
  return kustoErrors(text, [...bundledSchemas().values()]).map((d) => ({
    severity: 'error' as const,
    code: d.code,
    message: d.message,
    offset: d.start,
    span: { start: d.start, end: d.start + d.length },
  }));
}

export const sentinelTarget: Target = {
  name: 'sentinel',
  aliases: ['kusto'],
  title: 'Microsoft Sentinel (Kusto)',
  outDir: 'sentinel',
  extension: '.kql',
  translate,
  check: checkSentinel,
  bundle: (entries) =>
    entries.flatMap((e) => {
      const a = e.translation.artifacts?.find((x) => x.path === ANALYTIC_RULE);
      return a ? [{ path: `${e.stem}.yaml`, content: a.content }] : [];
    }),
};
