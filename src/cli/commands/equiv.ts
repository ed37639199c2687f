/**
 * `siemc equiv <a> <b>`: do two KQL queries (or rules) match the same events? Exit 0 equivalent,
 * 1 different (a counterexample is printed), 2 on error — as `diff` does.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import type { Register } from '../main.js';
import type { Node } from '../../kql/ast.js';
import { parse } from '../../kql/parse.js';
import { renderDiagnostic, locate, type Diagnostic } from '../../diagnostics.js';
import { loadRuleFile, type Rule } from '../../rules/index.js';
import { defaultSchema, loadSchemaFile, type Schema } from '../../schema/index.js';
import { QueryCompileError } from '../../eval/index.js';
import { decideEquivalence, type Decision } from '../../equiv/decide/index.js';
import { nativeMatcher, schemaFieldInfo } from '../../equiv/native.js';
import { parseIsoTimestamp } from '../../time/index.js';

interface Side {
  label: string;
  ast: Node;
  rule?: Rule;
}

interface EquivOpts {
  expr?: boolean;
  format?: string;
  schema?: string;
  now?: string;
  seed?: string;
}

class InputError extends Error {}

async function loadSide(io: CliIO, arg: string, expr: boolean): Promise<Side> {
  if (expr) {
    const r = parse(arg);
    if (!r.ast) {
      throw new InputError(
        r.diagnostics
          .map((d) => renderDiagnostic({ ...locate(d, arg), file: '<expr>' }, arg))
          .join('\n'),
      );
    }
    return { label: arg, ast: r.ast };
  }
  const path = resolve(io.cwd, arg);
  if (!existsSync(path)) {
    throw new InputError(
      `${arg}: no such file\n  hint: to compare query text, pass -e: siemc equiv -e 'a:1' 'a:(1)'`,
    );
  }
  const loaded = await loadRuleFile(path);
  if (loaded.length !== 1) {
    throw new InputError(
      `${arg}: holds ${loaded.length} rules; equiv compares one rule with one rule`,
    );
  }
  const l = loaded[0];
  const errors = l.diagnostics.filter((d) => d.severity === 'error');
  if (!l.rule || errors.length > 0 || !l.rule.ast) {
    const text = l.rule?.source.text;
    const ds = errors.length > 0 ? errors : l.diagnostics;
    const msg = ds.map((d) => renderDiagnostic({ ...d, file: d.file ?? arg }, text)).join('\n');
    throw new InputError(msg || `${arg}: the rule has no KQL query to compare`);
  }
  return { label: arg, ast: l.rule.ast, rule: l.rule };
}

/** Rule settings that change which alerts a rule raises even with equal queries. */
function settingsDiff(a?: Rule, b?: Rule): { setting: string; a: unknown; b: unknown }[] {
  if (!a || !b) return [];
  const pick = (r: Rule) => ({
    type: r.type,
    from: r.from,
    timestamp_override: r.timestampOverride ?? null,
    index: [...r.index].sort(),
    new_terms: r.newTerms ?? null,
    threshold: r.threshold ?? null,
  });
  const pa = pick(a);
  const pb = pick(b);
  const out: { setting: string; a: unknown; b: unknown }[] = [];
  for (const k of Object.keys(pa) as (keyof typeof pa)[]) {
    if (JSON.stringify(pa[k]) !== JSON.stringify(pb[k]))
      out.push({ setting: k, a: pa[k], b: pb[k] });
  }
  return out;
}

