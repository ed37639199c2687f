/**
 * SPL lexical rules: string literals, field-name quoting (different in `search`, in command
 * arguments and in `where`/`eval`), PCRE pattern building, relative time modifiers.
 */
import { parseDateMath, type DateMathUnit } from '../../src/time/index.js';

/** A double-quoted SPL string: `\` and `"` escaped with a backslash (search and eval alike). */
export function splString(text: string): string {
  return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

const PLAIN_SEARCH_FIELD = /^[A-Za-z_][A-Za-z0-9_.]*(\{\}[A-Za-z0-9_.]*)*$/;
const PLAIN_EVAL_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A field name in `search` and in command arguments: double-quoted unless a plain dotted word
 * (JSON array paths like `Actor{}.Type` included).
 */
export function searchField(name: string): string {
  return PLAIN_SEARCH_FIELD.test(name) ? name : splString(name);
}

/** A field name inside `where`/`eval`: single-quoted unless a plain word (`.` is concatenation there). */
export function evalField(name: string): string {
  return PLAIN_EVAL_FIELD.test(name)
    ? name
    : "'" + name.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

/**
 * Escape literal text for a PCRE pattern, avoiding backslashes where a character class does the
 * job (the pattern then goes into an SPL string, which doubles every backslash).
 */
export function pcreLiteral(text: string): string {
  let out = '';
  for (const ch of text) {
    switch (ch) {
      case '.':
      case '*':
      case '+':
      case '?':
      case '$':
      case '|':
      case '(':
      case ')':
      case '{':
      case '}':
        out += `[${ch}]`;
        break;
      case '\\':
        out += '\\x5c';
        break;
      case '[':
        out += '\\x5b';
        break;
      case ']':
        out += '\\x5d';
        break;
      case '^':
        out += '\\x5e';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default: {
        const c = ch.codePointAt(0)!;
        out += c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
      }
    }
  }
  return out;
}

/**
 * An anchored PCRE pattern for a whole value made of literal chunks joined by "any run of
 * characters" (line breaks included). `\z` anchors at the very end (`$` would also match before
 * a final newline).
 */
export function pcreWhole(chunks: readonly string[]): string {
  const body = chunks.map(pcreLiteral).join('[\\s\\S]*');
  return `^${body}\\z`;
}

/** Anchored alternation of literal values. */
export function pcreAlternatives(values: readonly string[]): string {
  if (values.length === 1) return pcreWhole([values[0]]);
  return `^(?:${values.map(pcreLiteral).join('|')})\\z`;
}

const UNIT: Record<DateMathUnit, string | undefined> = {
  y: 'y',
  M: 'mon',
  w: 'w',
  d: 'd',
  h: 'h',
  m: 'm',
  s: 's',
  ms: undefined,
};

export type RelativeTime =
  { ok: true; text: string; epoch?: number } | { ok: false; reason: string };

/**
 * Elastic date math → Splunk time modifier: `now-9m` → `-9m`, `now-7d/d` → `-7d@d`,
 * `now/w` → `@w1` (Elastic weeks start on Monday), an ISO date → epoch seconds.
 */
export function relativeTime(expr: string): RelativeTime {
  const r = parseDateMath(expr);
  if (!r.ok) return { ok: false, reason: r.diagnostic.message };
  const dm = r.value;
  let out = '';
  let epoch: number | undefined;
  if (dm.anchor.kind === 'absolute') {
    if (dm.ops.length > 0)
      return { ok: false, reason: `date math on an absolute date ('${expr}') has no Splunk form` };
    epoch = Math.floor(dm.anchor.epochMs / 1000);
    return { ok: true, text: String(epoch), epoch };
  }
  let snapped = false;
  for (const op of dm.ops) {
    const u = UNIT[op.unit];
    if (!u)
      return { ok: false, reason: `Splunk time modifiers have no millisecond unit ('${expr}')` };
    if (op.op === '/') {
      if (snapped) return { ok: false, reason: `more than one rounding in '${expr}'` };
      out += '@' + (u === 'w' ? 'w1' : u);
      snapped = true;
    } else {
      if (snapped)
        return { ok: false, reason: `an offset after rounding in '${expr}' has no Splunk form` };
      out += `${op.op}${op.amount}${u}`;
    }
  }
  return { ok: true, text: out === '' ? 'now' : out };
}
