/**
 * `siemc lint <files|dirs|globs|-...>`: load, parse and validate rules; print every diagnostic as
 * `file:line:col severity code message` (or JSON), then a one-line summary with the time taken.
 * Exit 0 clean (warnings allowed), 1 errors (warnings too with --strict), 2 usage.
 */
import type { Command } from 'commander';
import { type CliIO, UsageError, useColour } from '../io.js';
import type { Register } from '../main.js';
import { type Diagnostic, renderDiagnostic } from '../../diagnostics.js';
import { loadRulePaths } from '../../rules/load.js';
import { RuleCode } from '../../rules/codes.js';
import { isSupportedRule, type LoadedRule, type RuleFileFormat } from '../../rules/model.js';
import { parseIsoTimestamp } from '../../time/datemath.js';

interface LintOptions {
  format: string;
  strict?: boolean;
  now?: string;
  inputFormat?: string;
  quiet?: boolean;
}

const UNSUPPORTED = new Set<string>([RuleCode.UNSUPPORTED_TYPE, RuleCode.UNSUPPORTED_LANGUAGE]);

export interface LintSummary {
  files: number;
  rules: number;
  supported: number;
  supportedByType: Record<string, number>;
  clean: number;
  /** Supported rule types with warnings (but no error) other than RULE024. */
  withWarnings: number;
  /** Supported rule types with errors (other than those counted in unsupportedFilters). */
  withErrors: number;
  /** Supported rule types whose Kibana filters KQL cannot express (RULE024). */
  unsupportedFilters: number;
  unsupported: number;
  unsupportedByTypeAndLanguage: Record<string, number>;
  byLanguage: Record<string, number>;
  errors: number;
  warnings: number;
  infos: number;
  seconds: number;
}

const bump = (o: Record<string, number>, k: string) => {
  o[k] = (o[k] ?? 0) + 1;
};

export function summarize(
  loaded: LoadedRule[],
  diagnostics: Diagnostic[],
  seconds: number,
): LintSummary {
  const s: LintSummary = {
    files: new Set(loaded.map((l) => l.file)).size,
    rules: 0,
    supported: 0,
    supportedByType: {},
    clean: 0,
    withWarnings: 0,
    withErrors: 0,
    unsupportedFilters: 0,
    unsupported: 0,
    unsupportedByTypeAndLanguage: {},
    byLanguage: {},
    errors: 0,
    warnings: 0,
    infos: 0,
    seconds,
  };
  for (const l of loaded) {
    if (!l.rule) continue;
    s.rules++;
    const r = l.rule;
    bump(s.byLanguage, r.language ?? '(none)');
    if (l.diagnostics.some((d) => UNSUPPORTED.has(d.code)) || !isSupportedRule(r)) {
      s.unsupported++;
      bump(s.unsupportedByTypeAndLanguage, `${r.type}/${r.language ?? '(none)'}`);
      continue;
    }
    s.supported++;
    bump(s.supportedByType, r.type);
    if (l.diagnostics.some((d) => d.code === RuleCode.FILTER_UNSUPPORTED)) s.unsupportedFilters++;
    else if (!l.diagnostics.some((d) => d.severity !== 'info')) s.clean++;
    else if (!l.diagnostics.some((d) => d.severity === 'error')) s.withWarnings++;
    else s.withErrors++;
  }
  for (const d of diagnostics) {
    if (d.severity === 'error') s.errors++;
    else if (d.severity === 'warning') s.warnings++;
    else s.infos++;
  }
  return s;
}

const list = (o: Record<string, number>) =>
  Object.entries(o)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

export function summaryLine(s: LintSummary): string {
  const parts = [
    `${s.files} file${s.files === 1 ? '' : 's'}, ${s.rules} rule${s.rules === 1 ? '' : 's'}`,
    `${s.supported} of supported types${s.supported ? ` (${list(s.supportedByType)})` : ''}: ${s.clean} clean` +
      (s.withWarnings ? `, ${s.withWarnings} with warnings` : '') +
      (s.withErrors ? `, ${s.withErrors} with errors` : '') +
      (s.unsupportedFilters
        ? `, ${s.unsupportedFilters} unsupported for filters KQL cannot express`
        : ''),
    `${s.unsupported} of unsupported types or languages${s.unsupported ? ` (${list(s.unsupportedByTypeAndLanguage)})` : ''}`,
    `${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.infos} info`,
    `${s.seconds.toFixed(2)} s`,
  ];
  return parts.join('; ');
}

const COLOURS: Record<string, string> = {
  error: '\x1b[31m',
  warning: '\x1b[33m',
  info: '\x1b[36m',
};

