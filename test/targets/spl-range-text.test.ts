/**
 * Ranges over ip and date fields: SPL's where compares their text, Elastic compares addresses and
 * instants. The translation must say so (both directions), and the events below show why.
 */
import { describe, expect, it } from 'vitest';
import { makeRule, meaning, toSpl } from './spl-helpers.js';

describe('SPL ranges on ip and date fields are declared, not claimed exact', () => {
  it('ip range: 10.30.0.1 is inside 10.0.0.0..10.255.255.255 but not as text', () => {
    const q = 'source.ip >= 10.0.0.0 and source.ip <= 10.255.255.255';
    const t = toSpl(q);
    expect(t.verdict).toBe('different');
    expect(
      new Set(t.diagnostics.filter((d) => d.code === 'SPL-RANGE-TEXT').map((d) => d.effect)),
    ).toEqual(new Set(['narrower', 'wider']));
    const m = meaning(makeRule(q), t, [
      { source: { ip: '10.30.0.1' } },
      { source: { ip: '10.3.0.0' } },
    ]);
    expect(m.narrower.length).toBeGreaterThan(0); // the text comparison really loses them
    expect(m.undeclared).toEqual([]);
  });

  it('date range with date math is declared', () => {
    const t = toSpl('event.created >= now-1h');
    expect(t.diagnostics.some((d) => d.code === 'SPL-RANGE-TEXT')).toBe(true);
    expect(t.verdict).toBe('different');
  });

  it('keyword and numeric ranges are unaffected', () => {
    expect(toSpl('user.name >= m').diagnostics.some((d) => d.code === 'SPL-RANGE-TEXT')).toBe(
      false,
    );
    expect(toSpl('source.port >= 1024').diagnostics.some((d) => d.code === 'SPL-RANGE-TEXT')).toBe(
      false,
    );
  });
});
