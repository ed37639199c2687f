/**
 * Leaves of the lowered query → Sigma selection entries (`field|modifiers: values`).
 *
 * Exactness rules, from Elastic's side (what the source rule means) to Sigma's:
 * - keyword fields match case-sensitively: `|cased` (unless the value has no letters whose case
 *   can vary, or the field has a lowercase normalizer); `--case loose` drops it and says so;
 * - wildcards `*` stay wildcards; literal `*`, `?` and backslashes are escaped per the spec;
 *   `*x*` / `x*` / `*x` become `contains` / `startswith` / `endswith`;
 * - a value YAML cannot hold without double-quoted escapes (line breaks, control characters)
 *   becomes an anchored `|re` with escapes, so it stays exact;
 * - numbers on numeric fields are YAML numbers; booleans on boolean fields YAML booleans;
 * - `ip` fields: CIDR networks and IPv6 addresses use `|cidr` (addresses compare by value);
 * - `f:*` is `|exists: true`; numeric ranges are `|gt/gte/lt/lte`;
 * - what Sigma cannot say (string ranges, date math, text analysis, wildcard field names,
 *   pair/lookup/expression mappings) carries a structured diagnostic.
 */
import type { Span } from '../../src/kql/ast.js';
import { defaultSchema, matchKindOf, type MatchKind } from '../../src/schema/index.js';
import { isIntegerType } from '../../src/schema/types.js';
import type { EqPattern, LExists, LField, LIn, LMatch, LOr, LRange, Pattern } from '../core/ir.js';
import { hasCasedLetters, isCidr, isNumeric } from '../core/lower/classify.js';
import { parseCidr, parseIp } from '../../src/eval/ip.js';
import type { TargetContext } from '../core/target.js';
import {
  encodeSigmaPattern,
  escapeRegexLiteral,
  keywordRangeRegex,
  WILDCARD,
  type PatternPart,
} from './escape.js';
import { canSingleQuote, type YamlScalar } from './yaml.js';
import { textRegex } from './text.js';
import { ipRangeCidrs } from './iprange.js';
import type { Analyzer } from '../../src/schema/types.js';

/** One selection entry: a field (with modifiers) and its OR-ed values. */
export interface Term {
  field: string;
  mods: string[];
  values: YamlScalar[];
  span: Span;
}

export function termKey(t: Term): string {
  return [t.field, ...t.mods].join('|');
}

/**
 * A leaf becomes one term, several alternative terms (OR), or a keyword search. `drop`: the leaf
 * cannot be written (an unsupported diagnostic was reported); the detection drops it soundly,
 * replacing it by what only widens the whole query.
 */
export type LeafResult =
  | { kind: 'terms'; terms: Term[] }
  | { kind: 'keywords'; values: string[]; span: Span }
  | { kind: 'const'; value: boolean }
  | { kind: 'drop' };

type Kind = MatchKind | 'unknown';

interface FieldInfo {
  kind: Kind;
  lowercase: boolean;
  name: string;
  /** False when the field cannot be named in Sigma (an unsupported diagnostic was reported). */
  writable: boolean;
  /** The analyzer of a text field. */
  analyzer?: Analyzer;
  /** Keyword `ignore_above`: longer values are not indexed, so no query matches them. */
  ignoreAbove?: number;
  /** An integer numeric type (long, integer, short, byte, unsigned_long). */
  integer?: boolean;
}

function fieldInfo(f: LField, ctx: TargetContext, span: Span): FieldInfo {
  const writable = sigmaFieldUsable(f, ctx, span);
  // Elastic's facts about the source field (normalizer, multi-field parent, analyzer) hold
  // whatever the profile names it in Sigma; the type comes from the mapping hint when there is one.
  const r = defaultSchema().resolve(f.source);
  const kind: Kind = f.type ?? (r.known ? matchKindOf(r.type) : 'keyword');
  const lowercase = f.caseInsensitive === true || (r.known && r.normalizer === 'lowercase');
  // A multi-field (`process.name.caseless`, `process.command_line.text`) is not in the event: it
  // indexes its parent's values, so Sigma names the parent.
  const name = r.known && r.valuePath !== r.name && f.name === f.source ? r.valuePath : f.name;
  return {
    kind,
    lowercase,
    name,
    writable,
    analyzer: kind === 'text' ? r.analyzer : undefined,
    ignoreAbove: kind === 'keyword' && r.known ? r.ignoreAbove : undefined,
    integer: kind === 'number' && r.known && isIntegerType(r.type),
  };
}

