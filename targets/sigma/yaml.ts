/**
 * A small, deterministic YAML writer for Sigma rules, written the way SigmaHQ rules are written:
 * block style, 4-space indentation, plain scalars where they are unambiguous, single quotes
 * otherwise, literal blocks (`|`) for multi-line prose, and never double-quoted escape sequences.
 *
 * Every string written here loads back to exactly the same string with a YAML 1.1 loader
 * (PyYAML, the `yaml` package with `version: '1.1'`) and a YAML 1.2 loader: words that YAML 1.1
 * resolves to booleans/nulls (`yes`, `no`, `on`, `off`, `y`, `n`, `~`, `null`, ...), anything
 * number-, date- or sexagesimal-looking (`007`, `0x1F`, `1:20`, `2024-01-01`, `1e3`, `.5`), and
 * text with indicators (`*`, `&`, `!`, `:`, `#`, quotes, leading `-`/`?`/`%`/`@`) are quoted.
 *
 * Characters that YAML cannot hold outside double-quoted escapes (control characters, line
 * breaks inside a value, U+0085/U+2028/U+2029, lone surrogates) make `canSingleQuote` false; the
 * Sigma emitter then switches the value to a `|re` regex with escapes instead.
 */

export type YamlScalar = string | number | boolean | null;

export interface YamlMap {
  kind: 'map';
  entries: [string, YamlValue][];
}

export interface YamlSeq {
  kind: 'seq';
  items: YamlValue[];
}

/** A string written as a literal block (`|`), for multi-line prose such as descriptions. */
export interface YamlBlock {
  kind: 'block';
  text: string;
}

export type YamlValue = YamlScalar | YamlMap | YamlSeq | YamlBlock;

export function ymap(entries: [string, YamlValue | undefined][]): YamlMap {
  return {
    kind: 'map',
    entries: entries.filter((e): e is [string, YamlValue] => e[1] !== undefined),
  };
}

export function yseq(items: YamlValue[]): YamlSeq {
  return { kind: 'seq', items };
}

const INDENT = '    ';

/** Words YAML 1.1 (and 1.2 core) resolve to booleans or null, compared case-insensitively. */
const SPECIAL_WORDS = new Set([
  'y',
  'n',
  'yes',
  'no',
  'on',
  'off',
  'true',
  'false',
  'null',
  '~',
  '',
]);

/** Conservative plain-scalar form: starts with a letter, `_` or `/`; no indicators anywhere. */
const PLAIN_VALUE = /^[A-Za-z_/][A-Za-z0-9_./ ()$@%+,;=^-]*$/;
/** Plain mapping keys: field names with modifiers (`process.name|contains|cased`). */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.|@/-]*$/;

/**
 * True when `s` may be written as a single-quoted scalar and load back unchanged: only printable
 * characters that YAML does not treat as line breaks (TAB is fine inside quotes).
 */
export function canSingleQuote(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x09) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false; // C0/C1 controls, DEL, NEL (0x85)
    if (c === 0x2028 || c === 0x2029) return false; // line/paragraph separators
    if (c === 0xfffe || c === 0xffff) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/**
 * Digit-first words such as `3h`, `10m`, `4688a`: plain when they hold a letter that no YAML 1.1
 * number, date or sexagesimal form can contain (not a-f, e, o, x, b: hex, exponent, radix prefixes).
 */
const PLAIN_DIGIT_WORD = /^[0-9][A-Za-z0-9_]*$/;
const NON_NUMERIC_LETTER = /[g-np-wyzG-NP-WYZ]/;

function isPlainValue(s: string): boolean {
  if (PLAIN_DIGIT_WORD.test(s) && NON_NUMERIC_LETTER.test(s)) return true;
  if (!PLAIN_VALUE.test(s)) return false;
  if (s.endsWith(' ')) return false;
  if (SPECIAL_WORDS.has(s.toLowerCase())) return false;
  return true;
}

function isPlainKey(s: string): boolean {
  return PLAIN_KEY.test(s) && !SPECIAL_WORDS.has(s.toLowerCase());
}

function singleQuote(s: string): string {
  if (!canSingleQuote(s)) {
    throw new Error(`internal: value cannot be written without escapes: ${JSON.stringify(s)}`);
  }
  return `'${s.replace(/'/g, "''")}'`;
}

/** Format a string scalar (inline): plain when unambiguous, else single-quoted. */
export function formatString(s: string): string {
  return isPlainValue(s) ? s : singleQuote(s);
}

