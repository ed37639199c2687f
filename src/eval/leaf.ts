/**
 * Per-value tests: one compiled closure per (field type, query value), applied to each value the
 * field holds in a document. Each builder returns a test or a diagnostic explaining why
 * Elasticsearch would reject the query.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { LiteralValue, RangeOp, Value } from '../kql/ast.js';
import { literalText } from '../kql/ast.js';
import { isIntegerType, matchKindOf, type ResolvedField } from '../schema/types.js';
import { compareUtf8 } from './compare.js';
import { docDateMs, queryDateMs } from './date.js';
import { compareIp, inCidr, parseCidr, parseIp, type IpBytes } from './ip.js';
import { containsPhrase, tokenizer } from './text.js';
import { wildcardMatcher } from './wildcard.js';
import { hasLeaf } from './values.js';

export type LeafTest = (v: unknown) => boolean;

export interface LeafResult {
  test?: LeafTest;
  /** For plain keyword equality: the (normalized) term, so value lists can use one Set lookup. */
  exactKeyword?: string;
  diagnostic?: Diagnostic;
}

/** The keyword form of a JSON value: strings as is, numbers and booleans as their text. */
export function keywordText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}

/** The indexed keyword term of a value for this field, or undefined when nothing is indexed. */
export function keywordTerm(f: ResolvedField, v: unknown): string | undefined {
  const s = keywordText(v);
  if (s === undefined) return undefined;
  if (f.ignoreAbove !== undefined && s.length > f.ignoreAbove) return undefined;
  return f.normalizer === 'lowercase' ? s.toLowerCase() : s;
}

export function docNumber(v: unknown, integer: boolean): number | undefined {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && NUMBER_RE.test(v.trim())) n = Number(v.trim());
  else return undefined;
  if (!Number.isFinite(n)) return undefined;
  return integer ? Math.trunc(n) : n;
}

export function docBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  return undefined;
}

