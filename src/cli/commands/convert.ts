/**
 * `siemc convert <rules...> --to spl[,sentinel,sigma] [--mapping name|file] [--out dir] [--strict]
 * [--format text|json] [--case exact|loose]`
 *
 * Without --out: prints each translation (stdout) and its diagnostics (stderr; with one rule and
 * one target stdout is the bare query). With --out: writes one file per rule and target, each
 * target's bundle (e.g. splunk/savedsearches.conf), report.json and report.md, and prints the
 * totals per target. Files are written atomically (each to a temporary name, renamed once all are
 * written), so an error leaves no half-written output. Exit 0 ok, 1 when a rule failed outright
 * (load/parse error, checker error, no translation at all) or, with --strict, when any
 * translation is not exact; 2 usage.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Register } from '../main.js';
import { type CliIO, UsageError, useColour } from '../io.js';
import { type Diagnostic, renderDiagnostic } from '../../diagnostics.js';
import { loadRulePaths } from '../../rules/load.js';
import { relocateQueryDiagnostic } from '../../rules/ast.js';
import type { Rule } from '../../rules/model.js';
import { MappingError, loadMapping } from '../../mapping/load.js';
import type { MappingProfile } from '../../mapping/types.js';
import { UnknownTargetError, parseTargetList } from '../../../targets/registry.js';
import type { Target } from '../../../targets/core/target.js';
import {
  type BatchItem,
  type BatchReport,
  batchFiles,
  convertBatch,
  reportJson,
  reportMarkdown,
  totalsText,
} from '../../../targets/core/batch.js';
import type { TranslationDiagnostic } from '../../../targets/types.js';

interface ConvertOpts {
  to: string[];
  mapping?: string;
  out?: string;
  strict?: boolean;
  format: string;
  case: string;
}

/** A translation diagnostic as a located file diagnostic. */
export function locateTranslationDiagnostic(
  d: TranslationDiagnostic,
  rule: Rule | undefined,
): Diagnostic {
  const base: Diagnostic = {
    severity: d.severity,
    code: d.code,
    message: `[${d.target}] ${d.message}${d.effect !== 'exact' ? ` (${d.effect})` : ''}`,
  };
  if (d.span) base.span = d.span;
  if (d.hint) base.hint = d.hint;
  if (!rule) return base;
  if (!d.span) return { ...base, file: rule.source.file, rule: rule.id };
  return relocateQueryDiagnostic(base, rule);
}

function progress(io: CliIO): ((done: number, total: number) => void) | undefined {
  if (!io.stderrIsTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const pct = Math.floor((done * 100) / Math.max(1, total));
    if (pct === last && done !== total) return;
    last = pct;
    const width = 30;
    const fill = Math.round((width * done) / Math.max(1, total));
    io.stderr(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total}`);
    if (done === total) io.stderr('\r' + ' '.repeat(width + 24) + '\r');
  };
}

function itemDiagnostics(it: BatchItem): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of it.loadDiagnostics)
    if (d.severity === 'error' || it.status === 'failed') out.push(d);
  for (const d of it.translation?.diagnostics ?? [])
    out.push(locateTranslationDiagnostic(d, it.rule));
  for (const d of it.checkDiagnostics)
    out.push({ ...d, message: `[${it.target} checker] ${d.message}`, file: it.file });
  return out;
}

function render(io: CliIO, d: Diagnostic, rule?: Rule): string {
  void useColour(io);
  if (d.line === undefined && d.file !== undefined) {
    // a rule-level diagnostic (no position in the query): name the file, not `?:?`
    const out = [`${d.file}: ${d.severity} ${d.code} ${d.message}`];
    if (d.hint) out.push(`  hint: ${d.hint}`);
    return out.join('\n');
  }
  return renderDiagnostic(d, d.file === rule?.source.file ? rule?.source.text : undefined);
}

/** The rule could not be converted at all: load/parse/checker failure, or no output. */
function failedOutright(it: BatchItem): boolean {
  return it.status === 'failed' || (it.status === 'unsupported' && !it.translation?.text);
}

function exitCodeFor(report: BatchReport, strict: boolean): number {
  if (report.items.some(failedOutright)) return 1;
  if (strict && report.items.some((i) => i.status !== 'exact' && i.status !== 'skipped')) return 1;
  return 0;
}

/**
 * Write every file under `outDir` atomically: all contents go to temporary names first and are
 * renamed into place only when every write succeeded; on error the temporaries are removed.
 */
function writeAtomically(outDir: string, files: { path: string; content: string }[]): void {
  const staged: { tmp: string; final: string }[] = [];
  const suffix = `.siemc-tmp-${process.pid}`;
  try {
    for (const f of files) {
      const final = join(outDir, f.path);
      mkdirSync(dirname(final), { recursive: true });
      const tmp = final + suffix;
      staged.push({ tmp, final });
      writeFileSync(tmp, f.content);
    }
    // a destination that cannot be replaced by a file fails here, before any file is renamed
    for (const s of staged)
      if (existsSync(s.final) && statSync(s.final).isDirectory())
        throw new Error(`${s.final} is a directory`);
    for (const s of staged) renameSync(s.tmp, s.final);
  } catch (e) {
    for (const s of staged) rmSync(s.tmp, { force: true });
    throw e;
  }
}

function printText(io: CliIO, report: BatchReport): void {
  const items = report.items;
  const single = items.length === 1;
  for (const it of items) {
    if (!single) {
      io.stdout(
        `# ${it.file}${it.ruleName ? ` — ${it.ruleName}` : ''} → ${it.target}: ${it.status}\n`,
      );
    }
    if (it.status === 'skipped') {
      io.stderr(
        `${it.file}: skipped: rule type '${it.rule?.type}' / language '${it.rule?.language ?? 'kuery'}' is not translated\n`,
      );
    } else if (it.translation && it.translation.text && it.status !== 'failed') {
      io.stdout(it.translation.text.replace(/\n?$/, '\n'));
    }
    for (const d of itemDiagnostics(it)) io.stderr(render(io, d, it.rule) + '\n');
    if (single) io.stderr(`${it.target}: ${it.status}\n`);
    else io.stdout('\n');
  }
  if (!single) io.stderr(totalsText(report) + '\n');
}

