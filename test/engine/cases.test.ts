/**
 * Acceptance: every case in ../shared/cases/ that carries events is a test — each event's match as
 * listed, rule cases' alerts exactly `expect.alerts` — and the whole directory runs as test specs
 * through `siemc test`. A spec whose expectations fail exits 1 with a readable diff.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { parse } from '../../src/kql/parse.js';
import { compileQuery } from '../../src/eval/index.js';
import { runSpecFile } from '../../src/engine/spec.js';
import { runCli } from '../helpers/cli.js';

const DIR = '../shared/cases';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

interface CaseFile {
  id: string;
  query: string;
  rule?: Record<string, unknown>;
  events?: { doc: Record<string, unknown>; match: boolean }[];
  expect?: { alerts?: Record<string, unknown>[]; error?: string };
}

const cases = files.map((f) => ({
  f,
  c: parseYaml(readFileSync(join(DIR, f), 'utf8')) as CaseFile,
}));
const withEvents = cases.filter(({ c }) => (c.events ?? []).length > 0);

describe('cases with events', () => {
  it('there are cases with events to check', () => {
    expect(withEvents.length).toBeGreaterThanOrEqual(15);
  });

  describe.each(withEvents.map(({ f, c }) => [f, c] as const))('%s', (f, c) => {
    it('each event matches the query as listed', () => {
      const r = parse(c.query);
      expect(r.ast, JSON.stringify(r.diagnostics)).not.toBeNull();
      const p = compileQuery(r.ast!);
      c.events!.forEach((e, i) =>
        expect(p(e.doc), `event ${i + 1}: ${JSON.stringify(e.doc)}`).toBe(e.match),
      );
    });

    it('runs as a spec and passes (alerts exactly as expected)', async () => {
      const o = await runSpecFile(join(DIR, f));
      expect(o.passed, JSON.stringify(o, null, 1)).toBe(true);
      const matchChecks = o.checks.filter((x) => x.what.endsWith('match'));
      expect(matchChecks).toHaveLength(c.events!.length);
      if (c.expect?.alerts) {
        expect(o.checks.some((x) => x.what === 'alerts' && x.ok)).toBe(true);
        expect(o.alerts).toHaveLength(c.expect.alerts.length);
      }
    });
  });
});

describe('siemc test over the cases directory', () => {
  it('every case runs as a spec; exit 0 and a summary', async () => {
    const r = await runCli(['test', ...files.map((f) => join(DIR, f))]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`${files.length} passed, 0 failed`);
  });

  it('a case with expect.error passes only because the input is rejected', async () => {
    const o = await runSpecFile(join(DIR, 'new-terms-history-window-order.yaml'));
    expect(o.passed).toBe(true);
    expect(o.checks).toEqual([{ ok: true, what: 'rejected', detail: undefined }]);
    expect(o.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});

describe('failing expectations', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'siemc-cases-'));

  it('a wrong match and a wrong alert give exit 1 and a readable diff', async () => {
    const src = readFileSync(join(DIR, 'new-terms-array-combinations.yaml'), 'utf8')
      .replace('- {new_terms: [h2, u1]}', '- {new_terms: [h1, u1]}')
      .replace(
        "user: {name: u1}}, match: true}\n  - {doc: {'@timestamp': '2024-06-01T11:55:00Z'",
        "user: {name: u1}}, match: false}\n  - {doc: {'@timestamp': '2024-06-01T11:55:00Z'",
      );
    const path = join(tmp, 'broken.yaml');
    writeFileSync(path, src);
    const r = await runCli(['test', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL new-terms-array-combinations');
    expect(r.stdout).toContain('event 1: expected match: false, got true');
    expect(r.stdout).toContain('- missing:    {"new_terms":["h1","u1"]}');
    expect(r.stdout).toMatch(/\+ unexpected: .*"new_terms":\["h2","u1"\]/);
  });

  it('an expect.error case whose input is valid fails', async () => {
    const path = join(tmp, 'not-rejected.yaml');
    writeFileSync(
      path,
      "id: x\nquery: 'a: b'\nevents: []\nexpect:\n  error: 'parse error expected'\n",
    );
    const r = await runCli(['test', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('expected the input to be rejected');
  });
});
