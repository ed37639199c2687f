/**
 * Sigma string values as matchers (Sigma specification v2, "String Wildcard" and "Escaping"),
 * written independently of the emitter's encoder so the two check each other.
 *
 * `*` matches any sequence (line breaks included), `?` exactly one character; `\` followed by
 * `*`, `?` or `\` makes that character literal; a backslash before anything else is literal.
 */

export type SigmaPiece = { lit: string } | { any: true } | { one: true };

export function decodeSigmaString(s: string): SigmaPiece[] {
  const out: SigmaPiece[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) out.push({ lit });
    lit = '';
  };
  const chars = Array.from(s);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '\\') {
      const next = chars[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        lit += next;
        i++;
      } else {
        lit += '\\';
      }
    } else if (ch === '*') {
      flush();
      out.push({ any: true });
    } else if (ch === '?') {
      flush();
      out.push({ one: true });
    } else {
      lit += ch;
    }
  }
  flush();
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}\/]/g, '\\$&');
}

export interface StringMatcher {
  test(value: string): boolean;
}

/**
 * Compile decoded pieces (with `prefixAny` / `suffixAny` added by contains/startswith/endswith)
 * into a whole-value matcher.
 */
export function compilePieces(pieces: readonly SigmaPiece[], cased: boolean): StringMatcher {
  const hasWildcard = pieces.some((p) => !('lit' in p));
  if (!hasWildcard) {
    const text = pieces.map((p) => ('lit' in p ? p.lit : '')).join('');
    if (cased) return { test: (v) => v === text };
    const low = text.toLowerCase();
    return { test: (v) => v.toLowerCase() === low };
  }
  const src = pieces
    .map((p) => ('lit' in p ? escapeRegex(p.lit) : 'any' in p ? '[\\s\\S]*' : '[\\s\\S]'))
    .join('');
  const re = new RegExp('^' + src + '$', cased ? 'u' : 'iu');
  return { test: (v) => re.test(v) };
}
