/**
 * The reference rule (M365 device code grant, new_terms) and the threshold scenario's rule, whole
 * Sigma files compared with reviewed golden files (`SIEMC_UPDATE_GOLDEN=1` rewrites them), and
 * checked: schema, YAML 1.1 load, diagnostics.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleText } from '../../src/rules/index.js';
import { loadSigma } from '../../src/equiv/sigma/index.js';
import { sigmaRuleId } from '../../targets/sigma/meta.js';
import { ruleFromKql, toSigma } from './sigma-helpers.js';

const RULES = '../shared/corpus/detection-rules/rules/integrations';
const GOLDEN = 'test/targets/sigma-golden';

function load(path: string) {
  const file = join(RULES, path);
  const r = loadRuleText(readFileSync(file, 'utf8'), file)[0]?.rule;
  if (!r?.ast) throw new Error(`cannot load ${file}`);
  return r;
}

function golden(name: string, text: string): void {
  const file = join(GOLDEN, name);
  if (process.env.SIEMC_UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

const reference = load(
  'o365/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml',
);

describe('Sigma: the reference rule', () => {
  it('with the o365 profile (chosen by its index pattern): raw record fields, m365 log source', () => {
    const t = toSigma(reference);
    golden('reference-o365.yml', t.text);
    expect(t.verdict).toBe('wider');
    expect(t.diagnostics.map((d) => d.code).sort()).toEqual(['MAP-ITEM', 'SIGMA-NEW-TERMS']);
    const doc = loadSigma(t.text).rules[0];
    expect(doc.id).toBe(sigmaRuleId('ed2461e1-d6bf-4550-87b9-c008d6ac15f4'));
    expect(doc.logsource).toEqual({
      product: 'm365',
      service: 'audit',
      definition: expect.any(String),
    });
    expect(doc.tags).toEqual(expect.arrayContaining(['attack.initial-access', 'attack.t1078.004']));
  });

  it('with the ECS pass-through profile', () => {
    const t = toSigma(reference, { mapping: 'ecs' });
    golden('reference-ecs.yml', t.text);
    expect(t.verdict).toBe('wider');
    expect(t.diagnostics.map((d) => d.code)).toEqual(['SIGMA-NEW-TERMS']);
  });

  it('ids are deterministic UUIDv5s of the source rule id', () => {
    expect(sigmaRuleId('ed2461e1-d6bf-4550-87b9-c008d6ac15f4')).toBe(
      sigmaRuleId('ed2461e1-d6bf-4550-87b9-c008d6ac15f4'),
    );
    expect(sigmaRuleId('a')).not.toBe(sigmaRuleId('b'));
    expect(sigmaRuleId('a')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('Sigma: threshold rule as base rule + correlation in one file', () => {
  it('Okta brute force', () => {
    const t = toSigma(
      load('okta/credential_access_attempts_to_brute_force_okta_user_account.toml'),
    );
    golden('okta-brute-force.yml', t.text);
    const f = loadSigma(t.text);
    expect(f.rules).toHaveLength(1);
    expect(f.correlations).toHaveLength(1);
    expect(f.correlations[0].correlation).toEqual({
      type: 'event_count',
      rules: [f.rules[0].name],
      'group-by': ['okta.actor.alternate_id'],
      timespan: '3h',
      condition: { gte: 3 },
    });
  });
});

describe('docs/sigma.md', () => {
  it('shows the Okta golden file verbatim', () => {
    const doc = readFileSync('docs/sigma.md', 'utf8');
    const m =
      /<!-- golden: okta-brute-force\.yml -->\n<!-- prettier-ignore -->\n```yaml\n([\s\S]*?)```/.exec(
        doc,
      );
    expect(m?.[1]).toBe(readFileSync(join(GOLDEN, 'okta-brute-force.yml'), 'utf8'));
  });

  it('shows the real detection and warning of the text-field example', () => {
    const doc = readFileSync('docs/sigma.md', 'utf8');
    const m = /\$ siemc convert q\.kql --to sigma[^\n]*\n\.\.\.\n([\s\S]*?)```/.exec(doc);
    expect(m).not.toBeNull();
    const shown = m![1];
    const t = toSigma(ruleFromKql('message: "hello world"'));
    const detection = t.text.slice(t.text.indexOf('detection:'));
    expect(shown.startsWith(detection)).toBe(true);
    const d = t.diagnostics.find((x) => x.code === 'SIGMA-TEXT-FIELD');
    expect(shown).toContain(`warning SIGMA-TEXT-FIELD [sigma] ${d!.message} (wider)`);
  });
});
