/**
 * Elastic `text` fields in Sigma. Elasticsearch analyses them, so a value matches tokens, not the
 * raw string: `f:"a b"` is a phrase (token `a` followed by token `b`), unquoted `f:a b` matches any
 * of the tokens, and a wildcard term matches single tokens; tokens and query terms are
 * lower-cased. Sigma has no analyzer, so siemc writes a token regex (`|re|i|s`) that reproduces
 * the tokenizer within the regex subset the Sigma specification allows (`.`, anchors,
 * quantifiers, `[...]` classes, groups, alternation):
 *
 *     ^(.*<separator>)?<tokens joined by separators>(<separator>.*)?$
 *
 * The regex is anchored and padded with `.*`, so backends that match regexes against the whole
 * value (Lucene) and those that search inside it (PCRE, Splunk) read it the same way.
 *
 * - A pattern analyzer that splits on a negated ASCII class (the Windows integration's
 *   `powershell.file.script_block_text` splits on `[^A-Za-z0-9_-]+`) is reproduced exactly.
 * - The standard analyzer (Unicode word segmentation: letters, marks, digits and `_`, joined
 *   across a single `.`, `'` or `’`) needs Unicode letter classes, which the Sigma regex subset
 *   does not have: the regex treats only ASCII letters, digits and `_` as word characters, so it
 *   is exact on ASCII text and wider where a non-ASCII letter, mark or digit touches the words.
 */
import type { Analyzer } from '../../src/schema/types.js';
import type { Pattern } from '../core/ir.js';
import { patternChunks } from '../core/lower/classify.js';

export interface TextRegex {
  /** The regex, or undefined when no value can match (the query has no tokens). */
  regex: string | undefined;
  /** Sub-modifiers after `re`: `i` (lower-cased analyzer) and `s`. */
  flags: string[];
  /** Why the regex is wider than the analyzer, if it is (undefined: exact). */
  wider?: string;
}

/** How a tokenizer is written as regex pieces. */
interface TokenModel {
  /** Class of characters that may start/end a token, e.g. `[A-Za-z0-9_-]`. */
  word: string;
  /** Its complement (separator characters). */
  sep: string;
  /** Regex before the first token: start of value or a separator. */
  before: string;
  /** Regex after the last token. */
  after: string;
  /** Regex between two tokens of a phrase. */
  between: string;
  /** Characters a wildcard may run over inside one token. */
  inToken: string;
  /** One character of any token (a superset for the standard model). */
  anyToken: string;
  /** Can a character of the query value be inside a token? */
  tokenChar: (ch: string) => boolean;
  /** Tokens of a query value, original case. */
  tokens: (text: string) => string[];
  lowercase: boolean;
  /** Set when the model is a superset of the analyzer. */
  wider?: string;
}

const STANDARD_TOKEN = /[\p{L}\p{M}\p{N}_]+(?:['’.][\p{L}\p{M}\p{N}_]+)*/gu;

/** The standard analyzer, with ASCII word classes (the Sigma regex subset has no `\p{L}`). */
const STANDARD: TokenModel = {
  word: '[A-Za-z0-9_]',
  sep: "[^A-Za-z0-9_'’.]",
  // A token starts after a non-word character that is not a joiner, or after a joiner that
  // does not follow a word character (`x..y`, `.y`).
  before: "(.*[^A-Za-z0-9_'’.]|(.*[^A-Za-z0-9_])?['’.])?",
  after: "([^A-Za-z0-9_'’.].*|['’.]([^A-Za-z0-9_].*)?)?",
  // Between two tokens: one separator that is not a joiner, or two or more non-word characters
  // (a single joiner between words makes one token).
  between: "([^A-Za-z0-9_'’.]|[^A-Za-z0-9_][^A-Za-z0-9_]+)",
  // Everything except printable ASCII separators: letters, digits, `_`, joiners, non-ASCII.
  inToken: '[^ -&(-\\-/:-@[-^`{-~]',
  anyToken: '[^ -/:-@[-^`{-~]',
  tokenChar: (ch) => /[\p{L}\p{M}\p{N}_'’.]/u.test(ch),
  tokens: (text) => text.match(STANDARD_TOKEN) ?? [],
  lowercase: true,
  wider:
    'the Sigma regex subset has no Unicode letter classes, so the token regex counts only ASCII letters, digits and _ as word characters: it is exact on ASCII text, and also matches where a non-ASCII letter, mark or digit touches the words (Elasticsearch would see one longer token)',
};

/**
 * A pattern analyzer whose separator is a negated class of ASCII characters, `[^...]+`:
 * tokens are runs of the class, which a Sigma regex reproduces exactly.
 */
function patternModel(pattern: string, lowercase: boolean): TokenModel | undefined {
  const m = /^\[\^(.+)\]\+$/.exec(pattern);
  if (!m) return undefined;
  const inner = m[1];
  // Only plain letters/digits/`_`, ranges of them and a final `-` (no escapes, `&&`, classes).
  if (!/^(?:[A-Za-z0-9_](?:-[A-Za-z0-9_])?)*-?$/.test(inner)) return undefined;
  const tokenRe = new RegExp(`[${inner}]+`, 'g');
  const sepRe = new RegExp(`[^${inner}]`);
  const word = `[${inner}]`;
  const sep = `[^${inner}]`;
  return {
    word,
    sep,
    before: `(.*${sep})?`,
    after: `(${sep}.*)?`,
    between: `${sep}+`,
    inToken: word,
    anyToken: word,
    tokenChar: (ch) => !sepRe.test(ch),
    tokens: (text) => text.match(tokenRe) ?? [],
    lowercase,
  };
}

function modelOf(analyzer: Analyzer | undefined): TokenModel | undefined {
  if (analyzer === undefined || analyzer === 'standard') return STANDARD;
  return patternModel(analyzer.pattern, analyzer.lowercase !== false);
}

/** Escape a literal for the Sigma regex subset. */
function lit(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}\/]/g, '\\$&');
}

