/**
 * Meaning of the Sentinel translation: the Kusto interpreter (src/equiv/kusto) runs the emitted
 * query and must select the same events as the native evaluator, except where a diagnostic of
 * the translation declared the difference (wider / narrower / unsupported / different).
 *
 * Corpus rules (ECS pass-through profile → generic EcsEvents table) are run on the ECS fixture
 * events plus boundary events generated for each rule; the comparison is on the query (events are
 * stamped inside the rule window; the windows, new_terms and threshold parts have their own tests).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleText } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { generateEvents } from '../../src/equiv/generate/index.js';
import { translateRule } from '../../targets/core/translate.js';
import { sentinelTarget } from '../../targets/sentinel/index.js';
import { compareMeaning, expectDeclared, NOW } from './sentinel-helpers.js';

const FIX = '../shared/fixtures';
const CORPUS = '../shared/corpus';

function ndjson(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function loadCorpusRule(path: string): Rule | undefined {
  const file = join(CORPUS, 'detection-rules', path);
  const r = loadRuleText(readFileSync(file, 'utf8'), file)[0]?.rule;
  return r?.ast ? r : undefined;
}

describe('Sentinel meaning: corpus rules on fixture and generated boundary events', () => {
  const fixtures: Record<string, unknown>[] = [];
  for (const f of readdirSync(join(FIX, 'ecs')).filter((x) => x.endsWith('.ndjson')))
    fixtures.push(...ndjson(join(FIX, 'ecs', f)));
  for (const sc of ['o365-device-code', 'aws-iam-login-profile', 'okta-brute-force-threshold'])
    fixtures.push(...ndjson(join(FIX, sc, 'ecs.ndjson')));
  const lines = readFileSync(join(CORPUS, 'detection-rules-kuery.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { id: string; path: string; type: string });

  it('the interpreter agrees with the native evaluator, differences only where declared', () => {
    let compared = 0;
    let withMatches = 0;
    let evaluations = 0;
    let differences = 0;
    let offShape = 0;
    const skipped: string[] = [];
    for (const l of lines) {
      if (l.type === 'threat_match') continue;
      const rule = loadCorpusRule(l.path);
      if (!rule) continue;
      const t = translateRule({ ...rule, type: 'query' }, sentinelTarget, { mapping: 'ecs' });
      if (t.verdict === 'unsupported' || !t.text) {
        skipped.push(rule.name);
        continue;
      }
      const generated = generateEvents([rule.ast!], {
        seed: 7,
        maxEvents: 60,
        now: new Date(NOW),
      }).map((g) => g.doc as Record<string, unknown>);
      // rows of the generic ECS table: arrays only where its schema declares them
      const m = compareMeaning(rule, t, [...fixtures, ...generated], { shape: true });
      offShape += m.offShape;
      expectDeclared(t, m, rule.name);
      compared++;
      evaluations += m.compared;
      differences += m.wider.length + m.narrower.length;
      if (m.positives > 0 && m.positives < m.compared) withMatches++;
    }
    console.log(
      `Sentinel meaning on the corpus: ${compared} rules compared (${withMatches} with matching and non-matching events), ${evaluations} evaluations, ${differences} declared differences, ${offShape} events off the table schema left out; skipped as unsupported: ${skipped.length}`,
    );
    expect(compared).toBeGreaterThanOrEqual(600);
    expect(withMatches).toBeGreaterThanOrEqual(20);
  }, 120_000);
});
