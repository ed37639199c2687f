/**
 * Meaning tests for the SPL target: siemc's SPL interpreter (src/equiv/spl), run on the emitted
 * SPL, agrees with the native evaluator and rule engine
 * - on corpus rules, over the fixture events (../shared/fixtures/ecs and the scenarios) plus
 *   boundary events generated for each rule: the same selection wherever the translation is
 *   exact; a difference only in a direction a diagnostic declared;
 * - on the threshold scenario (Okta brute force): `stats count ... | where count >= N` raises the
 *   expected alerts and the native engine's;
 * - on the query scenario (AWS IAM login profile): exactly the expected query matches.
 * The reference rule (o365 profile, raw Management Activity records) is in spl-reference.test.ts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleText } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { runRuleSync } from '../../src/engine/index.js';
import { generateEvents } from '../../src/equiv/generate/index.js';
import { nativeMatcher, schemaFieldInfo } from '../../src/equiv/native.js';
import { runSpl, splunkEventFromEcs } from '../../src/equiv/spl/index.js';
import { translateRule } from '../../targets/core/translate.js';
import { splTarget } from '../../targets/spl/index.js';
import { checkSpl } from '../../targets/spl/check/index.js';
import { meaning } from './spl-helpers.js';
import { verifyRule } from '../../src/equiv/verify.js';

const FIX = '../shared/fixtures';
/** Corpus rules that select some fixture event (measured: see the console line). */
const MIN_FIXTURE_RULES = 10;
const CORPUS = '../shared/corpus';

