/**
 * Shared helpers for the Sentinel target tests: rules from KQL, translation checked by the Kusto
 * language service, ECS documents run through the Kusto interpreter, and meaning comparison with
 * the native evaluator.
 */
import { expect } from 'vitest';
import { loadRuleText } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { compileQuery } from '../../src/eval/index.js';
import { translateRule } from '../../targets/core/translate.js';
import type { TranslateOptions } from '../../targets/core/target.js';
import { checkSentinel, sentinelTarget } from '../../targets/sentinel/index.js';
import { bundledSchemas } from '../../targets/sentinel/schema.js';
import {
  ecsDocumentToRow,
  parseKusto,
  runKusto,
  shapeViolation,
  type Row,
} from '../../src/equiv/kusto/index.js';
import { queryFields } from '../../src/rules/fields.js';
import { fieldShapes } from '../../src/equiv/shape.js';
import { defaultSchema } from '../../src/schema/schema.js';
import type { Translation } from '../../targets/types.js';

export const NOW = Date.parse('2026-06-20T12:00:00Z');
const ecsFacts = defaultSchema();
const ecsTable = () => bundledSchemas().get('EcsEvents')!;
/** Fields of unknown shape (neither ECS nor a profile describes them) may hold arrays. */
const unknownShape = fieldShapes();

export function ruleOf(query: string, extra: Partial<Rule> = {}): Rule {
  const l = loadRuleText(query, 'golden.kql', 'kql');
  const r = l[0]?.rule;
  if (!r || !r.ast) throw new Error(`cannot load ${query}: ${JSON.stringify(l[0]?.diagnostics)}`);
  return { ...r, id: 'golden-rule', name: 'Golden rule', ...extra };
}

/** Translate and require zero Error diagnostics from the Kusto language service. */
export function toKusto(rule: Rule, opts: TranslateOptions = {}): Translation {
  const t = translateRule(rule, sentinelTarget, opts);
  expect(checkSentinel(t.text), t.text).toEqual([]);
  return t;
}

/** Run a query over ECS documents as rows of the generic ECS table (and any other given tables). */
export function runOnEcs(text: string, docs: readonly Record<string, unknown>[], now = NOW): Row[] {
  const cols = bundledSchemas().get('EcsEvents')!.columns;
  const rows = docs.map((d) => ecsDocumentToRow(d, cols));
  return runKusto(parseKusto(text), { tables: new Map([['EcsEvents', rows]]), now });
}

/** Stamp a document inside the default rule window when it has no time of its own. */
export function stamped(doc: Record<string, unknown>, now = NOW): Record<string, unknown> {
  if (doc['@timestamp'] !== undefined) return doc;
  return { ...doc, '@timestamp': new Date(now - 60_000).toISOString() };
}

/** A copy of the document stamped one minute before `now` (event time and ingestion time). */
export function inWindow(doc: Record<string, unknown>, now = NOW): Record<string, unknown> {
  const t = new Date(now - 60_000).toISOString();
  const event = (typeof doc.event === 'object' && doc.event) || {};
  return { ...doc, '@timestamp': t, event: { ...event, ingested: t } };
}

/**
 * Per-document selection of a query translation by the Kusto interpreter (one-row tables); the
 * document is stamped inside the rule window, so only the query's meaning is compared.
 */
export function kustoSelects(text: string, now = NOW): (doc: Record<string, unknown>) => boolean {
  const q = parseKusto(text);
  const cols = bundledSchemas().get('EcsEvents')!.columns;
  return (doc) =>
    runKusto(q, {
      tables: new Map([['EcsEvents', [ecsDocumentToRow(inWindow(doc, now), cols)]]]),
      now,
    }).length > 0;
}

export interface MeaningResult {
  compared: number;
  /** Documents left out because they are not rows of the table (see `shapeViolation`). */
  offShape: number;
  positives: number;
  /** Documents the translation selects and the source does not. */
  wider: Record<string, unknown>[];
  /** Documents the source selects and the translation does not. */
  narrower: Record<string, unknown>[];
}

/** Compare the translation of a query rule with the native evaluator on `docs`. */
export function compareMeaning(
  rule: Rule,
  t: Translation,
  docs: readonly Record<string, unknown>[],
  opts: { shape?: boolean } = {},
): MeaningResult {
  const native = compileQuery(rule.ast!);
  const sel = kustoSelects(t.text);
  const out: MeaningResult = { compared: 0, offShape: 0, positives: 0, wider: [], narrower: [] };
  // rows of the generic ECS table hold arrays only where its schema declares them
  const used = opts.shape
    ? queryFields(rule.ast!).fields.flatMap((f) => [f, ecsFacts.resolve(f).valuePath])
    : [];
  for (const d of docs) {
    if (opts.shape && shapeViolation(d, used, ecsTable(), unknownShape) !== undefined) {
      out.offShape++;
      continue;
    }
    const n = native(d);
    const k = sel(d);
    out.compared++;
    if (n) out.positives++;
    if (k && !n) out.wider.push(d);
    if (n && !k) out.narrower.push(d);
  }
  return out;
}

/** The differences found must have been declared by a diagnostic with that effect. */
export function expectDeclared(t: Translation, m: MeaningResult, label = ''): void {
  const effects = new Set(t.diagnostics.map((d) => d.effect));
  const declared = (e: 'wider' | 'narrower') =>
    effects.has(e) || effects.has('unsupported') || t.verdict === 'different';
  if (m.wider.length)
    expect(
      declared('wider'),
      `${label} undeclared wider: ${JSON.stringify(m.wider[0]).slice(0, 400)}\n${t.text}`,
    ).toBe(true);
  if (m.narrower.length)
    expect(
      declared('narrower'),
      `${label} undeclared narrower: ${JSON.stringify(m.narrower[0]).slice(0, 400)}\n${t.text}`,
    ).toBe(true);
}
