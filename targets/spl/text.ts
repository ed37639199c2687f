/**
 * Elastic `text` fields in SPL. Elasticsearch analyses them (standard analyzer: word tokens,
 * lower-cased), so `f:"a b"` is a phrase query, `f:a b` matches any of the tokens, and wildcard
 * terms match single tokens. SPL has no analyzer: a case-insensitive PCRE with token boundaries
 * reproduces the evaluator's tokenizer (letters, marks, digits and `_`, joined across a single
 * `.`, `'` or `’`), and a case-insensitive wildcard search is the sound pre-filter.
 */
import { tokenizer } from '../../src/eval/text.js';
import type { Analyzer } from '../../src/schema/types.js';
import type { Pattern } from '../core/ir.js';
import { patternChunks } from '../core/lower/classify.js';

const T = '[\\p{L}\\p{M}\\p{N}_]';
const J = "['’.]";
const START = `(?<!${T})(?<!${T}${J})`;
const END = `(?!${T})(?!${J}${T})`;
const SEP = `(?!${J}${T})[^\\p{L}\\p{M}\\p{N}_]+`;
const IN_TOKEN = `(?:${T}|(?<=${T})${J}(?=${T}))*`;
const TOKEN_CHARS = /^[\p{L}\p{M}\p{N}_'’.]*$/u;

const standard = tokenizer(undefined);

function lit(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, (c) =>
    c === '\\' ? '\\x5c' : c === '.' ? '[.]' : `\\${c}`,
  );
}

/** Query terms of a wildcard value on a text field: chunks split on white space, lower-cased. */
function wildcardTerms(chunks: readonly string[], lower = true): string[][] {
  return chunks
    .join('\u0000')
    .split(/\s+/)
    .filter((t) => t !== '')
    .map((t) => t.split('\u0000').map((c) => (lower ? c.toLowerCase() : c)));
}

/**
 * A pattern analyzer whose separator is one negated character class (`[^A-Za-z0-9_-]+`, as the
 * Windows integration maps `powershell.file.script_block_text`): tokens are the maximal runs of
 * the class's characters. `undefined` for any other separator.
 */
function tokenClass(
  a: Analyzer | undefined,
): { T: string; NT: string; lower: boolean } | undefined {
  if (a === undefined || a === 'standard') return undefined;
  const m = /^\[\^((?:[^\]\\]|\\.)+)\]\+$/.exec(a.pattern);
  if (!m) return undefined;
  return { T: `[${m[1]}]`, NT: `[^${m[1]}]`, lower: a.lowercase !== false };
}

/** Can the SPL express this analyzer's matching exactly? (standard, or a negated-class pattern) */
export function analyzerSupported(a: Analyzer | undefined): boolean {
  return a === undefined || a === 'standard' || tokenClass(a) !== undefined;
}

/** PCRE for a pattern-analyzer text match (tokens = runs of the class). */
function patternRegex(p: Pattern, a: Analyzer): string | undefined {
  const tc = tokenClass(a)!;
  const tok = tokenizer(a);
  const flags = tc.lower ? '(?i)' : '';
  const start = `(?<!${tc.T})`;
  const end = `(?!${tc.T})`;
  if (p.kind === 'cidr') return undefined;
  if (p.kind === 'eq') {
    const toks = tok(p.text);
    if (toks.length === 0) return undefined;
    if (p.quoted) return `${flags}${start}${toks.map(lit).join(`${tc.NT}+`)}${end}`;
    return `${flags}${start}(?:${[...new Set(toks)].map(lit).join('|')})${end}`;
  }
  const alts: string[] = [];
  for (const term of wildcardTerms(patternChunks(p)!, tc.lower)) {
    if (term.length === 1) for (const t of tok(term[0])) alts.push(lit(t));
    else alts.push(term.map(lit).join(`${tc.T}*`));
  }
  if (alts.length === 0) return undefined;
  return `${flags}${start}(?:${alts.join('|')})${end}`;
}

/** Case-insensitive PCRE for a text-field match, or undefined when nothing can match. */
export function textRegex(p: Pattern, analyzer?: Analyzer): string | undefined {
  if (analyzer !== undefined && analyzer !== 'standard' && tokenClass(analyzer))
    return patternRegex(p, analyzer);
  if (p.kind === 'cidr') return undefined;
  if (p.kind === 'eq') {
    const toks = standard(p.text);
    if (toks.length === 0) return undefined;
    if (p.quoted) return `(?i)${START}${toks.map(lit).join(SEP)}${END}`;
    return `(?i)${START}(?:${[...new Set(toks)].map(lit).join('|')})${END}`;
  }
  const alts: string[] = [];
  const terms = wildcardTerms(patternChunks(p)!);
  // a bare `*` term matches any token: the value has at least one token character
  if (terms.some((t) => t.every((c) => c === ''))) return `${T}`;
  for (const term of terms) {
    if (term.length === 1) {
      for (const t of standard(term[0])) alts.push(lit(t));
    } else if (term.every((c) => TOKEN_CHARS.test(c))) {
      alts.push(term.map(lit).join(IN_TOKEN));
    }
  }
  if (alts.length === 0) return undefined;
  return `(?i)${START}(?:${alts.join('|')})${END}`;
}

/** Search-string patterns (OR-ed) that contain every value the text match accepts. */
export function textSearchPatterns(p: Pattern, analyzer?: Analyzer): string[] | undefined {
  if (p.kind === 'cidr') return undefined;
  if (analyzer !== undefined && analyzer !== 'standard' && tokenClass(analyzer)) {
    // tokens are substrings of the value: `*tok1*tok2*` holds every match (search ignores case)
    const tok = tokenizer(analyzer);
    if (p.kind === 'eq') {
      const toks = tok(p.text);
      if (toks.length === 0) return undefined;
      return p.quoted ? [`*${toks.join('*')}*`] : [...new Set(toks)].map((t) => `*${t}*`);
    }
    const out: string[] = [];
    for (const term of wildcardTerms(patternChunks(p)!)) {
      if (term.length === 1) for (const t of tok(term[0])) out.push(`*${t}*`);
      else out.push(`*${term.join('*')}*`.replace(/\*+/g, '*'));
    }
    return out.length ? [...new Set(out)] : undefined;
  }
  if (p.kind === 'eq') {
    const toks = standard(p.text);
    if (toks.length === 0) return undefined;
    if (p.quoted) return [`*${toks.join('*')}*`];
    return [...new Set(toks)].map((t) => `*${t}*`);
  }
  const out: string[] = [];
  for (const term of wildcardTerms(patternChunks(p)!)) {
    if (term.length === 1) for (const t of standard(term[0])) out.push(`*${t}*`);
    else if (term.every((c) => TOKEN_CHARS.test(c)))
      out.push(`*${term.join('*')}*`.replace(/\*+/g, '*'));
  }
  return out.length ? [...new Set(out)] : undefined;
}
