/**
 * Meaning tests for odd value shapes: every corpus rule whose Sigma translation claims exactness
 * (apart from the new-terms history, not part of the query, and values over ignore_above) is run
 * on its generated events with each field the Sigma rule names replaced by null, [], [null], {},
 * an object, numbers, booleans, empty and blank strings, numeric strings, a trailing space, upper
 * case, arrays, nested arrays and mixed arrays. The Sigma evaluator and the native evaluator must
 * agree on every event: `exists` and `null` follow Elasticsearch (a field exists when it holds a
 * non-null value, `{}` holds none), numbers and booleans compare as the field type stores them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleText } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { compileQuery } from '../../src/eval/index.js';
import { generateEvents } from '../../src/equiv/generate/index.js';
import { cloneDoc, setPath } from '../../src/equiv/doc.js';
import { compileRules, loadSigma } from '../../src/equiv/sigma/index.js';
import { fieldValues } from '../../src/equiv/sigma/fields.js';
import { translateRule } from '../../targets/core/translate.js';
import { getTarget } from '../../targets/registry.js';

const CORPUS = '../shared/corpus/detection-rules';

function variants(cur: unknown): unknown[] {
  const out: unknown[] = [null, [], [null], {}, { x: 'y' }, 0, 1, true, false, '', ' ', '1', '0'];
  if (typeof cur === 'string')
    out.push(`${cur} `, cur.toUpperCase(), [cur, 'zz'], [[cur]], [{ a: 1 }, cur], [null, cur]);
  if (typeof cur === 'number') out.push(String(cur), cur + 0.5, ` ${cur}`, [cur, -1]);
  return out;
}

/** Field names of the Sigma detection (keys before the modifiers). */
function sigmaFields(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/^ {8,}(?:- )?'?([^'|:\n]+?)(?:\|[a-z|]+)?'?:(?: |$)/gm))
    if (m[1].includes('.')) names.add(m[1]);
  return [...names];
}

describe('Sigma meaning: odd value shapes on the fields of every corpus rule', () => {
  it('agrees with the native evaluator on every variant', () => {
    const lines = readFileSync('../shared/corpus/detection-rules-kuery.jsonl', 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { path: string; type: string });
    let rules = 0;
    let events = 0;
    let flips = 0;
    const bad: string[] = [];
    for (const l of lines) {
      if (l.type === 'threat_match') continue;
      const file = join(CORPUS, l.path);
      let rule: Rule | undefined;
      try {
        rule = loadRuleText(readFileSync(file, 'utf8'), file)[0]?.rule;
      } catch {
        continue;
      }
      if (!rule?.ast) continue;
      const t = translateRule(rule, getTarget('sigma'), { mapping: 'ecs' });
      const lossy = t.diagnostics.filter((d) => d.effect && d.effect !== 'exact');
      if (lossy.some((d) => d.code !== 'SIGMA-NEW-TERMS' && d.code !== 'SIGMA-IGNORE-ABOVE'))
        continue;
      const fields = sigmaFields(t.text);
      expect(fields.length, rule.name).toBeGreaterThan(0);
      const native = compileQuery(rule.ast);
      const sigma = compileRules(loadSigma(t.text));
      const base = generateEvents([rule.ast], {
        seed: 3,
        maxEvents: 30,
        now: new Date('2026-06-20T12:00:00Z'),
      }).map((g) => g.doc);
      for (const doc of base.slice(0, 4)) {
        const before = native(doc);
        for (const f of fields) {
          for (const v of variants(fieldValues(doc, f).values[0])) {
            const d = cloneDoc(doc);
            setPath(d, f, v);
            const n = native(d);
            const s = sigma(d);
            events++;
            if (n !== before) flips++;
            if (n !== s && bad.length < 10)
              bad.push(`${rule.name}: ${f} = ${JSON.stringify(v)}: native=${n} sigma=${s}`);
          }
        }
      }
      rules++;
    }
    console.log(
      `Sigma value shapes: ${rules} rules, ${events} events, ${flips} of them change the native answer`,
    );
    expect(bad).toEqual([]);
    expect(rules).toBeGreaterThan(300);
    expect(flips).toBeGreaterThan(1000);
  });
});
