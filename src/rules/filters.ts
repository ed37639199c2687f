/**
 * Kibana filter objects (the `filters` of a rule, ANDed with its query) → the KQL AST.
 *
 * Converted exactly: `match_phrase` (single value or `{query}`), `match` of type phrase, `phrases`
 * (a bool `should` of phrases), `exists`, `range` (gt/gte/lt/lte), `term`, `terms`, `match_all`,
 * `bool` (must / filter / should / must_not, minimum_should_match 0 or 1), `wildcard` without `?`
 * and without `case_insensitive` (or case-insensitive but without a cased character), `meta.negate`, `meta.disabled` (ignored, like Kibana).
 * Anything else — a case-insensitive or `?` wildcard, regexp, query_string, script, a range with a
 * date `format` — has no KQL equivalent and is reported as unsupported (never dropped silently:
 * dropping a negated filter widens the rule).
 */
import type { FieldRef, Node, Span, Value } from '../kql/ast.js';

export type FilterResult = { ok: true; node: Node | null } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

class Unsupported extends Error {}

/** Whether some character of `s` has another case (so a case-insensitive match differs). */
function hasCasedChar(s: string): boolean {
  for (const c of s) if (c.toLowerCase() !== c.toUpperCase()) return true;
  return false;
}

/** Convert one Kibana filter; `node` is null for a disabled filter. `span` is given to every node. */
export function filterToAst(filter: unknown, span: Span): FilterResult {
  try {
    if (!isRecord(filter))
      throw new Unsupported(`a filter must be an object, got ${JSON.stringify(filter)}`);
    const meta = isRecord(filter.meta) ? filter.meta : {};
    if (meta.disabled === true) return { ok: true, node: null };
    let query: unknown = filter.query;
    if (query === undefined) {
      // Older filters put the clause at the top level ({meta, exists: {...}}, {meta, range: {...}}).
      const rest = Object.fromEntries(
        Object.entries(filter).filter(([k]) => k !== 'meta' && k !== '$state'),
      );
      query = rest;
    }
    let node = dsl(query, span);
    if (meta.negate === true) node = { kind: 'not', child: node, span };
    return { ok: true, node };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.message };
    throw e;
  }
}

function field(name: string, span: Span): FieldRef {
  return { kind: 'field', name, span };
}

function scalarText(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Unsupported(`${what} must be a string, number or boolean, got ${JSON.stringify(v)}`);
}

function phrase(f: string, v: unknown, span: Span): Node {
  const value: Value = {
    kind: 'literal',
    value: scalarText(v, `the value of '${f}'`),
    quoted: true,
    span,
  };
  return { kind: 'is', field: field(f, span), value, span };
}

function single(obj: unknown, clause: string): [string, unknown] {
  if (!isRecord(obj)) throw new Unsupported(`'${clause}' must be an object`);
  const entries = Object.entries(obj);
  if (entries.length !== 1) throw new Unsupported(`'${clause}' must name exactly one field`);
  return entries[0];
}

function combine(kind: 'and' | 'or', nodes: Node[], span: Span): Node {
  if (nodes.length === 1) return nodes[0];
  return { kind, children: nodes, span };
}

