/**
 * Exact theory for ordered field types (numbers, dates, ip, boolean): every atom is one interval
 * of the field's value domain. The intervals' endpoints cut the domain into finitely many classes;
 * `candidates` gives one value in every class, so "is there a value in P and in none of B" is
 * decided by trying the candidates.
 */
import { formatIp, IP_MAX } from './ip.js';

export interface Bound<T> {
  v: T;
  incl: boolean;
}

export interface Interval<T> {
  lo?: Bound<T>;
  hi?: Bound<T>;
}

export interface Domain<T> {
  name: string;
  cmp(a: T, b: T): number;
  /** Integer-like domains have a successor/predecessor; continuous ones a midpoint. */
  discrete: boolean;
  step(v: T, dir: 1 | -1): T;
  mid(a: T, b: T): T;
  min?: T;
  max?: T;
  /** A value to use when no atom constrains the field. */
  sample: T;
  /** The value as it appears in a JSON document. */
  toJson(v: T): unknown;
}

export function inInterval<T>(d: Domain<T>, iv: Interval<T>, v: T): boolean {
  if (iv.lo) {
    const c = d.cmp(v, iv.lo.v);
    if (c < 0 || (c === 0 && !iv.lo.incl)) return false;
  }
  if (iv.hi) {
    const c = d.cmp(v, iv.hi.v);
    if (c > 0 || (c === 0 && !iv.hi.incl)) return false;
  }
  return true;
}

/** One value per class of the partition the intervals induce (clipped to the domain). */
export function candidates<T>(d: Domain<T>, ivs: readonly Interval<T>[]): T[] {
  const ends: T[] = [];
  for (const iv of ivs) {
    if (iv.lo) ends.push(iv.lo.v);
    if (iv.hi) ends.push(iv.hi.v);
  }
  const sorted = [...ends]
    .sort((a, b) => d.cmp(a, b))
    .filter((v, i, a) => i === 0 || d.cmp(a[i - 1], v) !== 0);
  const out: T[] = [];
  const push = (v: T) => {
    if (d.min !== undefined && d.cmp(v, d.min) < 0) return;
    if (d.max !== undefined && d.cmp(v, d.max) > 0) return;
    if (!out.some((o) => d.cmp(o, v) === 0)) out.push(v);
  };
  if (sorted.length === 0) push(d.sample);
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    push(v);
    if (d.discrete) {
      if (d.min === undefined || d.cmp(v, d.min) > 0) push(d.step(v, -1));
      if (d.max === undefined || d.cmp(v, d.max) < 0) push(d.step(v, 1));
    } else {
      if (i === 0) push(d.step(v, -1));
      if (i === sorted.length - 1) push(d.step(v, 1));
      if (i + 1 < sorted.length) push(d.mid(v, sorted[i + 1]));
    }
  }
  return out;
}

const intCmp = (a: number, b: number) => a - b;

export function integerDomain(name: string, min: number, max: number): Domain<number> {
  return {
    name,
    cmp: intCmp,
    discrete: true,
    step: (v, dir) => v + dir,
    mid: (a, b) => Math.floor((a + b) / 2),
    min,
    max,
    sample: Math.max(min, Math.min(max, 42)),
    toJson: (v) => v,
  };
}

export const doubleDomain: Domain<number> = {
  name: 'double',
  cmp: intCmp,
  discrete: false,
  step: (v, dir) => v + dir,
  mid: (a, b) => (a + b) / 2,
  sample: 42,
  toJson: (v) => v,
};

export const dateDomain: Domain<number> = {
  name: 'date',
  cmp: intCmp,
  discrete: true,
  step: (v, dir) => v + dir,
  mid: (a, b) => Math.floor((a + b) / 2),
  min: -8_640_000_000_000_000,
  max: 8_640_000_000_000_000,
  sample: Date.UTC(2026, 5, 20, 12, 0, 0),
  toJson: (v) => new Date(v).toISOString(),
};

export const ipDomain: Domain<bigint> = {
  name: 'ip',
  cmp: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  discrete: true,
  step: (v, dir) => v + BigInt(dir),
  mid: (a, b) => (a + b) / 2n,
  min: 0n,
  max: IP_MAX,
  sample: (0xffffn << 32n) | 0xc0000201n, // 192.0.2.1
  toJson: (v) => formatIp(v),
};

export const booleanDomain: Domain<number> = {
  name: 'boolean',
  cmp: intCmp,
  discrete: true,
  step: (v, dir) => v + dir,
  mid: (a) => a,
  min: 0,
  max: 1,
  sample: 1,
  toJson: (v) => v === 1,
};

/** Domain for an Elasticsearch numeric field type, or undefined if the type is not numeric. */
export function numericDomain(type: string): Domain<number> | undefined {
  switch (type) {
    case 'long':
      return integerDomain('long', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'unsigned_long':
      return integerDomain('unsigned_long', 0, Number.MAX_SAFE_INTEGER);
    case 'integer':
      return integerDomain('integer', -2147483648, 2147483647);
    case 'short':
      return integerDomain('short', -32768, 32767);
    case 'byte':
      return integerDomain('byte', -128, 127);
    case 'double':
    case 'float':
    case 'half_float':
    case 'scaled_float':
      return { ...doubleDomain, name: type };
    default:
      return undefined;
  }
}
