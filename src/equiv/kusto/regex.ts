/**
 * RE2 (Kusto `matches regex`) to JavaScript RegExp, for the patterns siemc emits and ordinary
 * RE2: leading inline flags `(?s)`, `(?i)`, `(?m)`, `(?U)` are not valid in JS and become flags;
 * `\A` / `\z` become `^` / `$` (valid when `m` is off). RE2 constructs JavaScript lacks (possessive,
 * named groups `(?P<n>...)`) are rewritten or rejected with a clear error.
 */
import { KustoRuntimeError } from './values.js';

const cache = new Map<string, RegExp>();

/** Does the pattern use look-ahead / look-behind (outside escapes and character classes)? */
function hasLookAround(src: string): boolean {
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (src[i + 1] === '^') i++;
      if (src[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && src[i + 1] === '?' && /^(=|!|<=|<!)/.test(src.slice(i + 2))) return true;
  }
  return false;
}

export function re2ToRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let src = pattern;
  let flags = 'u';
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m) {
    for (const f of m[1]) {
      if (f === 'U')
        throw new KustoRuntimeError('RE2 flag (?U) is not supported by the interpreter');
      if (!flags.includes(f)) flags += f;
    }
    src = src.slice(m[0].length);
  }
  if (flags.includes('m') && /\\[Az]/.test(src))
    throw new KustoRuntimeError('\\A / \\z with the m flag is not supported by the interpreter');
  src = src.replace(/\\\\|\\A|\\z|\(\?P</g, (t) =>
    t === '\\A' ? '^' : t === '\\z' ? '$' : t === '(?P<' ? '(?<' : t,
  );
  if (hasLookAround(src))
    throw new KustoRuntimeError(
      `invalid regular expression ${JSON.stringify(pattern)}: RE2 has no look-around ((?=, (?!, (?<=, (?<!)`,
    );
  let re: RegExp;
  try {
    re = new RegExp(src, flags);
  } catch (e) {
    throw new KustoRuntimeError(
      `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`,
    );
  }
  cache.set(pattern, re);
  return re;
}
