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