export const registerConvert: Register = (program, io, setExit) => {
  program
    .command('convert')
    .description('translate rules to Splunk SPL, Sentinel KQL or Sigma, with exactness diagnostics')
    .argument(
      '<rules...>',
      'rule files (.toml, .json, .ndjson, .kql), directories, globs, or - for stdin',
    )
    .option(
      '-t, --to <targets...>',
      'target(s): spl|splunk, sentinel|kusto, sigma (comma-separated)',
      ['spl'],
    )
    .option(
      '-m, --mapping <profile>',
      'mapping profile: a bundled name (ecs, o365) or a .yaml file',
    )
    .option(
      '-o, --out <dir>',
      'write <dir>/<target>/<rule>.<ext>, bundles, report.json and report.md',
    )
    .option('--strict', 'any translation that is not exact is an error (exit 1)')
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--case <mode>',
      'exact: keep case-sensitive keyword matching; loose: case-insensitive with a warning',
      'exact',
    )
    .action(async (paths: string[], opts: ConvertOpts) => {
      if (!['text', 'json'].includes(opts.format))
        throw new UsageError(`--format must be text or json, not '${opts.format}'`);
      if (!['exact', 'loose'].includes(opts.case))
        throw new UsageError(`--case must be exact or loose, not '${opts.case}'`);
      let targets: Target[];
      try {
        targets = parseTargetList(opts.to);
      } catch (e) {
        if (e instanceof UnknownTargetError) throw new UsageError(`--to: ${e.message}`);
        throw e;
      }
      let mapping: MappingProfile | undefined;
      if (opts.mapping !== undefined) {
        try {
          mapping = loadMapping(opts.mapping, io.cwd);
        } catch (e) {
          if (e instanceof MappingError) {
            io.stderr(render(io, e.diagnostic) + '\n');
            setExit(2);
            return;
          }
          throw e;
        }
      }
      const loaded = await loadRulePaths(paths, { cwd: io.cwd, readStdin: () => io.readStdin() });
      if (loaded.length === 0) throw new UsageError('no rules found in the given paths');
      const report = convertBatch(loaded, targets, {
        mapping,
        case: opts.case as 'exact' | 'loose',
        cwd: io.cwd,
        onProgress: progress(io),
      });
      if (opts.out !== undefined) {
        const outDir = resolve(io.cwd, opts.out);
        const files = batchFiles(report, targets);
        files.push({
          path: 'report.json',
          content: JSON.stringify(reportJson(report), null, 2) + '\n',
        });
        files.push({ path: 'report.md', content: reportMarkdown(report) });
        try {
          writeAtomically(outDir, files);
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          io.stderr(
            `${opts.out}: error CONVERT-WRITE cannot write the output: ${err.message}\n` +
              `  hint: --out must name a directory you can write to; no file was replaced or left half-written\n`,
          );
          setExit(1);
          return;
        }
        if (opts.format === 'json')
          io.stdout(
            JSON.stringify({ out: opts.out, files: files.length, totals: report.totals }, null, 2) +
              '\n',
          );
        else {
          for (const it of report.items) {
            if (failedOutright(it)) {
              for (const d of itemDiagnostics(it).filter((x) => x.severity === 'error'))
                io.stderr(render(io, d, it.rule) + '\n');
            }
          }
          io.stdout(`wrote ${files.length} files to ${opts.out}\n${totalsText(report)}\n`);
        }
      } else if (opts.format === 'json') {
        io.stdout(JSON.stringify(reportJson(report), null, 2) + '\n');
      } else {
        printText(io, report);
      }
      setExit(exitCodeFor(report, Boolean(opts.strict)));
    });
};
