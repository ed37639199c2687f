/**
 * `*`-only wildcard matching in linear-ish time, with no regular expressions: the first chunk must
 * be a prefix, the last a suffix, and the chunks in between are found left to right with indexOf
 * (the leftmost occurrence is always the best choice when `*` is the only metacharacter, so no
 * backtracking is ever needed).
 */
export type StringTest = (s: string) => boolean;

/** A matcher for the pattern `chunks[0] * chunks[1] * … * chunks[n-1]` (n >= 2). */
export function wildcardMatcher(chunks: readonly string[]): StringTest {
  const n = chunks.length;
  if (n < 2) {
    const only = chunks[0] ?? '';
    return (s) => s === only;
  }
  const first = chunks[0];
  const last = chunks[n - 1];
  const middle = chunks.slice(1, n - 1).filter((c) => c.length > 0);
  const minLen = first.length + last.length + middle.reduce((a, c) => a + c.length, 0);
  if (middle.length === 0) {
    if (first === '' && last === '') return () => true;
    if (last === '') return (s) => s.startsWith(first);
    if (first === '') return (s) => s.endsWith(last);
    return (s) => s.length >= minLen && s.startsWith(first) && s.endsWith(last);
  }
  if (middle.length === 1 && first === '' && last === '') {
    const m = middle[0];
    return (s) => s.includes(m);
  }
  return (s) => {
    if (s.length < minLen) return false;
    if (!s.startsWith(first)) return false;
    const end = s.length - last.length;
    if (!s.endsWith(last)) return false;
    let pos = first.length;
    for (let i = 0; i < middle.length; i++) {
      const c = middle[i];
      const at = s.indexOf(c, pos);
      if (at < 0 || at + c.length > end) return false;
      pos = at + c.length;
    }
    return true;
  };
}

/** Does `s` match the wildcard pattern? (one-off use; compile with wildcardMatcher for loops) */
export function matchWildcard(chunks: readonly string[], s: string): boolean {
  return wildcardMatcher(chunks)(s);
}
