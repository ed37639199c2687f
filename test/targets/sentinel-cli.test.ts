/**
 * `siemc check`: the Kusto language service on .kql files and on the query of Sentinel analytic
 * rule YAML (positions in the YAML file), the SPL checker and the Sigma validator; exit codes
 * 0 clean / 1 errors / 2 usage; JSON output.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const REF =
  '../shared/corpus/detection-rules/rules/integrations/o365/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml';

const dir = mkdtempSync(join(tmpdir(), 'siemc-check-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('siemc check --target sentinel', () => {
  it('a clean query: exit 0 and a summary line', async () => {
    const p = file('good.kql', 'SigninLogs\n| where UserPrincipalName == "a@b.c"\n');
    const r = await runCli(['check', '--target', 'sentinel', p]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${p}: Kusto language service: 0 errors, 0 warnings\n`);
  });

  it('an unknown column: file:line:col, the source line and a caret; exit 1', async () => {
    const p = file(
      'bad.kql',
      'EcsEvents\n| where tostring(process.name) == "x"\n| where nosuch > 1\n',
    );
    const r = await runCli(['check', '--target', 'kusto', p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${p}:3:9 error KS142 The name 'nosuch' does not refer to any known column, table, variable or function.\n  | where nosuch > 1\n          ^^^^^^\n`,
    );
    expect(r.stdout).toContain('1 error, 0 warnings');
  });

  it('a syntax error and a bad string escape are errors', async () => {
    const r1 = await runCli(['check', '-t', 'sentinel', '-'], { stdin: 'EcsEvents | where (a ==' });
    expect(r1.code).toBe(1);
    expect(r1.stdout).toMatch(/^<stdin>:1:\d+ error KS\d+ /m);
    const r2 = await runCli(['check', '-t', 'sentinel', '-'], {
      stdin: 'EcsEvents | where tostring(process.name) == "a\\qb"',
    });
    expect(r2.code).toBe(1);
  });

  it('the analytic rule YAML that convert writes is clean; a broken query points into the YAML', async () => {
    const out = join(dir, 'out');
    const c = await runCli(['convert', REF, '--to', 'sentinel', '--mapping', 'o365', '--out', out]);
    expect(c.code).toBe(0);
    const yml = readdirSync(join(out, 'sentinel')).find((f) => f.endsWith('.yaml'))!;
    const path = join(out, 'sentinel', yml);
    const ok = await runCli(['check', '--target', 'sentinel', path]);
    expect(ok.stdout).toContain('0 errors');
    expect(ok.code).toBe(0);
    const text = readFileSync(path, 'utf8').replace('ResourceIdentity ==', 'ResourceIdentityX ==');
    const bad = file('bad-rule.yaml', text);
    const r = await runCli(['check', '--target', 'sentinel', bad]);
    expect(r.code).toBe(1);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('ResourceIdentityX')) + 1;
    const col = lines[line - 1].indexOf('ResourceIdentityX') + 1;
    expect(r.stdout).toContain(`${bad}:${line}:${col} error KS142 The name 'ResourceIdentityX'`);
    // the source line (shortened around a long line's column) with the caret under the name
    const [, src, caret] = r.stdout.split('\n');
    expect(src).toContain('ResourceIdentityX ==');
    expect(caret.indexOf('^')).toBe(src.indexOf('ResourceIdentityX'));
    expect(caret.trim()).toBe('^'.repeat('ResourceIdentityX'.length));
  });

  it('a one-line quoted query maps to the YAML too; stdin YAML is recognised', async () => {
    const text = 'name: x\nquery: "SigninLogs | where Nope == 1"\n';
    const p = file('q.yaml', text);
    const r = await runCli(['check', '--target', 'sentinel', p]);
    expect(r.stdout).toContain(`${p}:2:28 error KS142`);
    const s = await runCli(['check', '--target', 'sentinel', '-'], { stdin: text });
    expect(s.stdout).toContain('<stdin>:2:28 error KS142');
    expect(s.code).toBe(1);
  });

  it('a YAML file without a query is an error with a hint; invalid YAML is located', async () => {
    const r = await runCli(['check', '--target', 'sentinel', file('n.yaml', 'name: x\n')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error CHECK-NO-QUERY');
    expect(r.stdout).toContain('hint:');
    const y = await runCli(['check', '--target', 'sentinel', file('y.yaml', 'a: [\n')]);
    expect(y.code).toBe(1);
    expect(y.stdout).toContain('error CHECK-YAML not valid YAML');
  });

  it('--format json', async () => {
    const p = file('j.kql', 'SigninLogs\n| where Nope == 1\n');
    const r = await runCli(['check', '--target', 'sentinel', '--format', 'json', p]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ file: p, target: 'sentinel', errors: 1, warnings: 0 });
    expect(j.diagnostics[0]).toMatchObject({
      line: 2,
      column: 9,
      severity: 'error',
      code: 'KS142',
    });
  });

  it('--schemas adds your own tables to the bundled ones', async () => {
    const sdir = mkdtempSync(join(tmpdir(), 'siemc-schemas-'));
    writeFileSync(
      join(sdir, 'mytable.yaml'),
      'table: MyTable_CL\ncolumns: { TimeGenerated: datetime, User_s: string }\n',
    );
    const p = file(
      'mine.kql',
      'MyTable_CL\n| where User_s == "x"\n| join kind=inner (SigninLogs) on $left.User_s == $right.UserPrincipalName\n',
    );
    expect((await runCli(['check', '--target', 'sentinel', p])).code).toBe(1);
    const ok = await runCli(['check', '--target', 'sentinel', '--schemas', sdir, p]);
    expect(ok.stdout).toContain('0 errors');
    expect(ok.code).toBe(0);
    writeFileSync(join(sdir, 'bad.yaml'), 'table: Bad\ncolumns: { a: varchar }\n');
    const bad = await runCli(['check', '--target', 'sentinel', '--schemas', sdir, p]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bad.yaml: column 'a' has type 'varchar'");
    expect((await runCli(['check', '--target', 'spl', '--schemas', sdir, p])).code).toBe(2);
  });

  it('usage errors exit 2', async () => {
    const p = file('u.kql', 'SigninLogs');
    expect((await runCli(['check', p])).code).toBe(2);
    const unknown = await runCli(['check', '--target', 'elastic', p]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown target 'elastic'");
    const missing = await runCli(['check', '--target', 'sentinel', join(dir, 'nope.kql')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect((await runCli(['check', '--target', 'sentinel', dir])).code).toBe(2);
    expect((await runCli(['check', '--target', 'sentinel', '--format', 'xml', p])).code).toBe(2);
  });
});

describe('siemc check --target spl / sigma', () => {
  it('the SPL and Sigma outputs of convert are clean; broken ones are located', async () => {
    const out = join(dir, 'out2');
    expect((await runCli(['convert', REF, '--to', 'spl,sigma', '--out', out])).code).toBe(0);
    const spl = join(
      out,
      'splunk',
      readdirSync(join(out, 'splunk')).find((f) => f.endsWith('.spl'))!,
    );
    expect((await runCli(['check', '--target', 'splunk', spl])).code).toBe(0);
    const badSpl = await runCli(['check', '--target', 'spl', '-'], {
      stdin: 'search index=main | where a==',
    });
    expect(badSpl.code).toBe(1);
    expect(badSpl.stdout).toMatch(/<stdin>:1:\d+ error SPLCHK-/);

    const sig = join(out, 'sigma', readdirSync(join(out, 'sigma'))[0]);
    const ok = await runCli(['check', '--target', 'sigma', sig]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Sigma schemas and structure: 0 errors');
    const text = readFileSync(sig, 'utf8').replace(/condition: .*/, 'condition: nosuchsel');
    const r = await runCli(['check', '--target', 'sigma', file('bad.yml', text)]);
    expect(r.code).toBe(1);
    const line = text.split('\n').findIndex((l) => l.includes('condition: nosuchsel')) + 1;
    expect(r.stdout).toMatch(
      new RegExp(`bad\\.yml:${line}:\\d+ error SIGMA-STRUCTURE /detection/condition: .*nosuchsel`),
    );
  });
});
