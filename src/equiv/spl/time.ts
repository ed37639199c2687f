/**
 * Splunk relative time modifiers (`-9m`, `-7d@d`, `@w1`, `now`, epoch seconds), resolved in UTC.
 */
export class SplTimeError extends Error {}

const UNIT_ALIASES: Record<string, string> = {
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
  w: 'w',
  week: 'w',
  weeks: 'w',
  mon: 'mon',
  month: 'mon',
  months: 'mon',
  q: 'q',
  qtr: 'q',
  quarter: 'q',
  y: 'y',
  yr: 'y',
  year: 'y',
  years: 'y',
};

function addUnit(ms: number, n: number, unit: string): number {
  const d = new Date(ms);
  switch (unit) {
    case 's':
      return ms + n * 1000;
    case 'm':
      return ms + n * 60_000;
    case 'h':
      return ms + n * 3_600_000;
    case 'd':
      return ms + n * 86_400_000;
    case 'w':
      return ms + n * 7 * 86_400_000;
    case 'mon':
    case 'q':
    case 'y': {
      const months = n * (unit === 'mon' ? 1 : unit === 'q' ? 3 : 12);
      const y = d.getUTCFullYear();
      const m0 = d.getUTCMonth() + months;
      const ty = y + Math.floor(m0 / 12);
      const tm = ((m0 % 12) + 12) % 12;
      const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
      const r = new Date(ms);
      r.setUTCFullYear(ty, tm, Math.min(d.getUTCDate(), last));
      return r.getTime();
    }
    default:
      throw new SplTimeError(`unknown time unit '${unit}'`);
  }
}

function snap(ms: number, spec: string): number {
  const d = new Date(ms);
  const m = /^(s|m|h|d|w([0-6])?|mon|q|y)$/.exec(spec);
  if (!m) throw new SplTimeError(`unknown snap unit '@${spec}'`);
  switch (m[1][0] === 'w' ? 'w' : m[1]) {
    case 's':
      return Math.floor(ms / 1000) * 1000;
    case 'm':
      return Math.floor(ms / 60_000) * 60_000;
    case 'h':
      return Math.floor(ms / 3_600_000) * 3_600_000;
    case 'd':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'w': {
      const target = Number(m[2] ?? 0);
      const day0 = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const back = (d.getUTCDay() - target + 7) % 7;
      return day0 - back * 86_400_000;
    }
    case 'mon':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'q':
      return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
    case 'y':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    default:
      throw new SplTimeError(`unknown snap unit '@${spec}'`);
  }
}

/** Resolve a time modifier against `nowMs`; returns epoch milliseconds. */
export function resolveRelativeTime(text: string, nowMs: number): number {
  const t = text.trim();
  if (t === 'now' || t === '') return nowMs;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  let ms = nowMs;
  let i = 0;
  const re = /([+-])(\d*)([a-z]+)|@([a-z]+\d?)/y;
  while (i < t.length) {
    re.lastIndex = i;
    const m = re.exec(t);
    if (!m) throw new SplTimeError(`malformed time modifier '${text}'`);
    if (m[4] !== undefined) ms = snap(ms, m[4]);
    else {
      const unit = UNIT_ALIASES[m[3]];
      if (!unit) throw new SplTimeError(`unknown time unit '${m[3]}' in '${text}'`);
      const n = (m[2] === '' ? 1 : Number(m[2])) * (m[1] === '-' ? -1 : 1);
      ms = addUnit(ms, n, unit);
    }
    i = re.lastIndex;
  }
  return ms;
}
