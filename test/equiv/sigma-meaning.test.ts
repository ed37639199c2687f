/**
 * Meaning tests for the Sigma target: siemc's Sigma evaluator, run on the emitted Sigma, agrees
 * with the native evaluator (`compileQuery`) and rule engine (`runRule`) on
 * - the reference scenario (o365 device code, new_terms): base-rule matches equal the scenario's
 *   query matches, with the ECS pass-through profile on the ECS documents and with the o365
 *   profile on the raw Management Activity records; the new-terms alerts are a subset
 *   (declared by SIGMA-NEW-TERMS);
 * - the threshold scenario (Okta brute force): the correlation rule raises exactly the expected
 *   alerts and the native engine's;
 * - the query scenario (AWS login profile);
 * - corpus rules with the fixture events plus boundary events generated for each rule: the same
 *   answers where the translation is exact, a superset where it declares itself wider.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleText } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { compileQuery } from '../../src/eval/index.js';
import { runRuleSync } from '../../src/engine/index.js';
import { generateEvents } from '../../src/equiv/generate/index.js';
import { compileRules, loadSigma, runCorrelations } from '../../src/equiv/sigma/index.js';
import { fieldValues } from '../../src/equiv/sigma/fields.js';
import { translateRule } from '../../targets/core/translate.js';
import { getTarget } from '../../targets/registry.js';
import type { Translation } from '../../targets/types.js';
import { officialValidator } from '../targets/sigma-helpers.js';

const FIX = '../shared/fixtures';
const CORPUS = '../shared/corpus';

function ndjson(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function loadCorpusRule(path: string): Rule {
  const file = join(CORPUS, 'detection-rules', path);
  const r = loadRuleText(readFileSync(file, 'utf8'), file)[0]?.rule;
  if (!r?.ast) throw new Error(`cannot load ${file}`);
  return r;
}

function sigma(rule: Rule, mapping?: string): Translation {
  const t = translateRule(rule, getTarget('sigma'), mapping ? { mapping } : {});
  expect(officialValidator.validateText(t.text)).toEqual([]);
  return t;
}

const str = (v: unknown): string => String(v);
/** The rule-window time of an ECS document: event.ingested, else @timestamp. */
const windowTime = (d: unknown): number => {
  const v = fieldValues(d, 'event.ingested').values[0] ?? fieldValues(d, '@timestamp').values[0];
  return v === undefined ? NaN : Date.parse(String(v));
};

interface Scenario {
  now: Date;
  window: { gte: number; lte: number };
  rule: Rule;
  ecs: Record<string, unknown>[];
  expected: Record<string, unknown> & {
    query_matches: string[];
    alerts: Record<string, unknown>[];
  };
}

function scenario(name: string): Scenario {
  const expected = JSON.parse(
    readFileSync(join(FIX, name, 'expected.json'), 'utf8'),
  ) as Scenario['expected'];
  const rw = expected.rule_window as { gte: string; lte: string };
  const src = String((expected.rule as Record<string, unknown>).source).replace(
    /^elastic\/detection-rules /,
    '',
  );
  return {
    now: new Date(String(expected.now)),
    window: { gte: Date.parse(rw.gte), lte: Date.parse(rw.lte) },
    rule: loadCorpusRule(src),
    ecs: ndjson(join(FIX, name, 'ecs.ndjson')),
    expected,
  };
}

const inWindow = (s: Scenario, t: number): boolean => t >= s.window.gte && t <= s.window.lte;

