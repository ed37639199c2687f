/**
 * The two SPL expression dialects siemc writes:
 *
 * - `search`: values match case-insensitively, `*` is always a wildcard (it cannot be escaped),
 *   OR binds tighter than AND, so every compound group is parenthesised.
 * - `where`: case-sensitive; matching over multivalue fields through `mvfind` (PCRE, any value)
 *   and `mvfilter`; AND binds tighter than OR (generic precedence applies).
 *
 * `searchFidelity` says how faithfully `search` expresses an atom; the emitter uses it to build a
 * sound pre-filter and to decide which parts need the exact `where`.
 */
import type { AtomFidelity, Dialect, LField, LNode, Pattern } from '../core/index.js';
import {
  ATOM,
  boolHandlers,
  emit,
  hasCasedLetters,
  joinBool,
  patternChunks,
  type Emitted,
} from '../core/index.js';
import type { CaseMode } from '../core/target.js';
import { parseIp } from '../../src/eval/ip.js';
import {
  evalField,
  pcreAlternatives,
  pcreLiteral,
  pcreWhole,
  searchField,
  splString,
} from './syntax.js';
import { textRegex, textSearchPatterns } from './text.js';

/** The field is analysed text in Elastic (phrase / token matching, case-insensitive). */
export function isText(f: LField | null): boolean {
  return f !== null && !f.wildcard && f.type === 'text';
}

function textSearch(f: LField, p: Pattern): string {
  const pats = textSearchPatterns(p, f.analyzer) ?? [];
  const atoms = pats.map((x) => searchAtom(f, x === '*' ? '*' : searchPattern(x.split('*'))));
  return atoms.length === 1 ? atoms[0] : `(${atoms.join(' OR ')})`;
}

function textWhere(f: LField, p: Pattern): string {
  const re = textRegex(p, f.analyzer);
  return re === undefined ? 'false()' : mvMatch(f, re);
}

export interface SplEmitContext {
  caseMode: CaseMode;
  /** `where` only: placeholder atoms standing for several OR-ed matches on one field. */
  merged?: Map<LNode, string>;
}

/** The field is produced by the pipeline (pair, lookup, expression) under its ECS name. */
export function isDerived(f: LField): boolean {
  return Boolean(f.item?.pair || f.item?.lookup || f.item?.expression);
}

/** Name of a field inside `where`/`eval`/`stats`: derived fields live under their ECS name. */
export function pipelineName(f: LField): string {
  return isDerived(f) ? f.source : f.name;
}

