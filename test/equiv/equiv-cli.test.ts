/**
 * `siemc equiv` and `siemc verify` on the command line: exit codes as `diff` (0 equivalent /
 * exact, 1 different / undeclared difference, 2 error), `--format json`, rule files and
 * expressions, user events, and clear errors for bad input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parse } from '../../src/kql/parse.js';
import { nativeMatcher } from '../../src/equiv/native.js';

const tmp = mkdtempSync(join(tmpdir(), 'siemc-equiv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const NOW = ['--now', '2026-06-20T12:00:00Z'];

describe('siemc equiv', () => {
  it('exit 0 and "equivalent" for a De Morgan rewrite', async () => {
    const r = await runCli(['equiv', '-e', 'not (a:1 or b:2)', 'not a:1 and not b:2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^equivalent: both queries match exactly the same documents/);
  });

  it('exit 1 with a counterexample the native evaluator confirms', async () => {
    const r = await runCli(['equiv', '-e', 'a:abc*', 'a:ab*']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('not equivalent: a:ab* matches it, a:abc* does not');
    expect(r.stdout).toContain('(checked with the native evaluator)');
  });

  it('--format json: result, method and a counterexample document', async () => {
    const r = await runCli([
      'equiv',
      '--format',
      'json',
      '-e',
      'source.port > 80',
      'source.port >= 80',
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as {
      result: string;
      method: string;
      equivalent: boolean;
      counterexample: { doc: Record<string, unknown>; matchesA: boolean; matchesB: boolean };
    };
    expect(j).toMatchObject({ result: 'different', method: 'exact', equivalent: false });
    expect(j.counterexample.doc).toEqual({ source: { port: 80 } });
    const m = nativeMatcher();
    expect(m(parse('source.port > 80').ast!)(j.counterexample.doc)).toBe(j.counterexample.matchesA);
    expect(m(parse('source.port >= 80').ast!)(j.counterexample.doc)).toBe(
      j.counterexample.matchesB,
    );
  });

  it('compares rule files, and reports rule settings that differ', async () => {
    const a = file('a.kql', 'process.name:(cmd.exe or powershell.exe)\n');
    const b = file('b.kql', 'process.name:powershell.exe or process.name:cmd.exe\n');
    expect((await runCli(['equiv', a, b])).code).toBe(0);
    const rule = (from: string) =>
      `[metadata]\ncreation_date = "2024/01/01"\n\n[rule]\nname = "x"\ndescription = "x"\nrisk_score = 1\nseverity = "low"\nrule_id = "00000000-0000-4000-8000-00000000000${from.length}"\ntype = "query"\nlanguage = "kuery"\nindex = ["logs-*"]\nfrom = "${from}"\nquery = "a:1"\n`;
    const r = await runCli([
      'equiv',
      file('r1.toml', rule('now-9m')),
      file('r2.toml', rule('now-60m')),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('rule settings differ');
    expect(r.stdout).toContain('from: "now-9m" vs "now-60m"');
  });

  it('outside the exact fragment: labelled as testing', async () => {
    const r = await runCli(['equiv', '-e', 'a:foo or bar', 'a:foo']);
    expect(r.code).toBe(1);
    const same = await runCli(['equiv', '-e', 'message:hello', 'message:hello']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('outside the exact fragment');
  });

  it('exit 2 on errors, with the location and a hint', async () => {
    const bad = await runCli(['equiv', '-e', 'a:(', 'a:1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<expr>:1:4');
    const missing = await runCli(['equiv', join(tmp, 'nope.kql'), join(tmp, 'nope2.kql')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('hint: to compare query text, pass -e');
    expect((await runCli(['equiv', '--format', 'xml', '-e', 'a:1', 'a:1'])).code).toBe(2);
    expect((await runCli(['equiv', '--now', 'yesterday', '-e', 'a:1', 'a:1'])).code).toBe(2);
    // A query Elasticsearch rejects (text on a numeric field).
    const numeric = await runCli(['equiv', '-e', 'source.port:abc', 'a:1']);
    expect(numeric.code).toBe(2);
  });
});

describe('siemc verify', () => {
  const rule = file('v.kql', 'event.category:process and not process.name:"cmd.exe"\n');

  it('exit 0 and totals when every translation is exact', async () => {
    const r = await runCli(['verify', '--to', 'spl,sentinel,sigma', ...NOW, rule]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('spl: exact, sentinel: exact, sigma: exact');
    expect(r.stdout).toContain(
      'verified 1 rules: 1 exact, 0 with declared differences, 0 with undeclared differences',
    );
  });

  it('--format json: per-target status, events compared, totals', async () => {
    const r = await runCli(['verify', '--format', 'json', '--to', 'sentinel', ...NOW, rule]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      rules: { events: number; targets: { target: string; status: string; compared: number }[] }[];
      totals: { rules: number; exact: number; perTarget: Record<string, { exact: number }> };
    };
    expect(j.rules[0].events).toBeGreaterThan(20);
    expect(j.rules[0].targets).toMatchObject([{ target: 'sentinel', status: 'exact' }]);
    expect(j.rules[0].targets[0].compared).toBe(j.rules[0].events);
    expect(j.totals).toMatchObject({ rules: 1, exact: 1, perTarget: { sentinel: { exact: 1 } } });
  });

  it('a declared difference passes (exit 0) and says which diagnostic declared it', async () => {
    // SPL compares case-insensitively under --case loose and says so (SPL-CASE).
    const r = await runCli(['verify', '--to', 'spl', '--case', 'loose', ...NOW, rule]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('declared wider');
    expect(r.stdout).toContain('declared by: SPL-CASE');
  });

  it('--events: the user events are compared too', async () => {
    const ev = file(
      'ev.ndjson',
      JSON.stringify({
        '@timestamp': '2026-06-20T11:58:00Z',
        event: { category: 'process' },
        process: { name: 'x' },
      }) + '\n',
    );
    const r = await runCli([
      'verify',
      '--format',
      'json',
      '--to',
      'sigma',
      ...NOW,
      rule,
      '--events',
      ev,
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { rules: { events: number }[] };
    const base = JSON.parse(
      (await runCli(['verify', '--format', 'json', '--to', 'sigma', ...NOW, rule])).stdout,
    ) as {
      rules: { events: number }[];
    };
    expect(j.rules[0].events).toBe(base.rules[0].events + 1);
  });

  it('exit 2 on usage errors', async () => {
    expect((await runCli(['verify', '--to', 'qradar', rule])).code).toBe(2);
    expect((await runCli(['verify', '--format', 'xml', rule])).code).toBe(2);
    expect((await runCli(['verify', '--now', 'soon', rule])).code).toBe(2);
    expect((await runCli(['verify', '--max-events', '0', rule])).code).toBe(2);
  });

  it('exit 1 when a rule does not load', async () => {
    const r = await runCli(['verify', ...NOW, file('bad.kql', 'a:(\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.kql');
  });
});
