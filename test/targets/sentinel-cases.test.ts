/**
 * Every case of ../shared/cases/ with a `kusto` expectation: the regex checks hold, the query has
 * zero Error diagnostics from the Kusto language service, the Kusto interpreter agrees with each
 * event's `match` (a difference only where a diagnostic declared it), and rule cases (new_terms,
 * threshold) raise the expected alerts when the interpreter runs the whole query at `rule.now`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCaseSpec } from '../../src/rules/case-spec.js';
import { ruleAst } from '../../src/rules/ast.js';
import type { Rule } from '../../src/rules/model.js';
import { toStr } from '../../src/equiv/kusto/index.js';
import { compareMeaning, expectDeclared, runOnEcs, stamped, toKusto } from './sentinel-helpers.js';

const DIR = '../shared/cases';
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ f, load: loadCaseSpec(readFileSync(join(DIR, f), 'utf8'), join(DIR, f)) }))
  .filter((c) => c.load.spec?.expect.kusto !== undefined);

function withAst(rule: Rule): Rule {
  const r = ruleAst(rule);
  expect(r.ast).not.toBeNull();
  return { ...rule, ast: r.ast! };
}

describe('shared cases with a kusto expectation', () => {
  it('there are cases to check', () => expect(cases.length).toBeGreaterThanOrEqual(19));

  for (const { f, load } of cases) {
    it(f, () => {
      const spec = load.spec!;
      const rule = withAst(load.rule!);
      const t = toKusto(rule);
      const exp = spec.expect.kusto!;
      for (const re of exp.must_match_regex ?? []) expect(t.text).toMatch(new RegExp(re, 'm'));
      for (const re of exp.must_not_match_regex ?? [])
        expect(t.text).not.toMatch(new RegExp(re, 'm'));

      // query meaning on the case's own events, as a query rule
      const docs = spec.events.map((e) => e.doc);
      const asQuery = toKusto({ ...rule, type: 'query' });
      const m = compareMeaning(rule, asQuery, docs);
      expect(m.compared).toBe(docs.length);
      expectDeclared(asQuery, m, f);
      spec.events.forEach((e, i) => {
        if (e.match === undefined) return;
        const wrong = (e.match ? m.narrower : m.wider).includes(e.doc);
        if (wrong)
          expect(
            asQuery.diagnostics.some((d) => d.effect === (e.match ? 'narrower' : 'wider')),
            `${f} event ${i}`,
          ).toBe(true);
      });

      // rule-level alerts through the whole query (history set, anti-join, summarize)
      const alerts = spec.expect.alerts;
      if (alerts && spec.now) {
        const now = spec.now.getTime();
        const rows = runOnEcs(
          t.text,
          docs.map((d) => stamped(d, now)),
          now,
        );
        if (rule.type === 'new_terms') {
          const keys = rule.newTerms!.fields.map((fl) => fl.replace(/[^A-Za-z0-9_]/g, '_'));
          const got = rows.map((r) => keys.map((k) => toStr(r[k]))).sort();
          const want = alerts.map((a) => (a.new_terms as unknown[]).map(String)).sort();
          expect(got).toEqual(want);
        } else if (rule.type === 'threshold') {
          expect(rows.map((r) => Number(toStr(r.Count)))).toEqual(alerts.map((a) => a.count));
        }
      }
    });
  }

  it('eval-exists-matches-empty-string: "" exists, [] and [null] do not, on a dynamic column', () => {
    const c = cases.find((x) => x.f === 'eval-exists-matches-empty-string.yaml')!;
    const t = toKusto(withAst(c.load.rule!));
    expect(t.verdict).toBe('exact');
    const m = compareMeaning(
      withAst(c.load.rule!),
      t,
      c.load.spec!.events.map((e) => e.doc),
    );
    expect(m.wider).toEqual([]);
    expect(m.narrower).toEqual([]);
    expect(m.positives).toBe(3);
  });
});