/** Search-string content of a wildcard pattern (`*` live; `\` and `"` escaped). */
function searchPattern(chunks: readonly string[]): string {
  return '"' + chunks.map((c) => c.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('*') + '"';
}

function searchValue(p: Pattern): string {
  if (p.kind === 'cidr') return splString(p.text);
  if (p.kind === 'any') return '*';
  return searchPattern(patternChunks(p)!);
}

/** `F=value`, or the Name/Value pre-filter for a pair field. */
function searchAtom(f: LField | null, value: string, op = '='): string {
  if (f === null) return value;
  if (f.wildcard) return `${wildcardFieldName(f.wildcard)}${op}${value}`;
  const pair = f.item?.pair;
  if (pair) {
    const nameTest = `${searchField(pair.nameField)}=${splString(pair.name)}`;
    if (value === '*') return nameTest;
    return `(${nameTest} AND ${searchField(pair.valueField)}${op}${value})`;
  }
  return `${searchField(f.name)}${op}${value}`;
}

function wildcardFieldName(chunks: readonly string[]): string {
  const plain = chunks.every((c) => /^[A-Za-z0-9_.]*$/.test(c));
  const text = chunks.join('*');
  return plain ? text : splString(text);
}

export const searchDialect: Dialect<SplEmitContext> = {
  name: 'spl-search',
  bool: {
    and: 'AND',
    or: 'OR',
    not: 'NOT',
    precedence: { and: 1, or: 2, not: 3 },
    alwaysGroup: true,
    open: '(',
    close: ')',
    all: '*',
    none: 'NOT *',
  },
  quote: splString,
  field: (f) => searchField(f.name),
  nodes: {
    ...boolHandlers<SplEmitContext>(),
    in: (n) => {
      if (numericValues(n)) return { text: numericSearch(n), prec: ATOM };
      const nets = ipNetworks(n);
      if (nets) return { text: ipSearch(n, nets), prec: ATOM };
      if (isText(n.field)) {
        const alts = n.values.map((v) => textSearch(n.field, v));
        return { text: alts.length === 1 ? alts[0] : `(${alts.join(' OR ')})`, prec: ATOM };
      }
      const vals = n.values.map((v) => searchValue(v));
      if (n.field.item?.pair || n.field.wildcard) {
        const alts = vals.map((v) => searchAtom(n.field, v));
        return { text: `(${alts.join(' OR ')})`, prec: ATOM };
      }
      return { text: `${searchField(n.field.name)} IN (${vals.join(', ')})`, prec: ATOM };
    },
    exists: (n) => ({ text: searchAtom(n.field, '*'), prec: ATOM }),
    range: (n) => {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[n.op];
      if (!n.numeric) throw new Error('a string range has no search form');
      return { text: searchAtom(n.field, n.value, op), prec: ATOM };
    },
    nested: (n, d, c) => emit(n.query, d, c),
  },
  match: {
    eq: (f, p, n) =>
      numericValues(n)
        ? numericSearch(n)
        : ipNetworks(n)
          ? ipSearch(n, ipNetworks(n)!)
          : f && isText(f)
            ? textSearch(f, p)
            : searchAtom(f, searchValue(p)),
    prefix: (f, p) => (f && isText(f) ? textSearch(f, p) : searchAtom(f, searchValue(p))),
    suffix: (f, p) => (f && isText(f) ? textSearch(f, p) : searchAtom(f, searchValue(p))),
    contains: (f, p) => (f && isText(f) ? textSearch(f, p) : searchAtom(f, searchValue(p))),
    wildcard: (f, p) => (f && isText(f) ? textSearch(f, p) : searchAtom(f, searchValue(p))),
    cidr: (f, p) => searchAtom(f, searchValue(p)),
    any: (f) => searchAtom(f, '*'),
  },
};

/** Is the atom's literal text free of case and of literal `*` (so `search` is exact on it)? */
function caseAndStarSafe(texts: string[], mode: CaseMode): { star: boolean; cased: boolean } {
  return {
    star: texts.some((t) => t.includes('*')),
    cased: mode === 'exact' && texts.some(hasCasedLetters),
  };
}

function atomTexts(n: LNode): string[] {
  if (n.kind === 'match')
    return n.pattern.kind === 'cidr' || n.pattern.kind === 'any' ? [] : patternChunks(n.pattern)!;
  if (n.kind === 'in') return n.values.map((v) => v.text);
  return [];
}

/** How exactly `search` expresses an atom under the given case mode. */
export function searchFidelity(mode: CaseMode): (n: LNode) => AtomFidelity {
  return (n) => {
    if (n.kind !== 'match' && n.kind !== 'in' && n.kind !== 'exists' && n.kind !== 'range')
      return 'exact';
    const f = n.kind === 'match' ? n.field : n.field;
    if (f === null || f.wildcard) return 'superset';
    if (f.item?.lookup || f.item?.expression) return 'none';
    if (n.kind === 'range') return n.numeric && !f.item?.pair ? 'exact' : 'none';
    // the numeric comparisons are exact on one value; `where` handles multivalue fields
    if (numericValues(n)) return 'superset';
    if (ipNetworks(n)) return 'exact';
    if (f.item?.pair) return 'superset';
    // values longer than ignore_above are not indexed: `where` drops them (exists, wildcards)
    const capped =
      maxLen(f) !== undefined &&
      (n.kind === 'exists' ||
        (n.kind === 'match' && n.pattern.kind !== 'eq' && n.pattern.kind !== 'cidr'));
    if (n.kind === 'exists') return capped ? 'superset' : 'exact';
    if (isText(f)) {
      if (n.kind === 'in')
        return n.values.every((v) => textSearchPatterns(v, f.analyzer)) ? 'superset' : 'none';
      if (n.kind !== 'match' || n.pattern.kind === 'cidr') return 'none';
      if (n.pattern.kind === 'any') return 'superset';
      return textSearchPatterns(n.pattern, f.analyzer) ? 'superset' : 'none';
    }
    // Splunk does not extract empty values, and `f=""` matches nothing in search
    if (atomTexts(n).some((t) => t === '') && !(n.kind === 'match' && n.pattern.kind !== 'eq'))
      return 'none';
    const { star, cased } = caseAndStarSafe(atomTexts(n), f.caseInsensitive ? 'loose' : mode);
    return star || cased || capped ? 'superset' : 'exact';
  };
}

/** `where` cannot test these exactly: free text and wildcard field names (uses `searchmatch`). */
export function whereIsLoose(n: LNode): boolean {
  if (n.kind === 'match') return n.field === null || Boolean(n.field.wildcard);
  if (n.kind === 'in' || n.kind === 'exists' || n.kind === 'range')
    return Boolean(n.field.wildcard);
  return false;
}

/** Prefix of the 0/1 fields the emitter computes with `foreach` for wildcard field names. */
export const FLAG_PREFIX = 'siemc_wf';

function isFlag(f: LField): boolean {
  return f.name.startsWith(FLAG_PREFIX) && f.source === f.name && !f.item;
}

/**
 * The numbers a number-field atom compares with (`destination.port: (22 or 443)`), or undefined
 * when it is not one. Elasticsearch compares the field's numbers, so `"022"` or `22.0` in the
 * event equal 22 and, on integer fields, decimals are truncated (`22.7` is 22).
 */
export function numericValues(n: LNode): number[] | undefined {
  const f = n.kind === 'match' ? n.field : n.kind === 'in' ? n.field : null;
  if (!f || f.wildcard || f.type !== 'number' || f.item?.pair) return undefined;
  const texts =
    n.kind === 'match'
      ? n.pattern.kind === 'eq'
        ? [n.pattern.text]
        : undefined
      : n.kind === 'in'
        ? n.values.map((v) => v.text)
        : undefined;
  if (!texts) return undefined;
  const out: number[] = [];
  for (const t of texts) {
    const q = Number(t.trim());
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t.trim()) || !Number.isFinite(q)) return undefined;
    if (/e/i.test(String(q))) return undefined; // outside the plain-decimal range
    out.push(q);
  }
  return out;
}

