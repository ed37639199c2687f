/**
 * Elastic date math: `now`, `now-9m`, `now-7d/d`, `2024-06-01T12:00:00Z`, `2024-06-01||+1M/d`.
 *
 * Semantics follow Elasticsearch / Kibana (`@kbn/datemath`): operations apply left to right to the
 * anchor; `+N<unit>` / `-N<unit>` add or subtract (a missing number means 1), `/<unit>` rounds down
 * to the start of that unit. Calendar arithmetic is in UTC and clamps to the end of the month like
 * Joda-Time and moment (`now-1M` on Mar 31 is Feb 28, or Feb 29 in a leap year). Rounding is in UTC;
 * weeks start on Monday (ISO, as Elasticsearch rounds them).
 *
 * Units: y (years), M (months), w (weeks), d (days), h and H (hours), m (minutes), s (seconds),
 * ms (milliseconds, a Kibana extension).
 */
import type { Diagnostic } from '../diagnostics.js';

export type DateMathUnit = 'y' | 'M' | 'w' | 'd' | 'h' | 'm' | 's' | 'ms';

export type DateMathOp =
  { op: '+' | '-'; amount: number; unit: DateMathUnit } | { op: '/'; unit: DateMathUnit };

export type DateMathAnchor = { kind: 'now' } | { kind: 'absolute'; epochMs: number; text: string };

export interface DateMath {
  text: string;
  anchor: DateMathAnchor;
  ops: DateMathOp[];
}

export type DateMathResult = { ok: true; value: DateMath } | { ok: false; diagnostic: Diagnostic };

/** Raised by the throwing helpers (`resolveDateMath`, `parseDuration`) on malformed input. */
export class DateMathError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.name = 'DateMathError';
  }
}

const UNIT_WORDS: Record<DateMathUnit, string> = {
  y: 'year',
  M: 'month',
  w: 'week',
  d: 'day',
  h: 'hour',
  m: 'minute',
  s: 'second',
  ms: 'millisecond',
};

const HINT =
  'date math is `now` or an ISO timestamp, optionally followed by `+N<unit>`, `-N<unit>` or `/<unit>` ' +
  '(units y M w d h H m s), e.g. `now-9m`, `now-7d/d`, `2024-06-01T00:00:00Z||+1d`';

function bad(text: string, offset: number, message: string): DateMathResult {
  return {
    ok: false,
    diagnostic: {
      severity: 'error',
      code: 'TIME001',
      message: `malformed date math '${text}': ${message}`,
      offset,
      span: { start: offset, end: Math.max(offset + 1, text.length) },
      hint: HINT,
    },
  };
}

/**
 * Strict ISO 8601 / Elasticsearch `strict_date_optional_time`: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, with an
 * optional `T` (or space) time `HH`, `HH:mm`, `HH:mm:ss`, `HH:mm:ss.SSS…`, and an optional zone `Z`,
 * `±HH`, `±HH:mm` or `±HHmm`. Without a zone the time is UTC. Returns epoch ms or undefined.
 */
export function parseIsoTimestamp(text: string): number | undefined {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/.exec(
      text,
    );
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number((m[7] + '00').slice(0, 3)));
  if (month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month - 1)) return undefined;
  if (hour > 24 || minute > 59 || second > 59) return undefined;
  if (hour === 24 && (minute !== 0 || second !== 0 || ms !== 0)) return undefined;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC maps years 0-99 to 1900-1999; undo that.
  if (year < 100) {
    const d = new Date(t);
    d.setUTCFullYear(year);
    t = d.getTime();
  }
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    if (!zm) return undefined;
    const zh = Number(zm[2]);
    const zmin = zm[3] === undefined ? 0 : Number(zm[3]);
    if (zh > 18 || zmin > 59) return undefined;
    const sign = zm[1] === '+' ? 1 : -1;
    t -= sign * (zh * 60 + zmin) * 60_000;
  }
  return t;
}

function readUnit(text: string, i: number): { unit: DateMathUnit; next: number } | undefined {
  const two = text.slice(i, i + 2);
  if (two === 'ms') return { unit: 'ms', next: i + 2 };
  const c = text[i];
  switch (c) {
    case 'y':
    case 'M':
    case 'w':
    case 'd':
    case 'h':
    case 'm':
    case 's':
      return { unit: c, next: i + 1 };
    case 'H':
      return { unit: 'h', next: i + 1 };
    default:
      return undefined;
  }
}

