/**
 * `siemc test` and `siemc backtest` end to end, in-process: NDJSON streaming (gzip, CRLF, bad
 * lines), --matches, --format text, --schema, stdin, specs beside rules, exit codes.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { parseNdjsonText, readNdjson, NdjsonError, LineParser } from '../../src/engine/ndjson.js';
import type { EventRecord } from '../../src/engine/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'siemc-engine-cli-'));
const NOW = '2026-06-20T12:00:00Z';

const toml = (extra = '') => `[metadata]
creation_date = "2026/01/01"
maturity = "production"
updated_date = "2026/01/01"

[rule]
author = ["test"]
description = "test rule"
from = "now-10m"
language = "kuery"
license = "Elastic License v2"
name = "Lock test"
risk_score = 21
rule_id = "11111111-2222-3333-4444-555555555555"
severity = "low"
type = "query"
timestamp_override = "event.ingested"
query = '''
event.action: "lock" and not user.name: svc*
'''
${extra}`;

const ev = (i: number, t: string, user: string, action = 'lock') =>
  JSON.stringify({ '@timestamp': t, event: { id: `E${i}`, action }, user: { name: user } });

function setup() {
  const dir = mkdtempSync(join(tmp, 'case-'));
  const rulePath = join(dir, 'rule.toml');
  writeFileSync(rulePath, toml());
  const lines = [
    ev(1, '2026-06-20T11:55:00Z', 'alice'),
    ev(2, '2026-06-20T11:56:00Z', 'svc_backup'),
    '{not json',
    '',
    ev(4, '2026-06-20T11:57:00Z', 'bob', 'unlock'),
    ev(5, '2026-06-20T10:00:00Z', 'carol'),
    '[1,2]',
    JSON.stringify({ event: { id: 'E7', action: 'lock' }, user: { name: 'dave' } }),
    ev(8, '2026-06-20T11:58:00Z', 'erin'),
  ];
  const events = join(dir, 'events.ndjson');
  writeFileSync(events, lines.join('\r\n')); // CRLF, no final newline
  return { dir, rulePath, events };
}

describe('NDJSON reader', () => {
  it('reports invalid lines with file:line and skips them; strict stops', async () => {
    const bad: string[] = [];
    const recs = parseNdjsonText('{"a":1}\n{x\n\n[1]\n{"b":2}', 'f.ndjson', {
      onInvalid: (d) => bad.push(`${d.file}:${d.line} ${d.message}`),
    });
    expect(recs.map((r) => r.line)).toEqual([1, 5]);
    expect(bad[0]).toMatch(/^f.ndjson:2 invalid JSON/);
    expect(bad[1]).toMatch(/^f.ndjson:4 not a JSON object/);
    expect(() => parseNdjsonText('{"a":1}\n{x', 'f.ndjson', { strict: true })).toThrow(NdjsonError);
  });

  it('streams gzip files and lines split across chunks, with multi-byte characters', async () => {
    const docs = Array.from({ length: 500 }, (_, i) => ({ i, s: 'é€😀'.repeat(i % 7) }));
    const text = docs.map((d) => JSON.stringify(d)).join('\n') + '\n';
    const gz = join(tmp, 'big.ndjson.gz');
    writeFileSync(gz, gzipSync(text));
    const got: unknown[] = [];
    for await (const r of readNdjson(gz, { chunkSize: 37 })) got.push(r.doc);
    expect(got).toEqual(docs);
    const plain = join(tmp, 'big.ndjson');
    writeFileSync(plain, text);
    const lines: number[] = [];
    for await (const r of readNdjson(plain, { chunkSize: 5 })) lines.push(r.line);
    expect(lines).toEqual(docs.map((_, i) => i + 1));
  });

  it('a line far longer than a chunk (fed piece by piece without a newline) is one event', () => {
    const long = { id: 'L', s: 'ab\u00e9'.repeat(20_000) };
    const text = `{"id":"A"}\n${JSON.stringify(long)}\n{"id":"B"}`;
    const p = new LineParser('f.ndjson');
    const out: EventRecord[] = [];
    for (let i = 0; i < text.length; i += 64) p.feed(text.slice(i, i + 64), out);
    p.end(out);
    expect(out.map((r) => [(r.doc as { id: string }).id, r.line])).toEqual([
      ['A', 1],
      ['L', 2],
      ['B', 3],
    ]);
    expect(out[1].doc).toEqual(long);
  });
});

describe('siemc test', () => {
  it('prints alerts as NDJSON, reports bad lines and events without timestamp, exit 0', async () => {
    const { rulePath, events } = setup();
    const r = await runCli(['test', rulePath, '--events', events, '--now', NOW]);
    expect(r.code).toBe(0);
    const alerts = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alerts.map((a) => [a.event_id, a.line])).toEqual([
      ['E1', 1],
      ['E8', 9],
    ]);
    expect(alerts[0]).toEqual({
      rule: '11111111-2222-3333-4444-555555555555',
      type: 'query',
      file: events,
      line: 1,
      event_id: 'E1',
      timestamp: '2026-06-20T11:55:00.000Z',
    });
    expect(r.stderr).toContain(`${events}:3:1 warning EVT001 invalid JSON`);
    expect(r.stderr).toContain(`${events}:7:1 warning EVT001 not a JSON object`);
    expect(r.stderr).toContain(
      'siemc: rule 11111111-2222-3333-4444-555555555555: warning ENG010 1 event(s) have no usable event.ingested or @timestamp (missing, or not a date) and were not evaluated\n',
    );
    expect(r.stderr).not.toContain('<input>');
    expect(r.stderr).toContain('2 invalid line(s) skipped');
  });

  it('--matches lists every query match inside the window; --format text for people', async () => {
    const { rulePath, events } = setup();
    const r = await runCli(['test', rulePath, '--events', events, '--now', NOW, '--matches']);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).event_id),
    ).toEqual(['E1', 'E8']);
    const t = await runCli([
      'test',
      rulePath,
      '--events',
      events,
      '--now',
      NOW,
      '--format',
      'text',
    ]);
    expect(t.stdout).toContain(
      `ALERT ${events}:1  rule=11111111-2222-3333-4444-555555555555  type=query  event.id=E1`,
    );
  });

  it('--strict fails on the first invalid line', async () => {
    const { rulePath, events } = setup();
    const r = await runCli(['test', rulePath, '--events', events, '--now', NOW, '--strict']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${events}:3:1 error EVT001 invalid JSON`);
  });

  it('a bare .kql query is evaluated on every event regardless of time; events from stdin', async () => {
    const { dir } = setup();
    const q = join(dir, 'q.kql');
    writeFileSync(q, 'user.name: (carol or dave)');
    const stdin = [
      ev(5, '2001-01-01T00:00:00Z', 'carol'),
      JSON.stringify({ user: { name: 'dave' } }),
    ].join('\n');
    const r = await runCli(['test', q, '--events', '-', '--matches'], { stdin });
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { rule: 'q', file: '<stdin>', line: 1, event_id: 'E5' },
      { rule: 'q', file: '<stdin>', line: 2 },
    ]);
  });

  it('--schema changes field types', async () => {
    const { dir } = setup();
    const q = join(dir, 'n.kql');
    writeFileSync(q, 'my.count > 9');
    const events = join(dir, 'n.ndjson');
    writeFileSync(events, '{"my":{"count":10}}\n');
    const schema = join(dir, 's.yml');
    writeFileSync(schema, 'fields:\n  my.count: long\n');
    const without = await runCli(['test', q, '--events', events, '--matches']);
    expect(without.stdout).toBe('');
    const withSchema = await runCli([
      'test',
      q,
      '--events',
      events,
      '--matches',
      '--schema',
      schema,
    ]);
    expect(withSchema.stdout).toContain('"line":1');
    writeFileSync(schema, 'fields:\n  my.count: int64\n');
    const bad = await runCli(['test', q, '--events', events, '--schema', schema]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown type 'int64'");
  });

  it('usage errors exit 2; missing files and broken rules exit 1', async () => {
    const { rulePath, events } = setup();
    expect((await runCli(['test', rulePath])).code).toBe(2);
    expect((await runCli(['test', rulePath, '--events', events, '--now', 'yesterday'])).code).toBe(
      2,
    );
    expect((await runCli(['test', rulePath, '--events', events, '--format', 'xml'])).code).toBe(2);
    const missing = await runCli([
      'test',
      rulePath,
      '--events',
      join(tmp, 'nope.ndjson'),
      '--now',
      NOW,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    const broken = join(tmp, 'broken.kql');
    writeFileSync(broken, 'source.ip: not-an-ip');
    const b = await runCli(['test', broken, '--events', events]);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('EVAL001');
  });

  it('a spec beside a rule: rule path, events by path, now, expected alerts', async () => {
    const { dir, events } = setup();
    const spec = join(dir, 'rule.test.yaml');
    writeFileSync(
      spec,
      `rule: rule.toml\nnow: '${NOW}'\nevents: events.ndjson\nexpect:\n  matches: 2\n  alerts:\n    - {event_id: E1}\n    - {event_id: E8}\n`,
    );
    const ok = await runCli(['test', spec]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('PASS 11111111-2222-3333-4444-555555555555');
    writeFileSync(
      spec,
      `rule: rule.toml\nnow: '${NOW}'\nevents:\n  - {doc: {'@timestamp': '2026-06-20T11:59:00Z', event: {action: lock}, user: {name: zed}}, match: true}\n  - {doc: {event: {action: lock}, user: {name: svc_x}}, match: true}\nexpect:\n  alerts: []\n`,
    );
    const fail = await runCli(['test', spec]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('event 2: expected match: true, got false');
    expect(fail.stdout).toContain('alerts: expected 0, got 1 (0 missing, 1 unexpected)');
  });
});

describe('unsupported rules in a batch', () => {
  const EXPORT = 'test/fixtures/rules/kibana-export.ndjson';
  const EVENTS = '../shared/fixtures/okta-brute-force-threshold/ecs.ndjson';
  const EQL =
    '../shared/corpus/detection-rules/rules/linux/privilege_escalation_unshare_namespace_manipulation.toml';

  it('siemc test skips them with one line (the loader warned) and runs the others: exit 0', async () => {
    const r = await runCli(['test', EXPORT, '--events', EVENTS, '--now', '2026-06-20T12:00:00Z']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${EXPORT}:3:827 warning RULE012 unsupported rule type 'eql'`);
    expect(r.stderr).toContain(
      'siemc test: skipping rule d8f2e3c4-5b6a-4f7e-9d8c-0b1c2d3e4f03 (Suspicious child of Office (EQL)): RULE012, see the warning above',
    );
    expect(r.stderr).not.toMatch(/ENG00\d|:\?:\?/);
    expect(r.stderr.match(/^siemc test: rule /gm)).toHaveLength(2);
  });

  it('stdin cannot be both the rule and the events: usage error', async () => {
    const t = await runCli(['test', '-', '--events', '-'], { stdin: 'a: b' });
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('standard input can hold the rule or the events, not both');
    const b = await runCli(['backtest', '-', '--events', '-'], { stdin: 'a: b' });
    expect(b.code).toBe(2);
  });

  it('nothing runnable: exit 1 with a message', async () => {
    const r = await runCli(['test', EQL, '--events', EVENTS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('siemc test: no runnable rule');
  });

  it('siemc backtest skips them too; the rule filters KQL cannot express as well', async () => {
    const r = await runCli([
      'backtest',
      EQL,
      '../shared/corpus/detection-rules/rules_building_block/persistence_transport_agent_exchange.toml',
      'rules/examples',
      '--events',
      EVENTS,
      '--now',
      '2026-06-20T12:00:00Z',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /siemc backtest: skipping rule d00f33e7-\S+ \(Namespace Manipulation Using Unshare\): RULE012/,
    );
    expect(r.stderr).toMatch(
      /siemc backtest: skipping rule \S+ \(.*\): RULE024, see the warning above/,
    );
    expect(r.stdout).toContain('Attempts to Brute Force an Okta User Account');
  });
});

describe('backtest progress bar', () => {
  const args = [
    'backtest',
    'rules/examples',
    '--events',
    '../shared/fixtures/o365-device-code/ecs.ndjson',
    '--now',
    '2026-06-20T12:00:00Z',
  ];

  it('on a TTY, once the scan runs over a second; erased before the table', async () => {
    let t = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (t += 2000));
    try {
      const r = await runCli(args, { isTTY: true });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/\r\[#{30}\] 100%  0\.2\/0\.2 MB  [\d.]+ MB\/s/);
      expect(r.stderr.endsWith('\r' + ' '.repeat(78) + '\r')).toBe(true);
      expect(r.stdout).not.toContain('\r');
      const pipe = await runCli(args);
      expect(pipe.stderr).not.toContain('\r');
    } finally {
      clock.mockRestore();
    }
    // A scan under a second draws nothing, even on a TTY.
    const fast = await runCli(args, { isTTY: true });
    expect(fast.stderr).not.toContain('\r');
  });
});

describe('the shipped spec for the reference rule', () => {
  const SPEC = 'test/fixtures/specs/o365-device-code.test.yaml';

  it('passes: the rule in rules/examples, the scenario events by path, 11 alerts', async () => {
    const r = await runCli(['test', SPEC]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toBe(`PASS ed2461e1-d6bf-4550-87b9-c008d6ac15f4 (${SPEC}) — 2/2 checks\n`);
  });

  it('a wrong expectation fails with exit 1 and a diff of the alerts and matches', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'siemc-spec-'));
    const spec = join(tmp, 'broken.test.yaml');
    // Same paths, resolved from the spec's own folder.
    const text = readFileSync(SPEC, 'utf8')
      .replace(
        /^rule: .*$/m,
        `rule: ${join(process.cwd(), 'rules/examples/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml')}`,
      )
      .replace(
        /^events: .*$/m,
        `events: ${join(process.cwd(), '../shared/fixtures/o365-device-code/ecs.ndjson')}`,
      )
      .replace('matches: 20', 'matches: 19')
      .replace('northwind-labs.example, 64505]', 'northwind-labs.example, 64506]');
    writeFileSync(spec, text);
    const r = await runCli(['test', spec]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`FAIL ed2461e1-d6bf-4550-87b9-c008d6ac15f4 (${spec}) — 0/2 checks`);
    expect(lines).toContain('    alerts: expected 11, got 11 (1 missing, 1 unexpected)');
    expect(lines).toContain(
      '      - missing:    {"new_terms":["ivan.petrov@northwind-labs.example",64506],"event_id":"6c74564c-2be9-5565-aa85-75f399e8fa54"}',
    );
    expect(lines).toContain(
      '      + unexpected: {"line":33,"event_id":"6c74564c-2be9-5565-aa85-75f399e8fa54","new_terms":["ivan.petrov@northwind-labs.example",64505]}',
    );
    expect(lines).toContain('    expected 19 query matches in the window, got 20');
  });
});

describe('siemc backtest', () => {
  it('many rules over gzip and plain NDJSON: a summary table per rule, alerts to a file', async () => {
    const { dir, rulePath, events } = setup();
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'a.toml'), readFileSync(rulePath, 'utf8'));
    writeFileSync(
      join(rules, 'b.toml'),
      toml()
        .replace('11111111-2222-3333-4444-555555555555', '66666666-2222-3333-4444-555555555555')
        .replace('name = "Lock test"', 'name = "Threshold test"')
        .replace('type = "query"', 'type = "threshold"') +
        '\n[rule.threshold]\nfield = []\nvalue = 2\n',
    );
    const gz = join(dir, 'events2.ndjson.gz');
    writeFileSync(gz, gzipSync(readFileSync(events)));
    const out = join(dir, 'alerts.ndjson');
    const r = await runCli([
      'backtest',
      rules,
      '--events',
      events,
      gz,
      '--now',
      NOW,
      '--alerts',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Lock test\s+query\s+12\s+8\s+4\s+4/);
    expect(r.stdout).toMatch(/Threshold test\s+threshold\s+12\s+8\s+4\s+1/);
    expect(r.stdout).toMatch(/2 file\(s\), 12 events/);
    expect(r.stdout).toContain('4 invalid line(s) skipped');
    const alerts = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alerts.filter((a) => a.type === 'query')).toHaveLength(4);
    expect(alerts.filter((a) => a.type === 'threshold').map((a) => a.count)).toEqual([4]);
    const j = await runCli([
      'backtest',
      rules,
      '--events',
      events,
      '--now',
      NOW,
      '--format',
      'json',
    ]);
    const summary = JSON.parse(j.stdout);
    expect(summary.events).toBe(6);
    expect(summary.rules.map((x: { alerts: number }) => x.alerts)).toEqual([2, 1]);
  });

  it('needs --events', async () => {
    expect((await runCli(['backtest', 'x.toml'])).code).toBe(2);
  });
});

describe('unreadable inputs and outputs are errors, not crashes', () => {
  it('a truncated gzip events file: EVT004 with the file, exit 1 (test and backtest)', async () => {
    const { rulePath } = setup();
    const lines = Array.from({ length: 2000 }, (_, i) =>
      JSON.stringify({ '@timestamp': '2026-06-20T11:59:00Z', n: i, pad: 'x'.repeat(50) }),
    ).join('\n');
    const full = gzipSync(lines);
    const trunc = join(tmp, 'trunc.ndjson.gz');
    writeFileSync(trunc, full.subarray(0, full.length >> 1));
    for (const cmd of ['test', 'backtest']) {
      const r = await runCli([cmd, rulePath, '--events', trunc, '--now', NOW]);
      expect(r.code, cmd).toBe(1);
      expect(r.stderr, cmd).toMatch(
        /trunc\.ndjson\.gz:\d+:1 error EVT004 cannot read the gzip file/,
      );
      expect(r.stderr, cmd).not.toMatch(/internal error/);
    }
  });

  it('backtest --alerts to a directory: a clear error before the scan, exit 1', async () => {
    const { rulePath, events } = setup();
    const dir = mkdtempSync(join(tmp, 'alerts-dir-'));
    const r = await runCli([
      'backtest',
      rulePath,
      '--events',
      events,
      '--now',
      NOW,
      '--alerts',
      dir,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write alerts to .*: it is a directory/);
  });
});

describe('test specs that check nothing fail', () => {
  it('misspelt keys (matches:, alertz:) give SPEC004 and exit 1', async () => {
    const dir = mkdtempSync(join(tmp, 'spec-'));
    const spec = join(dir, 's.yaml');
    writeFileSync(
      spec,
      "id: s\nquery: 'user.name:admin'\nevents:\n  - {doc: {user: {name: admin}}, matches: true}\nexpect: {alertz: 3}\n",
    );
    const r = await runCli(['test', spec]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/FAIL s .*nothing to check/);
    expect(r.stdout + r.stderr).toMatch(/SPEC004/);
    // the same spec spelt right passes
    writeFileSync(
      spec,
      "id: s\nquery: 'user.name:admin'\nevents:\n  - {doc: {user: {name: admin}}, match: true}\n",
    );
    expect((await runCli(['test', spec])).code).toBe(0);
  });
});