/**
 * An address compared with an `ip` field, as a one-address network: Elasticsearch compares
 * addresses by value (`2001:0db8::1` is `2001:db8::1`, `::ffff:10.0.0.1` is `10.0.0.1`), and a
 * CIDR value makes Splunk compare them as addresses too.
 */
export function ipNetwork(f: LField | null, text: string): string | undefined {
  if (!f || f.wildcard || f.type !== 'ip' || f.item?.pair) return undefined;
  const t = text.trim();
  if (parseIp(t) === undefined) return undefined;
  return `${t}/${t.includes(':') ? 128 : 32}`;
}

/** The networks of an ip-field equality or value list, or undefined when it is not one. */
function ipNetworks(n: LNode): string[] | undefined {
  const f = n.kind === 'match' ? n.field : n.kind === 'in' ? n.field : null;
  const texts =
    n.kind === 'match' && n.pattern.kind === 'eq'
      ? [n.pattern.text]
      : n.kind === 'in'
        ? n.values.map((v) => v.text)
        : undefined;
  if (!texts) return undefined;
  const nets = texts.map((t) => ipNetwork(f, t));
  return nets.every((x) => x !== undefined) ? (nets as string[]) : undefined;
}

function ipSearch(n: LNode, nets: string[]): string {
  const f = (n as { field: LField }).field;
  const atoms = nets.map((c) => `${searchField(f.name)}=${splString(c)}`);
  return atoms.length === 1 ? atoms[0] : `(${atoms.join(' OR ')})`;
}

function ipWhere(n: LNode, nets: string[]): string {
  const f = (n as { field: LField }).field;
  const v = evalField(pipelineName(f));
  const tests = nets.map((c) => `cidrmatch(${splString(c)}, ${v})`);
  return `isnotnull(mvfilter(${tests.join(' OR ')}))`;
}

interface NumInterval {
  lo: number;
  loOp: '>=' | '>';
  hi: number;
  hiOp: '<=' | '<';
}

/** Event numbers equal to `q` on the field: [q, q] (floats) or the truncation interval (integers). */
function numInterval(q: number, integer: boolean): NumInterval | undefined {
  if (!integer) return { lo: q, loOp: '>=', hi: q, hiOp: '<=' };
  if (!Number.isInteger(q)) return undefined; // an integer field never equals a fraction
  if (q > 0) return { lo: q, loOp: '>=', hi: q + 1, hiOp: '<' };
  if (q < 0) return { lo: q - 1, loOp: '>', hi: q, hiOp: '<=' };
  return { lo: -1, loOp: '>', hi: 1, hiOp: '<' };
}

function numIntervals(n: LNode): NumInterval[] {
  const f = (n as { field: LField }).field;
  return numericValues(n)!
    .map((q) => numInterval(q, f.integer === true))
    .filter((x): x is NumInterval => x !== undefined);
}

