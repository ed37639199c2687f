/** The bundled example rules (rules/examples): real Elastic rules, copied unchanged, that lint clean. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRulePaths } from '../../src/rules/load.js';
import { validateRule } from '../../src/rules/validate.js';
import { runCli } from '../helpers/cli.js';

const DIR = 'rules/examples';
const CORPUS = '../shared/corpus/detection-rules/rules/integrations';
const REFERENCE = 'initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml';

describe('rules/examples', () => {
  const files = readdirSync(DIR).sort();
  const ruleFiles = files.filter((f) => f.endsWith('.toml'));

  it('holds rule files and Elastic’s licence notice only', () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(3);
    // `siemc convert rules/examples` runs over the folder: nothing else that could load as a rule
    // (a README.md is skipped by the loaders and may be added).
    const others = files.filter((f) => !f.endsWith('.toml'));
    expect(others).toEqual(expect.arrayContaining(['LICENSE-ELASTIC.txt', 'NOTICE.txt']));
    for (const f of others) expect(['LICENSE-ELASTIC.txt', 'NOTICE.txt', 'README.md']).toContain(f);
    const notice = readFileSync(`${DIR}/NOTICE.txt`, 'utf8');
    expect(notice).toContain('Elastic License 2.0');
    expect(notice).toContain('Apache License 2.0');
    for (const f of ruleFiles) expect(notice).toContain(f);
    expect(readFileSync(`${DIR}/LICENSE-ELASTIC.txt`, 'utf8')).toMatch(/^Elastic License 2\.0\n/);
  });

  it.each(ruleFiles)('%s is the original detection-rules file, byte for byte', (f) => {
    const sub = { o365: 'o365', aws: 'aws', okta: 'okta' };
    const original = Object.values(sub)
      .map((d) => {
        try {
          return readFileSync(`${CORPUS}/${d}/${f}`);
        } catch {
          return undefined;
        }
      })
      .find((b) => b !== undefined);
    expect(original, `${f} is not in the corpus`).toBeDefined();
    expect(readFileSync(`${DIR}/${f}`).equals(original!)).toBe(true);
  });

  it('every file loads (the notice files are skipped) and validates without a diagnostic', async () => {
    const loaded = await loadRulePaths([DIR]);
    expect(loaded.map((l) => l.file)).toEqual(ruleFiles.map((f) => `${DIR}/${f}`));
    for (const l of loaded) {
      expect(l.diagnostics, l.file).toEqual([]);
      expect(l.rule, l.file).toBeDefined();
      expect(validateRule(l.rule!), l.file).toEqual([]);
      expect(l.rule!.language).toBe('kuery');
    }
    const types = loaded.map((l) => l.rule!.type).sort();
    expect(types).toEqual(['new_terms', 'query', 'threshold']);
  });

  it('the reference rule is the new_terms rule with its history window', async () => {
    const [l] = await loadRulePaths([`${DIR}/${REFERENCE}`]);
    expect(l.rule).toMatchObject({
      id: 'ed2461e1-d6bf-4550-87b9-c008d6ac15f4',
      name: 'M365 Identity Device Code Grant with Unusual User and ASN',
      type: 'new_terms',
      from: 'now-9m',
      timestampOverride: 'event.ingested',
    });
    expect(l.rule!.newTerms).toMatchObject({
      fields: ['o365.audit.UserId', 'source.as.number'],
      historyWindowStart: 'now-7d',
    });
  });

  it('siemc lint on the folder: exit 0, three clean rules', async () => {
    const r = await runCli(['lint', DIR]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^3 files, 3 rules; 3 of supported types \(new_terms 1, query 1, threshold 1\): 3 clean; 0 of unsupported types or languages; 0 errors, 0 warnings, 0 info; \d+\.\d\d s\n$/,
    );
  });
});
