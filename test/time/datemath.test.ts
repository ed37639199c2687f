import { describe, expect, it } from 'vitest';
import {
  DateMathError,
  formatDuration,
  parseDateMath,
  parseDuration,
  parseIsoTimestamp,
  resolveDateMath,
  tryParseDuration,
} from '../../src/time/index.js';

const at = (iso: string) => new Date(iso);
const r = (expr: string, now: string) => resolveDateMath(expr, at(now)).toISOString();

describe('date math', () => {
  const NOW = '2024-06-01T12:34:56.789Z'; // a Saturday

  it('resolves now and arithmetic in every unit', () => {
    expect(r('now', NOW)).toBe(NOW);
    expect(r('now-9m', NOW)).toBe('2024-06-01T12:25:56.789Z');
    expect(r('now+1h', NOW)).toBe('2024-06-01T13:34:56.789Z');
    expect(r('now-1H', NOW)).toBe('2024-06-01T11:34:56.789Z');
    expect(r('now-30s', NOW)).toBe('2024-06-01T12:34:26.789Z');
    expect(r('now-7d', NOW)).toBe('2024-05-25T12:34:56.789Z');
    expect(r('now-2w', NOW)).toBe('2024-05-18T12:34:56.789Z');
    expect(r('now-1M', NOW)).toBe('2024-05-01T12:34:56.789Z');
    expect(r('now-1y', NOW)).toBe('2023-06-01T12:34:56.789Z');
    expect(r('now-500ms', NOW)).toBe('2024-06-01T12:34:56.289Z');
    // A missing number means 1 (Elasticsearch and Kibana).
    expect(r('now-d', NOW)).toBe('2024-05-31T12:34:56.789Z');
    // Operations apply left to right.
    expect(r('now-1d+2h-30m', NOW)).toBe('2024-05-31T14:04:56.789Z');
  });

  it('rounds down in UTC to the start of the unit', () => {
    expect(r('now/d', NOW)).toBe('2024-06-01T00:00:00.000Z');
    expect(r('now-7d/d', NOW)).toBe('2024-05-25T00:00:00.000Z');
    expect(r('now/h', NOW)).toBe('2024-06-01T12:00:00.000Z');
    expect(r('now/m', NOW)).toBe('2024-06-01T12:34:00.000Z');
    expect(r('now/s', NOW)).toBe('2024-06-01T12:34:56.000Z');
    expect(r('now/M', NOW)).toBe('2024-06-01T00:00:00.000Z');
    expect(r('now/y', NOW)).toBe('2024-01-01T00:00:00.000Z');
    // Weeks start on Monday (ISO, as Elasticsearch rounds): Saturday 1 June → Monday 27 May.
    expect(r('now/w', NOW)).toBe('2024-05-27T00:00:00.000Z');
    expect(r('now/w', '2024-05-27T00:00:00Z')).toBe('2024-05-27T00:00:00.000Z');
    expect(r('now/w', '2024-06-02T23:59:59Z')).toBe('2024-05-27T00:00:00.000Z');
    // Round then add.
    expect(r('now/d+1d', NOW)).toBe('2024-06-02T00:00:00.000Z');
  });

  it('clamps month and year arithmetic to the end of the month (Joda / moment)', () => {
    expect(r('now-1M', '2024-03-31T10:00:00Z')).toBe('2024-02-29T10:00:00.000Z'); // leap year
    expect(r('now-1M', '2023-03-31T10:00:00Z')).toBe('2023-02-28T10:00:00.000Z');
    expect(r('now+1M', '2024-01-31T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(r('now-1y', '2024-02-29T00:00:00Z')).toBe('2023-02-28T00:00:00.000Z');
    expect(r('now+4y', '2024-02-29T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(r('now+1M', '2024-12-15T00:00:00Z')).toBe('2025-01-15T00:00:00.000Z');
    expect(r('now-13M', '2024-01-31T00:00:00Z')).toBe('2022-12-31T00:00:00.000Z');
    // Clamping is per step: Mar 31 -1M -1M is Jan 29 (via Feb 29), not Jan 31.
    expect(r('now-1M-1M', '2024-03-31T00:00:00Z')).toBe('2024-01-29T00:00:00.000Z');
    expect(r('now-2M', '2024-03-31T00:00:00Z')).toBe('2024-01-31T00:00:00.000Z');
    // Day arithmetic crosses the leap day.
    expect(r('now-1d', '2024-03-01T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(r('now-1d', '2023-03-01T00:00:00Z')).toBe('2023-02-28T00:00:00.000Z');
  });

  it('accepts absolute ISO timestamps, with or without || math', () => {
    expect(r('2024-06-01T12:00:00Z', NOW)).toBe('2024-06-01T12:00:00.000Z');
    expect(r('2024-06-01T12:00:00+02:00', NOW)).toBe('2024-06-01T10:00:00.000Z');
    expect(r('2024-06-01T12:00:00.5-0130', NOW)).toBe('2024-06-01T13:30:00.500Z');
    expect(r('2024-06-01', NOW)).toBe('2024-06-01T00:00:00.000Z');
    expect(r('2024-01-31||+1M', NOW)).toBe('2024-02-29T00:00:00.000Z');
    expect(r('2024-06-01T12:34:56Z||-1d/d', NOW)).toBe('2024-05-31T00:00:00.000Z');
    expect(parseIsoTimestamp('2023-02-29')).toBeUndefined();
    expect(parseIsoTimestamp('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoTimestamp('2024-13-01')).toBeUndefined();
    expect(parseIsoTimestamp('yesterday')).toBeUndefined();
  });

  it('gives the structure', () => {
    const p = parseDateMath('now-7d/d');
    expect(p).toEqual({
      ok: true,
      value: {
        text: 'now-7d/d',
        anchor: { kind: 'now' },
        ops: [
          { op: '-', amount: 7, unit: 'd' },
          { op: '/', unit: 'd' },
        ],
      },
    });
  });

  it.each([
    ['', 'empty'],
    ['  now', 'white space'],
    ['now-', "'-' must be followed by a unit"],
    ['now-5', 'missing unit'],
    ['now-5x', "unknown unit 'x'"],
    ['now-5 minutes', 'white space where a unit belongs'],
    ['now/2d', "rounding '/' takes a unit only"],
    ['now*2', "unexpected '*'"],
    ['yesterday', "neither 'now' nor an ISO 8601 timestamp"],
    ['2024-06-01||', "'||' must be followed"],
    ['now-9999999999d', 'number too large'],
  ])('rejects %j with a clear diagnostic (%s)', (expr, why) => {
    const p = parseDateMath(expr);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.diagnostic.code).toBe('TIME001');
      expect(p.diagnostic.message).toContain(why);
      expect(p.diagnostic.hint).toBeDefined();
    }
    expect(() => resolveDateMath(expr, new Date())).toThrow(DateMathError);
  });

  it('reports the offset of the problem in the expression', () => {
    const p = parseDateMath('now-5x');
    expect(!p.ok && p.diagnostic.offset).toBe(5);
  });
});

describe('durations', () => {
  it('parses fixed-length units to milliseconds', () => {
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1w')).toBe(604_800_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(1)).toBe('1ms');
  });
  it('rejects months, years and garbage', () => {
    for (const bad of ['1M', '1y', '5', 'm', '5 m', '-5m', '1.5h', '']) {
      const r = tryParseDuration(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.diagnostic.code).toBe('TIME002');
    }
    expect(tryParseDuration('1M').ok === false && tryParseDuration('1M')).toMatchObject({
      diagnostic: { message: expect.stringContaining('no fixed length') },
    });
    expect(() => parseDuration('x')).toThrow(DateMathError);
  });
});