/** `search`: numeric comparisons (search compares numbers as numbers; `=` compares text). */
function numericSearch(n: LNode): string {
  const f = (n as { field: LField }).field;
  const name = searchField(f.name);
  const parts = numIntervals(n).map((i) => `(${name}${i.loOp}${i.lo} AND ${name}${i.hiOp}${i.hi})`);
  if (parts.length === 0) return 'NOT *';
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

/** `where`: any value whose number is in one of the intervals. */
function numericWhere(n: LNode): string {
  const f = (n as { field: LField }).field;
  const v = `tonumber(${evalField(pipelineName(f))})`;
  const parts = numIntervals(n).map((i) => `${v}${i.loOp}${i.lo} AND ${v}${i.hiOp}${i.hi}`);
  if (parts.length === 0) return 'false()';
  const cond = parts.length === 1 ? parts[0] : parts.map((x) => `(${x})`).join(' OR ');
  return `isnotnull(mvfilter(${cond}))`;
}

/** `ignore_above` of a keyword field the `where` must enforce (not for text, numbers, ips). */
export function maxLen(f: LField | null): number | undefined {
  if (!f || f.wildcard || isText(f) || f.type === 'number' || f.type === 'ip') return undefined;
  return f.ignoreAbove;
}

/** An anchored `^...` regex that also requires the value to be at most `n` characters. */
function capped(re: string, n: number | undefined): string {
  return n === undefined ? re : `^(?=[\\s\\S]{0,${n}}\\z)${re.slice(1)}`;
}

/** Case-insensitive pattern for keyword fields with a lowercase normalizer. */
function ci(f: LField, regex: string, c?: SplEmitContext): string {
  // --case loose: the where side ignores case too, as declared (SPL-CASE)
  return f.caseInsensitive || c?.caseMode === 'loose' ? `(?i)${regex}` : regex;
}

/** An equality literal longer than `ignore_above` never matches in Elastic. */
function tooLong(f: LField, text: string): boolean {
  const n = maxLen(f);
  return n !== undefined && text.length > n;
}

/** The field has a value (Elastic: an indexed one, so not longer than `ignore_above`). */
function whereExists(f: LField): string {
  const n = maxLen(f);
  const name = evalField(pipelineName(f));
  return n === undefined
    ? `isnotnull(${name})`
    : `isnotnull(mvfind(${name}, ${splString(`^[\\s\\S]{0,${n}}\\z`)}))`;
}

function mvMatch(f: LField, regex: string): string {
  return `isnotnull(mvfind(${evalField(pipelineName(f))}, ${splString(regex)}))`;
}

function searchmatch(n: LNode): string {
  const ectx: SplEmitContext = { caseMode: 'exact' };
  const text = emit(n, searchDialect, ectx).text;
  return `searchmatch(${splString(text)})`;
}

/** Key of a `where` atom whose matches can join one alternation regex (same field and case). */
function mergeKey(n: LNode): string | undefined {
  const f = n.kind === 'match' ? n.field : n.kind === 'in' ? n.field : null;
  if (!f || f.wildcard || isText(f) || isFlag(f) || numericValues(n) || ipNetworks(n))
    return undefined;
  if (n.kind === 'match' && (n.pattern.kind === 'cidr' || n.pattern.kind === 'any'))
    return undefined;
  return `${pipelineName(f)}\u0000${f.caseInsensitive ? 'i' : ''}`;
}

/** Unanchored PCRE alternatives of a mergeable atom. */
function regexBodies(n: LNode): string[] {
  if (n.kind === 'in') return n.values.map((v) => pcreLiteral(v.text));
  if (n.kind !== 'match') return [];
  const chunks = patternChunks(n.pattern);
  return chunks ? [chunks.map(pcreLiteral).join('[\\s\\S]*')] : [];
}

/**
 * `where` OR: matches on one field join one `mvfind` alternation (any value matching any
 * alternative is the same as any of the per-pattern tests).
 */
function whereOr(
  n: Extract<LNode, { kind: 'or' }>,
  d: Dialect<SplEmitContext>,
  c: SplEmitContext,
): Emitted {
  const groups = new Map<string, LNode[]>();
  for (const k of n.children) {
    const key = mergeKey(k);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), k]);
  }
  const children: LNode[] = [];
  const done = new Set<string>();
  for (const k of n.children) {
    const key = mergeKey(k);
    const members = key === undefined ? undefined : groups.get(key)!;
    if (!members || members.length < 2) {
      children.push(k);
      continue;
    }
    if (done.has(key!)) continue;
    done.add(key!);
    const f = (members[0] as { field: LField }).field;
    const placeholder: LNode = { kind: 'match', field: f, pattern: { kind: 'any' }, span: n.span };
    const bodies = [...new Set(members.flatMap(regexBodies))];
    (c.merged ??= new Map()).set(
      placeholder,
      mvMatch(f, ci(f, capped(`^(?:${bodies.join('|')})\\z`, maxLen(f)), c)),
    );
    children.push(placeholder);
  }
  return children.length === 1 ? emit(children[0], d, c) : joinBool('or', children, d, c);
}

