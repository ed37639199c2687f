/**
 * `siemc test <rule|spec.yml...> --events <file|dir|->`: run rules on JSON events and print the
 * alerts as NDJSON (or, with --matches, every query match in the window); a YAML test spec runs
 * its own events and expectations and exits 1 with a diff when they fail.
 */
import type { Register } from '../main.js';
import { resolve } from 'node:path';
import { renderDiagnostic, type Diagnostic } from '../../diagnostics.js';
import { type CliIO, UsageError } from '../io.js';
import { loadRulePaths } from '../../rules/load.js';
import { RuleCode } from '../../rules/codes.js';
import { isSupportedRule, type LoadedRule } from '../../rules/model.js';
import { defaultSchema, loadSchemaFile, type Schema } from '../../schema/schema.js';
import { RuleRunner } from '../../engine/runner.js';
import { expandEventPaths } from '../../engine/ndjson.js';
import { scanEvents } from '../../engine/batch.js';
import { renderSpecOutcome, runSpecFile } from '../../engine/spec.js';
import type { Alert, EventRecord, EventRef } from '../../engine/types.js';
import { NdjsonError, parseNdjsonText, readNdjson } from '../../engine/ndjson.js';

interface TestOpts {
  events?: string[];
  now?: string;
  schema?: string;
  matches?: boolean;
  format: string;
  strict?: boolean;
}

export function parseNow(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new UsageError(
      `--now: '${text}' is not an ISO 8601 timestamp (e.g. 2026-06-20T12:00:00Z)`,
    );
  }
  return new Date(t);
}

export function loadSchemaOption(
  path: string | undefined,
  io: CliIO,
): { schema?: Schema; diagnostics: Diagnostic[] } {
  if (path === undefined) return { schema: defaultSchema(), diagnostics: [] };
  return loadSchemaFile(resolve(io.cwd, path));
}

/** Warnings the engine adds when a run finishes (ENG010 timestamps, ENG011/ENG012 term arrays). */
export const RUN_WARNINGS = /^ENG01\d$/;

/**
 * Why a loaded rule cannot run, when the loader already said so (unsupported type or language, a
 * filter KQL cannot express): such rules are skipped with one line instead of engine errors.
 */
export function unsupportedReason(l: LoadedRule): string | undefined {
  const d = l.diagnostics.find((x) => SKIP_CODES.has(x.code));
  if (d) return `${d.code}, see the warning above`;
  if (l.rule && !isSupportedRule(l.rule))
    return `unsupported rule type '${l.rule.type}' (language ${l.rule.language ?? 'none'})`;
  return undefined;
}

const SKIP_CODES = new Set<string>([
  RuleCode.UNSUPPORTED_TYPE,
  RuleCode.UNSUPPORTED_LANGUAGE,
  RuleCode.FILTER_UNSUPPORTED,
]);

export function printDiagnostics(io: CliIO, ds: Diagnostic[]): void {
  for (const d of ds) {
    // A diagnostic about the whole run (e.g. events without a timestamp) has no place in a file.
    if (d.file === undefined && d.line === undefined) {
      const who = d.rule ? `rule ${d.rule}: ` : '';
      io.stderr(
        `siemc: ${who}${d.severity} ${d.code} ${d.message}${d.hint ? `\n  hint: ${d.hint}` : ''}\n`,
      );
    } else io.stderr(renderDiagnostic(d) + '\n');
  }
}

function alertText(a: Alert): string {
  const parts = [`${a.file}:${a.line}`, `rule=${a.rule}`, `type=${a.type}`];
  if (a.event_id) parts.push(`event.id=${a.event_id}`);
  if (a.timestamp) parts.push(`at=${a.timestamp}`);
  if (a.new_terms) parts.push(`new_terms=${JSON.stringify(a.new_terms)}`);
  if (a.terms) parts.push(`terms=${JSON.stringify(a.terms)}`);
  if (a.count !== undefined) parts.push(`count=${a.count}`);
  if (a.cardinality)
    parts.push(`cardinality=${a.cardinality.map((c) => `${c.field}:${c.value}`).join(',')}`);
  return 'ALERT ' + parts.join('  ');
}

function matchText(rule: string, m: EventRef): string {
  return `MATCH ${m.file}:${m.line}  rule=${rule}${m.event_id ? `  event.id=${m.event_id}` : ''}${m.timestamp ? `  at=${m.timestamp}` : ''}`;
}

const isSpecPath = (p: string) => /\.ya?ml$/i.test(p);

