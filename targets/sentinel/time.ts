/**
 * Elastic date math (`now-9m`, `now-7d`, `now-1h/h`) as Kusto datetime expressions, and durations
 * (`5m`) as Sentinel analytic-rule periods.
 */
const UNIT: Record<string, string> = { s: 's', m: 'm', h: 'h', H: 'h', d: 'd' };

export interface KustoTime {
  /** Kusto expression, e.g. `ago(9m)`. */
  expr: string;
  /** Offset from now in ms (for period arithmetic); undefined for calendar units. */
  ms?: number;
  /** The longest look-back the expression can mean (rounding and calendar units included), in ms. */
  lookbackMs: number;
}

const MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  H: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `now`, `now-<n><unit>` with optional `/<unit>` rounding; undefined when outside that form. */
export function dateMathToKusto(text: string): KustoTime | undefined {
  const m = /^now(?:([+-])(\d+)([smhHdwMy]))?(?:\/([smhHdwMy]))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, sign, numText, unit, round] = m;
  let expr = 'now()';
  let ms: number | undefined = 0;
  let lookbackMs = 0;
  if (sign) {
    const n = Number(numText);
    if (unit === 'M' || unit === 'y') {
      expr = `datetime_add(${kq(unit === 'M' ? 'month' : 'year')}, ${sign === '-' ? -n : n}, now())`;
      ms = undefined;
      if (sign === '-') lookbackMs = n * (unit === 'M' ? 31 : 366) * 86_400_000;
    } else {
      const span = unit === 'w' ? `${n * 7}d` : `${n}${UNIT[unit]}`;
      expr = sign === '-' ? `ago(${span})` : `now(${span})`;
      ms = (sign === '-' ? 1 : -1) * n * MS[unit];
      lookbackMs = Math.max(ms, 0);
    }
  }
  if (round) {
    ms = undefined;
    // rounding down reaches back at most one more unit
    const unitMs = round === 'M' ? 31 * 86_400_000 : round === 'y' ? 366 * 86_400_000 : MS[round];
    lookbackMs += unitMs;
    if (round === 'd') expr = `startofday(${expr})`;
    else if (round === 'w') expr = `startofweek(${expr})`;
    else if (round === 'M') expr = `startofmonth(${expr})`;
    else if (round === 'y') expr = `startofyear(${expr})`;
    else expr = `bin(${expr}, 1${UNIT[round]})`;
  }
  return { expr, ms, lookbackMs };
}

function kq(s: string): string {
  return `"${s}"`;
}

/** Duration text (`5m`, `1h`, `30s`, `2d`) in ms; undefined when not a duration. */
export function durationMs(text: string): number | undefined {
  const m = /^(\d+)([smhHd])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * MS[m[2]];
}

/** A Sentinel period (`5m`, `1h`, `2d`) for ms, in the largest whole unit. */
export function sentinelPeriod(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.ceil(ms / 60_000)}m`;
}
