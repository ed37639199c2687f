/**
 * Meaning tests for analyzed text fields in the Sigma target, on every corpus rule that queries
 * one (`message`, `powershell.file.script_block_text`, `*.text` multi-fields).
 *
 * The generic boundary events hardly touch token boundaries, so here each generated event's text
 * values are mutated around the words: case changes, letters glued on either side, words joined
 * by `.`/`'` (one token for the standard analyzer), separators swapped for other punctuation,
 * line breaks or nothing, non-ASCII letters around the words. Then:
 * - a translation that declares nothing about the text field (an ASCII pattern analyzer, written
 *   exactly) must agree with the native evaluator on every event;
 * - the standard analyzer's regex is declared wider (SIGMA-TEXT-FIELD): a superset everywhere,
 *   and the same answers on events whose text is ASCII.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleText } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { compileQuery } from '../../src/eval/index.js';
import { generateEvents } from '../../src/equiv/generate/index.js';
import { cloneDoc, setPath } from '../../src/equiv/doc.js';
import type { EcsEvent } from '../../src/equiv/types.js';
import { compileRules, loadSigma } from '../../src/equiv/sigma/index.js';
import { fieldValues } from '../../src/equiv/sigma/fields.js';
import { translateRule } from '../../targets/core/translate.js';
import { getTarget } from '../../targets/registry.js';
import { officialValidator } from '../targets/sigma-helpers.js';

const CORPUS = '../shared/corpus';

/** Variants of one text value around its words and separators. */
function mutations(s: string): string[] {
  const out = new Set<string>([
    s.toUpperCase(),
    s.toLowerCase(),
    `x${s}`,
    `${s}x`,
    `_${s}_`,
    `a.${s}`,
    `${s}.b`,
    `o'${s}`,
    `${s}'s`,
    `. ${s} .`,
    `..${s}..`,
    `(${s})`,
    `-${s}-`,
    `é${s}`,
    `${s}é`,
    `ü ${s} ü`,
    s.replace(/[^A-Za-z0-9]+/g, ' '),
    s.replace(/[^A-Za-z0-9]+/g, '-'),
    s.replace(/[^A-Za-z0-9]+/g, '.'),
    s.replace(/[^A-Za-z0-9]+/g, '\n'),
    s.replace(/[^A-Za-z0-9]+/g, ''),
    s.replace(/[^A-Za-z0-9]+/g, '_'),
    s.replace(/[^A-Za-z0-9]+/g, ' é '),
    s.replace(/ +/g, '  '),
    s.replace(/-/g, ' '),
    `line one\n${s}\nline three`,
  ]);
  out.delete(s);
  return [...out];
}

const isAscii = (doc: unknown): boolean => /^[\x00-\x7f]*$/.test(JSON.stringify(doc));

function loadRule(path: string): Rule | undefined {
  const file = join(CORPUS, 'detection-rules', path);
  try {
    const r = loadRuleText(readFileSync(file, 'utf8'), file)[0]?.rule;
    return r?.ast ? r : undefined;
  } catch {
    return undefined;
  }
}