function ndjson(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function loadCorpusRule(path: string): Rule | undefined {
  const file = join(CORPUS, 'detection-rules', path);
  try {
    const r = loadRuleText(readFileSync(file, 'utf8'), file)[0]?.rule;
    return r?.ast ? r : undefined;
  } catch {
    return undefined;
  }
}

function scenario(name: string) {
  const expected = JSON.parse(readFileSync(join(FIX, name, 'expected.json'), 'utf8')) as Record<
    string,
    unknown
  > & { now: string; query_matches?: string[]; alerts: Record<string, unknown>[] };
  const src = String((expected.rule as Record<string, unknown>).source).replace(
    /^elastic\/detection-rules /,
    '',
  );
  const rule = loadCorpusRule(src);
  if (!rule) throw new Error(`cannot load ${src}`);
  return { expected, rule, ecs: ndjson(join(FIX, name, 'ecs.ndjson')) };
}

describe('SPL meaning: corpus rules on fixture and generated boundary events', () => {
  const fixtures: Record<string, unknown>[] = [];
  for (const f of readdirSync(join(FIX, 'ecs')).filter((x) => x.endsWith('.ndjson')))
    fixtures.push(...ndjson(join(FIX, 'ecs', f)));
  for (const sc of ['o365-device-code', 'aws-iam-login-profile', 'okta-brute-force-threshold'])
    fixtures.push(...ndjson(join(FIX, sc, 'ecs.ndjson')));
  const lines = readFileSync(join(CORPUS, 'detection-rules-kuery.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { path: string; type: string; index: string[] | null });
  // The rules of the fixtures' data sources (every 3rd), plus every 15th rule of the corpus.
  const sources = /o365|okta|aws|azure|gcp|google_workspace|github|kubernetes|powershell|auditd/;
  // ... and every rule that selects at least one fixture event.
  const picked = lines.filter((l, i) => {
    if (l.type === 'threat_match') return false;
    if ((l.index ?? []).some((x) => sources.test(x)) ? i % 3 === 0 : i % 15 === 0) return true;
    const rule = loadCorpusRule(l.path);
    return rule !== undefined && countNative(rule, fixtures) > 0;
  });

  it('agrees with the native evaluator on at least 20 rules with matches, except where a diagnostic declares the difference', () => {
    let rulesCompared = 0;
    let withFixtureMatches = 0;
    let evaluations = 0;
    let positives = 0;
    let declaredDifferences = 0;
    const verdicts = new Map<string, number>();
    const failures: string[] = [];
    for (const l of picked) {
      const rule = loadCorpusRule(l.path);
      if (!rule) continue;
      // The events are ECS documents: translate with the ECS pass-through profile.
      const t = translateRule(rule, splTarget, { mapping: 'ecs' });
      verdicts.set(t.verdict, (verdicts.get(t.verdict) ?? 0) + 1);
      if (t.verdict === 'unsupported') continue;
      expect(checkSpl(t.text).ok, t.text).toBe(true);
      const generated = generateEvents([rule.ast!], {
        seed: 7,
        maxEvents: 120,
        fieldInfo: schemaFieldInfo(),
        now: new Date('2026-06-20T12:00:00Z'),
      }).map((g) => g.doc);
      const fixtureRun = meaning(rule, t, fixtures);
      const generatedRun = meaning(rule, t, generated);
      for (const m of [fixtureRun, generatedRun]) {
        evaluations += m.events;
        if (t.verdict === 'exact' && (m.wider.length || m.narrower.length))
          failures.push(
            `${rule.name} [exact]: ${JSON.stringify(m.wider[0] ?? m.narrower[0]).slice(0, 300)}\n${t.text}`,
          );
        failures.push(...m.undeclared.map((u) => `${rule.name}: undeclared ${u.slice(0, 300)}`));
        declaredDifferences += m.wider.length + m.narrower.length;
      }
      const posGen = countNative(rule, generated);
      const posFix = countNative(rule, fixtures);
      positives += posGen + posFix;
      if (posGen > 0 && posGen < generated.length) rulesCompared++;
      if (posFix > 0) withFixtureMatches++;
    }
    console.log(
      `SPL meaning on the corpus: ${rulesCompared} rules compared with positive and negative events ` +
        `(${withFixtureMatches} with fixture matches), ${evaluations} evaluations, ${positives} native matches, ` +
        `${declaredDifferences} declared differences; verdicts ${JSON.stringify(Object.fromEntries(verdicts))}`,
    );
    expect(failures).toEqual([]);
    expect(rulesCompared).toBeGreaterThanOrEqual(20);
    expect(withFixtureMatches).toBeGreaterThanOrEqual(MIN_FIXTURE_RULES);
    expect(positives).toBeGreaterThan(evaluations / 20);
  });
});

const native = nativeMatcher();
/** How many of `docs` the native evaluator selects. */
function countNative(rule: Rule, docs: Record<string, unknown>[]): number {
  const pred = native(rule.ast!);
  return docs.filter((d) => pred(d)).length;
}

describe('SPL meaning: scenarios', () => {
  it('threshold (Okta brute force): stats + where raise the expected alerts and the native ones', () => {
    const s = scenario('okta-brute-force-threshold');
    const t = translateRule(s.rule, splTarget);
    expect(checkSpl(t.text).ok).toBe(true);
    expect(t.text).toMatch(/\| stats count AS count BY .*\n\| where count >= \d+/);
    const now = Date.parse(s.expected.now);
    const rows = runSpl(
      t.text,
      s.ecs.map((d) => splunkEventFromEcs(d)),
      { now },
    ).rows;
    const want = s.expected.alerts as {
      terms: { field: string; value: string }[];
      count: number;
    }[];
    const fields = want[0].terms.map((x) => x.field);
    const got = rows.map((r) => `${fields.map((f) => r[f]?.[0]).join('|')} ${r.count?.[0]}`).sort();
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(
      want.map((a) => `${a.terms.map((x) => x.value).join('|')} ${a.count}`).sort(),
    );
    const nat = runRuleSync(
      s.rule,
      s.ecs.map((doc, i) => ({ doc, file: 'ecs.ndjson', line: i + 1 })),
      { now: new Date(now) },
    );
    expect(got).toEqual(
      nat.alerts
        .map((a) => `${fields.map((f) => String(a.terms?.[f])).join('|')} ${a.count}`)
        .sort(),
    );
  });

  it('query (AWS IAM login profile): exactly the expected query matches in the window', () => {
    const s = scenario('aws-iam-login-profile');
    const t = translateRule(s.rule, splTarget);
    expect(t.verdict).toBe('exact');
    const now = Date.parse(s.expected.now);
    const rows = runSpl(
      t.text,
      s.ecs.map((d) => splunkEventFromEcs(d)),
      { now },
    ).rows;
    const ids = rows.map((r) => r['event.id']?.[0]).sort();
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual([...(s.expected.query_matches ?? [])].sort());
  });
});

describe('SPL meaning: corpus rules on o365 indexes, with the o365 profile on raw records', () => {
  it('every difference on the rebuilt Management Activity records is declared', () => {
    const lines = readFileSync(join(CORPUS, 'detection-rules-kuery.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { path: string; index: string[] | null });
    const o365 = lines.filter(
      (l) => (l.index ?? []).length > 0 && l.index!.every((i) => /o365/.test(i)),
    );
    // the interpreter compares query logic, not windows: stamp the fixtures inside every window
    const at = '2026-06-20T11:59:00.000Z';
    const events = [
      ...ndjson(join(FIX, 'ecs', 'o365.audit.ndjson')),
      ...ndjson(join(FIX, 'o365-device-code', 'ecs.ndjson')),
    ].map((d) => ({
      ...d,
      '@timestamp': at,
      event: { ...(d.event as Record<string, unknown>), ingested: at },
    }));
    let rules = 0;
    let compared = 0;
    const statuses = new Map<string, number>();
    for (const l of o365) {
      const rule = loadCorpusRule(l.path);
      if (!rule) continue;
      const rep = verifyRule(rule, {
        targets: [splTarget],
        now: new Date('2026-06-20T12:00:00Z'),
        events,
        seed: 3,
        maxEvents: 150,
      });
      const t = rep.targets[0];
      statuses.set(t.status, (statuses.get(t.status) ?? 0) + 1);
      expect(t.status, `${rule.name}: ${JSON.stringify(t.disagreements[0] ?? t.note)}`).not.toBe(
        'undeclared',
      );
      if (t.status !== 'skipped') {
        rules++;
        compared += t.compared;
      }
    }
    console.log(
      `SPL o365 profile: ${rules} rules, ${compared} events compared; ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(rules).toBeGreaterThanOrEqual(5);
    expect(compared).toBeGreaterThan(rules * 20);
  });
});
