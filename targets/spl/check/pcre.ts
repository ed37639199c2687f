/**
 * The PCRE subset siemc writes in `mvfind` / `match` / `regex` / `rex`, converted to a JavaScript
 * RegExp (used by the checker to validate patterns and by the SPL interpreter to run them).
 * Supported beyond JS syntax: `\z` / `\Z` / `\A` anchors, leading inline flags `(?i)`, `(?s)`,
 * `(?m)`, `(?x)` is rejected. Anything JavaScript cannot compile is reported as an error.
 */
export type PcreResult = { ok: true; regex: RegExp } | { ok: false; message: string };

export function pcreToJs(pattern: string): PcreResult {
  let flags = 'u';
  let body = pattern;
  const lead = /^\(\?([imsx]+)\)/.exec(body);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'x') return { ok: false, message: 'the (?x) extended flag is not supported' };
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(lead[0].length);
  }
  // translate PCRE-only escapes outside character classes
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const n = body[i + 1];
      if (n === undefined) return { ok: false, message: 'pattern ends with a lone backslash' };
      if (!inClass && n === 'z') out += '$';
      else if (!inClass && n === 'Z') out += '(?=\\n?$)';
      else if (!inClass && n === 'A') out += '^';
      else out += c + n;
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  try {
    return {
      ok: true,
      regex: new RegExp(out, flags.replace('m', '') + (flags.includes('m') ? 'm' : '')),
    };
  } catch (e) {
    try {
      return { ok: true, regex: new RegExp(out, flags.replace('u', '')) };
    } catch {
      return { ok: false, message: (e as Error).message };
    }
  }
}
