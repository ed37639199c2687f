/**
 * Exact string theory for keyword fields: every keyword atom (`f:"abc"`, `f:ab*c`, `f > "m"`) is a
 * regular language over UTF-16 code units, given here as a small deterministic automaton over
 * *sets* of NFA positions. `findWitness(target, excluded)` searches the product of the target and
 * the complements of the excluded languages breadth first, so it returns the shortest string in
 * `target \ (excluded_1 ∪ … ∪ excluded_n)`, or null when that language is empty.
 *
 * The search is exact because the alphabet it explores contains one representative of every class
 * of characters that all automata treat alike: every character the patterns mention, and its
 * neighbours (c-1, c+1), which cover the gaps between them and the ends of the code-unit range.
 */

/** A literal string, a `*`-wildcard pattern (chunks between stars) or a lexicographic bound. */
export type StringPred =
  | { kind: 'eq'; value: string }
  | { kind: 'wildcard'; chunks: string[] }
  | { kind: 'range'; op: 'gt' | 'gte' | 'lt' | 'lte'; bound: string };

const STAR = -1;

/** Compare as Elasticsearch orders keyword terms (UTF-8 byte order). */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) < rank(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/** Deterministic automaton whose states are opaque values with a string key. */
interface Auto<S> {
  start: S;
  /** Next state, or null when no continuation can ever be accepted. */
  step(s: S, c: number): S | null;
  accepts(s: S): boolean;
  key(s: S): string;
  /** Characters this automaton distinguishes. */
  chars: number[];
}

function codes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  return out;
}

/** Wildcard / literal automaton: states are sorted NFA position sets (subset construction on the fly). */
function patternAuto(tokens: number[]): Auto<number[]> {
  const n = tokens.length;
  const close = (set: number[]): number[] => {
    const out = new Set<number>();
    for (const p0 of set) {
      let p = p0;
      out.add(p);
      while (p < n && tokens[p] === STAR) {
        p++;
        out.add(p);
      }
    }
    return [...out].sort((a, b) => a - b);
  };
  const chars = [...new Set(tokens.filter((t) => t !== STAR))];
  return {
    start: close([0]),
    step(s, c) {
      const next: number[] = [];
      for (const p of s) {
        if (p >= n) continue;
        const t = tokens[p];
        if (t === STAR) next.push(p);
        else if (t === c) next.push(p + 1);
      }
      if (next.length === 0) return null;
      return close(next);
    },
    accepts: (s) => s.includes(n),
    key: (s) => s.join(','),
    chars,
  };
}

/**
 * Order of code units as Elasticsearch compares keyword terms (UTF-8 bytes = code points):
 * surrogates sort after every other BMP unit.
 */
function rank(c: number): number {
  return c >= 0xd800 && c <= 0xdfff ? c + 0x2800 : c;
}

/** Lexicographic comparison (Elasticsearch's term order) with a fixed bound. */
function rangeAuto(op: 'gt' | 'gte' | 'lt' | 'lte', bound: string): Auto<number> {
  const b = codes(bound);
  const LT = -1;
  const GT = -2;
  const chars: number[] = [];
  for (const c of b) chars.push(c);
  return {
    start: 0,
    step(s, c) {
      if (s === LT || s === GT) return s;
      if (s === b.length) return GT; // longer than the bound, with the bound as prefix
      if (c === b[s]) return s + 1;
      return rank(c) < rank(b[s]) ? LT : GT;
    },
    accepts(s) {
      switch (op) {
        case 'gt':
          return s === GT;
        case 'gte':
          return s === GT || s === b.length;
        case 'lt':
          return s === LT || (s >= 0 && s < b.length);
        case 'lte':
          return s === LT || s >= 0;
      }
    },
    key: (s) => String(s),
    chars,
  };
}

function patternTokens(p: StringPred & { kind: 'eq' | 'wildcard' }): number[] {
  if (p.kind === 'eq') return codes(p.value);
  const out: number[] = [];
  p.chunks.forEach((chunk, i) => {
    // `**` is the same language as `*`: never two stars in a row.
    if (i > 0 && out[out.length - 1] !== STAR) out.push(STAR);
    for (const c of codes(chunk)) out.push(c);
  });
  return out;
}

/** One automaton for "equal to one of these literals": a trie (state = node index). */
function trieAuto(words: readonly string[]): Auto<number> {
  const next: Map<number, number>[] = [new Map()];
  const final: boolean[] = [false];
  const chars = new Set<number>();
  for (const w of words) {
    let node = 0;
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i);
      chars.add(c);
      let to = next[node].get(c);
      if (to === undefined) {
        to = next.length;
        next.push(new Map());
        final.push(false);
        next[node].set(c, to);
      }
      node = to;
    }
    final[node] = true;
  }
  return {
    start: 0,
    step: (s, c) => next[s].get(c) ?? null,
    accepts: (s) => final[s],
    key: (s) => String(s),
    chars: [...chars],
  };
}

function toAuto(p: StringPred): Auto<unknown> {
  const a = p.kind === 'range' ? rangeAuto(p.op, p.bound) : patternAuto(patternTokens(p));
  return a as unknown as Auto<unknown>;
}