/** Can the field be written as a Sigma field name? Reports why not. */
function sigmaFieldUsable(f: LField, ctx: TargetContext, span: Span): boolean {
  const it = f.item;
  if (it && (it.pair || it.lookup || it.expression)) {
    ctx.diags.unsupported(
      span,
      'SIGMA-MAPPING-KIND',
      `the sigma mapping of ${f.source} uses a ${it.pair ? 'Name/Value pair' : it.lookup ? 'lookup' : 'expression'}, which Sigma cannot express`,
      'map the field to a plain Sigma field name in the profile’s sigma section',
    );
    return false;
  }
  if (f.wildcard) {
    ctx.diags.unsupported(
      span,
      'SIGMA-FIELD-WILDCARD',
      `field name '${f.wildcard.join('*')}' has a wildcard; Sigma field names cannot`,
      'list the concrete fields in the rule, or map them in a profile',
    );
    return false;
  }
  if (f.name === '' || f.name.includes('|') || !canSingleQuote(f.name)) {
    ctx.diags.unsupported(
      span,
      'SIGMA-FIELD-NAME',
      `field name ${JSON.stringify(f.name)} cannot be written in Sigma (empty, contains '|', or characters YAML cannot hold)`,
      'map the field to another name in the profile’s sigma section',
    );
    return false;
  }
  return true;
}

function caseMods(
  info: FieldInfo,
  texts: string[],
  ctx: TargetContext,
  span: Span,
  negated: boolean,
): string[] {
  if (info.lowercase || !texts.some(hasCasedLetters)) return [];
  if (ctx.options.case === 'loose') {
    // case-insensitive matching selects more events; under `not`, fewer
    ctx.diags.lossy(
      negated ? 'narrower' : 'wider',
      span,
      'SIGMA-CASE-LOOSE',
      'values match case-insensitively (--case loose), Elastic keyword matching is case-sensitive',
    );
    return [];
  }
  return ['cased'];
}

/** Pattern as parts (literal text and wildcards). */
function partsOf(p: Pattern): PatternPart[] {
  switch (p.kind) {
    case 'eq':
      return p.text === '' ? [] : [p.text];
    case 'prefix':
      return [p.text, WILDCARD];
    case 'suffix':
      return [WILDCARD, p.text];
    case 'contains':
      return [WILDCARD, p.text, WILDCARD];
    case 'wildcard':
      return p.chunks.flatMap((c, i) =>
        i === 0 ? (c ? [c] : []) : c ? [WILDCARD, c] : [WILDCARD],
      );
    case 'any':
      return [WILDCARD];
    case 'cidr':
      return [p.text];
  }
}

function textsOf(p: Pattern): string[] {
  return partsOf(p).filter((x): x is string => x !== WILDCARD);
}

/** Anchored regex for a pattern (used when YAML cannot hold the plain value). */
function regexOf(p: Pattern): string {
  return (
    '^' +
    partsOf(p)
      .map((x) => (x === WILDCARD ? '.*' : escapeRegexLiteral(x)))
      .join('') +
    '$'
  );
}

