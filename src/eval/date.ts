/**
 * Dates as an Elasticsearch `date` field (format `strict_date_optional_time||epoch_millis`) reads
 * them, and query-side date bounds with Elasticsearch's rounding: a bound parsed with `roundUp`
 * (the upper end of `lte` / a term, or the lower end of `gt`) moves to the last millisecond of the
 * precision written (`2024-06-01` → `2024-06-01T23:59:59.999Z`, `now/d` → end of today).
 */
import {
  evaluateDateMath,
  parseDateMath,
  parseIsoTimestamp,
  type DateMathUnit,
} from '../time/index.js';

/** Epoch ms of a document value, or undefined when it is not a date. */
export function docDateMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const iso = parseIsoTimestamp(v);
  if (iso !== undefined) return iso;
  if (/^-?\d{1,19}$/.test(v)) return Number(v);
  return undefined;
}

function precisionOf(dateText: string): DateMathUnit {
  const m = /^\d{4}(-\d{2})?(-\d{2})?(?:[T ](\d{2})(:\d{2})?(:\d{2})?([.,]\d+)?)?/.exec(dateText);
  if (!m) return 'ms';
  if (m[6]) return 'ms';
  if (m[5]) return 's';
  if (m[4]) return 'm';
  if (m[3]) return 'h';
  if (m[2]) return 'd';
  if (m[1]) return 'M';
  return 'y';
}

function endOf(t: number, unit: DateMathUnit): number {
  if (unit === 'ms') return t;
  return (
    evaluateDateMath(
      {
        text: '',
        anchor: { kind: 'absolute', epochMs: t, text: '' },
        ops: [{ op: '+', amount: 1, unit }],
      },
      new Date(0),
    ).getTime() - 1
  );
}

/**
 * A query-side date (ISO, epoch millis, or date math such as `now-7d/d`, `2024-01-01||+1M`) as
 * epoch ms, rounded down or up as Elasticsearch does; undefined when malformed.
 */
export function queryDateMs(text: string, now: Date, roundUp: boolean): number | undefined {
  const s = text.trim();
  if (/^-?\d{5,19}$/.test(s)) return Number(s);
  const r = parseDateMath(s);
  if (!r.ok) return undefined;
  const dm = r.value;
  let t = evaluateDateMath(dm, now).getTime();
  if (!roundUp) return t;
  const last = dm.ops[dm.ops.length - 1];
  if (last && last.op === '/') return endOf(t, last.unit);
  if (dm.ops.length === 0 && dm.anchor.kind === 'absolute') {
    t = endOf(t, precisionOf(dm.anchor.text));
  }
  return t;
}
