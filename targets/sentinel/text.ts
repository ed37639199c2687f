/**
 * Kusto lexical helpers: string literals (regular with the escapes Kusto accepts, or verbatim
 * `@"..."` when that reads better), identifiers and dynamic property paths.
 */

/** A regular Kusto string literal: `\\`, `\"`, `\t`, `\n`, `\r` and `\uXXXX` for other controls. */
export function kstr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029)
      out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** A literal for a regular expression: verbatim `@"..."` (backslashes kept, `"` doubled) unless it has line breaks. */
export function kregex(pattern: string): string {
  if (/[\r\n\u0000-\u001f]/.test(pattern)) return kstr(pattern);
  return '@"' + pattern.replace(/"/g, '""') + '"';
}

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Words Kusto reserves: as a column or property name they must be bracketed (`['as']`). */
const KEYWORDS = new Set(
  (
    'access and as asc between bool by consume contains count datatable datetime decimal declare default desc distinct ' +
    'double dynamic evaluate extend externaldata facet false filter find fork from getschema guid has in int invoke ' +
    'join kind let limit long lookup not null of on or order parse partition print project range real reduce render ' +
    'restrict sample scan search serialize set sort step string summarize take timespan to top true typeof union ' +
    'where with title xtitle ytitle legend series accumulate ysplit xcolumn ycolumns xaxis yaxis'
  ).split(' '),
);
const IDENT = { test: (s: string) => IDENT_RE.test(s) && !KEYWORDS.has(s) };

/** A column name: bare when it is an identifier, else `['...']`. */
export function kident(name: string): string {
  return IDENT.test(name) ? name : `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** Property access on a dynamic value: `.name` or `['odd name']`. */
export function kmember(base: string, key: string): string {
  return IDENT.test(key)
    ? `${base}.${key}`
    : `${base}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** RE2 pattern for KQL wildcard chunks (`*` = any sequence, line breaks included), anchored. */
export function wildcardRegex(chunks: readonly string[]): string {
  const esc = (t: string) => t.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  return '(?s)^' + chunks.map(esc).join('.*') + '$';
}

/** A Kusto number literal from decimal text (`+5` → `5`, `1e3` stays valid). */
export function knumber(text: string): string {
  const t = text.trim().replace(/^\+/, '');
  return /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)
    ? t.replace(/^(-?)\./, '$10.').replace(/\.$/, '.0')
    : String(Number(t));
}
