/**
 * Elastic `text` fields in Kusto. Elasticsearch analyses them into (lower-cased) tokens: `f:"a b"`
 * is a phrase query, `f:a b` matches any of the tokens, and each white-space separated wildcard
 * term matches single tokens. Kusto's `has` uses its own term rules, so the exact form is a RE2
 * regex with token boundaries that reproduces the evaluator's tokenizer (`src/eval/text.ts`):
 * - standard analyzer: letters, marks, digits and `_`, joined across a single `.`, `'` or `’`,
 *   lower-cased;
 * - a pattern analyzer whose separator is a negated class `[^X]+`: tokens are runs of `[X]`.
 * RE2 has no look-around: the boundaries are consumed instead. Other analyzers have no regex here.
 */
import type { Analyzer } from '../../src/schema/types.js';
import { tokenizer, type Tokenizer } from '../../src/eval/text.js';
import type { Pattern } from '../core/ir.js';
import { patternChunks } from '../core/lower/classify.js';

interface Tokens {
  /** Body of the character class of token characters. */
  tc: string;
  /** Joiner characters (a single one between token characters continues the token). */
  jc: string;
  lower: boolean;
  tokenize: Tokenizer;
  isT: (c: string) => boolean;
}

const STANDARD: Tokens = {
  tc: '\\p{L}\\p{M}\\p{N}_',
  jc: "'’.",
  lower: true,
  tokenize: tokenizer(undefined),
  isT: (c) => /^[\p{L}\p{M}\p{N}_]$/u.test(c),
};

/** The token model of an analyzer, or undefined when no regex reproduces it. */
function tokensOf(analyzer: Analyzer | undefined): Tokens | undefined {
  if (analyzer === undefined || analyzer === 'standard') return STANDARD;
  const m = /^\[\^((?:[^\]\\]|\\.)+)\]\+$/.exec(analyzer.pattern);
  if (!m) return undefined;
  let cls: RegExp;
  try {
    cls = new RegExp(`^[${m[1]}]$`, 'u');
  } catch {
    return undefined;
  }
  return {
    tc: m[1],
    jc: '',
    lower: analyzer.lowercase !== false,
    tokenize: tokenizer(analyzer),
    isT: (c) => cls.test(c),
  };
}

function lit(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '.' ? '[.]' : `\\${c}`));
}

class TokenRegex {
  readonly T: string;
  readonly START: string;
  readonly END: string;
  readonly SEP: string;
  private readonly J: string;

  constructor(private readonly k: Tokens) {
    const T = `[${k.tc}]`;
    const NT = `[^${k.tc}]`;
    this.T = T;
    this.J = `[${k.jc}]`;
    if (!k.jc) {
      this.START = `(?:^|${NT})`;
      this.END = `(?:$|${NT})`;
      this.SEP = `${NT}+`;
      return;
    }
    const J = this.J;
    const NTJ = `[^${k.tc}${k.jc}]`;
    // before a token: the start, a character that is neither, or a joiner not preceded by a token character
    this.START = `(?:^|${NTJ}|(?:^|${NT})${J})`;
    // after a token: the end, a character that is neither, or a joiner not followed by a token character
    this.END = `(?:$|${NTJ}|${J}(?:$|${NT}))`;
    // between two tokens of a phrase: one separator that is not a joiner, or two or more
    this.SEP = `(?:${NTJ}|${NT}{2,})`;
  }

  isJ(c: string): boolean {
    return c !== '' && this.k.jc.includes(c);
  }

  /** The part of a token a `*` stands for, between two chunks (undefined: token start / end). */
  inToken(prev: string | undefined, next: string | undefined): string {
    const { T, J } = this;
    if (!this.k.jc) return `${T}*`;
    const prevOpen = prev === undefined || this.isJ(prev.slice(-1));
    const nextOpen = next === undefined || this.isJ(next[0]);
    const body = prevOpen ? `${T}(?:${T}|${J}${T})*` : `(?:${T}|${J}${T})*`;
    return prevOpen && nextOpen ? body : `(?:${body})?`;
  }

  /** Can the chunks of a wildcard term be parts of one token (`T+(JT+)*`)? */
  tokenShaped(chunks: readonly string[]): boolean {
    const ok = (ch: string) => this.k.isT(ch) || this.isJ(ch);
    if (!chunks.every((c) => [...c].every(ok))) return false;
    if (chunks.some((c) => [...c].some((ch, i, a) => i > 0 && this.isJ(ch) && this.isJ(a[i - 1]))))
      return false;
    const first = chunks[0];
    const last = chunks[chunks.length - 1];
    return (first === '' || this.k.isT(first[0])) && (last === '' || this.k.isT(last.slice(-1)));
  }

  term(chunks: readonly string[]): string {
    let out = '';
    chunks.forEach((c, i) => {
      // an empty chunk is the start (first) or the end (last) of the token
      if (i > 0) out += this.inToken(chunks[i - 1] || undefined, c || undefined);
      out += lit(c);
    });
    return out;
  }
}

/** Query terms of a wildcard value on a text field: chunks split on white space, lower-cased. */
function wildcardTerms(chunks: readonly string[]): string[][] {
  return chunks
    .join('\u0000')
    .split(/\s+/)
    .filter((t) => t !== '')
    .map((t) => t.split('\u0000').map((c) => c.toLowerCase()));
}

export type TextRegex = { regex: string } | { none: true } | undefined;

/**
 * RE2 for a text-field match (to use with `matches regex`): `{none}` when no value can match (the
 * query has no token), undefined when the analyzer has no regex form.
 */
export function textFieldRegex(p: Pattern, analyzer?: Analyzer): TextRegex {
  const k = tokensOf(analyzer);
  if (!k) return undefined;
  if (p.kind === 'cidr') return { none: true };
  const r = new TokenRegex(k);
  const flag = k.lower ? '(?i)' : '';
  if (p.kind === 'eq') {
    const toks = k.tokenize(p.text);
    if (toks.length === 0) return { none: true };
    if (p.quoted) return { regex: `${flag}${r.START}${toks.map(lit).join(r.SEP)}${r.END}` };
    return { regex: `${flag}${r.START}(?:${[...new Set(toks)].map(lit).join('|')})${r.END}` };
  }
  const terms = wildcardTerms(patternChunks(p)!);
  // a bare `*` term matches any token: the value has at least one token character
  if (terms.some((t) => t.every((c) => c === ''))) return { regex: r.T };
  const alts: string[] = [];
  for (const term of terms) {
    if (term.length === 1) for (const t of k.tokenize(term[0])) alts.push(lit(t));
    else if (r.tokenShaped(term)) alts.push(r.term(term));
  }
  if (alts.length === 0) return { none: true };
  return { regex: `${flag}${r.START}(?:${[...new Set(alts)].join('|')})${r.END}` };
}
