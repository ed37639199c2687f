/**
 * RE2 (Kusto `matches regex`) to JavaScript RegExp, for the patterns siemc emits and ordinary
 * RE2: leading inline flags `(?s)`, `(?i)`, `(?m)`, `(?U)` are not valid in JS and become flags;
 * `\A` / `\z` become `^` / `$` (valid when `m` is off). RE2 constructs JavaScript lacks (possessive,
 * named groups `(?P<n>...)`) are rewritten or rejected with a clear error.
 */
import { KustoRuntimeError } from './values.js';

const cache = new Map<string, RegExp>();

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