describe('Sigma meaning: analyzed text fields on corpus rules with token-boundary events', () => {
  const lines = readFileSync(join(CORPUS, 'detection-rules-kuery.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { path: string; type: string; query?: string });
  const candidates = lines.filter(
    (l) =>
      l.type !== 'threat_match' &&
      /message|script_block_text|\.text\b/.test(
        l.query ?? readFileSync(join(CORPUS, 'detection-rules', l.path), 'utf8'),
      ),
  );

  it('exact where nothing is declared; declared wider only off ASCII', () => {
    let exactRules = 0;
    let widerRules = 0;
    let events = 0;
    let widened = 0;
    for (const l of candidates) {
      const rule = loadRule(l.path);
      if (!rule) continue;
      const t = translateRule(rule, getTarget('sigma'), { mapping: 'ecs' });
      const codes = new Set(t.diagnostics.map((d) => d.code));
      if (!codes.has('SIGMA-TEXT-FIELD') && !codes.has('SIGMA-TEXT-FIELD-REGEX')) continue;
      expect(officialValidator.validateText(t.text)).toEqual([]);
      const lossy = t.diagnostics.filter((d) => d.effect && d.effect !== 'exact');
      // Only rules whose sole loss is the text field tell us something here.
      // (values over a keyword field's ignore_above are left out of the events below)
      if (lossy.some((d) => d.code !== 'SIGMA-TEXT-FIELD' && d.code !== 'SIGMA-IGNORE-ABOVE'))
        continue;
      const textLoss = lossy.some((d) => d.code === 'SIGMA-TEXT-FIELD');
      const textPaths = [
        ...new Set([...t.text.matchAll(/^\s+([A-Za-z0-9_.]+)\|re\|i\|s:/gm)].map((m) => m[1])),
      ];
      expect(textPaths.length, rule.name).toBeGreaterThan(0);
      const base = generateEvents([rule.ast!], {
        seed: 5,
        maxEvents: 60,
        now: new Date('2026-06-20T12:00:00Z'),
      }).map((g) => g.doc);
      const docs: EcsEvent[] = [...base];
      for (const doc of base) {
        for (const p of textPaths) {
          const vals = fieldValues(doc, p).values.filter((v): v is string => typeof v === 'string');
          for (const v of vals.slice(0, 2)) {
            for (const m of mutations(v)) {
              const d = cloneDoc(doc);
              setPath(d, p, m);
              docs.push(d);
            }
          }
        }
      }
      const native = compileQuery(rule.ast!);
      const sigma = compileRules(loadSigma(t.text));
      let pos = 0;
      let neg = 0;
      for (const d of docs) {
        const n = native(d);
        const s = sigma(d);
        if (n) pos++;
        else neg++;
        const msg = `${rule.name} [${t.verdict}]: ${JSON.stringify(d).slice(0, 500)}\nnative=${n} sigma=${s}\n${t.text}`;
        if (!textLoss || isAscii(d)) expect(s, msg).toBe(n);
        else {
          if (n) expect(s, msg).toBe(true);
          if (s && !n) widened++;
        }
      }
      // non-vacuous: both outcomes occur for every rule
      expect(pos, `${rule.name}: no matching event`).toBeGreaterThan(0);
      expect(neg, `${rule.name}: no non-matching event`).toBeGreaterThan(0);
      if (!textLoss) exactRules++;
      else widerRules++;
      events += docs.length;
    }
    console.log(
      `Sigma text fields: ${exactRules} exact rules, ${widerRules} declared-wider rules, ${events} events, ${widened} events inside the declared widening`,
    );
    expect(exactRules).toBeGreaterThanOrEqual(15);
    expect(widerRules).toBeGreaterThanOrEqual(5);
  });
});

describe('Sigma text regexes: random strings against the native tokenizers', () => {
  // A small alphabet that hits every tokenizer rule: word characters, the joiners . ' ’,
  // separators, `-` (a word character of the script-block analyzer), case and non-ASCII.
  const ALPHA = ['a', 'b', 'A', '1', '_', '.', "'", '’', ' ', '-', '\n', 'é', 'ß'];
  const WORDS = ['a b', 'a.b', "a'b c", 'a-b', 'b_1', 'a1', 'b a', 'A B', 'a  b', 'a\nb'];
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const randomText = (max: number): string =>
    Array.from({ length: 1 + rnd(max) }, () =>
      rnd(4) === 0 ? WORDS[rnd(WORDS.length)] : ALPHA[rnd(ALPHA.length)],
    ).join('');
  const queries = [
    'message: "a b"',
    'message: a',
    'message: "a.b"',
    'message: "a\'b c"',
    'message: (a1 or "b a")',
    'message: a*',
    'message: *b',
    'message: a*b',
    'powershell.file.script_block_text: "a-b"',
    'powershell.file.script_block_text: ("a b" or b_1)',
    'powershell.file.script_block_text: a*b',
    'powershell.file.script_block_text: *-*',
  ];
  for (const q of queries) {
    it(q, () => {
      const rule = loadRuleText(q, 'q.kql', 'kql')[0].rule!;
      const t = translateRule(rule, getTarget('sigma'), { mapping: 'ecs' });
      const field = q.split(':')[0];
      const native = compileQuery(rule.ast!);
      const sigma = compileRules(loadSigma(t.text));
      const wider = t.verdict === 'wider';
      if (!wider) expect(t.verdict).toBe('exact');
      // the standard analyzer is exact on ASCII text, except for wildcards inside words
      const asciiExact = !t.diagnostics.some((d) => /wider on ASCII text too/.test(d.message));
      let pos = 0;
      for (let i = 0; i < 4000; i++) {
        const text = randomText(12);
        const doc: EcsEvent = {};
        setPath(doc, field, text);
        const n = native(doc);
        const s = sigma(doc);
        if (n) pos++;
        const msg = `${q}: ${JSON.stringify(text)} native=${n} sigma=${s}\n${t.text}`;
        if (!wider || (asciiExact && isAscii(text))) expect(s, msg).toBe(n);
        else if (n) expect(s, msg).toBe(true);
      }
      expect(pos).toBeGreaterThan(2); // both answers occur
      expect(pos).toBeLessThan(4000);
    });
  }
});
