/**
 * Runtime values of the Kusto interpreter and Kusto's conversion rules.
 *
 * - string: JS string (Kusto strings are never null: a missing string is "").
 * - long / real: JS number; bool: boolean; null: the null of any non-string type.
 * - datetime / timespan: KDate / KSpan (milliseconds; Kusto keeps 100 ns ticks, siemc emits no finer times).
 * - dynamic: KDyn around a JSON value (object, array, string, number, boolean); dynamic null is null.
 */
export class KDate {
  constructor(readonly ms: number) {}
}
export class KSpan {
  constructor(readonly ms: number) {}
}
export class KDyn {
  constructor(readonly v: unknown) {}
}
export type KValue = null | string | number | boolean | KDate | KSpan | KDyn;

export class KustoRuntimeError extends Error {}

/** Wrap a JSON value read from a dynamic column or property. */
export function dyn(v: unknown): KValue {
  return v === null || v === undefined ? null : new KDyn(v);
}

/** Parse the datetimes Kusto accepts in literals and data: ISO 8601 with up to 7 fractional digits. */
export function parseKustoDatetime(text: string): number | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', tz] = m;
  let ms = Date.UTC(
    +y,
    +mo - 1,
    +d,
    +h,
    +mi,
    +s,
    frac ? Math.floor(Number((frac + '000').slice(0, 3))) : 0,
  );
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(ms) ? null : ms;
}

function formatReal(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(n);
}

/** ISO text Kusto prints for a datetime (7 fractional digits trimmed as Kusto's tostring does). */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-06-20T11:53:45.000Z
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso.slice(0, -1) + '0000Z';
}

function formatSpan(ms: number): string {
  const neg = ms < 0;
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const frac = rest - s * 1000;
  const p = (x: number) => String(x).padStart(2, '0');
  return (
    (neg ? '-' : '') +
    (days ? `${days}.` : '') +
    `${p(h)}:${p(m)}:${p(s)}` +
    (frac ? '.' + String(frac).padStart(3, '0') + '0000' : '')
  );
}

/** `tostring()`: never null. Dynamic strings lose their quotes; objects/arrays become compact JSON. */
export function toStr(v: KValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatReal(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof KDate) return formatDate(v.ms);
  if (v instanceof KSpan) return formatSpan(v.ms);
  const j = v.v;
  if (typeof j === 'string') return j;
  if (typeof j === 'number' || typeof j === 'boolean') return String(j);
  return JSON.stringify(j);
}

/** The scalar inside a dynamic value (string / number / bool), or the value itself. */
export function unwrap(v: KValue): KValue {
  if (v instanceof KDyn) {
    const j = v.v;
    if (typeof j === 'string' || typeof j === 'number' || typeof j === 'boolean') return j;
  }
  return v;
}

export function toLong(v: KValue): number | null {
  const u = unwrap(v);
  if (u === null) return null;
  if (typeof u === 'number') return Number.isFinite(u) ? Math.trunc(u) : null;
  if (typeof u === 'boolean') return u ? 1 : 0;
  if (typeof u === 'string') {
    const t = u.trim();
    if (!/^[+-]?\d+$/.test(t)) return null;
    return Number(t);
  }
  if (u instanceof KDate || u instanceof KSpan) return u.ms * 10_000;
  return null;
}

export function toReal(v: KValue): number | null {
  const u = unwrap(v);
  if (u === null) return null;
  if (typeof u === 'number') return u;
  if (typeof u === 'boolean') return u ? 1 : 0;
  if (typeof u === 'string') {
    const t = u.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
    return Number(t);
  }
  return null;
}

export function toBool(v: KValue): boolean | null {
  const u = unwrap(v);
  if (u === null) return null;
  if (typeof u === 'boolean') return u;
  if (typeof u === 'number') return u !== 0;
  if (typeof u === 'string') {
    const t = u.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (/^[+-]?\d+$/.test(t)) return Number(t) !== 0;
    return null;
  }
  return null;
}

export function toDate(v: KValue): KDate | null {
  const u = unwrap(v);
  if (u instanceof KDate) return u;
  if (typeof u === 'string') {
    const ms = parseKustoDatetime(u);
    return ms === null ? null : new KDate(ms);
  }
  return null;
}

/** `gettype()` names. */
export function typeName(v: KValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof KDate) return 'datetime';
  if (v instanceof KSpan) return 'timespan';
  const j = v.v;
  if (Array.isArray(j)) return 'array';
  if (typeof j === 'object') return 'dictionary';
  if (typeof j === 'string') return 'string';
  if (typeof j === 'number') return Number.isInteger(j) ? 'long' : 'real';
  if (typeof j === 'boolean') return 'bool';
  return 'null';
}

/** Typed value of a row cell from its JSON, by the column's declared Kusto type. */
export function fromJson(json: unknown, type: string): KValue {
  if (type === 'dynamic') return dyn(json);
  if (json === null || json === undefined) return type === 'string' ? '' : null;
  switch (type) {
    case 'string':
    case 'guid':
      return typeof json === 'string'
        ? json
        : typeof json === 'object'
          ? JSON.stringify(json)
          : String(json);
    case 'int':
    case 'long':
      return toLong(dyn(json));
    case 'real':
    case 'decimal':
      return toReal(dyn(json));
    case 'bool':
      return toBool(dyn(json));
    case 'datetime':
      return toDate(dyn(json));
    default:
      throw new KustoRuntimeError(`unsupported column type '${type}'`);
  }
}

/** A stable key for grouping / distinct / join (type-tagged so "1" and 1 differ). */
export function keyOf(v: KValue): string {
  if (v === null) return 'n:';
  if (typeof v === 'string') return 's:' + v;
  if (typeof v === 'number') return 'd:' + v;
  if (typeof v === 'boolean') return 'b:' + v;
  if (v instanceof KDate) return 't:' + v.ms;
  if (v instanceof KSpan) return 'p:' + v.ms;
  return 'j:' + JSON.stringify(v.v);
}