function uniqueCi(xs: string[], lower: boolean): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of xs) {
    const k = lower ? x.toLowerCase() : x;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
  return out;
}

/** The token-level alternatives (regex bodies) of one pattern; [] = nothing can match. */
function bodies(
  p: Pattern,
  m: TokenModel,
): { bodies: string[]; wildcard: boolean; anyToken?: boolean } {
  if (p.kind === 'eq') {
    const toks = m.tokens(p.text);
    if (toks.length === 0) return { bodies: [], wildcard: false };
    if (p.quoted) return { bodies: [toks.map(lit).join(m.between)], wildcard: false };
    return { bodies: uniqueCi(toks, m.lowercase).map(lit), wildcard: false };
  }
  // A wildcard value: query_string splits it on white space into terms (OR-ed); a term without
  // a wildcard is analysed (any of its tokens), a term with wildcards matches single tokens.
  const chunks = patternChunks(p) ?? [];
  const terms = chunks
    .join('\u0000')
    .split(/\s+/)
    .filter((t) => t !== '')
    .map((t) => t.split('\u0000'));
  const out: string[] = [];
  // `*` alone (a term of wildcards only) matches any token
  if (terms.some((t) => t.every((c) => c === '')))
    return { bodies: [], wildcard: true, anyToken: true };
  for (const term of terms) {
    if (term.length === 1) {
      out.push(...m.tokens(term[0]).map(lit));
      continue;
    }
    // every literal character must be able to sit inside a token
    if (!term.every((c) => Array.from(c).every(m.tokenChar))) continue;
    out.push(term.map(lit).join(`${m.inToken}*`));
  }
  return { bodies: uniqueCi(out, m.lowercase), wildcard: true };
}

/**
 * The token regex for matching `patterns` (OR-ed) on a text field analysed by `analyzer`;
 * undefined when the analyzer has no regex form (siemc then falls back to a declared substring).
 */
export function textRegex(
  patterns: readonly Pattern[],
  analyzer: Analyzer | undefined,
): TextRegex | undefined {
  const m = modelOf(analyzer);
  if (!m) return undefined;
  const all: string[] = [];
  let wildcard = false;
  for (const p of patterns) {
    if (p.kind === 'cidr') return undefined;
    const b = bodies(p, m);
    // some token: the value has a token character (this subsumes every other alternative)
    if (b.anyToken)
      return {
        regex: `^.*${m.anyToken}.*$`,
        flags: ['s'],
        wider:
          m.wider &&
          `${m.wider}; here any token matches, and ${m.anyToken} also accepts control characters, so it is wider on ASCII text too`,
      };
    all.push(...b.bodies);
    wildcard ||= b.wildcard;
  }
  const flags = m.lowercase ? ['i', 's'] : ['s'];
  const alts = uniqueCi(all, m.lowercase);
  if (alts.length === 0) return { regex: undefined, flags, wider: undefined };
  const body = alts.length === 1 ? alts[0] : `(${alts.join('|')})`;
  let wider = m.wider;
  if (wider && wildcard)
    wider +=
      '; a wildcard inside a word may also run over line breaks and other control characters, or over a joining . or apostrophe at the word edge, so it is wider on ASCII text too';
  return { regex: `^${m.before}${body}${m.after}$`, flags, wider };
}
