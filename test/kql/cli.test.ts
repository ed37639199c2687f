/**
 * `siemc parse` and `siemc fmt` on the command line (in-process).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('siemc parse', () => {
  it('prints the canonical tree of a query on stdin', async () => {
    const r = await runCli(['parse', '--canonical', '-'], { stdin: 'a:(b or "c")' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      or: [
        { is: { field: { lit: 'a' }, value: { lit: 'b', quoted: false } } },
        { is: { field: { lit: 'a' }, value: { lit: 'c', quoted: true } } },
      ],
    });
  });

  it('prints the typed AST with spans by default', async () => {
    const r = await runCli(['parse'], { stdin: 'a:b' });
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'is', span: { start: 0, end: 3 } });
  });

  it('exits 1 with a located, rendered error', async () => {
    const r = await runCli(['parse'], { stdin: 'a:b and\n(c:d' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      "<stdin>:2:5 error KQL009 missing ')' to close the '(' at line 2, column 1",
    );
  });

  it('--jsonl writes one result line per input line', async () => {
    const input = ['{"query":"a:b"}', '{"query":"a:"}', '{"id":1}', 'not json', ''].join('\n');
    const r = await runCli(['parse', '--jsonl'], { stdin: input });
    expect(r.code).toBe(1);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({
      ok: true,
      ast: { is: { field: { lit: 'a' }, value: { lit: 'b', quoted: false } } },
    });
    expect(lines[1]).toEqual({
      ok: false,
      error: {
        message: "expected a value after ':' but found the end of the query",
        line: 1,
        column: 3,
        offset: 2,
      },
    });
    expect(lines[2].ok).toBe(false);
    expect(lines[3].ok).toBe(false);
  });

  it('reads the queries of a rule file', async () => {
    const file =
      '../shared/corpus/detection-rules/rules/integrations/o365/initial_access_identity_oauth_device_code_grant_unusual_user_noncompliant_device.toml';
    const r = await runCli(['parse', '--canonical', file]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out.rule).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.ast.and).toBeDefined();
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['parse', 'a', 'b'])).code).toBe(2);
    expect((await runCli(['parse', '/no/such/file.kql'])).code).toBe(2);
    expect((await runCli(['no-such-command'])).code).toBe(2);
  });
});

describe('siemc fmt', () => {
  it('formats stdin', async () => {
    const r = await runCli(['fmt'], { stdin: 'A:b   AND  NOT c:(d OR e)\n' });
    expect(r).toEqual({ code: 0, stdout: 'A:b and not c:(d or e)\n', stderr: '' });
  });

  it('--check lists unformatted files and exits 1; --write fixes them; then --check passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siemc-fmt-'));
    const good = join(dir, 'good.kql');
    const bad = join(dir, 'bad.kql');
    writeFileSync(good, 'a:b and c:d\n');
    writeFileSync(bad, 'a:b   AND c:d\n');
    const check = await runCli(['fmt', '--check', good, bad]);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(`${bad}\n`);
    const write = await runCli(['fmt', '--write', good, bad]);
    expect(write.code).toBe(0);
    expect(readFileSync(bad, 'utf8')).toBe('a:b and c:d\n');
    expect((await runCli(['fmt', '--check', good, bad])).code).toBe(0);
  });

  it('never writes a file whose query does not parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siemc-fmt-'));
    const f = join(dir, 'broken.kql');
    writeFileSync(f, 'a:b AND (c:d\n');
    const r = await runCli(['fmt', '--write', f]);
    expect(r.code).toBe(1);
    expect(readFileSync(f, 'utf8')).toBe('a:b AND (c:d\n');
    expect(r.stderr).toContain('KQL009');
  });

  it('rewrites only the query inside a TOML rule, keeping every other byte', async () => {
    const src = readFileSync(
      '../shared/corpus/detection-rules/rules/integrations/o365/initial_access_identity_oauth_device_code_grant_unusual_user_noncompliant_device.toml',
      'utf8',
    );
    const dir = mkdtempSync(join(tmpdir(), 'siemc-fmt-'));
    const f = join(dir, 'rule.toml');
    writeFileSync(f, src);
    expect((await runCli(['fmt', '--check', f])).code).toBe(1);
    expect((await runCli(['fmt', '--write', f])).code).toBe(0);
    const out = readFileSync(f, 'utf8');
    const start = src.indexOf("query = '''");
    expect(out.slice(0, start)).toBe(src.slice(0, start));
    const after = src.slice(src.indexOf("'''", start + 11));
    expect(out.endsWith(after)).toBe(true);
    expect(out).toContain('\nand o365.audit.Actor.Type:(0 or 2 or 3 or 5 or 10)\n');
    expect((await runCli(['fmt', '--check', f])).code).toBe(0);
    const before = await runCli(['parse', '--canonical', '-'], {
      stdin: src.slice(start + 12, src.indexOf("'''", start + 11)),
    });
    const afterParse = await runCli(['parse', '--canonical', f]);
    expect(JSON.parse(afterParse.stdout).ast).toEqual(JSON.parse(before.stdout));
  });

  it('refuses contradictory options', async () => {
    expect((await runCli(['fmt', '--check', '--write', 'x.kql'])).code).toBe(2);
  });
});