/** Does `s` belong to the language of `p`? (Direct check, used for literal targets.) */
export function matchesString(p: StringPred, s: string): boolean {
  switch (p.kind) {
    case 'eq':
      return s === p.value;
    case 'range': {
      const c = compareUtf8(s, p.bound);
      return p.op === 'gt' ? c > 0 : p.op === 'gte' ? c >= 0 : p.op === 'lt' ? c < 0 : c <= 0;
    }
    case 'wildcard':
      return wildcardMatch(p.chunks, s);
  }
}

/** Linear-ish greedy wildcard matching (first chunk anchored, last chunk anchored). */
export function wildcardMatch(chunks: string[], s: string): boolean {
  const first = chunks[0];
  const last = chunks[chunks.length - 1];
  if (!s.startsWith(first)) return false;
  if (s.length - first.length < last.length) return false;
  if (!s.endsWith(last)) return false;
  let pos = first.length;
  const end = s.length - last.length;
  for (let i = 1; i < chunks.length - 1; i++) {
    const at = s.indexOf(chunks[i], pos);
    if (at < 0 || at + chunks[i].length > end) return false;
    pos = at + chunks[i].length;
  }
  return pos <= end;
}

/** The search gave up (too many product states); the caller falls back to testing. */
export class TheoryLimit extends Error {}

const PREFERRED = 'xyzXYZ0123456789abcdefghijklmnopqrstuvwABCDEFGHIJKLMNOPQRSTUVW_-.';

/**
 * Shortest string in `target` that is in none of `excluded` (a value that makes the target atom
 * true and every excluded atom false), or null when there is none.
 */
export function findWitness(
  target: StringPred,
  excluded: readonly StringPred[],
  maxLen = Infinity,
  maxStates = 200_000,
): string | null {
  if (target.kind === 'eq') {
    if (target.value.length > maxLen) return null;
    return excluded.some((e) => matchesString(e, target.value)) ? null : target.value;
  }
  // Fast path: the target's natural members (stars empty, or one filler character), checked
  // directly. Exact, because each candidate is tested; the search below stays complete.
  if (target.kind === 'wildcard') {
    for (const fill of ['', 'x', '_', '0', 'Q', '\u0001']) {
      const cand = target.chunks.join(fill);
      if (cand.length <= maxLen && !excluded.some((e) => matchesString(e, cand))) return cand;
    }
  }
  const t = toAuto(target);
  // Excluded literals become one trie; patterns and ranges one automaton each.
  const literals = excluded
    .filter((e) => e.kind === 'eq')
    .map((e) => (e as { value: string }).value);
  const bs = excluded.filter((e) => e.kind !== 'eq').map(toAuto);
  if (literals.length > 0) bs.push(trieAuto(literals) as unknown as Auto<unknown>);
  // Alphabet: mentioned characters, their neighbours, and a readable filler first.
  const seen = new Set<number>();
  for (const a of [t, ...bs]) for (const c of a.chars) seen.add(c);
  const alpha: number[] = [];
  const add = (c: number) => {
    if (c < 0 || c > 0xffff || alpha.includes(c)) return;
    if (c >= 0xd800 && c <= 0xdfff && !seen.has(c)) return;
    alpha.push(c);
  };
  const filler = [...PREFERRED].map((ch) => ch.charCodeAt(0)).find((c) => !seen.has(c));
  if (filler !== undefined) add(filler);
  for (const c of [...seen].sort((a, b) => a - b)) add(c);
  for (const c of [...seen].sort((a, b) => a - b)) {
    add(c - 1);
    add(c + 1);
  }
  if (alpha.length === 0) add(0x78);
  // BFS over (target state, live excluded states).
  interface Q {
    ts: unknown;
    bs: (unknown | null)[];
    parent: number;
    ch: number;
    depth: number;
  }
  const queue: Q[] = [{ ts: t.start, bs: bs.map((b) => b.start), parent: -1, ch: -1, depth: 0 }];
  const keyOf = (q: Q) =>
    t.key(q.ts) + '|' + q.bs.map((s, i) => (s === null ? '' : bs[i].key(s))).join('|');
  const visited = new Set<string>([keyOf(queue[0])]);
  for (let head = 0; head < queue.length; head++) {
    const q = queue[head];
    if (t.accepts(q.ts) && q.bs.every((s, i) => s === null || !bs[i].accepts(s))) {
      let out = '';
      for (let k = head; queue[k].parent >= 0; k = queue[k].parent)
        out = String.fromCharCode(queue[k].ch) + out;
      return out;
    }
    if (q.depth >= maxLen) continue;
    for (const c of alpha) {
      const ts = t.step(q.ts, c);
      if (ts === null) continue;
      const next: Q = {
        ts,
        bs: q.bs.map((s, i) => (s === null ? null : bs[i].step(s, c))),
        parent: head,
        ch: c,
        depth: q.depth + 1,
      };
      const k = keyOf(next);
      if (visited.has(k)) continue;
      visited.add(k);
      if (visited.size > maxStates)
        throw new TheoryLimit('string theory: too many automaton states');
      queue.push(next);
    }
  }
  return null;
}
