/**
 * The Sentinel scheduled analytic rule written next to each query: metadata from the rule,
 * queryFrequency from `interval`, queryPeriod from the windows (an error beyond 14 days),
 * tactics / techniques from the MITRE entries, trigger, entity mappings the profile knows (only
 * for columns the query outputs).
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/rules/model.js';
import { analyticRuleYaml, ruleUuid, sentinelTactic } from '../../targets/sentinel/analytic.js';
import { ruleOf, toKusto } from './sentinel-helpers.js';

const threat: Rule['threat'] = [
  {
    framework: 'MITRE ATT&CK',
    tactic: { id: 'TA0001', name: 'Initial Access', reference: '' },
    technique: [
      {
        id: 'T1078',
        name: 'Valid Accounts',
        reference: '',
        subtechnique: [{ id: 'T1078.004', name: 'Cloud Accounts', reference: '' }],
      },
    ],
  },
  {
    framework: 'MITRE ATT&CK',
    tactic: { id: 'TA0011', name: 'Command and Control', reference: '' },
    technique: [],
  },
] as Rule['threat'];

function analytic(rule: Rule, mapping?: string) {
  const t = toKusto(rule, mapping ? { mapping } : {});
  const a = t.artifacts!.find((x) => x.path === 'analytic-rule.yaml')!;
  return { t, y: parse(a.content) as Record<string, unknown>, text: a.content };
}

describe('Sentinel analytic rule', () => {
  it('metadata, trigger, MITRE and the query itself', () => {
    const rule = ruleOf('process.name: cmd.exe', {
      id: 'abc-123',
      name: 'Cmd started',
      description: 'Finds cmd.exe',
      severity: 'critical',
      interval: '10m',
      from: 'now-15m',
      threat,
    });
    const { t, y } = analytic(rule);
    expect(y).toMatchObject({
      id: ruleUuid('abc-123'),
      name: 'Cmd started',
      description: 'Finds cmd.exe',
      severity: 'High',
      queryFrequency: '10m',
      queryPeriod: '15m',
      triggerOperator: 'gt',
      triggerThreshold: 0,
      tactics: ['InitialAccess', 'CommandAndControl'],
      relevantTechniques: ['T1078', 'T1078.004'],
      kind: 'Scheduled',
      tags: ['siemc:source-rule-id:abc-123'],
    });
    expect(y.query).toBe(t.text);
    expect(y.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ruleUuid('abc-123')).toBe(ruleUuid('abc-123'));
    expect(ruleUuid('abc-123')).not.toBe(ruleUuid('abc-124'));
  });

  it('severities and tactic spelling', () => {
    for (const [s, want] of [
      ['low', 'Low'],
      ['medium', 'Medium'],
      ['high', 'High'],
      ['critical', 'High'],
    ])
      expect(analytic(ruleOf('a.b: c', { severity: s })).y.severity).toBe(want);
    expect(sentinelTactic('Command and Control')).toBe('CommandAndControl');
    expect(sentinelTactic('privilege-escalation')).toBe('PrivilegeEscalation');
  });

  it('queryPeriod covers the window; at least queryFrequency and 5m', () => {
    expect(analytic(ruleOf('a.b: c', { interval: '5m', from: 'now-6m' })).y).toMatchObject({
      queryFrequency: '5m',
      queryPeriod: '6m',
    });
    expect(analytic(ruleOf('a.b: c', { interval: '1h', from: 'now-65m' })).y).toMatchObject({
      queryFrequency: '1h',
      queryPeriod: '65m',
    });
    expect(analytic(ruleOf('a.b: c', { interval: '1d', from: 'now-2h' })).y).toMatchObject({
      queryFrequency: '1d',
      queryPeriod: '1d',
    });
    // a rounded window reaches back one more unit
    expect(analytic(ruleOf('a.b: c', { interval: '1h', from: 'now-1h/h' })).y.queryPeriod).toBe(
      '2h',
    );
  });

  it('an interval below 5m runs every 5m and says so', () => {
    const { t, y } = analytic(ruleOf('a.b: c', { interval: '1m', from: 'now-2m' }));
    expect(y).toMatchObject({ queryFrequency: '5m', queryPeriod: '5m' });
    expect(t.diagnostics.find((d) => d.code === 'KUSTO-QUERY-FREQUENCY')?.severity).toBe('info');
  });

  it('new_terms: queryPeriod is the history window; beyond 14 days is an error', () => {
    const nt = (h: string) =>
      ruleOf('a.b: c', {
        type: 'new_terms',
        newTerms: { fields: ['user.name'], historyWindowStart: h },
        from: 'now-9m',
      });
    expect(analytic(nt('now-7d')).y.queryPeriod).toBe('7d');
    expect(analytic(nt('now-14d')).t.diagnostics.map((d) => d.code)).not.toContain(
      'KUSTO-QUERY-PERIOD',
    );
    const { t } = analytic(nt('now-30d'));
    const d = t.diagnostics.find((x) => x.code === 'KUSTO-QUERY-PERIOD')!;
    expect(d).toMatchObject({ severity: 'error', effect: 'unsupported' });
    expect(d.message).toContain('30d lookback');
    expect(d.hint).toBeDefined();
    expect(t.verdict).toBe('unsupported');
  });

  it('bad rule settings are diagnostics, never a broken query', () => {
    const codes = (extra: Partial<Rule>) => {
      const t = toKusto(ruleOf('a.b: c', extra));
      expect(t.verdict).toBe('unsupported');
      return t.diagnostics.map((d) => d.code);
    };
    expect(
      codes({ type: 'new_terms', newTerms: { fields: [], historyWindowStart: 'now-7d' } }),
    ).toContain('KUSTO-NEW-TERMS-FIELDS');
    expect(
      codes({
        type: 'new_terms',
        newTerms: { fields: ['user.name'], historyWindowStart: 'yesterday' },
      }),
    ).toContain('KUSTO-HISTORY');
    expect(codes({ from: 'garbage' })).toContain('KUSTO-FROM');
    expect(codes({ interval: '1x' })).toContain('KUSTO-INTERVAL');
    expect(codes({ from: 'now-1M' })).toContain('KUSTO-QUERY-PERIOD');
  });

  it('entity mappings from the profile, for query and new_terms outputs', () => {
    const { y } = analytic(
      ruleOf('o365.audit.UserId: x', { index: ['logs-o365.audit-*'] }),
      'o365',
    );
    expect(y.entityMappings).toEqual([
      {
        entityType: 'Account',
        fieldMappings: [{ identifier: 'FullName', columnName: 'UserPrincipalName' }],
      },
      { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'IPAddress' }] },
    ]);
    expect(y.requiredDataConnectors).toEqual([
      { connectorId: 'AzureActiveDirectory', dataTypes: ['SigninLogs'] },
    ]);
    // the ECS pass-through profile knows none, and its generic table has no connector
    const ecs = analytic(ruleOf('a.b: c')).y;
    expect(ecs.entityMappings).toBeUndefined();
    expect(ecs.requiredDataConnectors).toEqual([]);
  });

  it('a threshold keeps only the entities of its group-by columns', () => {
    const { t, y } = analytic(
      ruleOf('o365.audit.UserId: *', {
        type: 'threshold',
        threshold: { field: ['o365.audit.UserId'], value: 10 },
      }),
      'o365',
    );
    expect(y.entityMappings).toEqual([
      {
        entityType: 'Account',
        fieldMappings: [{ identifier: 'FullName', columnName: 'UserPrincipalName' }],
      },
    ]);
    expect(t.diagnostics.find((d) => d.code === 'KUSTO-ENTITY')?.message).toMatch(/IPAddress/);
  });

  it('a bare YAML document with the query as a literal block', () => {
    const text = analyticRuleYaml({
      rule: ruleOf('a.b: c', { name: 'N', description: '' }),
      query: 'T\n| take 1',
      queryFrequency: '5m',
      queryPeriod: '5m',
      triggerThreshold: 0,
      entityMappings: [],
    });
    expect(text).toContain('query: |\n  T\n  | take 1\n');
    expect(parse(text).description).toBe('N');
  });
});