function renderText(
  d: Decision,
  a: Side,
  b: Side,
  settings: ReturnType<typeof settingsDiff>,
): string {
  const out: string[] = [];
  if (d.result === 'equivalent') {
    out.push(
      `equivalent: both queries match exactly the same documents (decided exactly over ${d.stats.atoms} atoms)`,
    );
    if (d.outside.length > 0) {
      out.push(
        '  atoms outside the exact fragment were treated as unknowns, so the proof still holds:',
      );
      for (const o of d.outside) out.push(`    ${o.atom}  (${o.reason})`);
    }
  } else if (d.result === 'different') {
    const cx = d.counterexample!;
    const which = cx.matchesA
      ? `${a.label} matches it, ${b.label} does not`
      : `${b.label} matches it, ${a.label} does not`;
    out.push(
      `not equivalent${d.method === 'tested' ? ' (found by testing generated events)' : ''}: ${which}`,
    );
    out.push(JSON.stringify(cx.doc, null, 2));
    if (cx.explanation.length > 0) {
      out.push('because:');
      for (const e of cx.explanation) out.push(`  ${e}`);
    }
    out.push(cx.verified ? '(checked with the native evaluator)' : '(not checked: no evaluator)');
  } else {
    out.push(
      `no difference found on ${d.stats.events ?? 0} generated events — testing only, NOT a proof (${d.note ?? 'undecided'})`,
    );
    for (const o of d.outside) out.push(`  outside the exact fragment: ${o.atom}  (${o.reason})`);
  }
  if (settings.length > 0) {
    out.push('rule settings differ (the rules raise different alerts even on equal matches):');
    for (const s of settings)
      out.push(`  ${s.setting}: ${JSON.stringify(s.a)} vs ${JSON.stringify(s.b)}`);
  }
  return out.join('\n') + '\n';
}

export const registerEquiv: Register = (program: Command, io: CliIO, setExit) => {
  program
    .command('equiv')
    .description(
      'decide whether two KQL queries or rules match the same events (exit 0 equal, 1 different, 2 error)',
    )
    .argument('<a>', 'rule file (.toml/.json/.ndjson/.kql) or, with -e, KQL text')
    .argument('<b>', 'rule file or, with -e, KQL text')
    .option('-e, --expr', 'the arguments are KQL query text, not files')
    .option('--format <format>', 'text or json', 'text')
    .option('--schema <file>', 'field-type overrides (YAML), on top of ECS')
    .option('--now <iso>', 'pin "now" for date math in the queries')
    .option('--seed <n>', 'seed of the generated events (testing fallback)', '1')
    .action(async (argA: string, argB: string, opts: EquivOpts) => {
      const format = opts.format ?? 'text';
      if (format !== 'text' && format !== 'json') {
        io.stderr(`siemc equiv: unknown --format '${format}' (text or json)\n`);
        setExit(2);
        return;
      }
      let schema: Schema = defaultSchema();
      if (opts.schema) {
        const r = loadSchemaFile(resolve(io.cwd, opts.schema));
        if (!r.schema) {
          io.stderr(r.diagnostics.map((d: Diagnostic) => renderDiagnostic(d)).join('\n') + '\n');
          setExit(2);
          return;
        }
        schema = r.schema;
      }
      let now = new Date();
      if (opts.now !== undefined) {
        const ms = parseIsoTimestamp(opts.now);
        if (ms === undefined) {
          io.stderr(
            `siemc equiv: --now '${opts.now}' is not an ISO timestamp (e.g. 2026-06-20T12:00:00Z)\n`,
          );
          setExit(2);
          return;
        }
        now = new Date(ms);
      }
      const seed = Number(opts.seed ?? '1');
      if (!Number.isInteger(seed)) {
        io.stderr(`siemc equiv: --seed must be an integer\n`);
        setExit(2);
        return;
      }
      try {
        const a = await loadSide(io, argA, Boolean(opts.expr));
        const b = await loadSide(io, argB, Boolean(opts.expr));
        const matcher = nativeMatcher(schema, now);
        // Both queries must be valid for Elasticsearch (e.g. no text on a numeric field).
        for (const s of [a, b]) matcher(s.ast);
        const d = decideEquivalence(a.ast, b.ast, {
          fieldInfo: schemaFieldInfo(schema),
          matcher,
          now,
          seed,
        });
        const settings = settingsDiff(a.rule, b.rule);
        if (format === 'json') {
          io.stdout(
            JSON.stringify({
              a: a.label,
              b: b.label,
              ...d,
              settings,
              equivalent: d.result !== 'different' && settings.length === 0,
            }) + '\n',
          );
        } else {
          io.stdout(renderText(d, a, b, settings));
        }
        setExit(d.result === 'different' || settings.length > 0 ? 1 : 0);
      } catch (e) {
        if (e instanceof InputError) {
          io.stderr(e.message + '\n');
          setExit(2);
          return;
        }
        if (e instanceof QueryCompileError) {
          io.stderr(e.diagnostics.map((d) => renderDiagnostic(d)).join('\n') + '\n');
          setExit(2);
          return;
        }
        throw e;
      }
    });
};
