/**
 * `siemc info <rule-file> [--now iso] [--id rule_id] [--format text|json]`: the normalized rule —
 * metadata, windows in absolute time at `--now`, the fields it reads, and its diagnostics.
 */
import type { Command } from 'commander';
import { type CliIO, UsageError } from '../io.js';
import type { Register } from '../main.js';
import { renderDiagnostic } from '../../diagnostics.js';
import { loadRulePaths } from '../../rules/load.js';
import { isSupportedRule, type LoadedRule, type RuleFileFormat } from '../../rules/model.js';
import { queryFields, ruleSettingFields } from '../../rules/fields.js';
import { ruleWindows } from '../../rules/windows.js';
import { ruleAst } from '../../rules/ast.js';
import { formatDuration, parseIsoTimestamp } from '../../time/datemath.js';
import { toCanonical } from '../../kql/canonical.js';

interface InfoOptions {
  now?: string;
  id?: string;
  format: string;
  inputFormat?: string;
}

/** The JSON shape of `siemc info` for one rule. */
export function ruleInfo(l: LoadedRule, now: Date): Record<string, unknown> {
  const r = l.rule!;
  const info: Record<string, unknown> = {
    file: l.file,
    id: r.id,
    name: r.name,
    type: r.type,
    language: r.language ?? null,
    supported:
      isSupportedRule(r) &&
      !l.diagnostics.some((d) => d.code === 'RULE012' || d.code === 'RULE013'),
    severity: r.severity ?? null,
    riskScore: r.riskScore ?? null,
    description: r.description,
    author: r.author,
    license: r.license ?? null,
    tags: r.tags,
    threat: r.threat,
    references: r.references,
    falsePositives: r.falsePositives,
    index: r.index,
    timestampOverride: r.timestampOverride ?? null,
    query: r.query ?? null,
  };
  if (r.source.line !== undefined) info.line = r.source.line;
  if (r.filters) info.filters = r.filters;
  if (r.newTerms) info.newTerms = r.newTerms;
  if (r.threshold) info.threshold = r.threshold;
  try {
    const w = ruleWindows(r, now);
    const windows: Record<string, unknown> = {
      now: now.toISOString(),
      from: { expr: r.from, time: w.from.toISOString() },
      to: { expr: r.to ?? 'now', time: w.to.toISOString() },
      interval: { expr: r.interval, ms: w.intervalMs },
      additionalLookback: formatDuration(w.additionalLookbackMs),
    };
    if (w.historyStart) {
      windows.history = {
        expr: r.newTerms?.historyWindowStart,
        start: w.historyStart.toISOString(),
        end: w.from.toISOString(),
      };
    }
    info.windows = windows;
  } catch {
    info.windows = null; // malformed date math: the diagnostics say why
  }
  const astResult = r.query !== undefined && info.supported ? ruleAst(r) : undefined;
  const ast = r.ast ?? astResult?.queryAst ?? null;
  if (ast) {
    const qf = queryFields(ast);
    info.fields = {
      query: qf.fields,
      wildcard: qf.wildcardFields,
      freeText: qf.freeText,
      rule: ruleSettingFields(r),
    };
    info.ast = toCanonical(ast);
  } else {
    info.fields = { query: [], wildcard: [], freeText: false, rule: ruleSettingFields(r) };
  }
  const keepMeta = Object.fromEntries(
    Object.entries(r.metadata).filter(([k]) => !['note', 'setup'].includes(k)),
  );
  info.metadata = keepMeta;
  info.diagnostics = l.diagnostics.map((d) => ({
    file: d.file,
    line: d.line ?? null,
    column: d.column ?? null,
    severity: d.severity,
    code: d.code,
    message: d.message,
  }));
  return info;
}

