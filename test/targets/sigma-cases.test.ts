/**
 * Every regression case of ../shared/cases/ with a `sigma` expectation holds (regexes on the
 * emitted text, `values_after_yaml_load` through a YAML 1.1 loader). In addition, every case's
 * events are run through the Sigma translation with siemc's Sigma evaluator and must give the
 * case's `match` (exactly, or as a superset when the translation declares itself wider), and
 * threshold cases' alerts must come out of the correlation rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadCaseSpec, loadRuleText } from '../../src/rules/index.js';
import { loadSigma, runCorrelations } from '../../src/equiv/sigma/index.js';
import { sigmaPredicate, toSigma } from './sigma-helpers.js';

const DIR = '../shared/cases';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const cases = files.map((f) => {
  const text = readFileSync(join(DIR, f), 'utf8');
  const { spec } = loadCaseSpec(text, join(DIR, f));
  // As a rule file the case loads with its parsed query (AST) and validation.
  const loaded = loadRuleText(text, join(DIR, f), 'yaml');
  return { file: f, spec, rule: loaded[0]?.rule, diagnostics: loaded[0]?.diagnostics ?? [] };
});

/** Every scalar (string form) of the detection/correlation sections of all documents. */
function loadedScalars(text: string): { values: string[]; entries: Map<string, unknown[]> } {
  const values: string[] = [];
  const entries = new Map<string, unknown[]>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const field = k.split('|')[0];
        entries.set(field, [...(entries.get(field) ?? []), ...(Array.isArray(x) ? x : [x])]);
        walk(x);
      }
    } else if (typeof v === 'string') values.push(v);
  };
  const docs = parseAllDocuments(text, { version: '1.1' });
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    const o = d.toJS() as Record<string, unknown>;
    walk(o.detection);
    walk(o.correlation);
  }
  return { values, entries };
}

describe('shared cases with a sigma expectation', () => {
  const withSigma = cases.filter((c) => c.spec?.expect.sigma);
  it('there are cases to check', () => {
    expect(withSigma.length).toBeGreaterThanOrEqual(16);
  });

  for (const c of withSigma) {
    it(c.file, () => {
      expect(c.rule?.ast, JSON.stringify(c.diagnostics)).toBeDefined();
      const exp = c.spec!.expect.sigma!;
      const t = toSigma(c.rule!);
      expect(t.text.length).toBeGreaterThan(0);
      for (const re of exp.must_match_regex ?? [])
        expect(t.text, `must match /${re}/`).toMatch(new RegExp(re));
      for (const re of exp.must_not_match_regex ?? [])
        expect(t.text, `must not match /${re}/`).not.toMatch(new RegExp(re));
      const wanted = exp.values_after_yaml_load as unknown;
      if (wanted !== undefined) {
        const { values, entries } = loadedScalars(t.text);
        if (Array.isArray(wanted)) {
          for (const w of wanted)
            expect(values, `value ${JSON.stringify(w)} after YAML 1.1 load`).toContain(w);
        } else if (wanted && typeof wanted === 'object') {
          for (const [field, want] of Object.entries(wanted as Record<string, unknown>)) {
            const got = entries.get(field) ?? [];
            for (const w of Array.isArray(want) ? want : [want])
              expect(got, `${field} after YAML 1.1 load`).toContain(w);
          }
        } else {
          expect(values).toContain(wanted);
        }
      }
    });
  }
});

describe('every case: the Sigma translation means what the case says', () => {
  for (const c of cases) {
    if (!c.rule?.ast || !c.spec || c.spec.expect.error) continue;
    it(c.file, () => {
      const t = toSigma(c.rule!);
      if (t.verdict === 'unsupported' || t.verdict === 'different') return;
      const sigma = sigmaPredicate(t.text);
      c.spec!.events.forEach((e, i) => {
        if (e.match === undefined) return;
        const got = sigma(e.doc);
        const msg = `${c.file} event ${i}: ${JSON.stringify(e.doc)} (verdict ${t.verdict})\n${t.text}`;
        if (t.verdict === 'exact') expect(got, msg).toBe(e.match);
        else if (t.verdict === 'wider' && e.match) expect(got, msg).toBe(true);
        else if (t.verdict === 'narrower' && !e.match) expect(got, msg).toBe(false);
      });
      const alerts = c.spec!.expect.alerts;
      if (c.rule!.type === 'threshold' && alerts && c.spec!.now) {
        const docs = c.spec!.events.map((e) => e.doc);
        const got = runCorrelations(loadSigma(t.text), docs, {
          now: c.spec!.now,
          timeFields: c.rule!.timestampOverride
            ? [c.rule!.timestampOverride, '@timestamp']
            : ['@timestamp'],
        });
        expect(got.length).toBe(alerts.length);
        alerts.forEach((a, i) => {
          if (typeof a.count === 'number') expect(got[i].count).toBe(a.count);
          if (a.terms && typeof a.terms === 'object') expect(got[i].group).toEqual(a.terms);
        });
      }
    });
  }
});
