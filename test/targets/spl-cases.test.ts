/**
 * Every case of ../shared/cases/ with an `spl` expectation: the regex checks hold, the output
 * passes the SPL checker, the SPL interpreter agrees with each event's `match` (or the difference
 * is declared), and rule cases raise the expected alerts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCaseSpec } from '../../src/rules/case-spec.js';
import { runSpl, splunkEventFromEcs } from '../../src/equiv/spl/index.js';
import { translateRule } from '../../targets/core/index.js';
import { splTarget } from '../../targets/spl/index.js';
import { checkSpl } from '../../targets/spl/check/index.js';
import { ruleAst } from '../../src/rules/ast.js';
import type { Rule } from '../../src/rules/model.js';
import { meaning } from './spl-helpers.js';

function withAst(rule: Rule): Rule {
  const r = ruleAst(rule);
  expect(r.ast).not.toBeNull();
  return { ...rule, ast: r.ast! };
}

const DIR = '../shared/cases';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const cases = files
  .map((f) => ({ f, load: loadCaseSpec(readFileSync(join(DIR, f), 'utf8'), join(DIR, f)) }))
  .filter((c) => c.load.spec?.expect.spl !== undefined);

describe('shared cases with an spl expectation', () => {
  it('there are cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const { f, load } of cases) {
    it(f, () => {
      const spec = load.spec!;
      const rule = withAst(load.rule!);
      const t = translateRule(rule, splTarget);
      const exp = spec.expect.spl!;
      for (const re of exp.must_match_regex ?? []) expect(t.text).toMatch(new RegExp(re, 'm'));
      for (const re of exp.must_not_match_regex ?? [])
        expect(t.text).not.toMatch(new RegExp(re, 'm'));
      expect(checkSpl(t.text).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      // query meaning on the case's own events
      const docs = spec.events.map((e) => e.doc);
      const m = meaning(rule, t, docs);
      expect(m.undeclared).toEqual([]);
      spec.events.forEach((e) => {
        if (e.match === undefined) return;
        const wrong = (e.match ? m.narrower : m.wider).includes(e.doc);
        if (wrong) {
          // only where a diagnostic declared that direction
          expect(t.diagnostics.some((d) => d.effect === (e.match ? 'narrower' : 'wider'))).toBe(
            true,
          );
        }
      });
      // rule-level alerts
      const alerts = spec.expect.alerts;
      if (alerts && spec.now) {
        const events = docs.map((d) => splunkEventFromEcs(d));
        const rows = runSpl(t.text, events, { now: spec.now.getTime() }).rows;
        if (rule.type === 'new_terms') {
          const fields = rule.newTerms!.fields;
          const got = rows.map((r) => fields.map((fl) => r[fl]?.[0])).sort();
          const want = alerts.map((a) => (a.new_terms as unknown[]).map(String)).sort();
          expect(got).toEqual(want);
        } else if (rule.type === 'threshold') {
          const got = rows.map((r) => Number(r.count?.[0]));
          expect(got).toEqual(alerts.map((a) => a.count));
        }
      }
    });
  }

  it('eval-exists-matches-empty-string: the possible narrowing is recorded', () => {
    const c = cases.find((x) => x.f === 'eval-exists-matches-empty-string.yaml')!;
    const t = translateRule(withAst(c.load.rule!), splTarget);
    expect(t.diagnostics.map((d) => [d.code, d.effect])).toContainEqual([
      'SPL-EXISTS-EMPTY',
      'narrower',
    ]);
  });

  it('eval-keyword-exact-case: exact by default, declared wider with --case loose', () => {
    const c = cases.find((x) => x.f === 'eval-keyword-exact-case.yaml')!;
    const exact = translateRule(withAst(c.load.rule!), splTarget);
    expect(exact.text).toMatch(/\| where .*vaultcmd/);
    expect(exact.verdict).toBe('exact');
    const loose = translateRule(withAst(c.load.rule!), splTarget, { case: 'loose' });
    expect(loose.text).not.toMatch(/\| where/);
    expect(loose.diagnostics.map((d) => [d.code, d.effect])).toContainEqual(['SPL-CASE', 'wider']);
    const m = meaning(
      withAst(c.load.rule!),
      loose,
      c.load.spec!.events.map((e) => e.doc),
    );
    expect(m.wider.length).toBeGreaterThan(0);
    expect(m.undeclared).toEqual([]);
  });
});