/** The string value and type modifier for a keyword-like match. */
function stringTerm(
  info: FieldInfo,
  p: Pattern,
  ctx: TargetContext,
  span: Span,
  negated: boolean,
): Term | undefined {
  const cased = caseMods(info, textsOf(p), ctx, span, negated);
  const texts = textsOf(p);
  if (texts.every(canSingleQuote)) {
    let mods: string[] = [];
    let value: string;
    if (p.kind === 'prefix' || p.kind === 'suffix' || p.kind === 'contains') {
      mods = [p.kind === 'prefix' ? 'startswith' : p.kind === 'suffix' ? 'endswith' : 'contains'];
      value = encodeSigmaPattern([p.text]);
    } else {
      value = encodeSigmaPattern(partsOf(p));
    }
    return { field: info.name, mods: [...mods, ...cased], values: [value], span };
  }
  const re = regexOf(p);
  if (!canSingleQuote(re)) {
    ctx.diags.unsupported(
      span,
      'SIGMA-UNWRITABLE-VALUE',
      'the value contains characters that a Sigma rule cannot hold without double-quoted escapes',
    );
    return undefined;
  }
  ctx.diags.info(
    'SIGMA-VALUE-AS-REGEX',
    'the value holds line breaks or control characters; it is written as an anchored |re regex to stay exact',
    span,
  );
  // `s`: a wildcard (`.*`) runs over line breaks, as KQL's `*` does
  const flags = [...(cased.length ? [] : ['i']), ...(partsOf(p).includes(WILDCARD) ? ['s'] : [])];
  return { field: info.name, mods: ['re', ...flags], values: [re], span };
}

