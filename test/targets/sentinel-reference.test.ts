/**
 * The reference rule (o365 device-code grant, new_terms on user + ASN) with the o365 profile:
 * SigninLogs, a structured warning for every clause that is not 1:1, and the Kusto interpreter on
 * the scenario's SigninLogs rows agrees with Elastic's expected alerts except for the divergences
 * `expected.json` lists — each declared by a diagnostic.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRulePaths } from '../../src/rules/index.js';
import { translateRule } from '../../targets/core/translate.js';
import { checkSentinel, sentinelTarget } from '../../targets/sentinel/index.js';
import { bundledSchemas } from '../../targets/sentinel/schema.js';
import { parseKusto, rowsFromNdjson, runKusto, toStr } from '../../src/equiv/kusto/index.js';

const DIR = '../shared/fixtures/o365-device-code';
const RULE =
  '../shared/corpus/detection-rules/rules/integrations/o365/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml';

describe('reference rule on SigninLogs (o365 profile)', async () => {
  const loaded = await loadRulePaths([RULE]);
  const rule = loaded[0].rule!;
  const t = translateRule(rule, sentinelTarget, { mapping: 'o365' });
  const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, 'utf8'));

  it('reads SigninLogs and passes the language service', () => {
    expect(t.text.startsWith('let _events = SigninLogs\n')).toBe(true);
    expect(checkSentinel(t.text)).toEqual([]);
    expect(t.text).toContain(
      '| join kind=leftanti _history on UserPrincipalName, AutonomousSystemNumber',
    );
  });

  it('warns for every clause that is not 1:1 (TARGETS.md)', () => {
    const byCode = t.diagnostics.filter((d) => d.effect !== 'exact');
    const msgs = byCode.map((d) => `${d.code} ${d.effect}: ${d.message}`).join('\n');
    expect(msgs).toMatch(/MAP-ITEM wider: RequestType has no SigninLogs column/);
    expect(msgs).toMatch(/MAP-DROPPED wider: o365\.audit\.Actor\.Type has no equivalent/);
    expect(msgs).toMatch(/MAP-ITEM narrower: SigninLogs has one resource per sign-in/);
    expect(msgs).toMatch(/MAP-ITEM wider: DeviceProperties values have no SigninLogs column/);
    expect(msgs).toMatch(/MAP-ITEM wider: AutonomousSystemNumber comes from Microsoft/);
    // ApplicationId → AppId and UserId → UserPrincipalName are 1:1: no warning names them
    expect(msgs).not.toMatch(/AppId|ApplicationId/);
    expect(t.verdict).toBe('different');
  });

  it('agrees with Elastic except for the declared divergences of expected.json', () => {
    const s = bundledSchemas().get('SigninLogs')!;
    const rows = rowsFromNdjson(readFileSync(`${DIR}/signinlogs.ndjson`, 'utf8'), s.columns);
    const out = runKusto(parseKusto(t.text), {
      tables: new Map([['SigninLogs', rows]]),
      now: Date.parse(expected.now),
    });
    const got = new Set(
      out.map((r) => `${toStr(r.UserPrincipalName)}|${toStr(r.AutonomousSystemNumber)}`),
    );
    const elastic = new Set<string>(
      expected.alerts.map(
        (a: { new_terms: [string, number] }) => `${a.new_terms[0]}|${a.new_terms[1]}`,
      ),
    );
    const divergent = new Set<string>(
      expected.sentinel_reference.divergences_from_elastic.map((d: { case: string }) => d.case),
    );
    const caseOf = new Map<string, string>();
    for (const a of expected.sentinel_reference.alerts)
      caseOf.set(`${a.UserPrincipalName}|${a.AutonomousSystemNumber}`, a.source_case);
    expect(elastic.size).toBeGreaterThan(0);
    for (const k of elastic) expect(got.has(k), `missing Elastic alert ${k}`).toBe(true);
    const extra = [...got].filter((k) => !elastic.has(k));
    for (const k of extra)
      expect(divergent.has(caseOf.get(k)!), `undeclared extra alert ${k}`).toBe(true);
    // the boundary case W12 matches Elastic (history includes the window start); the others come
    // from the profile's declared lossy mappings
    expect(extra.map((k) => caseOf.get(k)).sort()).toEqual([
      'N02',
      'N07',
      'N09',
      'N10',
      'N12',
      'W15',
    ]);
    const wider = t.diagnostics
      .filter((d) => d.effect === 'wider')
      .map((d) => d.message)
      .join('\n');
    expect(wider).toMatch(/Actor\.Type has no equivalent/); // N02, N12
    expect(wider).toMatch(/AuthenticationProtocol/); // N07, N10
    expect(wider).toMatch(/DeviceDetail/); // N09
    expect(wider).toMatch(/AutonomousSystemNumber/); // W15
  });

  it('the analytic rule: name, severity, windows, MITRE, entities', () => {
    const yaml = t.artifacts!.find((a) => a.path === 'analytic-rule.yaml')!.content;
    expect(yaml).toContain(`name: ${rule.name}`);
    expect(yaml).toMatch(/queryFrequency: \d+[mhd]\n/);
    expect(yaml).toContain('entityType: Account');
    expect(yaml).toContain('columnName: UserPrincipalName');
  });
});
