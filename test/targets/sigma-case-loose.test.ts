/** --case loose: case-insensitive values are wider, and narrower under `not` (checked on events). */
import { describe, expect, it } from 'vitest';
import { nativePredicate, ruleFromKql, sigmaPredicate, toSigma } from './sigma-helpers.js';

describe('SIGMA-CASE-LOOSE effect follows negation', () => {
  const doc = { user: { name: 'ADMIN' } };
  for (const [q, effect] of [
    ['user.name:admin', 'wider'],
    ['not user.name:admin', 'narrower'],
  ] as const) {
    it(`${q}: ${effect}`, () => {
      const rule = ruleFromKql(q);
      const t = toSigma(rule, { case: 'loose' });
      const d = t.diagnostics.filter((x) => x.code === 'SIGMA-CASE-LOOSE');
      expect(d.map((x) => x.effect)).toEqual([effect]);
      // the declared direction is what really happens on a case variant
      const e = { ...doc, event: { action: 'y' } };
      const sig = sigmaPredicate(t.text)(e);
      const nat = nativePredicate(rule)(e);
      expect(sig).not.toBe(nat);
      expect(effect === 'wider' ? sig : nat).toBe(true);
    });
  }
});