function numberValue(text: string): number | undefined {
  if (!isNumeric(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const reportedIgnoreAbove = new WeakMap<TargetContext, Set<string>>();

/**
 * Keyword fields with `ignore_above` (ECS: 1024) do not index longer values, so Elasticsearch's
 * wildcard and exists clauses never match them, while Sigma compares values of any length. An
 * exact per-value form needs a length bound inside the pattern, which the Sigma regex subset can
 * only write for one wildcard gap and SigmaHQ rules never do, so siemc keeps the readable form and
 * declares it: wider where the clause counts positively, narrower under `not`, once per field.
 */
function declareIgnoreAbove(
  field: LField,
  info: FieldInfo,
  ctx: TargetContext,
  span: Span,
  negated: boolean,
): void {
  if (info.ignoreAbove === undefined) return;
  const effect = negated ? 'narrower' : 'wider';
  const seen = reportedIgnoreAbove.get(ctx) ?? new Set<string>();
  reportedIgnoreAbove.set(ctx, seen);
  const key = `${field.source}|${effect}`;
  if (seen.has(key)) return;
  seen.add(key);
  ctx.diags.lossy(
    effect,
    span,
    'SIGMA-IGNORE-ABOVE',
    `Elasticsearch does not index ${field.source} values longer than ${info.ignoreAbove} characters (ignore_above), so its wildcard and exists clauses never match them; Sigma compares values of any length`,
    'values that long are rare in this field; the difference only shows on them',
  );
}

/** An equality/wildcard match on a field. */
function matchTerm(
  field: LField,
  p: Pattern,
  ctx: TargetContext,
  span: Span,
  negated = false,
): LeafResult {
  const info = fieldInfo(field, ctx, span);
  if (!info.writable) return { kind: 'drop' };
  if (info.ignoreAbove !== undefined) {
    if (p.kind === 'eq' && p.text.length > info.ignoreAbove) {
      ctx.diags.info(
        'SIGMA-IGNORE-ABOVE-VALUE',
        `the value is longer than ${info.ignoreAbove} characters, the ignore_above of ${field.source}: Elasticsearch never indexes such a value, so the clause never matches`,
        span,
      );
      return { kind: 'const', value: false };
    }
    if (p.kind !== 'eq' && p.kind !== 'cidr') declareIgnoreAbove(field, info, ctx, span, negated);
  }
  if (p.kind === 'any')
    return { kind: 'terms', terms: [{ field: info.name, mods: ['exists'], values: [true], span }] };
  if (p.kind === 'cidr')
    return { kind: 'terms', terms: [{ field: info.name, mods: ['cidr'], values: [p.text], span }] };
  switch (info.kind) {
    case 'number': {
      const n = p.kind === 'eq' ? numberValue(p.text) : undefined;
      if (n === undefined) {
        ctx.diags.unsupported(
          span,
          'SIGMA-NUMBER-VALUE',
          `'${textsOf(p).join('*')}' is not a number, but ${field.source} is a numeric field (Elasticsearch rejects the query)`,
        );
        return { kind: 'drop' };
      }
      if (info.integer && !Number.isInteger(n)) {
        ctx.diags.info(
          'SIGMA-NUMBER-NEVER',
          `${field.source} is an integer field, so Elasticsearch matches no document with ${p.kind === 'eq' ? p.text : n}`,
          span,
        );
        return { kind: 'const', value: false };
      }
      return { kind: 'terms', terms: [{ field: info.name, mods: [], values: [n], span }] };
    }
    case 'boolean': {
      if (p.kind === 'eq' && (p.text === 'true' || p.text === 'false')) {
        return {
          kind: 'terms',
          terms: [{ field: info.name, mods: [], values: [p.text === 'true'], span }],
        };
      }
      ctx.diags.unsupported(
        span,
        'SIGMA-BOOLEAN-VALUE',
        `'${textsOf(p).join('*')}' is not true/false, but ${field.source} is a boolean field`,
      );
      return { kind: 'drop' };
    }
    case 'ip': {
      if (p.kind !== 'eq') {
        ctx.diags.unsupported(
          span,
          'SIGMA-IP-WILDCARD',
          `wildcards on the ip field ${field.source} have no Sigma form`,
        );
        return { kind: 'drop' };
      }
      if (isCidr(p.text) && parseCidr(p.text))
        return {
          kind: 'terms',
          terms: [{ field: info.name, mods: ['cidr'], values: [p.text], span }],
        };
      // An ip field compares addresses by value (IPv6 compression, zero padding, IPv4-mapped
      // forms): a single address is a one-address network.
      if (parseIp(p.text) && p.text === p.text.trim()) {
        const bits = p.text.includes(':') ? 128 : 32;
        return {
          kind: 'terms',
          terms: [{ field: info.name, mods: ['cidr'], values: [`${p.text}/${bits}`], span }],
        };
      }
      ctx.diags.unsupported(
        span,
        'SIGMA-IP-VALUE',
        `'${p.text}' is not an IP address or CIDR network, but ${field.source} is an ip field`,
      );
      return { kind: 'drop' };
    }
    case 'text':
      return textLeaf(field, info, [p], ctx, span);
    case 'date':
    case 'object':
    case 'geo': {
      ctx.diags.unsupported(
        span,
        'SIGMA-FIELD-TYPE',
        `${field.source} is a ${info.kind} field; Sigma has no equivalent of this match`,
      );
      return { kind: 'drop' };
    }
    default: {
      const t = stringTerm(info, p, ctx, span, negated);
      return t ? { kind: 'terms', terms: [t] } : { kind: 'drop' };
    }
  }
}

/** A match on an analyzed text field: a token regex (see text.ts). */
function textLeaf(
  field: LField,
  info: FieldInfo,
  patterns: Pattern[],
  ctx: TargetContext,
  span: Span,
): LeafResult {
  const tr = textRegex(patterns, info.analyzer);
  if (!tr) return textSubstring(field, info, patterns, ctx, span);
  if (tr.regex === undefined) {
    ctx.diags.info(
      'SIGMA-TEXT-NO-TOKENS',
      `the value has no word characters, so the analyzed text field ${field.source} can never match it (Elasticsearch finds no terms); the clause is written as never matching`,
      span,
    );
    return { kind: 'const', value: false };
  }
  if (!canSingleQuote(tr.regex)) {
    ctx.diags.unsupported(
      span,
      'SIGMA-UNWRITABLE-VALUE',
      'the value contains characters that a Sigma rule cannot hold without double-quoted escapes',
    );
    return { kind: 'drop' };
  }
  if (tr.wider) {
    ctx.diags.lossy(
      'wider',
      span,
      'SIGMA-TEXT-FIELD',
      `${field.source} is an analyzed text field (standard analyzer): ${tr.wider}`,
    );
  } else {
    ctx.diags.info(
      'SIGMA-TEXT-FIELD-REGEX',
      `${field.source} is an analyzed text field; its tokenizer is written as a token regex (exact)`,
      span,
    );
  }
  return {
    kind: 'terms',
    terms: [{ field: info.name, mods: ['re', ...tr.flags], values: [tr.regex], span }],
  };
}

/** A text field whose analyzer has no regex form: a case-insensitive substring, declared. */
function textSubstring(
  field: LField,
  info: FieldInfo,
  patterns: Pattern[],
  ctx: TargetContext,
  span: Span,
): LeafResult {
  ctx.diags.lossy(
    'wider',
    span,
    'SIGMA-TEXT-FIELD',
    `${field.source} is an analyzed text field whose analyzer siemc cannot write as a regex; the value is matched as a case-insensitive substring, which also matches inside longer words`,
  );
  ctx.diags.lossy(
    'narrower',
    span,
    'SIGMA-TEXT-FIELD-PHRASE',
    `on the text field ${field.source}, words separated by other punctuation or spacing than in the value still match in Elasticsearch, but not as a substring`,
  );
  const terms: Term[] = [];
  for (const p of patterns) {
    const texts = textsOf(p);
    if (!texts.every(canSingleQuote)) {
      ctx.diags.unsupported(
        span,
        'SIGMA-UNWRITABLE-VALUE',
        'the value contains characters that a Sigma rule cannot hold without double-quoted escapes',
      );
      return { kind: 'drop' };
    }
    const inner = p.kind === 'eq' ? [p.text] : partsOf(p);
    terms.push({ field: info.name, mods: ['contains'], values: [encodeSigmaPattern(inner)], span });
  }
  return { kind: 'terms', terms };
}

export function leafOfMatch(n: LMatch, ctx: TargetContext, negated = false): LeafResult {
  if (n.field === null) {
    ctx.diags.lossy(
      'wider',
      n.span,
      'SIGMA-FREE-TEXT',
      'a field-less term becomes a Sigma keyword search: backends search it case-insensitively over the whole event (or raw message), not Elasticsearch’s default fields',
      'name the field in the KQL query',
    );
    const texts = textsOf(n.pattern);
    if (!texts.every(canSingleQuote)) {
      ctx.diags.unsupported(
        n.span,
        'SIGMA-UNWRITABLE-VALUE',
        'the value contains characters that a Sigma rule cannot hold without double-quoted escapes',
      );
      return { kind: 'drop' };
    }
    return { kind: 'keywords', values: [encodeSigmaPattern(partsOf(n.pattern))], span: n.span };
  }
  return matchTerm(n.field, n.pattern, ctx, n.span, negated);
}

/**
 * An OR of matches on one analyzed text field: one token regex with the alternatives inside
 * (instead of a list of regexes that repeat the word boundaries). Undefined when `n` is not that.
 */
export function leafOfTextOr(n: LOr, ctx: TargetContext): LeafResult | undefined {
  const fields: LField[] = [];
  const patterns: Pattern[] = [];
  for (const c of n.children) {
    if (c.kind === 'match' && c.field) {
      fields.push(c.field);
      patterns.push(c.pattern);
    } else if (c.kind === 'in') {
      fields.push(c.field);
      patterns.push(...c.values);
    } else return undefined;
  }
  const f = fields[0];
  if (
    !f ||
    f.wildcard ||
    fields.some((x) => x.source !== f.source || x.name !== f.name || x.wildcard) ||
    patterns.some((p) => p.kind === 'any' || p.kind === 'cidr')
  )
    return undefined;
  const r = defaultSchema().resolve(f.source);
  const kind = f.type ?? (r.known ? matchKindOf(r.type) : 'keyword');
  if (kind !== 'text') return undefined;
  const info = fieldInfo(f, ctx, n.span);
  if (!info.writable) return { kind: 'drop' };
  return textLeaf(f, info, patterns, ctx, n.span);
}

export function leafOfIn(n: LIn, ctx: TargetContext, negated = false): LeafResult {
  const info = fieldInfo(n.field, ctx, n.span);
  if (!info.writable) return { kind: 'drop' };
  if (info.kind === 'text') return textLeaf(n.field, info, n.values, ctx, n.span);
  const terms: Term[] = [];
  for (const v of n.values) {
    const r = matchTerm(n.field, v as EqPattern, ctx, n.span, negated);
    // one unwritable value drops the whole list soundly (leaving it out would narrow the OR)
    if (r.kind === 'drop') return r;
    if (r.kind === 'terms') terms.push(...r.terms);
  }
  // every value can never match (longer than ignore_above)
  if (terms.length === 0) return { kind: 'const', value: false };
  return { kind: 'terms', terms };
}

export function leafOfExists(n: LExists, ctx: TargetContext, negated = false): LeafResult {
  const info = fieldInfo(n.field, ctx, n.span);
  if (!info.writable) return { kind: 'drop' };
  declareIgnoreAbove(n.field, info, ctx, n.span, negated);
  return {
    kind: 'terms',
    terms: [{ field: info.name, mods: ['exists'], values: [true], span: n.span }],
  };
}

export function leafOfRange(n: LRange, ctx: TargetContext, negated = false): LeafResult {
  const info = fieldInfo(n.field, ctx, n.span);
  if (!info.writable) return { kind: 'drop' };
  const num = numberValue(n.value);
  if (info.kind === 'number' && num !== undefined) {
    // An integer field rounds a fractional bound as Elasticsearch does (`>= 1.5` is `>= 2`,
    // `<= 1.5` is `<= 1`), so the bound Sigma compares with is the one that takes effect.
    const bound =
      info.integer && !Number.isInteger(num)
        ? n.op === 'gte' || n.op === 'lt'
          ? Math.ceil(num)
          : Math.floor(num)
        : num;
    return {
      kind: 'terms',
      terms: [{ field: info.name, mods: [n.op], values: [bound], span: n.span }],
    };
  }
  if (info.kind === 'ip') {
    // an interval of the address space: a union of CIDR networks
    const nets = ipRangeCidrs(n.op, n.value);
    if (nets !== undefined) {
      ctx.diags.info(
        'SIGMA-RANGE-CIDR',
        `${n.field.source} ${n.op} ${n.value} compares addresses; written as the ${nets.length} CIDR networks that make up the range`,
        n.span,
      );
      if (nets.length === 0) return { kind: 'const', value: false };
      return {
        kind: 'terms',
        terms: [{ field: info.name, mods: ['cidr'], values: nets, span: n.span }],
      };
    }
  }
  if ((info.kind === 'keyword' || info.kind === 'unknown') && !info.lowercase) {
    // Elasticsearch compares keywords by their bytes: a regex can say that exactly.
    if (n.value === '' && n.op === 'lt') return { kind: 'const', value: false }; // nothing is below ""
    const re = keywordRangeRegex(n.op, n.value);
    if (re !== undefined && canSingleQuote(re)) {
      declareIgnoreAbove(n.field, info, ctx, n.span, negated);
      ctx.diags.info(
        'SIGMA-RANGE-REGEX',
        `${n.field.source} ${n.op} ${n.value} compares keywords as strings (byte order); written as a regex that accepts exactly those strings`,
        n.span,
      );
      return {
        kind: 'terms',
        terms: [{ field: info.name, mods: ['re', 's'], values: [re], span: n.span }],
      };
    }
  }
  const why =
    info.kind === 'date'
      ? 'a date range (Sigma compares numbers only)'
      : info.kind === 'number'
        ? `a non-numeric bound '${n.value}' on a numeric field`
        : `a ${info.kind === 'unknown' ? 'keyword' : info.kind} range, which Elasticsearch compares as ${info.kind === 'ip' ? 'addresses' : 'strings'} (Sigma compares numbers only)`;
  ctx.diags.unsupported(n.span, 'SIGMA-RANGE', `${n.field.source} ${n.op} ${n.value} is ${why}`);
  return { kind: 'drop' };
}