export const registerTest: Register = (program, io, setExit) => {
  program
    .command('test')
    .description('run rules on JSON events (alerts as NDJSON), or run YAML test specs')
    .argument(
      '<rules...>',
      'rule files (.toml, .json, .ndjson, .kql), directories, or test specs (.yaml)',
    )
    .option(
      '-e, --events <paths...>',
      'NDJSON event files (.gz accepted), directories, or - for stdin',
    )
    .option(
      '--now <iso>',
      'execution time of the rule (default: the current time, or the spec’s now)',
    )
    .option('--schema <file>', 'YAML field-type overrides on top of ECS')
    .option('--matches', 'print every query match inside the window instead of the alerts')
    .option('--format <format>', 'ndjson | text', 'ndjson')
    .option('--strict', 'stop at the first invalid JSON line instead of skipping it')
    .addHelpText(
      'after',
      `
Examples:
  siemc test rule.toml --events logs.ndjson --now 2026-06-20T12:00:00Z
  siemc test query.kql --events ./events/ --matches
  siemc test ../shared/cases/*.yaml`,
    )
    .action(async (paths: string[], opts: TestOpts) => {
      if (opts.format !== 'ndjson' && opts.format !== 'text') {
        throw new UsageError(`--format must be ndjson or text, got '${opts.format}'`);
      }
      const now = parseNow(opts.now);
      const sch = loadSchemaOption(opts.schema, io);
      printDiagnostics(io, sch.diagnostics);
      if (!sch.schema) {
        setExit(1);
        return;
      }
      const schema = sch.schema;
      const specs = paths.filter(isSpecPath);
      const rulePaths = paths.filter((p) => !isSpecPath(p));
      let extraEvents;
      if (specs.length > 0) {
        if (opts.events) {
          const ev = expandEventPaths(opts.events, io.cwd);
          printDiagnostics(io, ev.errors);
          extraEvents = [] as EventRecord[];
          for (const f of ev.files) {
            if (f.path === '-')
              extraEvents.push(
                ...parseNdjsonText(await io.readStdin(), f.display, { strict: opts.strict }),
              );
            else
              for await (const r of readNdjson(f.path, { label: f.display, strict: opts.strict }))
                extraEvents.push(r);
          }
        }
        let failed = 0;
        for (const p of specs) {
          const o = await runSpecFile(resolve(io.cwd, p), {
            schema,
            now,
            extraEvents,
            display: p,
            ndjson: { strict: opts.strict },
          });
          if (!o.passed) failed++;
          io.stdout(renderSpecOutcome(o) + '\n');
        }
        if (specs.length > 1) io.stdout(`${specs.length - failed} passed, ${failed} failed\n`);
        if (failed > 0) setExit(1);
      }
      if (rulePaths.length === 0) return;
      if (!opts.events || opts.events.length === 0) {
        throw new UsageError(
          '--events <file|dir|-> is required to test a rule (a .yaml spec carries its own events)',
        );
      }
      if (rulePaths.includes('-') && opts.events.includes('-'))
        throw new UsageError('standard input can hold the rule or the events, not both');
      const loaded = await loadRulePaths(
        rulePaths,
        { cwd: io.cwd, readStdin: io.readStdin },
        now ? { now } : {},
      );
      const loadDiags = loaded.flatMap((l) => l.diagnostics);
      printDiagnostics(io, loadDiags);
      if (loadDiags.some((d) => d.severity === 'error')) setExit(1);
      const runners: RuleRunner[] = [];
      const out = (line: string) => io.stdout(line + '\n');
      for (const l of loaded) {
        if (!l.rule) continue;
        const why = unsupportedReason(l);
        if (why) {
          io.stderr(`siemc test: skipping rule ${l.rule.id} (${l.rule.name}): ${why}\n`);
          continue;
        }
        const r = new RuleRunner(l.rule, {
          now,
          schema,
          collectMatches: opts.matches,
          onAlert: opts.matches
            ? () => undefined
            : (a) => out(opts.format === 'text' ? alertText(a) : JSON.stringify(a)),
        });
        printDiagnostics(io, r.diagnostics);
        if (!r.ok) {
          setExit(1);
          continue;
        }
        runners.push(r);
      }
      if (runners.length === 0) {
        io.stderr('siemc test: no runnable rule\n');
        setExit(1);
        return;
      }
      const ev = expandEventPaths(opts.events, io.cwd);
      printDiagnostics(io, ev.errors);
      if (ev.errors.some((d) => d.severity === 'error')) setExit(1);
      let stats;
      try {
        stats = await scanEvents(runners, ev.files, {
          strict: opts.strict,
          readStdin: io.readStdin,
          onInvalid: (d) => io.stderr(renderDiagnostic(d) + '\n'),
        });
      } catch (e) {
        if (e instanceof NdjsonError) {
          io.stderr(renderDiagnostic(e.diagnostic) + '\n');
          setExit(1);
          return;
        }
        throw e;
      }
      for (const r of runners) {
        const res = r.finish();
        if (opts.matches) {
          for (const m of res.matches)
            out(
              opts.format === 'text'
                ? matchText(res.rule, m)
                : JSON.stringify({ rule: res.rule, ...m }),
            );
        } else {
          for (const a of res.alerts)
            out(opts.format === 'text' ? alertText(a) : JSON.stringify(a));
        }
        printDiagnostics(
          io,
          res.diagnostics.filter((d) => RUN_WARNINGS.test(d.code)),
        );
        const s = res.stats;
        io.stderr(
          `siemc test: rule ${res.rule}: ${s.scanned} events, ${s.inWindow} in window, ${s.matches} matches, ${s.alerts} alerts` +
            (s.noTimestamp ? `, ${s.noTimestamp} without timestamp` : '') +
            (s.afterWindow ? `, ${s.afterWindow} after now` : '') +
            '\n',
        );
      }
      if (stats.invalidLines > 0)
        io.stderr(`siemc test: ${stats.invalidLines} invalid line(s) skipped\n`);
    });
};