function list(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function dsl(q: unknown, span: Span): Node {
  if (!isRecord(q)) throw new Unsupported(`unsupported filter query ${JSON.stringify(q)}`);
  const keys = Object.keys(q);
  if (keys.length !== 1)
    throw new Unsupported(
      `a filter query must have exactly one clause, got ${keys.join(', ') || 'none'}`,
    );
  const clause = keys[0];
  const body = q[clause];
  switch (clause) {
    case 'match_all':
      return { kind: 'all', span };
    case 'exists': {
      if (!isRecord(body) || typeof body.field !== 'string')
        throw new Unsupported("'exists' needs a field name");
      return { kind: 'exists', field: field(body.field, span), span };
    }
    case 'match_phrase':
    case 'term': {
      const [f, v] = single(body, clause);
      if (isRecord(v)) {
        const inner = clause === 'term' ? v.value : v.query;
        const extra = Object.keys(v).filter(
          (k) => k !== (clause === 'term' ? 'value' : 'query') && k !== 'boost',
        );
        if (extra.length > 0)
          throw new Unsupported(`'${clause}' option(s) ${extra.join(', ')} have no KQL equivalent`);
        return phrase(f, inner, span);
      }
      return phrase(f, v, span);
    }
    case 'match': {
      const [f, v] = single(body, clause);
      if (isRecord(v) && v.type === 'phrase') return phrase(f, v.query, span);
      throw new Unsupported(
        "a 'match' filter that is not a phrase match has no exact KQL equivalent",
      );
    }
    case 'terms': {
      const [f, v] = single(body, clause);
      if (!Array.isArray(v) || v.length === 0)
        throw new Unsupported("'terms' needs a non-empty list of values");
      return combine(
        'or',
        v.map((x) => phrase(f, x, span)),
        span,
      );
    }
    case 'range': {
      const [f, v] = single(body, clause);
      if (!isRecord(v)) throw new Unsupported("'range' needs bounds");
      const nodes: Node[] = [];
      for (const [op, bound] of Object.entries(v)) {
        if (op === 'boost') continue;
        if (op !== 'gt' && op !== 'gte' && op !== 'lt' && op !== 'lte') {
          throw new Unsupported(`range option '${op}' has no KQL equivalent`);
        }
        if (bound === null || bound === undefined) continue;
        const value: Value = {
          kind: 'literal',
          value: scalarText(bound, `range bound '${op}'`),
          quoted: false,
          span,
        };
        nodes.push({ kind: 'range', field: field(f, span), op, value, span });
      }
      if (nodes.length === 0) throw new Unsupported("'range' has no bounds");
      return combine('and', nodes, span);
    }
    case 'wildcard': {
      const [f, v] = single(body, clause);
      const opts = isRecord(v) ? v : { value: v };
      const pattern = opts.value ?? opts.wildcard;
      if (typeof pattern !== 'string') throw new Unsupported("'wildcard' needs a string pattern");
      // Case-insensitivity changes nothing for a pattern without cased characters (digits,
      // punctuation, '*'): then the filter is the case-sensitive wildcard KQL writes.
      if (opts.case_insensitive === true && hasCasedChar(pattern)) {
        throw new Unsupported(
          `case-insensitive wildcard on '${f}' ("${pattern}") has no KQL equivalent`,
        );
      }
      const extra = Object.keys(opts).filter(
        (k) => !['value', 'wildcard', 'case_insensitive', 'boost', 'rewrite'].includes(k),
      );
      if (extra.length > 0)
        throw new Unsupported(`wildcard option(s) ${extra.join(', ')} have no KQL equivalent`);
      const chunks: string[] = [''];
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '\\' && i + 1 < pattern.length) chunks[chunks.length - 1] += pattern[++i];
        else if (c === '*') chunks.push('');
        else if (c === '?')
          throw new Unsupported(
            `the single-character wildcard '?' in "${pattern}" has no KQL equivalent`,
          );
        else chunks[chunks.length - 1] += c;
      }
      const value: Value =
        chunks.length === 1
          ? { kind: 'literal', value: chunks[0], quoted: true, span }
          : { kind: 'wildcard', chunks, span };
      return { kind: 'is', field: field(f, span), value, span };
    }
    case 'bool': {
      if (!isRecord(body)) throw new Unsupported("'bool' must be an object");
      const known = ['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost'];
      const extra = Object.keys(body).filter((k) => !known.includes(k));
      if (extra.length > 0)
        throw new Unsupported(`bool option(s) ${extra.join(', ')} are not supported`);
      const must = [...list(body.must), ...list(body.filter)].map((x) => dsl(x, span));
      const should = list(body.should).map((x) => dsl(x, span));
      const mustNot = list(body.must_not).map((x) => dsl(x, span));
      const msmRaw = body.minimum_should_match;
      const msm =
        msmRaw === undefined ? (must.length === 0 && should.length > 0 ? 1 : 0) : Number(msmRaw);
      if (!Number.isInteger(msm) || msm < 0 || msm > 1) {
        throw new Unsupported(
          `minimum_should_match ${JSON.stringify(msmRaw)} is not supported (only 0 or 1)`,
        );
      }
      const parts = [...must];
      if (msm === 1) {
        if (should.length === 0)
          throw new Unsupported('minimum_should_match 1 with no should clause matches nothing');
        parts.push(combine('or', should, span));
      }
      for (const n of mustNot) parts.push({ kind: 'not', child: n, span });
      if (parts.length === 0) return { kind: 'all', span };
      return combine('and', parts, span);
    }
    default:
      throw new Unsupported(`a '${clause}' filter has no KQL equivalent`);
  }
}
