/** `siemc lint` and `siemc info`, run in-process. */
import { describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';

const REFERENCE =
  '../shared/corpus/detection-rules/rules/integrations/o365/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml';
const FIX = 'test/fixtures/rules';

describe('siemc lint', () => {
  it('lints the whole corpus folder: counts by type and language, no errors, time printed', async () => {
    // On a TTY: the batch takes over a second, so a progress bar goes to stderr (never stdout).
    const r = await runCli(['lint', '../shared/corpus/detection-rules', '--format', 'json'], {
      isTTY: true,
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toMatchObject({
      files: 2068,
      rules: 2068,
      supported: 723,
      supportedByType: { query: 454, new_terms: 241, threshold: 28 },
      unsupported: 1345,
      unsupportedByTypeAndLanguage: {
        'eql/eql': 1024,
        'esql/esql': 209,
        'machine_learning/(none)': 106,
        'threat_match/kuery': 6,
      },
      byLanguage: { kuery: 729, eql: 1024, esql: 209, '(none)': 106 },
      clean: 705,
      withWarnings: 1,
      withErrors: 0,
      unsupportedFilters: 17,
      errors: 0,
    });
    // The counts are those of the corpus's own statistics file.
    const stats = JSON.parse(
      readFileSync('../shared/corpus/detection-rules-kuery.stats.json', 'utf8'),
    );
    expect(out.summary.byLanguage).toEqual({
      kuery: stats.kuery_rules,
      ...stats.skipped.non_kuery,
    });
    expect(out.summary.supportedByType).toEqual({
      query: stats.by_type.query,
      new_terms: stats.by_type.new_terms,
      threshold: stats.by_type.threshold,
    });
    expect(out.summary.unsupportedByTypeAndLanguage['threat_match/kuery']).toBe(
      stats.by_type.threat_match,
    );
    expect(out.summary.seconds).toBeGreaterThan(0);
    if (out.summary.seconds > 1.2) {
      expect(r.stderr).toMatch(/\r\[#*\.*\] \d+\/2068 files/);
      expect(r.stderr.endsWith('\r')).toBe(true);
    }
    expect(out.rules).toHaveLength(2068);
    // Per rule: supported = a KQL rule siemc can compile (the 17 with filters are not).
    expect(out.rules.filter((r: { supported: boolean }) => r.supported)).toHaveLength(723 - 17);
    expect(out.rules.filter((r: { clean: boolean }) => r.clean)).toHaveLength(705);
    expect(out.diagnostics.filter((d: { code: string }) => d.code === 'RULE012')).toHaveLength(
      1345,
    );
  });

  it('prints file:line:col severity code message, source line and caret, and a summary line', async () => {
    const r = await runCli(['lint', `${FIX}/bad-query-ml-basic.toml`]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^test\/fixtures\/rules\/bad-query-ml-basic\.toml:20:12 error KQL\d+ /,
    );
    expect(lines[1]).toBe('    user.name: (alice or))');
    expect(lines[2]).toBe('             ^');
    expect(lines.at(-2)).toMatch(
      /^1 file, 1 rule; 1 of supported types \(query 1\): 0 clean, 1 with errors; 0 of unsupported types or languages; 1 error, 0 warnings, 0 info; \d+\.\d\d s$/,
    );
  });

  it('unsupported rules are warnings (exit 0) unless --strict (exit 1)', async () => {
    const plain = await runCli(['lint', `${FIX}/kibana-export.ndjson`]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(
      /kibana-export\.ndjson:3:\d+ warning RULE012 unsupported rule type 'eql' \(language eql\)/,
    );
    const strict = await runCli(['lint', '--strict', `${FIX}/kibana-export.ndjson`]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/error RULE012/);
  });

  it('lints the shared cases: the validation-error and parse-error cases fail', async () => {
    const r = await runCli(['lint', '../shared/cases', '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const bad = [
      ...new Set(
        out.diagnostics
          .filter((d: { severity: string }) => d.severity === 'error')
          .map((d: { file: string }) => d.file),
      ),
    ].sort();
    // Exactly the cases whose `expect.error` says the input must be rejected.
    const rejected = readdirSync('../shared/cases')
      .filter((f) => f.endsWith('.yaml'))
      .filter((f) =>
        /^expect:\n(?:  .*\n)*?  error:/m.test(readFileSync(`../shared/cases/${f}`, 'utf8')),
      )
      .map((f) => `../shared/cases/${f}`)
      .sort();
    expect(rejected.length).toBeGreaterThanOrEqual(3);
    expect(bad).toEqual(rejected);
    // A parse error is at Kibana's column in the query, moved to the file: `query: '` is 8 wide.
    for (const f of rejected) {
      const text = readFileSync(f, 'utf8');
      const col = /parse error expected at column (\d+)/.exec(text)?.[1];
      if (!col) continue;
      const line = text.split('\n').findIndex((l) => l.startsWith("query: '")) + 1;
      const d = out.diagnostics.find(
        (x: { file: string; severity: string }) => x.file === f && x.severity === 'error',
      );
      expect([d.line, d.column], f).toEqual([line, Number(col) + 8]);
    }
  });

  it('reads stdin, uses colours only on a TTY without NO_COLOR, and shows a progress bar only on a TTY', async () => {
    const stdin = 'process.name: cmd.exe and )';
    const plain = await runCli(['lint', '-'], { stdin });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/^<stdin>:1:27 error /);
    expect(plain.stdout).not.toContain('\x1b[');
    const tty = await runCli(['lint', '-'], { stdin, isTTY: true });
    expect(tty.stdout).toContain('\x1b[31merror\x1b[0m');
    const noColor = await runCli(['lint', '-'], {
      stdin,
      isTTY: true,
      env: { NO_COLOR: '1' },
    });
    expect(noColor.stdout).not.toContain('\x1b[');
    expect(plain.stderr).toBe('');
  });

  it('a progress bar on stderr for batches over a second, on a TTY only', async () => {
    // A clock that advances 600 ms per reading makes the three-file batch "slow".
    let t = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => (t += 600));
    try {
      const tty = await runCli(['lint', 'rules/examples'], { isTTY: true });
      expect(tty.code).toBe(0);
      expect(tty.stderr).toContain('\r[####################..........] 2/3 files');
      expect(tty.stderr).toContain('\r[##############################] 3/3 files');
      expect(tty.stderr.endsWith('\r')).toBe(true);
      expect(tty.stdout).not.toContain('files\r');
      const pipe = await runCli(['lint', 'rules/examples']);
      expect(pipe.stderr).toBe('');
    } finally {
      clock.mockRestore();
    }
    // A fast batch shows no bar, even on a TTY.
    const fast = await runCli(['lint', 'rules/examples'], { isTTY: true });
    expect(fast.stderr).toBe('');
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['lint'])).code).toBe(2);
    expect((await runCli(['lint', '--format', 'xml', REFERENCE])).code).toBe(2);
    expect((await runCli(['lint', '--now', 'tomorrow', REFERENCE])).code).toBe(2);
  });

  it('a missing file is an error, exit 1', async () => {
    const r = await runCli(['lint', 'nope.toml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^nope\.toml:1:1 error RULE001 cannot read: no such file or directory/,
    );
  });
});

describe('siemc info', () => {
  it('shows the normalized reference rule with absolute windows and fields used (JSON)', async () => {
    const r = await runCli([
      'info',
      REFERENCE,
      '--now',
      '2026-06-02T10:00:00Z',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({
      id: 'ed2461e1-d6bf-4550-87b9-c008d6ac15f4',
      type: 'new_terms',
      supported: true,
      newTerms: { fields: ['o365.audit.UserId', 'source.as.number'], historyWindowStart: 'now-7d' },
      windows: {
        now: '2026-06-02T10:00:00.000Z',
        from: { expr: 'now-9m', time: '2026-06-02T09:51:00.000Z' },
        to: { expr: 'now', time: '2026-06-02T10:00:00.000Z' },
        interval: { expr: '5m', ms: 300000 },
        additionalLookback: '4m',
        history: {
          expr: 'now-7d',
          start: '2026-05-26T10:00:00.000Z',
          end: '2026-06-02T09:51:00.000Z',
        },
      },
      fields: {
        query: [
          'event.dataset',
          'o365.audit.ExtendedProperties.RequestType',
          'o365.audit.Actor.Type',
          'o365.audit.ApplicationId',
          'o365.audit.Target.ID',
          'o365.audit.DeviceProperties.Value',
        ],
        freeText: false,
        rule: ['o365.audit.UserId', 'source.as.number', 'event.ingested'],
      },
    });
    expect(info.ast.and).toHaveLength(6);
    expect(info.metadata.note).toBeUndefined();
  });

  it('prints readable text', async () => {
    const r = await runCli(['info', REFERENCE, '--now', '2026-06-02T10:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'window:             2026-06-02T09:51:00.000Z .. 2026-06-02T10:00:00.000Z  (from now-9m to now)',
    );
    expect(r.stdout).toContain(
      'history window:     2026-05-26T10:00:00.000Z .. 2026-06-02T09:51:00.000Z  (history_window_start now-7d)',
    );
    expect(r.stdout).toContain('new terms fields:   o365.audit.UserId, source.as.number');
  });

  it('threshold rule from an export, picked by --id', async () => {
    const r = await runCli([
      'info',
      `${FIX}/kibana-export.ndjson`,
      '--id',
      'c7e1d2b3-4a5f-4e6d-8c7b-9a0b1c2d3e02',
      '--now',
      '2024-06-01T12:00:00Z',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'threshold:          count >= 25 by source.ip, distinct user.name >= 5',
    );
    expect(r.stdout).toContain(
      'window:             2024-06-01T11:45:00.000Z .. 2024-06-01T12:00:00.000Z',
    );
    const missing = await runCli(['info', `${FIX}/kibana-export.ndjson`, '--id', 'nope']);
    expect(missing.code).toBe(1);
  });

  it('an unreadable rule exits 1 with its diagnostic', async () => {
    const r = await runCli(['info', '-'], { stdin: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RULE005 empty file');
  });
});
