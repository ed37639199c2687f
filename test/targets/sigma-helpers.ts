/**
 * Shared helpers for the Sigma target tests: build rules from KQL, translate, validate against
 * the official schemas in ../shared/sigma, and compare the Sigma evaluator with the native one.
 */
import { expect } from 'vitest';
import { parse } from 'yaml';
import { loadRuleText } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { compileQuery } from '../../src/eval/index.js';
import { translateRule } from '../../targets/core/translate.js';
import type { TranslateOptions } from '../../targets/core/target.js';
import { getTarget } from '../../targets/registry.js';
import { SigmaValidator } from '../../targets/sigma/validate.js';
import { compileRules, loadSigma } from '../../src/equiv/sigma/index.js';
import type { Translation, Verdict } from '../../targets/types.js';

/** Validator against the official schemas of the shared test material. */
export const officialValidator = new SigmaValidator('../shared/sigma');

export function ruleFromKql(query: string, extra: Partial<Rule> = {}): Rule {
  const loaded = loadRuleText(query, 'golden.kql', 'kql');
  const rule = loaded[0]?.rule;
  if (!rule || !rule.ast)
    throw new Error(
      `cannot load ${JSON.stringify(query)}: ${JSON.stringify(loaded[0]?.diagnostics)}`,
    );
  return { ...rule, id: 'golden-rule', name: 'Golden rule', ...extra };
}

export function toSigma(rule: Rule, opts: TranslateOptions = {}): Translation {
  const t = translateRule(rule, getTarget('sigma'), opts);
  const issues = officialValidator.validateText(t.text);
  expect(issues, `schema/structure issues for\n${t.text}`).toEqual([]);
  return t;
}

/** The `detection:` block of the (first) emitted document, as text. */
export function detectionText(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === 'detection:');
  if (start < 0) return '';
  let end = start + 1;
  while (end < lines.length && (lines[end].startsWith(' ') || lines[end] === '')) end++;
  return lines.slice(start, end).join('\n');
}

/** YAML-1.1-loaded detection section. */
export function detectionOf(text: string): Record<string, unknown> {
  const doc = parse(text.split('\n---\n')[0], { version: '1.1' }) as Record<string, unknown>;
  return doc.detection as Record<string, unknown>;
}

export function sigmaPredicate(text: string): (doc: unknown) => boolean {
  return compileRules(loadSigma(text));
}

export function nativePredicate(rule: Rule): (doc: object) => boolean {
  return compileQuery(rule.ast!);
}

/**
 * Check the Sigma translation against the native evaluator on `docs`, as far as the verdict
 * allows: exact → same matches; wider → a superset; narrower → a subset.
 * Returns the number of documents compared.
 */
export function checkMeaning(
  rule: Rule,
  t: Translation,
  docs: readonly object[],
  label = rule.id,
): number {
  const native = nativePredicate(rule);
  const sigma = sigmaPredicate(t.text);
  const v: Verdict = t.verdict;
  if (v === 'unsupported' || v === 'different') return 0;
  docs.forEach((d, i) => {
    const n = native(d);
    const s = sigma(d);
    const msg = `${label}: event ${i} ${JSON.stringify(d).slice(0, 300)}\nnative=${n} sigma=${s} verdict=${v}\n${t.text}`;
    if (v === 'exact') expect(s, msg).toBe(n);
    else if (v === 'wider' && n) expect(s, msg).toBe(true);
    else if (v === 'narrower' && s) expect(n, msg).toBe(true);
  });
  return docs.length;
}
