/**
 * Text analysis for `text` / `match_only_text` fields.
 *
 * `standard` approximates Lucene's StandardTokenizer (Unicode UAX #29 word boundaries) followed by
 * lower-casing: a token is a run of letters, marks, digits and `_`, which may continue across a
 * single `.`, `'` or `’` between two such characters (`example.com`, `dog's`, `1.5` are one token).
 * Known simplifications: ideographic characters are not split one per token, and `,` between
 * digits splits. A pattern analyzer splits on a separator regex and lower-cases.
 */
import type { Analyzer } from '../schema/types.js';

const STANDARD = /[\p{L}\p{M}\p{N}_]+(?:['’.][\p{L}\p{M}\p{N}_]+)*/gu;

export type Tokenizer = (text: string) => string[];

export function tokenizer(analyzer: Analyzer | undefined): Tokenizer {
  if (analyzer === undefined || analyzer === 'standard') {
    return (text) => {
      const out: string[] = [];
      STANDARD.lastIndex = 0;
      for (let m = STANDARD.exec(text); m !== null; m = STANDARD.exec(text))
        out.push(m[0].toLowerCase());
      return out;
    };
  }
  const sep = new RegExp(analyzer.pattern, 'u');
  const lower = analyzer.lowercase !== false;
  return (text) => {
    const out: string[] = [];
    for (const t of text.split(sep)) if (t !== '') out.push(lower ? t.toLowerCase() : t);
    return out;
  };
}

/** Does the token list contain `phrase` as a contiguous run? */
export function containsPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  const n = phrase.length;
  if (n === 0) return false;
  outer: for (let i = 0; i + n <= tokens.length; i++) {
    for (let j = 0; j < n; j++) if (tokens[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}
