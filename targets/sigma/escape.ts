/**
 * Sigma string values: wildcards and escaping (Sigma specification v2, "Escaping").
 *
 * In a Sigma string `*` matches any sequence, `?` one character, and `\` escapes `*`, `?` and
 * itself; a backslash before any other character is literal. So:
 * - a literal `*` / `?` is written `\*` / `\?`;
 * - a literal `\` is written `\\` when the next written character is `*`, `?` or `\`, or when it
 *   ends the value (a modifier such as `contains` adds a wildcard right after it, and a lone
 *   trailing backslash would escape it in backends that splice text), and `\` otherwise, as
 *   SigmaHQ rules do (`C:\Users\\*\Desktop\\*`).
 *
 * KQL has only the `*` wildcard; `?` is always literal there.
 */

/** A match pattern: literal text pieces and `*` wildcards (`WILDCARD`). */
export const WILDCARD = Symbol('wildcard');
export type PatternPart = string | typeof WILDCARD;

/** Build a pattern from KQL wildcard chunks (`['ab', 'c']` is `ab*c`). */
export function patternFromChunks(chunks: readonly string[]): PatternPart[] {
  const out: PatternPart[] = [];
  chunks.forEach((c, i) => {
    if (i > 0) out.push(WILDCARD);
    if (c.length > 0) out.push(c);
  });
  return out;
}

/** Encode a pattern as a Sigma string value (before YAML quoting). */
export function encodeSigmaPattern(parts: readonly PatternPart[]): string {
  // Flatten to a sequence of {ch, wildcard} to look one character ahead.
  const seq: { ch: string; wild: boolean }[] = [];
  for (const p of parts) {
    if (p === WILDCARD) seq.push({ ch: '*', wild: true });
    else for (const ch of p) seq.push({ ch, wild: false });
  }
  let out = '';
  for (let i = 0; i < seq.length; i++) {
    const { ch, wild } = seq[i];
    if (wild) {
      out += '*';
    } else if (ch === '*' || ch === '?') {
      out += '\\' + ch;
    } else if (ch === '\\') {
      const next = seq[i + 1];
      // The next written character starts with `*`, `?` or `\` in every case except a plain char.
      const special =
        next === undefined || next.wild || next.ch === '*' || next.ch === '?' || next.ch === '\\';
      out += special ? '\\\\' : '\\';
    } else {
      out += ch;
    }
  }
  return out;
}

/** Encode a literal string (no wildcards) as a Sigma value. */
export function encodeSigmaLiteral(s: string): string {
  return encodeSigmaPattern(s.length > 0 ? [s] : []);
}

/** Escape a literal string for use inside a regular expression (PCRE / RE2 / JS common subset). */
export function escapeRegexLiteral(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (/[\\^$.|?*+()[\]{}]/.test(ch)) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0xff)) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out;
}

/** A character inside a regex class `[...]`, or undefined when it has no portable form. */
function classChar(cp: number): string | undefined {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp >= 0xd800) return undefined; // surrogates and above: UTF-16 and code point order differ
  const ch = String.fromCharCode(cp);
  if (ch === '\\' || ch === ']' || ch === '[' || ch === '^' || ch === '-') return '\\' + ch;
  if (cp === 0x2028 || cp === 0x2029) return undefined;
  return ch;
}

/**
 * A regex (for `|re|s`) that accepts exactly the strings `s` with `s <op> bound` in Elasticsearch's
 * keyword order (UTF-8 bytes, i.e. code points), within the Sigma regex subset: `s < b` when `s` is
 * a proper prefix of `b` or, at the first difference, has a smaller character. Undefined when a
 * bound character is outside the Basic Multilingual Plane's lower part (>= U+D800), where UTF-16
 * regex engines and code point order disagree.
 */
export function keywordRangeRegex(
  op: 'lt' | 'lte' | 'gt' | 'gte',
  bound: string,
): string | undefined {
  const cps = Array.from(bound).map((c) => c.codePointAt(0) ?? 0);
  if (cps.some((c) => c >= 0xd800)) return undefined;
  const alts: string[] = [];
  let prefix = '';
  for (let i = 0; i < bound.length; i++) {
    const cp = cps[i];
    if (op === 'lt' || op === 'lte') {
      // the prefix alone (a proper prefix of the bound), or the prefix and a smaller character
      const below = cp > 0 ? classChar(cp - 1) : undefined;
      if (cp > 0 && below === undefined) return undefined;
      alts.push(cp > 0 ? `${prefix}([\\x00-${below}].*)?$` : `${prefix}$`);
    } else {
      const at = classChar(cp);
      if (at === undefined) return undefined;
      alts.push(`${prefix}[^\\x00-${at}].*$`);
    }
    prefix += escapeRegexLiteral(bound[i]);
  }
  if (op === 'lte') alts.push(`${prefix}$`);
  if (op === 'gt') alts.push(`${prefix}.+$`);
  if (op === 'gte') alts.push(`${prefix}.*$`);
  if (alts.length === 0) return undefined; // `< ""`: nothing
  return `^(${alts.join('|')})`;
}
