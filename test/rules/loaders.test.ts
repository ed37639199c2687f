/** Each loader on real files: detection-rules TOML, Kibana JSON and NDJSON export, .kql, case YAML, dirs, globs, stdin. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  loadCaseSpec,
  loadRuleFile,
  loadRulePaths,
  loadRuleText,
  ruleAst,
} from '../../src/rules/index.js';
import { toCanonical } from '../../src/kql/canonical.js';

const CORPUS = '../shared/corpus/detection-rules/rules';
const REFERENCE = `${CORPUS}/integrations/o365/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml`;
const FIX = 'test/fixtures/rules';

describe('detection-rules TOML', () => {
  it('loads the reference new_terms rule with all its metadata', async () => {
    const [l] = await loadRuleFile(REFERENCE);
    expect(l.diagnostics).toEqual([]);
    const r = l.rule!;
    expect(r).toMatchObject({
      id: 'ed2461e1-d6bf-4550-87b9-c008d6ac15f4',
      name: 'M365 Identity Device Code Grant with Unusual User and ASN',
      type: 'new_terms',
      language: 'kuery',
      severity: 'high',
      riskScore: 73,
      from: 'now-9m',
      interval: '5m', // Kibana default: the file has none
      index: ['logs-o365.audit-*'],
      timestampOverride: 'event.ingested',
      license: 'Elastic License v2',
      author: ['Elastic'],
      newTerms: { fields: ['o365.audit.UserId', 'source.as.number'], historyWindowStart: 'now-7d' },
    });
    expect(r.query!.startsWith('event.dataset: "o365.audit"\n')).toBe(true); // first newline trimmed
    expect(r.references).toHaveLength(5);
    expect(r.falsePositives).toHaveLength(1);
    expect(r.tags).toContain('Tactic: Initial Access');
    expect(r.threat.map((t) => t.tactic.id)).toEqual(['TA0001', 'TA0005']);
    expect(r.threat[0].technique.map((t) => t.id)).toEqual(['T1078', 'T1566']);
    expect(r.threat[0].technique[0].subtechnique).toEqual([
      {
        id: 'T1078.004',
        name: 'Cloud Accounts',
        reference: 'https://attack.mitre.org/techniques/T1078/004/',
      },
    ]);
    expect(r.metadata).toMatchObject({
      maturity: 'production',
      integration: ['o365'],
      creation_date: '2026/06/01',
    });
    expect(r.metadata.note).toMatch(/^## Triage and analysis/);
    expect(r.source).toMatchObject({ file: REFERENCE, format: 'toml' });
    // The AST is the query: 6 conditions ANDed, the Actor.Type list distributed over its field.
    const canon = toCanonical(r.ast!) as { and: unknown[] };
    expect(canon.and).toHaveLength(6);
    expect(canon.and[2]).toEqual({
      or: ['0', '2', '3', '5', '10'].map((v) => ({
        is: { field: { lit: 'o365.audit.Actor.Type' }, value: { lit: v, quoted: false } },
      })),
    });
  });

  it('every threshold rule of the corpus keeps field, value and cardinality', async () => {
    const lines = readFileSync('../shared/corpus/detection-rules-kuery.jsonl', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((x) => JSON.parse(x))
      .filter((x) => x.type === 'threshold' && x.threshold.cardinality);
    expect(lines.length).toBeGreaterThan(5);
    for (const c of lines) {
      const [l] = await loadRuleFile(`../shared/corpus/detection-rules/${c.path}`);
      expect(l.rule!.threshold).toEqual(c.threshold);
      expect(l.rule!.ast).toBeDefined();
    }
  });

  it('ANDs an exists filter into the AST (negated, as the rule says)', async () => {
    const [l] = await loadRuleFile(
      `${CORPUS}/threat_intel/threat_intel_rapid7_threat_command.toml`,
    );
    // threat_match is unsupported, but its filter still converts exactly.
    expect(l.diagnostics.map((d) => d.code)).toEqual(['RULE012']);
    const r = ruleAst({ ...l.rule!, type: 'query' });
    expect(r.diagnostics).toEqual([]);
    const canon = toCanonical(r.ast!) as { and: unknown[] };
    expect(canon.and[canon.and.length - 1]).toEqual({
      not: { exists: { field: { lit: 'rapid7.tc.vulnerability.id' } } },
    });
  });

  it('reports case-insensitive wildcard filters as unsupported instead of dropping them', async () => {
    const [l] = await loadRuleFile(
      `${CORPUS}/windows/credential_access_lsass_memdump_handle_access.toml`,
    );
    const w = l.diagnostics.filter((d) => d.code === 'RULE024');
    expect(w).toHaveLength(3);
    expect(w[0].severity).toBe('warning');
    expect(w[0].message).toContain('case-insensitive wildcard');
    expect(l.rule!.ast).toBeUndefined();
    // Each warning points at its own [[rule.filters]] header.
    const text = readFileSync(
      `${CORPUS}/windows/credential_access_lsass_memdump_handle_access.toml`,
      'utf8',
    ).split('\n');
    for (const d of w) expect(text[d.line! - 1]).toBe('[[rule.filters]]');
    expect(new Set(w.map((d) => d.line)).size).toBe(3);
  });

  it('recognises eql, esql and machine_learning rules as unsupported', async () => {
    const loaded = await loadRulePaths([
      `${CORPUS}/integrations/gcp/ml_gcp_rare_method_by_city.toml`,
    ]);
    expect(loaded[0].rule).toMatchObject({ type: 'machine_learning' });
    expect(loaded[0].diagnostics[0].message).toBe(
      "unsupported rule type 'machine_learning' (language (none)): siemc compiles KQL (kuery) rules of type query, new_terms and threshold",
    );
  });
});

describe('Kibana JSON and NDJSON export', () => {
  it('loads a rule object from the detection engine API', async () => {
    const [l] = await loadRuleFile(`${FIX}/kibana-rule.json`);
    expect(l.diagnostics).toEqual([]);
    expect(l.rule).toMatchObject({
      id: 'f4a3b2c1-0d9e-4f8a-b7c6-d5e4f3a2b104',
      type: 'new_terms',
      from: 'now-6m',
      to: 'now',
      newTerms: { fields: ['user.name', 'source.as.number'], historyWindowStart: 'now-14d' },
    });
    expect(l.rule!.metadata).toMatchObject({
      id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2910',
      enabled: true,
      max_signals: 100,
    });
    const canon = JSON.stringify(toCanonical(l.rule!.ast!));
    expect(canon).toContain('"okta-svc\\\\admin"'); // JSON \\\\ → KQL "\\" → one backslash
  });

  it('loads an export: rules in order, summary / exception lines skipped, filters ANDed', async () => {
    const loaded = await loadRuleFile(`${FIX}/kibana-export.ndjson`);
    const rules = loaded.filter((l) => l.rule).map((l) => l.rule!);
    expect(rules.map((r) => [r.type, r.source.line])).toEqual([
      ['query', 1],
      ['threshold', 2],
      ['eql', 3],
    ]);
    const skipped = loaded.flatMap((l) => l.diagnostics).filter((d) => d.code === 'RULE029');
    expect(skipped.map((d) => d.message)).toEqual([
      'skipped line 4: exception list, not a rule',
      'skipped line 5: exception list item, not a rule',
    ]);
    expect(rules[0].from).toBe('now-360s');
    expect(toCanonical(rules[0].ast!)).toEqual({
      and: [
        {
          and: [
            {
              is: {
                field: { lit: 'event.category' },
                value: { lit: 'authentication', quoted: true },
              },
            },
            { not: { is: { field: { lit: 'user.name' }, value: { wc: ['svc-', '*', ''] } } } },
          ],
        },
        { is: { field: { lit: 'event.outcome' }, value: { lit: 'success', quoted: true } } },
        {
          not: {
            or: [
              { is: { field: { lit: 'host.os.type' }, value: { lit: 'windows', quoted: true } } },
              { is: { field: { lit: 'host.os.type' }, value: { lit: 'linux', quoted: true } } },
            ],
          },
        },
        { exists: { field: { lit: 'user.name' } } },
        // the disabled event.module filter is ignored, as Kibana ignores it
      ],
    });
    expect(rules[1]).toMatchObject({
      threshold: {
        field: ['source.ip'],
        value: 25,
        cardinality: [{ field: 'user.name', value: 5 }],
      },
      timestampOverride: 'event.ingested',
      interval: '10m',
    });
    expect(loaded[1].diagnostics.map((d) => d.code)).toEqual(['RULE025']);
    expect(rules[2].ast).toBeUndefined();
  });

  it('accepts a JSON array and a _find response, and an NDJSON body in a .json file', () => {
    const rule = (id: string) => ({
      rule_id: id,
      name: id,
      type: 'query',
      language: 'kuery',
      query: 'a: b',
      risk_score: 1,
      severity: 'low',
      description: '',
    });
    expect(
      loadRuleText(JSON.stringify([rule('a'), rule('b')]), 'x.json').map((l) => l.rule?.id),
    ).toEqual(['a', 'b']);
    expect(
      loadRuleText(
        JSON.stringify({ page: 1, perPage: 20, total: 1, data: [rule('c')] }),
        'x.json',
      ).map((l) => l.rule?.id),
    ).toEqual(['c']);
    expect(
      loadRuleText(`${JSON.stringify(rule('d'))}\n${JSON.stringify(rule('e'))}\n`, 'x.json').map(
        (l) => l.rule?.id,
      ),
    ).toEqual(['d', 'e']);
  });

  it('normalizes the pre-7.12 threshold field string', () => {
    const t = JSON.stringify({
      rule_id: 't',
      name: 't',
      type: 'threshold',
      query: 'a: b',
      threshold: { field: 'host.name', value: 3 },
      risk_score: 1,
      severity: 'low',
      description: '',
    });
    expect(loadRuleText(t, 't.json')[0].rule!.threshold).toEqual({
      field: ['host.name'],
      value: 3,
    });
  });
});

describe('.kql files and case YAML', () => {
  it('a .kql file is a query rule named after the file', async () => {
    const [l] = await loadRuleFile(`${FIX}/query.kql`);
    expect(l.diagnostics).toEqual([]);
    expect(l.rule).toMatchObject({
      id: 'query',
      name: 'query',
      type: 'query',
      language: 'kuery',
      from: 'now-6m',
      interval: '5m',
    });
    expect(l.rule!.ast!.kind).toBe('and');
  });

  it('loadCaseSpec gives the rule, now, events and expectations', () => {
    const file = '../shared/cases/new-terms-array-combinations.yaml';
    const c = loadCaseSpec(readFileSync(file, 'utf8'), file);
    expect(c.diagnostics).toEqual([]);
    expect(c.spec).toMatchObject({
      id: 'new-terms-array-combinations',
      area: 'new_terms',
      nowText: '2024-06-01T12:00:00Z',
    });
    expect(c.spec!.now!.toISOString()).toBe('2024-06-01T12:00:00.000Z');
    expect(c.spec!.events).toHaveLength(2);
    expect(c.spec!.events[1]).toMatchObject({ match: true, doc: { host: { name: ['h1', 'h2'] } } });
    expect(c.spec!.expect.alerts).toEqual([{ new_terms: ['h2', 'u1'] }]);
    expect(c.rule).toMatchObject({
      id: 'new-terms-array-combinations',
      type: 'new_terms',
      from: 'now-10m',
      newTerms: { fields: ['host.name', 'user.name'], historyWindowStart: 'now-7d' },
    });
    expect(c.rule!.metadata.now).toBeUndefined();
  });

  it('a threshold case keeps an empty group-by', () => {
    const file = '../shared/cases/threshold-no-group-by.yaml';
    const [l] = loadRuleText(readFileSync(file, 'utf8'), file);
    expect(l.diagnostics).toEqual([]);
    expect(l.rule!.threshold).toEqual({ field: [], value: 3 });
  });

  it('reports malformed case files clearly', () => {
    expect(loadCaseSpec('id: x\nquery: [1, 2]\n', 'x.yaml').diagnostics[0].message).toBe(
      "'query' must be a string, got a list",
    );
    const bad = loadCaseSpec('id: x\nquery: "a\n  b: [\n', 'x.yaml').diagnostics[0];
    expect(bad.code).toBe('RULE008');
    expect(bad.line).toBeGreaterThan(0);
    expect(
      loadCaseSpec("query: 'a: b'\nrule:\n  now: yesterday\n", 'x.yaml').diagnostics[0].message,
    ).toContain("'rule.now' must be an ISO 8601 timestamp");
  });
});

describe('paths: directories, globs, stdin', () => {
  it('walks directories recursively in sorted order and skips non-rule files', async () => {
    const loaded = await loadRulePaths([`${CORPUS}/integrations/o365`]);
    const files = loaded.map((l) => l.file);
    expect(files).toEqual([...files].sort());
    expect(
      files.every((f) => f.startsWith(`${CORPUS}/integrations/o365/`) && f.endsWith('.toml')),
    ).toBe(true);
    expect(files).toContain(REFERENCE);
  });

  it('expands globs, including **', async () => {
    const a = await loadRulePaths([`${CORPUS}/integrations/o365/initial_access_*.toml`]);
    expect(a.map((l) => l.file)).toContain(REFERENCE);
    expect(a.every((l) => /\/initial_access_[^/]*\.toml$/.test(l.file))).toBe(true);
    const b = await loadRulePaths([
      `${CORPUS}/**/initial_access_identity_oauth_device_code_grant_*.toml`,
    ]);
    expect(b.map((l) => l.file)).toContain(REFERENCE);
    const none = await loadRulePaths([`${CORPUS}/**/no-such-rule-*.toml`]);
    expect(none[0].diagnostics[0]).toMatchObject({
      code: 'RULE001',
      message: 'no rule files match this pattern',
    });
  });

  it('reads - from stdin, guessing the format', async () => {
    const toml = readFileSync(REFERENCE, 'utf8');
    const [l] = await loadRulePaths(['-'], { readStdin: async () => toml });
    expect(l.file).toBe('<stdin>');
    expect(l.rule!.id).toBe('ed2461e1-d6bf-4550-87b9-c008d6ac15f4');
    const [k] = await loadRulePaths(['-'], { readStdin: async () => 'process.name: cmd.exe' });
    expect(k.rule!.type).toBe('query');
    expect(k.rule!.ast).toBeDefined();
  });

  it('reports a missing path and lists each file once', async () => {
    const loaded = await loadRulePaths(['no/such/file.toml', REFERENCE, REFERENCE]);
    expect(loaded[0].diagnostics[0]).toMatchObject({
      code: 'RULE001',
      message: 'cannot read: no such file or directory',
      file: 'no/such/file.toml',
    });
    expect(loaded).toHaveLength(2);
  });
});

describe('loadRuleText with an options object', () => {
  it('names the file, forces the format, and defaults the name to <input>', () => {
    const text = 'process.name: cmd.exe';
    const [a] = loadRuleText(text, { file: 'q.txt', format: 'kql' });
    expect(a.rule).toMatchObject({ type: 'query', query: text, source: { file: 'q.txt' } });
    const [b] = loadRuleText(
      readFileSync(
        `${CORPUS}/integrations/okta/credential_access_attempts_to_brute_force_okta_user_account.toml`,
        'utf8',
      ),
    );
    expect(b.file).toBe('<input>');
    expect(b.rule?.threshold).toEqual({ field: ['okta.actor.alternate_id'], value: 3 });
  });
});