export function formatKey(s: string): string {
  return isPlainKey(s) ? s : singleQuote(s);
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`internal: cannot write non-finite number ${n}`);
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? String(n) : n.toFixed(0);
  // YAML 1.1 floats need a dot; JS may print 1e-7: write a plain decimal instead.
  let t = String(n);
  if (/e/i.test(t)) t = n.toFixed(20).replace(/0+$/, '');
  return t;
}

export function formatScalar(v: YamlScalar): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  return formatString(v);
}

/** Can `s` be written as a literal block that loads back exactly? */
function blockable(s: string): boolean {
  if (!canSingleQuote(s.replace(/\n/g, ''))) return false;
  if (s.includes('\r')) return false;
  return true;
}

function formatBlock(text: string, indent: string): string[] {
  // Chomping: `-` strips the final newline, none keeps one, `+` keeps all.
  const m = /\n*$/.exec(text);
  const trailing = m ? m[0].length : 0;
  const body = text.slice(0, text.length - trailing);
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const lines = body.split('\n');
  // Auto-detected indentation fails when the first line is empty or starts with white space.
  const needsIndicator = !/^[^ \t]/.test(lines[0] ?? '');
  const header = `|${needsIndicator ? String(INDENT.length) : ''}${chomp}`;
  const out = [header];
  for (const l of lines) out.push(l.length === 0 ? '' : indent + l);
  for (let i = 1; i < trailing; i++) out.push('');
  return out;
}

function isEmptyCollection(v: YamlValue): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    ((v.kind === 'map' && v.entries.length === 0) || (v.kind === 'seq' && v.items.length === 0))
  );
}

function inlineEmpty(v: YamlMap | YamlSeq): string {
  return v.kind === 'map' ? '{}' : '[]';
}

function isScalar(v: YamlValue): v is YamlScalar {
  return v === null || typeof v !== 'object';
}

function writeEntries(map: YamlMap, indent: string, out: string[], firstPrefix?: string): void {
  map.entries.forEach(([k, v], i) => {
    const lead = i === 0 && firstPrefix !== undefined ? firstPrefix : indent;
    const key = formatKey(k);
    if (isScalar(v)) {
      out.push(`${lead}${key}: ${formatScalar(v)}`);
    } else if (v.kind === 'block') {
      if (!v.text.includes('\n') && canSingleQuote(v.text)) {
        out.push(`${lead}${key}: ${formatString(v.text)}`);
      } else {
        const lines = formatBlock(v.text, indent + INDENT);
        out.push(`${lead}${key}: ${lines[0]}`);
        out.push(...lines.slice(1));
      }
    } else if (isEmptyCollection(v)) {
      out.push(`${lead}${key}: ${inlineEmpty(v)}`);
    } else {
      out.push(`${lead}${key}:`);
      writeValue(v, indent + INDENT, out);
    }
  });
}

function writeSeq(seq: YamlSeq, indent: string, out: string[]): void {
  for (const item of seq.items) {
    if (isScalar(item)) {
      out.push(`${indent}- ${formatScalar(item)}`);
    } else if (item.kind === 'block') {
      out.push(`${indent}- ${formatString(item.text)}`);
    } else if (isEmptyCollection(item)) {
      out.push(`${indent}- ${inlineEmpty(item)}`);
    } else if (item.kind === 'map') {
      // "- key: value" with the following keys aligned under the first.
      writeEntries(item, indent + '  ', out, `${indent}- `);
    } else {
      out.push(`${indent}-`);
      writeSeq(item, indent + INDENT, out);
    }
  }
}

function writeValue(v: YamlMap | YamlSeq, indent: string, out: string[]): void {
  if (v.kind === 'map') writeEntries(v, indent, out);
  else writeSeq(v, indent, out);
}

/** Serialise one YAML document (a top-level map). Ends with a newline. */
export function writeYaml(doc: YamlMap): string {
  const out: string[] = [];
  writeEntries(doc, '', out);
  return out.join('\n') + '\n';
}

/** Several documents in one stream, separated by `---` (Sigma correlation files). */
export function writeYamlDocuments(docs: YamlMap[]): string {
  return docs.map((d) => writeYaml(d)).join('---\n');
}

export { blockable as canWriteBlock };

/** The plain JavaScript value a YAML loader gives back for a written value. */
export function toJs(v: YamlValue): unknown {
  if (v === null || typeof v !== 'object') return v;
  switch (v.kind) {
    case 'map':
      return Object.fromEntries(v.entries.map(([k, x]) => [k, toJs(x)]));
    case 'seq':
      return v.items.map(toJs);
    case 'block':
      return v.text;
  }
}
