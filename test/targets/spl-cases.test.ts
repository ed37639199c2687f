/**
 * Every case of ../shared/cases/ with an `spl` expectation: the regex checks hold, the output
 * passes the SPL checker, the SPL interpreter agrees with each event's `match` (or the difference
 * is declared), and rule cases raise the expected alerts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
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

/** Keys of `expect.spl` this file knows how to check; any other key fails (a new kind of check). */
const HANDLED_KEYS = new Set(['must_match_regex', 'must_not_match_regex', 'note']);

describe('shared cases with an spl expectation', () => {
  it('every case file with an spl expectation loads and is checked here', () => {
    // read the files independently of the case loader, so a case it cannot load is not skipped
    const withSpl = files.filter((f) => {
      const doc = parseYaml(readFileSync(join(DIR, f), 'utf8')) as {
        expect?: Record<string, unknown>;
      };
      return doc?.expect?.spl !== undefined;
    });
    expect(cases.map((c) => c.f)).toEqual(withSpl);
    expect(cases.length).toBeGreaterThanOrEqual(15);
    for (const { f, load } of cases) {
      const unknown = Object.keys(load.spec!.expect.spl!).filter((k) => !HANDLED_KEYS.has(k));
      expect(unknown, `${f}: expect.spl keys this test does not check`).toEqual([]);
      // rule-level expectations checked below: alerts of new_terms / threshold rules
      expect(load.spec!.expect.compile_error, `${f}: compile_error is not checked`).toBeUndefined();
      expect(load.spec!.expect.error, `${f}: error is not checked`).toBeUndefined();
    }
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