function textOf(info: Record<string, unknown>, l: LoadedRule): string {
  const r = l.rule!;
  const lines: string[] = [];
  const kv = (k: string, v: unknown) => {
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0) || v === '') return;
    lines.push(`${(k + ':').padEnd(20)}${Array.isArray(v) ? v.join(', ') : String(v)}`);
  };
  kv('rule', `${r.name} (${r.id})`);
  kv('file', l.file + (r.source.line !== undefined ? `:${r.source.line}` : ''));
  kv(
    'type',
    `${r.type}, language ${r.language ?? '(none)'}${info.supported ? '' : ' — unsupported'}`,
  );
  kv(
    'severity',
    r.severity !== undefined ? `${r.severity}, risk score ${r.riskScore ?? '-'}` : undefined,
  );
  kv('index', r.index);
  kv(
    'timestamp',
    r.timestampOverride ? `${r.timestampOverride} (timestamp_override)` : '@timestamp',
  );
  const w = info.windows as Record<string, Record<string, unknown> | string> | null;
  if (w) {
    const from = w.from as Record<string, string>;
    const to = w.to as Record<string, string>;
    const iv = w.interval as Record<string, unknown>;
    kv('now', w.now);
    kv('window', `${from.time} .. ${to.time}  (from ${from.expr} to ${to.expr})`);
    kv('interval', `${iv.expr} (additional look-back ${w.additionalLookback})`);
    if (w.history) {
      const h = w.history as Record<string, string>;
      kv('history window', `${h.start} .. ${h.end}  (history_window_start ${h.expr})`);
    }
  }
  if (r.newTerms) kv('new terms fields', r.newTerms.fields);
  if (r.threshold) {
    const card = (r.threshold.cardinality ?? [])
      .map((c) => `, distinct ${c.field} >= ${c.value}`)
      .join('');
    kv(
      'threshold',
      `count >= ${r.threshold.value}${r.threshold.field.length ? ` by ${r.threshold.field.join(', ')}` : ' (no grouping)'}${card}`,
    );
  }
  const f = info.fields as {
    query: string[];
    wildcard: string[];
    freeText: boolean;
    rule: string[];
  };
  kv('query fields', f.query);
  if (f.wildcard.length) kv('wildcard fields', f.wildcard);
  if (f.freeText) kv('free text', 'yes: the query has field-less terms');
  kv('rule fields', f.rule);
  if (r.filters) kv('filters', `${r.filters.length} (ANDed with the query)`);
  kv('tags', r.tags);
  for (const t of r.threat)
    kv('threat', `${t.tactic.id} ${t.tactic.name}: ${t.technique.map((x) => x.id).join(', ')}`);
  kv('author', r.author);
  kv('license', r.license);
  if (r.query !== undefined)
    lines.push(
      'query:',
      ...r.query
        .replace(/^\n+|\s+$/g, '')
        .split('\n')
        .map((x) => '  ' + x),
    );
  for (const d of l.diagnostics)
    lines.push(renderDiagnostic({ ...d, line: d.line ?? 1, column: d.column ?? 1 }));
  return lines.join('\n');
}

export const registerInfo: Register = (program: Command, io: CliIO, setExit) => {
  program
    .command('info')
    .description('show a rule normalized: metadata, windows in absolute time, the fields it uses')
    .argument('<rule>', 'a rule file (TOML, Kibana JSON/NDJSON, .kql, case YAML) or - for stdin')
    .option('--now <iso>', 'the time to resolve relative windows at (default: the current time)')
    .option('--id <rule_id>', 'pick one rule of a multi-rule file')
    .option('--format <format>', 'output format: text or json', 'text')
    .option('--input-format <format>', 'force the input format: toml, json, ndjson, kql or yaml')
    .action(async (file: string, opts: InfoOptions) => {
      if (opts.format !== 'text' && opts.format !== 'json')
        throw new UsageError(`--format must be text or json, got '${opts.format}'`);
      let now = new Date();
      if (opts.now !== undefined) {
        const t = parseIsoTimestamp(opts.now);
        if (t === undefined)
          throw new UsageError(`--now must be an ISO 8601 timestamp, got '${opts.now}'`);
        now = new Date(t);
      }
      const fmt = opts.inputFormat;
      if (fmt !== undefined && !['toml', 'json', 'ndjson', 'kql', 'yaml'].includes(fmt)) {
        throw new UsageError(
          `--input-format must be one of toml, json, ndjson, kql, yaml; got '${fmt}'`,
        );
      }
      const loaded = await loadRulePaths(
        [file],
        { readStdin: () => io.readStdin(), cwd: io.cwd },
        { now, ...(fmt ? { format: fmt as RuleFileFormat } : {}) },
      );
      let rules = loaded.filter((l) => l.rule);
      if (opts.id !== undefined) {
        rules = rules.filter((l) => l.rule!.id === opts.id);
        if (rules.length === 0) {
          io.stderr(`siemc: no rule with id '${opts.id}' in ${file}\n`);
          setExit(1);
          return;
        }
      }
      const failures = loaded.filter(
        (l) => !l.rule && l.diagnostics.some((d) => d.severity === 'error'),
      );
      for (const l of failures)
        for (const d of l.diagnostics) io.stderr(renderDiagnostic(d) + '\n');
      if (rules.length === 0) {
        if (failures.length === 0) io.stderr(`siemc: no rule in ${file}\n`);
        setExit(1);
        return;
      }
      const infos = rules.map((l) => ruleInfo(l, now));
      if (opts.format === 'json')
        io.stdout(JSON.stringify(infos.length === 1 ? infos[0] : infos, null, 2) + '\n');
      else io.stdout(rules.map((l, i) => textOf(infos[i], l)).join('\n\n') + '\n');
      if (
        failures.length > 0 ||
        rules.some((l) => l.diagnostics.some((d) => d.severity === 'error'))
      )
        setExit(1);
    });
};