export function docIp(v: unknown): IpBytes | undefined {
  return typeof v === 'string' ? parseIp(v) : undefined;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function err(code: string, message: string, value: Value, hint?: string): LeafResult {
  return { diagnostic: { severity: 'error', code, message, span: value.span, hint } };
}

function valueText(value: Value): string {
  return value.kind === 'literal' ? literalText(value) : value.chunks.join('*');
}

/** Does any value exist (is indexed) for this field? */
export function existsTest(f: ResolvedField): LeafTest {
  const kind = matchKindOf(f.type);
  if (kind === 'keyword' && f.ignoreAbove !== undefined) {
    const max = f.ignoreAbove;
    return (v) => {
      if (typeof v === 'object') return hasLeaf(v);
      const s = keywordText(v);
      return s !== undefined && s.length <= max;
    };
  }
  return (v) => (typeof v === 'object' ? hasLeaf(v) : true);
}

/** `field: value` on a field of the resolved type. */
export function isTest(f: ResolvedField, value: Value, now: Date): LeafResult {
  const kind = matchKindOf(f.type);
  switch (kind) {
    case 'keyword':
      return keywordIs(f, value);
    case 'text':
      return textIs(f, value);
    case 'number': {
      if (value.kind === 'wildcard') {
        return err(
          'EVAL003',
          `wildcard value '${valueText(value)}' on ${f.type} field '${f.name}'`,
          value,
          'Elasticsearch only runs wildcard queries on keyword and text fields; this query fails there',
        );
      }
      const t = literalText(value).trim();
      if (typeof value.value === 'boolean' || !NUMBER_RE.test(t)) {
        return err(
          'EVAL001',
          `'${literalText(value)}' is not a number, but '${f.name}' is a ${f.type} field`,
          value,
          'Elasticsearch rejects this query (number_format_exception)',
        );
      }
      const q = Number(t);
      const integer = isIntegerType(f.type);
      if (integer && !Number.isInteger(q)) return { test: () => false };
      return { test: (v) => docNumber(v, integer) === q };
    }
    case 'date': {
      if (value.kind === 'wildcard') {
        return err(
          'EVAL003',
          `wildcard value '${valueText(value)}' on date field '${f.name}'`,
          value,
          'Elasticsearch only runs wildcard queries on keyword and text fields',
        );
      }
      const text = literalText(value);
      const lo = queryDateMs(text, now, false);
      const hi = queryDateMs(text, now, true);
      if (lo === undefined || hi === undefined) {
        return err(
          'EVAL001',
          `'${text}' is not a date, but '${f.name}' is a date field`,
          value,
          'use an ISO 8601 date, epoch milliseconds or date math such as now-1d',
        );
      }
      return {
        test: (v) => {
          const t = docDateMs(v);
          return t !== undefined && t >= lo && t <= hi;
        },
      };
    }
    case 'ip': {
      if (value.kind === 'wildcard') {
        return err(
          'EVAL003',
          `wildcard value '${valueText(value)}' on ip field '${f.name}'`,
          value,
          'use CIDR notation (10.0.0.0/8) or a range instead',
        );
      }
      const text = literalText(value);
      const cidr = parseCidr(text);
      if (cidr) {
        return {
          test: (v) => {
            const ip = docIp(v);
            return ip !== undefined && inCidr(ip, cidr);
          },
        };
      }
      const ip = parseIp(text);
      if (!ip) {
        return err(
          'EVAL001',
          `'${text}' is not an IP address or CIDR, but '${f.name}' is an ip field`,
          value,
        );
      }
      return {
        test: (v) => {
          const d = docIp(v);
          return d !== undefined && compareIp(d, ip) === 0;
        },
      };
    }
    case 'boolean': {
      if (value.kind === 'wildcard') {
        return err(
          'EVAL003',
          `wildcard value '${valueText(value)}' on boolean field '${f.name}'`,
          value,
        );
      }
      const b = typeof value.value === 'boolean' ? value.value : docBoolean(literalText(value));
      if (b === undefined) {
        return err(
          'EVAL001',
          `'${literalText(value)}' is not a boolean, but '${f.name}' is a boolean field`,
          value,
          'use true or false',
        );
      }
      return { test: (v) => docBoolean(v) === b };
    }
    case 'object':
    case 'geo':
      return { test: () => false };
  }
}

function keywordIs(f: ResolvedField, value: Value): LeafResult {
  const lower = f.normalizer === 'lowercase';
  if (value.kind === 'wildcard') {
    const chunks = lower ? value.chunks.map((c) => c.toLowerCase()) : value.chunks;
    const m = wildcardMatcher(chunks);
    return {
      test: (v) => {
        const s = keywordTerm(f, v);
        return s !== undefined && m(s);
      },
    };
  }
  const q = lower ? literalText(value).toLowerCase() : literalText(value);
  return { test: (v) => keywordTerm(f, v) === q, exactKeyword: q };
}

function textIs(f: ResolvedField, value: Value): LeafResult {
  const tok = tokenizer(f.analyzer);
  if (value.kind === 'wildcard') {
    // query_string splits on white space; each term's pattern is lower-cased (normalized) and
    // matched against single tokens; the terms are OR-ed.
    const terms = value.chunks
      .join('\u0000')
      .split(/\s+/)
      .filter((t) => t !== '');
    const matchers = terms.map((t) => {
      const chunks = t.split('\u0000').map((c) => c.toLowerCase());
      return chunks.length > 1
        ? wildcardMatcher(chunks)
        : (s: string) => tok(chunks[0]).includes(s);
    });
    return {
      test: (v) => {
        if (typeof v !== 'string') return false;
        const tokens = tok(v);
        for (const m of matchers) for (const t of tokens) if (m(t)) return true;
        return false;
      },
    };
  }
  const qTokens = tok(literalText(value));
  if (qTokens.length === 0) return { test: () => false };
  if (value.quoted)
    return { test: (v) => typeof v === 'string' && containsPhrase(tok(v), qTokens) };
  const want = new Set(qTokens);
  return {
    test: (v) => {
      if (typeof v !== 'string') return false;
      for (const t of tok(v)) if (want.has(t)) return true;
      return false;
    },
  };
}

function cmp(op: RangeOp, c: number): boolean {
  switch (op) {
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
  }
}

/** `field < value` etc. */
export function rangeTest(f: ResolvedField, op: RangeOp, value: Value, now: Date): LeafResult {
  const text = valueText(value);
  const kind = matchKindOf(f.type);
  switch (kind) {
    case 'keyword': {
      const bound = f.normalizer === 'lowercase' ? text.toLowerCase() : text;
      return {
        test: (v) => {
          const s = keywordTerm(f, v);
          return s !== undefined && cmp(op, compareUtf8(s, bound));
        },
      };
    }
    case 'text': {
      const tok = tokenizer(f.analyzer);
      return {
        test: (v) => typeof v === 'string' && tok(v).some((t) => cmp(op, compareUtf8(t, text))),
      };
    }
    case 'number': {
      const t = text.trim();
      if (value.kind === 'wildcard' || !NUMBER_RE.test(t)) {
        return err(
          'EVAL001',
          `range bound '${text}' is not a number, but '${f.name}' is a ${f.type} field`,
          value,
        );
      }
      const q = Number(t);
      const integer = isIntegerType(f.type);
      return {
        test: (v) => {
          const n = docNumber(v, integer);
          return n !== undefined && cmp(op, n < q ? -1 : n > q ? 1 : 0);
        },
      };
    }
    case 'date': {
      const roundUp = op === 'gt' || op === 'lte';
      const q = queryDateMs(text, now, roundUp);
      if (q === undefined) {
        return err(
          'EVAL001',
          `range bound '${text}' is not a date, but '${f.name}' is a date field`,
          value,
          'use an ISO 8601 date, epoch milliseconds or date math such as now-7d/d',
        );
      }
      return {
        test: (v) => {
          const t = docDateMs(v);
          return t !== undefined && cmp(op, t < q ? -1 : t > q ? 1 : 0);
        },
      };
    }
    case 'ip': {
      const q = parseIp(text);
      if (!q)
        return err(
          'EVAL001',
          `range bound '${text}' is not an IP address ('${f.name}' is an ip field)`,
          value,
        );
      return {
        test: (v) => {
          const d = docIp(v);
          return d !== undefined && cmp(op, compareIp(d, q));
        },
      };
    }
    case 'boolean': {
      const b =
        value.kind === 'literal' && typeof value.value === 'boolean'
          ? value.value
          : docBoolean(text);
      if (b === undefined) return err('EVAL001', `range bound '${text}' is not a boolean`, value);
      const q = b ? 1 : 0;
      return {
        test: (v) => {
          const d = docBoolean(v);
          return d !== undefined && cmp(op, (d ? 1 : 0) - q);
        },
      };
    }
    case 'object':
    case 'geo':
      return { test: () => false };
  }
}

export type { LiteralValue };
