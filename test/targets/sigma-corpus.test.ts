/**
 * The whole rule corpus (729 KQL rules) converts to Sigma with the default profile: no crash, every
 * output passes the official Sigma JSON schemas and the structural checks (condition names only
 * existing selections, known modifiers, valid regexes/CIDRs, correlation references), and every
 * non-exact rule says why. Prints the totals per verdict and per diagnostic code.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { corpusKqlRules } from '../helpers/corpus.js';
import type { Rule } from '../../src/rules/model.js';
import { translateRule } from '../../targets/core/translate.js';
import { getTarget } from '../../targets/registry.js';
import type { Translation } from '../../targets/types.js';
import { officialValidator } from './sigma-helpers.js';
import { outsideSigmaRegexSubset } from '../../targets/sigma/validate.js';

describe('Sigma: whole corpus with the default profile', () => {
  const rules: Rule[] = corpusKqlRules();
  const sigma = getTarget('sigma');
  const results: { rule: Rule; t: Translation }[] = rules.map((rule) => ({
    rule,
    t: translateRule(rule, sigma),
  }));

  it('translates all 729 KQL rules without an internal error', () => {
    expect(rules.length).toBe(729);
    const internal = results.filter((r) =>
      r.t.diagnostics.some((d) => d.code === 'INTERNAL' || d.code === 'SIGMA-INVALID-OUTPUT'),
    );
    expect(
      internal.map((r) => `${r.rule.id}: ${r.t.diagnostics.map((d) => d.message).join('; ')}`),
    ).toEqual([]);
  });

  it('every emitted output passes the official Sigma schemas and the structural checks', () => {
    let docs = 0;
    const failures: string[] = [];
    for (const { rule, t } of results) {
      if (t.text === '') {
        // only rules that cannot be translated at all give no text, and they say so
        expect(t.verdict, rule.id).toBe('unsupported');
        continue;
      }
      docs += t.text.split('\n---\n').length;
      const issues = officialValidator.validateText(t.text);
      if (issues.length) failures.push(`${rule.id}: ${JSON.stringify(issues)}`);
    }
    expect(failures).toEqual([]);
    expect(docs).toBeGreaterThan(700);
  });

  it('every emitted regex stays in the Sigma regex subset', () => {
    let regexes = 0;
    const bad: string[] = [];
    for (const { rule, t } of results) {
      const walk = (v: unknown, re: boolean): void => {
        if (Array.isArray(v)) v.forEach((x) => walk(x, re));
        else if (v && typeof v === 'object')
          for (const [k, x] of Object.entries(v as Record<string, unknown>))
            walk(x, k.split('|').includes('re'));
        else if (re && typeof v === 'string') {
          regexes++;
          const why = outsideSigmaRegexSubset(v);
          if (why) bad.push(`${rule.id}: ${why} in ${v}`);
        }
      };
      for (const d of parseAllDocuments(t.text, { version: '1.1' }))
        walk((d.toJS() as { detection?: unknown }).detection, false);
    }
    expect(bad).toEqual([]);
    expect(regexes).toBeGreaterThan(100);
    // the checker itself
    expect(outsideSigmaRegexSubset('^[\\s\\S]*$')).toBe('\\s');
    expect(outsideSigmaRegexSubset('^(?i)a$')).toBe('(?');
    expect(outsideSigmaRegexSubset('a.*?b')).toBe('*?');
    expect(outsideSigmaRegexSubset('^a\\.b\\nc\\x01[^a-z_-]+(x|y){1,2}$')).toBeUndefined();
  });

  it('threshold rules carry a correlation; new_terms rules carry the warning', () => {
    for (const { rule, t } of results) {
      if (!t.text) continue;
      // a threshold rule has its correlation, unless the correlation cannot be written and an
      // unsupported diagnostic says why (a group or count field the log source does not have)
      if (rule.type === 'threshold') {
        const why = t.diagnostics.filter((d) =>
          ['SIGMA-CORRELATION-FIELD', 'SIGMA-TIMESPAN', 'SIGMA-THRESHOLD-SPEC'].includes(d.code),
        );
        if (why.length) expect(t.verdict, rule.id).toBe('unsupported');
        else
          expect(t.text, rule.id).toMatch(/\ncorrelation:\n {4}type: (event_count|value_count)\n/);
      }
      if (rule.type === 'new_terms')
        expect(
          t.diagnostics.map((d) => d.code),
          rule.id,
        ).toContain('SIGMA-NEW-TERMS');
    }
  });

  it('every non-exact verdict is explained by a diagnostic of that effect', () => {
    for (const { rule, t } of results) {
      if (t.verdict === 'exact') continue;
      const effects = new Set(t.diagnostics.map((d) => d.effect));
      if (t.verdict === 'different')
        expect(effects.has('wider') && effects.has('narrower'), rule.id).toBe(true);
      else expect(effects.has(t.verdict), rule.id).toBe(true);
    }
  });

  it('prints the totals', () => {
    const verdicts: Record<string, number> = {};
    const byType: Record<string, Record<string, number>> = {};
    const codes: Record<string, number> = {};
    for (const { rule, t } of results) {
      verdicts[t.verdict] = (verdicts[t.verdict] ?? 0) + 1;
      (byType[rule.type] ??= {})[t.verdict] = (byType[rule.type]?.[t.verdict] ?? 0) + 1;
      for (const c of new Set(t.diagnostics.map((d) => `${d.code} (${d.effect})`)))
        codes[c] = (codes[c] ?? 0) + 1;
    }
    console.log(`Sigma corpus totals (${results.length} rules):`, JSON.stringify(verdicts));
    console.log('by rule type:', JSON.stringify(byType));
    console.log('rules per diagnostic:', JSON.stringify(codes, null, 1));
    expect(Object.values(verdicts).reduce((a, b) => a + b, 0)).toBe(729);
  });
});