export const whereDialect: Dialect<SplEmitContext> = {
  name: 'spl-where',
  bool: {
    and: 'AND',
    or: 'OR',
    not: 'NOT',
    precedence: { or: 1, and: 2, not: 3 },
    alwaysGroup: false,
    open: '(',
    close: ')',
    all: 'true()',
    none: 'false()',
  },
  quote: splString,
  field: (f) => evalField(pipelineName(f)),
  nodes: {
    ...boolHandlers<SplEmitContext>(),
    or: whereOr,
    match: (n, d, c) => {
      const merged = c.merged?.get(n);
      if (merged !== undefined) return { text: merged, prec: ATOM };
      return boolHandlers<SplEmitContext>().match(n, d, c);
    },
    in: (n, _d, c) => {
      if (n.field.wildcard) return { text: searchmatch(n), prec: ATOM };
      if (numericValues(n)) return { text: numericWhere(n), prec: ATOM };
      const nets = ipNetworks(n);
      if (nets) return { text: ipWhere(n, nets), prec: ATOM };
      if (isText(n.field)) {
        // analysed text: each value is its own token / phrase match
        const alts = n.values.map((v) => textWhere(n.field, v));
        return { text: alts.length === 1 ? alts[0] : `(${alts.join(' OR ')})`, prec: ATOM };
      }
      const vals = n.values.map((v) => v.text).filter((t) => !tooLong(n.field, t));
      if (vals.length === 0) return { text: 'false()', prec: ATOM };
      return {
        text: mvMatch(n.field, ci(n.field, pcreAlternatives(vals), c)),
        prec: ATOM,
      };
    },
    exists: (n) => ({
      text: n.field.wildcard ? searchmatch(n) : whereExists(n.field),
      prec: ATOM,
    }),
    range: (n) => {
      if (n.field.wildcard) return { text: searchmatch(n), prec: ATOM };
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[n.op];
      const t = n.value.trim();
      const value = n.numeric
        ? /^-?\d+(\.\d+)?$/.test(t)
          ? t
          : `tonumber(${splString(t)})`
        : splString(n.value);
      const name = evalField(pipelineName(n.field));
      const n2 = maxLen(n.field);
      const len = n2 === undefined ? '' : `len(${name})<=${n2} AND `;
      return {
        text: `isnotnull(mvfilter(${len}${name}${op}${value}))`,
        prec: ATOM,
      };
    },
    nested: (n, d, c) => emit(n.query, d, c),
  },
  match: {
    eq: (f, p, n, c) =>
      f === null || f.wildcard
        ? searchmatch(n)
        : numericValues(n)
          ? numericWhere(n)
          : ipNetworks(n)
            ? ipWhere(n, ipNetworks(n)!)
            : isFlag(f)
              ? `${f.name}=${p.text}`
              : isText(f)
                ? textWhere(f, p)
                : tooLong(f, p.text)
                  ? 'false()'
                  : mvMatch(f, ci(f, pcreWhole([p.text]), c)),
    prefix: (f, p, n, c) =>
      f === null || f.wildcard
        ? searchmatch(n)
        : isText(f)
          ? textWhere(f, p)
          : mvMatch(f, ci(f, capped(pcreWhole([p.text, '']), maxLen(f)), c)),
    suffix: (f, p, n, c) =>
      f === null || f.wildcard
        ? searchmatch(n)
        : isText(f)
          ? textWhere(f, p)
          : mvMatch(f, ci(f, capped(pcreWhole(['', p.text]), maxLen(f)), c)),
    contains: (f, p, n, c) =>
      f === null || f.wildcard
        ? searchmatch(n)
        : isText(f)
          ? textWhere(f, p)
          : mvMatch(f, ci(f, capped(pcreWhole(['', p.text, '']), maxLen(f)), c)),
    wildcard: (f, p, n, c) =>
      f === null || f.wildcard
        ? searchmatch(n)
        : isText(f)
          ? textWhere(f, p)
          : mvMatch(f, ci(f, capped(pcreWhole(p.chunks), maxLen(f)), c)),
    cidr: (f, p, n) =>
      f === null || f.wildcard
        ? searchmatch(n)
        : `isnotnull(mvfilter(cidrmatch(${splString(p.text)}, ${evalField(pipelineName(f))})))`,
    any: (f, _p, n) => (f === null || f.wildcard ? searchmatch(n) : whereExists(f)),
  },
};
