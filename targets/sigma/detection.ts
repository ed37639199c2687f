/**
 * Lowered query → Sigma `detection`: named selections plus a condition that keeps the query's
 * boolean structure.
 *
 * - an AND of leaves becomes one selection map (keys AND); a repeated key starts another map;
 * - an OR of leaves becomes one selection: a value list when every leaf is on the same key,
 *   else a list of maps (maps OR);
 * - everything else stays in the condition: `and`, `or`, `not`, parentheses;
 * - selections under an odd number of `not`s are named `filter*`, the others `selection*`,
 *   keyword searches `keywords*`, as SigmaHQ rules do;
 * - `not f:*` folds into `f|exists: false`.
 */
import type { Span } from '../../src/kql/ast.js';
import type { LNode } from '../core/ir.js';
import type { TargetContext } from '../core/target.js';
import { printCondition, type ConditionNode } from './condition.js';
import {
  leafOfExists,
  leafOfIn,
  leafOfMatch,
  leafOfRange,
  leafOfTextOr,
  termKey,
  type LeafResult,
  type Term,
} from './leaves.js';
import { ymap, yseq, type YamlMap, type YamlValue } from './yaml.js';

/** Body of one selection: a map (AND of terms) or a list of maps (OR), or keywords. */
type Body =
  | { kind: 'map'; terms: Term[] }
  | { kind: 'alt'; maps: Term[][] }
  | { kind: 'keywords'; values: string[] };

type Expr =
  | { kind: 'sel'; body: Body }
  | { kind: 'and'; children: Expr[] }
  | { kind: 'or'; children: Expr[] }
  | { kind: 'not'; child: Expr }
  | { kind: 'const'; value: boolean; span: Span };

function leafExpr(r: LeafResult, negated: boolean): Expr {
  if (r.kind === 'drop') return { kind: 'const', value: !negated, span: { start: 0, end: 0 } };
  if (r.kind === 'const') return { kind: 'const', value: r.value, span: { start: 0, end: 0 } };
  if (r.kind === 'keywords') return { kind: 'sel', body: { kind: 'keywords', values: r.values } };
  return orOfTerms(r.terms.map((t) => [t]));
}

/** OR of maps: merge into a value list when every map is one term on the same key. */
function orOfTerms(maps: Term[][]): Expr {
  if (maps.length === 1) return { kind: 'sel', body: { kind: 'map', terms: maps[0] } };
  const single = maps.every((m) => m.length === 1);
  // `cased` changes nothing for values without letters, so `f: '007'` and `f|cased: abc` share a list.
  const uncased = (t: Term): string => [t.field, ...t.mods.filter((m) => m !== 'cased')].join('|');
  const key = uncased(maps[0][0]);
  const first = maps[0][0];
  if (
    single &&
    maps.every((m) => uncased(m[0]) === key) &&
    !first.mods.includes('exists') &&
    // regexes share a list only under the same flags (`cased` means nothing to `re`)
    (!first.mods.includes('re') || maps.every((m) => termKey(m[0]) === termKey(first)))
  ) {
    const anyCased = maps.some((m) => m[0].mods.includes('cased'));
    const mods = first.mods.filter((m) => m !== 'cased');
    const values = maps.flatMap((m) => m[0].values);
    return {
      kind: 'sel',
      body: {
        kind: 'map',
        terms: [{ ...first, mods: anyCased ? [...mods, 'cased'] : mods, values: dedupe(values) }],
      },
    };
  }
  return { kind: 'sel', body: { kind: 'alt', maps } };
}

function dedupe<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function build(n: LNode, ctx: TargetContext, negated: boolean): Expr {
  switch (n.kind) {
    case 'match':
      return leafExpr(leafOfMatch(n, ctx, negated), negated);
    case 'in':
      return leafExpr(leafOfIn(n, ctx, negated), negated);
    case 'exists':
      return leafExpr(leafOfExists(n, ctx, negated), negated);
    case 'range':
      return leafExpr(leafOfRange(n, ctx, negated), negated);
    case 'all':
      return { kind: 'const', value: true, span: n.span };
    case 'none':
      return { kind: 'const', value: false, span: n.span };
    case 'nested': {
      ctx.diags.lossy(
        'wider',
        n.span,
        'SIGMA-NESTED',
        `Sigma has no nested queries: the conditions inside ${n.path.source}:{...} may be met by different objects of the array`,
      );
      return build(n.query, ctx, negated);
    }
    case 'not': {
      const c = build(n.child, ctx, !negated);
      if (c.kind === 'const') return { ...c, value: !c.value };
      // not f:*  →  f|exists: false
      if (
        c.kind === 'sel' &&
        c.body.kind === 'map' &&
        c.body.terms.length === 1 &&
        c.body.terms[0].mods.join('|') === 'exists'
      ) {
        const t = c.body.terms[0];
        return { kind: 'sel', body: { kind: 'map', terms: [{ ...t, values: [!t.values[0]] }] } };
      }
      return { kind: 'not', child: c };
    }
    case 'and':
      return mergeAnd(n.children.map((c) => build(c, ctx, negated)));
    case 'or': {
      const text = leafOfTextOr(n, ctx);
      if (text) return leafExpr(text, negated);
      return mergeOr(n.children.map((c) => build(c, ctx, negated)));
    }
  }
}

