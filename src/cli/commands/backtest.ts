/**
 * `siemc backtest <rules...> --events <ndjson...>`: many rules over large NDJSON in one streaming
 * pass (constant memory, gzip accepted), a progress bar on a TTY, and a summary table per rule.
 */
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Register } from '../main.js';
import { renderDiagnostic } from '../../diagnostics.js';
import { UsageError } from '../io.js';
import { loadRulePaths } from '../../rules/load.js';
import { RuleRunner } from '../../engine/runner.js';
import { expandEventPaths, NdjsonError, totalBytes } from '../../engine/ndjson.js';
import { scanEvents } from '../../engine/batch.js';
import {
  loadSchemaOption,
  parseNow,
  printDiagnostics,
  RUN_WARNINGS,
  unsupportedReason,
} from './test.js';

interface BacktestOpts {
  events?: string[];
  now?: string;
  schema?: string;
  strict?: boolean;
  alerts?: string;
  format: string;
}

function pad(s: string, n: number, right = false): string {
  if (s.length > n) s = s.slice(0, n - 1) + '…';
  return right ? s.padStart(n) : s.padEnd(n);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

export const registerBacktest: Register = (program, io, setExit) => {
  program
    .command('backtest')
    .description('run many rules over large NDJSON event files and summarise per rule')
    .argument('<rules...>', 'rule files, directories or globs')
    .option('-e, --events <paths...>', 'NDJSON files (.gz accepted), directories, or - for stdin')
    .option('--now <iso>', 'execution time of the rules (default: the current time)')
    .option('--schema <file>', 'YAML field-type overrides on top of ECS')
    .option('--strict', 'stop at the first invalid JSON line instead of skipping it')
    .option('--alerts <file>', 'write every alert as NDJSON to this file')
    .option('--format <format>', 'text | json (the summary)', 'text')
    .addHelpText(
      'after',
      `
Example:
  siemc backtest rules/ --events day1.ndjson.gz day2.ndjson.gz --now 2026-06-21T00:00:00Z --alerts alerts.ndjson`,
    )
    .action(async (paths: string[], opts: BacktestOpts) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        throw new UsageError(`--format must be text or json, got '${opts.format}'`);
      }
      if (!opts.events || opts.events.length === 0)
        throw new UsageError('--events <ndjson...> is required');
      if (paths.includes('-') && opts.events.includes('-'))
        throw new UsageError('standard input can hold the rules or the events, not both');
      const now = parseNow(opts.now) ?? new Date();
      const sch = loadSchemaOption(opts.schema, io);
      printDiagnostics(io, sch.diagnostics);
      if (!sch.schema) {
        setExit(1);
        return;
      }
      const loaded = await loadRulePaths(paths, { cwd: io.cwd, readStdin: io.readStdin }, { now });
      const loadDiags = loaded.flatMap((l) => l.diagnostics).filter((d) => d.severity !== 'info');
      printDiagnostics(io, loadDiags);
      if (loadDiags.some((d) => d.severity === 'error')) setExit(1);
      let sink: WriteStream | undefined;
      if (opts.alerts) {
        // Open before scanning: an unwritable path is an error up front, not a crash at the end.
        let fd: number;
        try {
          fd = openSync(resolve(io.cwd, opts.alerts), 'w');
        } catch (e) {
          const why = (e as NodeJS.ErrnoException).code ?? String(e);
          io.stderr(
            `siemc backtest: cannot write alerts to ${opts.alerts}: ${why === 'EISDIR' ? 'it is a directory' : why}\n`,
          );
          setExit(1);
          return;
        }
        sink = createWriteStream('', { fd });
      }
      const writeAlert = (a: object) => sink?.write(JSON.stringify(a) + '\n');
      const runners: RuleRunner[] = [];
      for (const l of loaded) {
        if (!l.rule) continue;
        const why = unsupportedReason(l);
        if (why) {
          io.stderr(`siemc backtest: skipping rule ${l.rule.id} (${l.rule.name}): ${why}\n`);
          continue;
        }
        const r = new RuleRunner(l.rule, { now, schema: sch.schema, onAlert: writeAlert });
        printDiagnostics(
          io,
          r.diagnostics.filter((d) => d.severity === 'error'),
        );
        if (!r.ok) {
          setExit(1);
          io.stderr(`siemc backtest: skipping rule ${l.rule.id} (${l.rule.name})\n`);
          continue;
        }
        runners.push(r);
      }
      if (runners.length === 0) {
        io.stderr('siemc backtest: no runnable rules\n');
        setExit(1);
        sink?.end();
        return;
      }
      const ev = expandEventPaths(opts.events, io.cwd);
      printDiagnostics(io, ev.errors);
      if (ev.errors.some((d) => d.severity === 'error')) setExit(1);
      const total = totalBytes(ev.files);
      const t0 = performance.now();
      let lastDraw = 0;
      let drawn = false;
      // Drawn on a TTY once the scan has run for a second, then at most five times a second.
      const clearBar = () => {
        if (drawn) io.stderr('\r' + ' '.repeat(78) + '\r');
        drawn = false;
      };
      const progress = io.stderrIsTTY
        ? (bytes: number) => {
            const t = performance.now();
            if (t - t0 < 1000 || t - lastDraw < 200) return;
            lastDraw = t;
            drawn = true;
            const frac = total > 0 ? Math.min(1, bytes / total) : 0;
            const w = 30;
            const done = Math.round(frac * w);
            const rate = bytes / 1e6 / Math.max(1e-3, (t - t0) / 1000);
            io.stderr(
              `\r[${'#'.repeat(done)}${'.'.repeat(w - done)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${mb(bytes)}/${mb(total)} MB  ${rate.toFixed(1)} MB/s`,
            );
          }
        : undefined;
      let invalid = 0;
      let stats;
      try {
        stats = await scanEvents(runners, ev.files, {
          strict: opts.strict,
          readStdin: io.readStdin,
          onProgress: progress,
          onInvalid: (d) => {
            invalid++;
            if (invalid <= 21) clearBar();
            if (invalid <= 20) io.stderr(renderDiagnostic(d) + '\n');
            else if (invalid === 21)
              io.stderr('siemc backtest: more invalid lines; counting only\n');
          },
        });
      } catch (e) {
        if (e instanceof NdjsonError) {
          clearBar();
          io.stderr(renderDiagnostic(e.diagnostic) + '\n');
          setExit(1);
          sink?.end();
          return;
        }
        throw e;
      }
      clearBar();
      const results = runners.map((r) => r.finish());
      for (const res of results) {
        for (const a of res.alerts) writeAlert(a);
        printDiagnostics(
          io,
          res.diagnostics.filter((d) => RUN_WARNINGS.test(d.code)),
        );
      }
      if (sink) await new Promise<void>((ok) => sink!.end(ok));
      const secs = stats.ms / 1000;
      if (opts.format === 'json') {
        io.stdout(
          JSON.stringify({
            now: now.toISOString(),
            files: stats.files,
            events: stats.events,
            bytes: stats.bytes,
            invalid_lines: stats.invalidLines,
            seconds: secs,
            rules: results.map((r, i) => ({
              id: r.rule,
              name: runners[i].rule.name,
              type: runners[i].rule.type,
              ...r.stats,
            })),
          }) + '\n',
        );
        return;
      }
      const head = `${pad('rule', 44)} ${pad('type', 10)} ${pad('events', 10, true)} ${pad('in window', 10, true)} ${pad('matches', 9, true)} ${pad('alerts', 8, true)} ${pad('ms', 9, true)}`;
      const lines = [head, '-'.repeat(head.length)];
      for (let i = 0; i < results.length; i++) {
        const r = results[i];
        const s = r.stats;
        lines.push(
          `${pad(`${runners[i].rule.name || r.rule}`, 44)} ${pad(runners[i].rule.type, 10)} ${pad(String(s.scanned), 10, true)} ${pad(String(s.inWindow), 10, true)} ${pad(String(s.matches), 9, true)} ${pad(String(s.alerts), 8, true)} ${pad(s.ms.toFixed(1), 9, true)}`,
        );
      }
      lines.push('-'.repeat(head.length));
      lines.push(
        `${stats.files} file(s), ${stats.events} events, ${mb(stats.bytes)} MB in ${secs.toFixed(2)} s` +
          ` (${(stats.bytes / 1e6 / Math.max(secs, 1e-6)).toFixed(1)} MB/s, ${Math.round(stats.events / Math.max(secs, 1e-6))} events/s)` +
          (stats.invalidLines ? `, ${stats.invalidLines} invalid line(s) skipped` : ''),
      );
      io.stdout(lines.join('\n') + '\n');
    });
};