describe('Sigma meaning: reference scenario (o365 device code, new_terms)', () => {
  const s = scenario('o365-device-code');

  it('ECS profile on the ECS documents: the base rule selects exactly the query matches', () => {
    const t = sigma(s.rule, 'ecs');
    expect(t.diagnostics.map((d) => d.code)).toContain('SIGMA-NEW-TERMS');
    const pred = compileRules(loadSigma(t.text));
    const native = compileQuery(s.rule.ast!);
    for (const d of s.ecs) expect(pred(d), JSON.stringify(d).slice(0, 200)).toBe(native(d));
    const ids = s.ecs
      .filter((d) => inWindow(s, windowTime(d)) && pred(d))
      .map((d) => str(fieldValues(d, 'event.id').values[0]));
    expect(ids.sort()).toEqual([...s.expected.query_matches].sort());
    // the new-terms alerts (11) are among the base rule's alerts (20): declared wider
    for (const a of s.expected.alerts) expect(ids).toContain(a.source_event_id);
    expect(ids.length).toBeGreaterThan(s.expected.alerts.length);
  });

  it('o365 profile on the raw records: same matches; the Name/Value widening is declared', () => {
    const t = sigma(s.rule); // chosen by the rule's index pattern
    expect(t.text).toMatch(/product: m365/);
    expect(t.diagnostics.some((d) => d.code === 'MAP-ITEM' && d.effect === 'wider')).toBe(true);
    const raw = ndjson(join(FIX, 'o365-device-code', 'raw.ndjson'));
    // a raw record's index time is the event.ingested of the ECS document with the same id
    const ingested = new Map(
      s.ecs.map((d) => [str(fieldValues(d, 'event.id').values[0]), windowTime(d)]),
    );
    const pred = compileRules(loadSigma(t.text));
    const ids = raw
      .filter((r) => inWindow(s, ingested.get(str(r.Id)) ?? NaN) && pred(r))
      .map((r) => str(r.Id));
    const cases = s.expected.cases as { id: string; in_raw?: boolean; event_id?: string }[];
    const notInRaw = new Set(cases.filter((c) => c.in_raw === false).map((c) => c.event_id));
    const expectedRaw = s.expected.query_matches.filter((id) => !notInRaw.has(id));
    // every true match is found (the translation is wider, never narrower) ...
    for (const id of expectedRaw) expect(ids).toContain(id);
    // ... and any extra record is one the declared Name/Value widening explains: 'Cmsi:Cmsi'
    // is the value of another ExtendedProperties entry than RequestType
    for (const id of ids.filter((x) => !expectedRaw.includes(x))) {
      const rec = raw.find((r) => str(r.Id) === id)!;
      const props = rec.ExtendedProperties as { Name: string; Value: string }[];
      expect(
        props.some((p) => p.Name !== 'RequestType' && p.Value === 'Cmsi:Cmsi'),
        id,
      ).toBe(true);
    }
  });
});

describe('Sigma meaning: threshold scenario (Okta brute force) as a correlation rule', () => {
  const s = scenario('okta-brute-force-threshold');
  it('the correlation raises the scenario alerts and agrees with the native engine', () => {
    const t = sigma(s.rule);
    expect(t.verdict).toBe('exact');
    const file = loadSigma(t.text);
    const got = runCorrelations(file, s.ecs, {
      now: s.now,
      timeFields: ['event.ingested', '@timestamp'],
    });
    const want = s.expected.alerts as {
      terms: { field: string; value: string }[];
      count: number;
    }[];
    const norm = (xs: { group: Record<string, string>; count: number }[]) =>
      xs.map((a) => `${JSON.stringify(a.group)} ${a.count}`).sort();
    expect(norm(got)).toEqual(
      norm(
        want.map((a) => ({
          group: Object.fromEntries(a.terms.map((x) => [x.field, x.value])),
          count: a.count,
        })),
      ),
    );
    const native = runRuleSync(
      s.rule,
      s.ecs.map((doc, i) => ({ doc, file: 'ecs.ndjson', line: i + 1 })),
      { now: s.now },
    );
    expect(norm(got)).toEqual(
      norm(
        native.alerts.map((a) => ({
          group: Object.fromEntries(Object.entries(a.terms ?? {}).map(([k, v]) => [k, String(v)])),
          count: a.count ?? 0,
        })),
      ),
    );
  });
});