function progressBar(io: CliIO) {
  const started = Date.now();
  let shown = false;
  let last = 0;
  return {
    update(done: number, total: number) {
      if (!io.stderrIsTTY) return;
      const now = Date.now();
      if (now - started < 1000 || (now - last < 80 && done < total)) return;
      last = now;
      shown = true;
      const width = 30;
      const filled = Math.round((done / Math.max(total, 1)) * width);
      io.stderr(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`);
    },
    clear() {
      if (shown) io.stderr('\r' + ' '.repeat(60) + '\r');
    },
  };
}

export async function runLint(
  paths: string[],
  opts: LintOptions,
  io: CliIO,
): Promise<{ code: number; summary: LintSummary }> {
  if (opts.format !== 'text' && opts.format !== 'json')
    throw new UsageError(`--format must be text or json, got '${opts.format}'`);
  let now: Date | undefined;
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
  const started = performance.now();
  const bar = progressBar(io);
  const loaded = await loadRulePaths(
    paths,
    { readStdin: () => io.readStdin(), cwd: io.cwd },
    {
      ...(fmt ? { format: fmt as RuleFileFormat } : {}),
      ...(now ? { now } : {}),
      onProgress: (d, t) => bar.update(d, t),
    },
  );
  bar.clear();
  const seconds = (performance.now() - started) / 1000;
  const texts = new Map<string, string | undefined>();
  const diagnostics: Diagnostic[] = [];
  for (const l of loaded) {
    if (l.rule?.source.text !== undefined) texts.set(l.file, l.rule.source.text);
    for (const d of l.diagnostics) {
      const promoted: Diagnostic =
        opts.strict && d.severity === 'warning' ? { ...d, severity: 'error' } : d;
      diagnostics.push({ ...promoted, file: promoted.file ?? l.file });
    }
  }
  const summary = summarize(loaded, diagnostics, seconds);
  const code = summary.errors > 0 ? 1 : 0;
  if (opts.format === 'json') {
    const rules = loaded
      .filter((l) => l.rule)
      .map((l) => {
        const r = l.rule!;
        const out: Record<string, unknown> = {
          file: l.file,
          id: r.id,
          name: r.name,
          type: r.type,
          language: r.language ?? null,
          supported:
            isSupportedRule(r) &&
            !l.diagnostics.some(
              (d) => UNSUPPORTED.has(d.code) || d.code === RuleCode.FILTER_UNSUPPORTED,
            ),
          clean: !l.diagnostics.some((d) => d.severity !== 'info'),
        };
        if (r.source.line !== undefined) out.line = r.source.line;
        return out;
      });
    const diags = diagnostics.map((d) => {
      const o: Record<string, unknown> = {
        file: d.file,
        line: d.line ?? null,
        column: d.column ?? null,
        severity: d.severity,
        code: d.code,
        message: d.message,
      };
      if (d.rule) o.rule = d.rule;
      if (d.span) o.span = d.span;
      if (d.expected) o.expected = d.expected;
      if (d.hint) o.hint = d.hint;
      return o;
    });
    io.stdout(JSON.stringify({ summary, rules, diagnostics: diags }, null, 2) + '\n');
    return { code, summary };
  }
  const colour = useColour(io);
  const out: string[] = [];
  for (const d of diagnostics) {
    if (opts.quiet && d.severity !== 'error') continue;
    // Source line and caret for problems inside the rule text; one line for whole-rule notes.
    const withSource = d.severity === 'error' || d.span !== undefined;
    let text = renderDiagnostic(
      { ...d, line: d.line ?? 1, column: d.column ?? 1 },
      withSource ? texts.get(d.file ?? '') : undefined,
    );
    if (colour) {
      const c = COLOURS[d.severity];
      const first = text.indexOf('\n');
      const head = first < 0 ? text : text.slice(0, first);
      text =
        head.replace(` ${d.severity} `, ` ${c}${d.severity}\x1b[0m `) +
        (first < 0 ? '' : text.slice(first));
    }
    out.push(text);
  }
  out.push(summaryLine(summary));
  io.stdout(out.join('\n') + '\n');
  return { code, summary };
}

export const registerLint: Register = (program: Command, io: CliIO, setExit) => {
  program
    .command('lint')
    .description(
      'load, parse and validate rule files (TOML, Kibana JSON/NDJSON, .kql, case YAML), directories, globs or - (stdin)',
    )
    .argument('<paths...>', 'rule files, directories (recursive), globs, or - for stdin')
    .option('--format <format>', 'output format: text or json', 'text')
    .option('--strict', 'treat warnings (unsupported rule types, languages, filters) as errors')
    .option('--now <iso>', 'evaluate relative date math at this time (default: the current time)')
    .option('--input-format <format>', 'force the input format: toml, json, ndjson, kql or yaml')
    .option('-q, --quiet', 'print errors only (and the summary)')
    .action(async (paths: string[], opts: LintOptions) => {
      const { code } = await runLint(paths, opts, io);
      setExit(code);
    });
};