/** Parse date math into its structure, or a diagnostic (offsets relative to `expr`). */
export function parseDateMath(expr: string): DateMathResult {
  const text = expr;
  if (typeof text !== 'string') return bad(String(text), 0, 'not a string');
  if (text.trim() === '') return bad(text, 0, 'empty');
  if (text !== text.trim()) return bad(text, 0, 'leading or trailing white space');
  let anchor: DateMathAnchor;
  let i: number;
  if (text.startsWith('now')) {
    anchor = { kind: 'now' };
    i = 3;
  } else {
    const sep = text.indexOf('||');
    const dateText = sep < 0 ? text : text.slice(0, sep);
    const epochMs = parseIsoTimestamp(dateText);
    if (epochMs === undefined) {
      return bad(text, 0, `'${dateText}' is neither 'now' nor an ISO 8601 timestamp`);
    }
    anchor = { kind: 'absolute', epochMs, text: dateText };
    if (sep < 0) return { ok: true, value: { text, anchor, ops: [] } };
    i = sep + 2;
    if (i >= text.length) return bad(text, sep, "'||' must be followed by date math operations");
  }
  const ops: DateMathOp[] = [];
  while (i < text.length) {
    const opAt = i;
    const c = text[i++];
    if (c !== '+' && c !== '-' && c !== '/') {
      return bad(text, opAt, `unexpected '${c}', expected '+', '-' or '/'`);
    }
    if (i >= text.length) return bad(text, opAt, `'${c}' must be followed by a unit`);
    let amount = 1;
    const numStart = i;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i > numStart) {
      if (c === '/') return bad(text, numStart, "rounding '/' takes a unit only, e.g. '/d'");
      if (i - numStart > 9) return bad(text, numStart, 'number too large');
      amount = Number(text.slice(numStart, i));
    }
    if (i >= text.length) return bad(text, i, `missing unit after '${text.slice(opAt, i)}'`);
    const u = readUnit(text, i);
    if (!u) {
      const what = /\s/.test(text[i])
        ? 'white space where a unit belongs'
        : `unknown unit '${text[i]}'`;
      return bad(text, i, `${what} (units: y M w d h H m s)`);
    }
    i = u.next;
    ops.push(c === '/' ? { op: '/', unit: u.unit } : { op: c, amount, unit: u.unit });
  }
  return { ok: true, value: { text, anchor, ops } };
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month0: number): number {
  return month0 === 1 && isLeap(year) ? 29 : MONTH_DAYS[month0];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Add calendar months in UTC, clamping the day to the end of the target month (Joda / moment). */
function addMonths(t: number, months: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m0 = d.getUTCMonth() + months;
  const ty = y + Math.floor(m0 / 12);
  const tm = ((m0 % 12) + 12) % 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(ty, tm));
  const r = new Date(t);
  r.setUTCFullYear(ty, tm, day);
  return r.getTime();
}

function applyOp(t: number, op: DateMathOp): number {
  if (op.op === '/') return roundDown(t, op.unit);
  const n = op.op === '+' ? op.amount : -op.amount;
  switch (op.unit) {
    case 'y':
      return addMonths(t, 12 * n);
    case 'M':
      return addMonths(t, n);
    case 'w':
      return t + n * 7 * 86_400_000;
    case 'd':
      return t + n * 86_400_000;
    case 'h':
      return t + n * 3_600_000;
    case 'm':
      return t + n * 60_000;
    case 's':
      return t + n * 1000;
    case 'ms':
      return t + n;
  }
}

/** Round down to the start of `unit` in UTC (weeks start on Monday). */
export function roundDown(t: number, unit: DateMathUnit): number {
  const d = new Date(t);
  switch (unit) {
    case 'y':
      d.setUTCMonth(0, 1);
      d.setUTCHours(0, 0, 0, 0);
      break;
    case 'M':
      d.setUTCDate(1);
      d.setUTCHours(0, 0, 0, 0);
      break;
    case 'w': {
      const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
      d.setUTCDate(d.getUTCDate() - dow);
      d.setUTCHours(0, 0, 0, 0);
      break;
    }
    case 'd':
      d.setUTCHours(0, 0, 0, 0);
      break;
    case 'h':
      d.setUTCMinutes(0, 0, 0);
      break;
    case 'm':
      d.setUTCSeconds(0, 0);
      break;
    case 's':
      d.setUTCMilliseconds(0);
      break;
    case 'ms':
      break;
  }
  return d.getTime();
}

/** Evaluate parsed date math at `now`. */
export function evaluateDateMath(dm: DateMath, now: Date): Date {
  let t = dm.anchor.kind === 'now' ? now.getTime() : dm.anchor.epochMs;
  for (const op of dm.ops) t = applyOp(t, op);
  return new Date(t);
}

/** Resolve date math to an absolute time; throws `DateMathError` on malformed input. */
export function resolveDateMath(expr: string, now: Date): Date {
  const r = parseDateMath(expr);
  if (!r.ok) throw new DateMathError(r.diagnostic);
  return evaluateDateMath(r.value, now);
}

/** Human words for a unit, for messages (`M` → "month"). */
export function unitWord(u: DateMathUnit): string {
  return UNIT_WORDS[u];
}

const DURATION_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  H: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

export type DurationResult = { ok: true; ms: number } | { ok: false; diagnostic: Diagnostic };

/**
 * A rule interval / look-back like `5m`, `1h`, `30s`, `2d`: a whole number and one fixed-length unit
 * (ms s m h H d w). Months and years have no fixed length and are rejected.
 */
export function tryParseDuration(text: string): DurationResult {
  const m = /^(\d{1,12})(ms|s|m|h|H|d|w)$/.exec(typeof text === 'string' ? text : '');
  if (!m) {
    const monthish = typeof text === 'string' && /^\d+[yM]$/.test(text);
    return {
      ok: false,
      diagnostic: {
        severity: 'error',
        code: 'TIME002',
        message: monthish
          ? `malformed duration '${text}': months and years have no fixed length`
          : `malformed duration '${String(text)}'`,
        offset: 0,
        hint: 'a duration is a whole number and a unit: ms, s, m, h, d or w, e.g. `5m`, `1h`',
      },
    };
  }
  return { ok: true, ms: Number(m[1]) * DURATION_MS[m[2]] };
}

/** Duration in milliseconds; throws `DateMathError` on malformed input. */
export function parseDuration(text: string): number {
  const r = tryParseDuration(text);
  if (!r.ok) throw new DateMathError(r.diagnostic);
  return r.ms;
}

/** Shortest exact duration text for ms (`300000` → `5m`). */
export function formatDuration(ms: number): string {
  for (const [u, f] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms !== 0 && ms % f === 0) return `${ms / f}${u}`;
  }
  return `${ms}ms`;
}