describe('Sigma meaning: query scenario (AWS IAM login profile)', () => {
  const s = scenario('aws-iam-login-profile');
  it('the rule selects exactly the query matches in the window', () => {
    const t = sigma(s.rule);
    // exact but for values over the keyword fields' ignore_above, which the scenario has none of
    const lossy = t.diagnostics.filter((d) => d.effect && d.effect !== 'exact');
    expect(lossy.map((d) => d.code).every((c) => c === 'SIGMA-IGNORE-ABOVE')).toBe(true);
    expect(s.ecs.every((d) => !/"[^"]{1025,}"/.test(JSON.stringify(d)))).toBe(true);
    const pred = compileRules(loadSigma(t.text));
    const native = compileQuery(s.rule.ast!);
    for (const d of s.ecs) expect(pred(d)).toBe(native(d));
    const ids = s.ecs
      .filter((d) => inWindow(s, windowTime(d)) && pred(d))
      .map((d) => str(fieldValues(d, 'event.id').values[0]));
    expect(ids.sort()).toEqual([...s.expected.query_matches].sort());
  });
});

describe('Sigma meaning: corpus rules on fixture and generated boundary events', () => {
  const fixtures: Record<string, unknown>[] = [];
  for (const f of readdirSync(join(FIX, 'ecs')).filter((x) => x.endsWith('.ndjson')))
    fixtures.push(...ndjson(join(FIX, 'ecs', f)));
  for (const sc of ['o365-device-code', 'aws-iam-login-profile', 'okta-brute-force-threshold'])
    fixtures.push(...ndjson(join(FIX, sc, 'ecs.ndjson')));
  const lines = readFileSync(join(CORPUS, 'detection-rules-kuery.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map(
      (l) => JSON.parse(l) as { id: string; path: string; type: string; index: string[] | null },
    );
  // The rules of the fixtures' data sources, plus every 15th rule of the corpus.
  const sources = /o365|okta|aws|azure|gcp|google_workspace|github|kubernetes|powershell|auditd/;
  const picked = lines.filter(
    (l, i) =>
      l.type !== 'threat_match' &&
      ((l.index ?? []).some((x) => sources.test(x)) ? i % 4 === 0 : i % 15 === 0),
  );

  it('agrees with the native evaluator on at least 20 rules, except where a diagnostic declares the difference', () => {
    let compared = 0;
    let events = 0;
    const declared: string[] = [];
    for (const l of picked) {
      const rule = loadCorpusRuleSafe(l.path);
      if (!rule) continue;
      // The events are ECS documents: translate with the ECS pass-through profile.
      const t = translateRule(rule, getTarget('sigma'), { mapping: 'ecs' });
      // Differences that only show on some events: values over ignore_above, non-ASCII text.
      const lossy = new Set(
        t.diagnostics.filter((d) => d.effect && d.effect !== 'exact').map((d) => d.code),
      );
      const boundedLoss =
        lossy.size > 0 &&
        [...lossy].every((c) => c === 'SIGMA-IGNORE-ABOVE' || c === 'SIGMA-TEXT-FIELD');
      const exactOn = (d: unknown): boolean =>
        boundedLoss &&
        !/"[^"]{1025,}"/.test(JSON.stringify(d)) &&
        (!lossy.has('SIGMA-TEXT-FIELD') || /^[\x00-\x7f]*$/.test(JSON.stringify(d)));
      if (t.verdict === 'unsupported' || (t.verdict === 'different' && !boundedLoss)) {
        declared.push(`${rule.name}: ${t.verdict}`);
        continue;
      }
      const generated = generateEvents([rule.ast!], {
        seed: 11,
        maxEvents: 80,
        now: new Date('2026-06-20T12:00:00Z'),
      }).map((g) => g.doc);
      const docs = [...fixtures, ...generated];
      const native = compileQuery(rule.ast!);
      const pred = compileRules(loadSigma(t.text));
      let pos = 0;
      for (const d of docs) {
        const n = native(d);
        const sg = pred(d);
        if (n) pos++;
        const msg = `${rule.name} [${t.verdict}]: ${JSON.stringify(d).slice(0, 400)}\nnative=${n} sigma=${sg}\n${t.text}`;
        if (t.verdict === 'exact' || exactOn(d)) expect(sg, msg).toBe(n);
        else if (t.verdict === 'wider' && n) expect(sg, msg).toBe(true);
        else if (t.verdict === 'narrower' && sg) expect(n, msg).toBe(true);
      }
      if (pos > 0 && pos < docs.length) compared++;
      events += docs.length;
    }
    console.log(
      `Sigma meaning on the corpus: ${compared} rules compared with positive and negative events (${events} evaluations); skipped as declared: ${declared.length}`,
    );
    expect(compared).toBeGreaterThanOrEqual(20);
  });
});

function loadCorpusRuleSafe(path: string): Rule | undefined {
  try {
    return loadCorpusRule(path);
  } catch {
    return undefined;
  }
}
