/**
 * `siemc verify <rules...> [--to spl,sentinel,sigma] [--events f.ndjson]`: run each source rule and
 * its translations over generated boundary events (and the user's), report every disagreement.
 * Exit 1 on any undeclared difference (or a rule that could not be loaded), 2 on usage errors.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import type { Register } from '../main.js';
import { renderDiagnostic, type Diagnostic } from '../../diagnostics.js';
import { loadRulePaths } from '../../rules/index.js';
import { defaultSchema, loadSchemaFile, type Schema } from '../../schema/index.js';
import { parseNdjsonText } from '../../engine/index.js';
import { parseIsoTimestamp } from '../../time/index.js';
import { allTargets, parseTargetList, UnknownTargetError } from '../../../targets/registry.js';
import type { Target } from '../../../targets/core/target.js';
import { totals, verifyRule, type RuleReport, type VerifyTotals } from '../../equiv/verify.js';
import type { EcsEvent } from '../../equiv/types.js';

interface VerifyCliOpts {
  to?: string;
  events?: string[];
  mapping?: string;
  case?: string;
  now?: string;
  seed?: string;
  maxEvents?: string;
  schema?: string;
  format?: string;
  unknownFields?: string;
}

function renderRule(r: RuleReport): string {
  const out: string[] = [];
  const head = r.targets.map((t) => `${t.target}: ${t.status}`).join(', ');
  out.push(`${r.file} (${r.rule}) ${r.events} events — ${head || r.note || 'nothing verified'}`);
  for (const t of r.targets) {
    if (t.note && t.status === 'skipped') out.push(`  ${t.target}: skipped: ${t.note}`);
    if (t.status === 'exact' || t.status === 'skipped') continue;
    out.push(
      `  ${t.target}: ${t.disagreeing} of ${t.compared} events disagree (verdict ${t.verdict})${t.note ? `; ${t.note}` : ''}`,
    );
    for (const d of t.disagreements) {
      const what =
        d.kind === 'wider'
          ? `the ${t.target} translation matches, the source rule does not`
          : `the source rule matches, the ${t.target} translation does not`;
      out.push(`    ${d.declared ? 'declared' : 'UNDECLARED'} ${d.kind}: ${what}`);
      out.push(`      event:  ${JSON.stringify(d.event)}`);
      out.push(`      clause: ${d.clause}`);
      out.push(`      why the event exists: ${d.origin}`);
      if (d.declared) out.push(`      declared by: ${d.declaredBy.join(', ')}`);
    }
  }
  return out.join('\n');
}

function renderTotals(t: VerifyTotals, errors: number): string {
  const out = [
    `verified ${t.rules} rules: ${t.exact} exact, ${t.declared} with declared differences, ${t.undeclared} with undeclared differences, ${t.skipped} not verifiable${errors ? `, ${errors} failed to load` : ''}`,
  ];
  for (const [target, c] of Object.entries(t.perTarget)) {
    out.push(
      `  ${target}: ${c.exact} exact, ${c.declared} declared, ${c.undeclared} undeclared, ${c.skipped} skipped`,
    );
  }
  return out.join('\n');
}

function readEvents(io: CliIO, files: string[], diags: Diagnostic[]): EcsEvent[] {
  const out: EcsEvent[] = [];
  for (const f of files) {
    const text = readFileSync(resolve(io.cwd, f), 'utf8');
    for (const rec of parseNdjsonText(text, f, { onInvalid: (d) => diags.push(d) })) {
      if (rec.doc && typeof rec.doc === 'object' && !Array.isArray(rec.doc))
        out.push(rec.doc as EcsEvent);
    }
  }
  return out;
}

export const registerVerify: Register = (program: Command, io: CliIO, setExit) => {
  program
    .command('verify')
    .description('check that translations match exactly the events the source rules match')
    .argument('<rules...>', 'rule files, directories, globs, or - for stdin')
    .option('--to <targets>', 'targets, comma separated (spl,sentinel,sigma); default: all')
    .option(
      '--events <files...>',
      'your ECS events (NDJSON), compared as well as the generated ones',
    )
    .option(
      '--mapping <profile>',
      'mapping profile (name or YAML file); default: chosen by index patterns',
    )
    .option('--case <mode>', 'exact or loose (as for convert)', 'exact')
    .option('--now <iso>', 'pinned now (default: the current time)')
    .option('--seed <n>', 'seed of the generated events', '1')
    .option('--max-events <n>', 'generated events per rule', '300')
    .option('--schema <file>', 'field-type overrides (YAML)')
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--unknown-fields <shape>',
      'array: fields neither ECS nor the mapping profile describes may hold arrays; scalar: they hold one value',
      'array',
    )
    .action(async (paths: string[], opts: VerifyCliOpts) => {
      const usage = (msg: string) => {
        io.stderr(`siemc verify: ${msg}\n`);
        setExit(2);
      };
      const format = opts.format ?? 'text';
      if (format !== 'text' && format !== 'json')
        return usage(`unknown --format '${format}' (text or json)`);
      if (opts.case !== 'exact' && opts.case !== 'loose')
        return usage(`--case must be exact or loose`);
      const unknownFields = opts.unknownFields ?? 'array';
      if (unknownFields !== 'array' && unknownFields !== 'scalar')
        return usage(`--unknown-fields must be array or scalar`);
      let targets: readonly Target[] = allTargets();
      if (opts.to) {
        try {
          targets = parseTargetList(opts.to);
        } catch (e) {
          if (e instanceof UnknownTargetError) return usage(e.message);
          throw e;
        }
      }
      let now = new Date();
      if (opts.now !== undefined) {
        const ms = parseIsoTimestamp(opts.now);
        if (ms === undefined) return usage(`--now '${opts.now}' is not an ISO timestamp`);
        now = new Date(ms);
      }
      const seed = Number(opts.seed);
      const maxEvents = Number(opts.maxEvents);
      if (!Number.isInteger(seed)) return usage('--seed must be an integer');
      if (!Number.isInteger(maxEvents) || maxEvents < 1)
        return usage('--max-events must be a positive integer');
      let schema: Schema = defaultSchema();
      if (opts.schema) {
        const r = loadSchemaFile(resolve(io.cwd, opts.schema));
        if (!r.schema) {
          io.stderr(r.diagnostics.map((d) => renderDiagnostic(d)).join('\n') + '\n');
          setExit(2);
          return;
        }
        schema = r.schema;
      }
      const eventDiags: Diagnostic[] = [];
      let events: EcsEvent[] = [];
      try {
        events = readEvents(io, opts.events ?? [], eventDiags);
      } catch (e) {
        return usage(`cannot read events: ${(e as Error).message}`);
      }
      for (const d of eventDiags) io.stderr(renderDiagnostic(d) + '\n');

      const loaded = await loadRulePaths(paths, { cwd: io.cwd, readStdin: io.readStdin });
      const reports: RuleReport[] = [];
      let errors = 0;
      for (const l of loaded) {
        const errs = l.diagnostics.filter((d) => d.severity === 'error');
        if (!l.rule || errs.length > 0) {
          errors++;
          for (const d of errs)
            io.stderr(
              renderDiagnostic({ ...d, file: d.file ?? l.file }, l.rule?.source.text) + '\n',
            );
          continue;
        }
        const r = verifyRule(l.rule, {
          targets,
          now,
          seed,
          events,
          schema,
          maxEvents,
          unknownFields,
          translate: { mapping: opts.mapping, case: opts.case, cwd: io.cwd },
        });
        reports.push(r);
        if (format === 'text') io.stdout(renderRule(r) + '\n');
      }
      const t = totals(reports);
      if (format === 'json') {
        io.stdout(JSON.stringify({ rules: reports, totals: t, loadErrors: errors }) + '\n');
      } else {
        io.stdout(renderTotals(t, errors) + '\n');
      }
      if (loaded.length === 0) return usage('no rules found');
      setExit(t.undeclared > 0 || errors > 0 ? 1 : 0);
    });
};