function mergeAnd(kids: Expr[]): Expr {
  const out: Expr[] = [];
  let current: Term[] | undefined;
  for (const k of kids) {
    if (k.kind === 'const') {
      if (!k.value) return k;
      continue;
    }
    if (k.kind === 'sel' && k.body.kind === 'map') {
      const keys = new Set((current ?? []).map(termKey));
      if (current && k.body.terms.every((t) => !keys.has(termKey(t)))) {
        current.push(...k.body.terms);
        continue;
      }
      current = [...k.body.terms];
      out.push({ kind: 'sel', body: { kind: 'map', terms: current } });
      continue;
    }
    if (k.kind === 'and') out.push(...k.children);
    else out.push(k);
  }
  if (out.length === 0) return { kind: 'const', value: true, span: { start: 0, end: 0 } };
  return out.length === 1 ? out[0] : { kind: 'and', children: out };
}

function mergeOr(kids: Expr[]): Expr {
  const maps: Term[][] = [];
  const keywords: string[] = [];
  const rest: Expr[] = [];
  for (const k of kids) {
    if (k.kind === 'const') {
      if (k.value) return k;
      continue;
    }
    if (k.kind === 'sel' && k.body.kind === 'map') maps.push(k.body.terms);
    else if (k.kind === 'sel' && k.body.kind === 'alt') maps.push(...k.body.maps);
    else if (k.kind === 'sel' && k.body.kind === 'keywords') keywords.push(...k.body.values);
    else if (k.kind === 'or') rest.push(...k.children);
    else rest.push(k);
  }
  const out: Expr[] = [];
  if (maps.length > 0) out.push(orOfTerms(maps));
  if (keywords.length > 0)
    out.push({ kind: 'sel', body: { kind: 'keywords', values: dedupe(keywords) } });
  out.push(...rest);
  if (out.length === 0) return { kind: 'const', value: false, span: { start: 0, end: 0 } };
  return out.length === 1 ? out[0] : { kind: 'or', children: out };
}

function termsToMap(terms: Term[]): YamlMap {
  return ymap(
    terms.map((t): [string, YamlValue] => [
      termKey(t),
      t.values.length === 1 ? t.values[0] : yseq(t.values),
    ]),
  );
}

function bodyToYaml(b: Body): YamlValue {
  switch (b.kind) {
    case 'map':
      return termsToMap(b.terms);
    case 'alt':
      return yseq(b.maps.map(termsToMap));
    case 'keywords':
      return yseq(b.values);
  }
}

export interface SigmaDetection {
  detection: YamlMap;
  /** The condition, also inside `detection`. */
  condition: string;
}

/**
 * Build the detection for a lowered query. A query that folds to "always" or "never" (routing
 * decided by the source selection) is written with an explicit selection and a diagnostic.
 */
export function buildDetection(root: LNode, ctx: TargetContext): SigmaDetection {
  const expr = build(root, ctx, false);
  if (expr.kind === 'const') {
    ctx.diags.info(
      'SIGMA-CONSTANT-QUERY',
      expr.value
        ? 'the query matches every event of the log source; written as a condition that always holds (keywords or not keywords)'
        : 'the query can never match; written as a condition that never holds (keywords and not keywords)',
    );
    // Sigma has no constant: a search and its negation (a keyword search for any value alone
    // would miss an event without values)
    const condition = expr.value ? 'keywords or not keywords' : 'keywords and not keywords';
    return {
      detection: ymap([
        ['keywords', yseq(['*'])],
        ['condition', condition],
      ]),
      condition,
    };
  }
  // Name selections: count first so a lone selection keeps the plain name.
  const counts = { selection: 0, filter: 0, keywords: 0 };
  const kindOf = (b: Body, negated: boolean): keyof typeof counts =>
    b.kind === 'keywords' ? 'keywords' : negated ? 'filter' : 'selection';
  const countWalk = (e: Expr, neg: boolean): void => {
    if (e.kind === 'sel') counts[kindOf(e.body, neg)]++;
    else if (e.kind === 'not') countWalk(e.child, !neg);
    else if (e.kind === 'and' || e.kind === 'or') e.children.forEach((c) => countWalk(c, neg));
  };
  countWalk(expr, false);
  const used = { selection: 0, filter: 0, keywords: 0 };
  const entries: [string, YamlValue][] = [];
  const toCond = (e: Expr, neg: boolean): ConditionNode => {
    switch (e.kind) {
      case 'sel': {
        const k = kindOf(e.body, neg);
        used[k]++;
        const name = counts[k] === 1 ? k : `${k}_${used[k]}`;
        entries.push([name, bodyToYaml(e.body)]);
        return { kind: 'ref', name };
      }
      case 'not':
        return { kind: 'not', child: toCond(e.child, !neg) };
      case 'and':
      case 'or':
        return { kind: e.kind, children: e.children.map((c) => toCond(c, neg)) };
      case 'const':
        throw new Error('internal: constant inside a condition');
    }
  };
  const condition = printCondition(toCond(expr, false));
  entries.push(['condition', condition]);
  return { detection: ymap(entries), condition };
}
