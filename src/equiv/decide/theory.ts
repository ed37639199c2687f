/**
 * Per-field theory check: is there ONE value that satisfies `target` and none of `excluded`?
 * Returns the value as it would appear in a JSON document, or null.
 */
import type { ValueTheory } from './atoms.js';
import { findWitness } from './strings.js';
import {
  type Domain,
  type Interval,
  booleanDomain,
  candidates,
  dateDomain,
  inInterval,
  ipDomain,
  numericDomain,
} from './ordered.js';

/** The theory of "any value at all" for a field of the given type. */
export function anyValue(type: string, maxLen?: number): ValueTheory {
  const ordered = (d: Domain<never>): ValueTheory => ({
    kind: 'ordered',
    domain: d as unknown as Domain<unknown>,
    iv: {},
  });
  const num = numericDomain(type);
  if (num) return ordered(num as Domain<never>);
  if (type === 'date') return ordered(dateDomain as Domain<never>);
  if (type === 'ip') return ordered(ipDomain as Domain<never>);
  if (type === 'boolean') return ordered(booleanDomain as Domain<never>);
  return { kind: 'string', pred: { kind: 'wildcard', chunks: ['', ''] }, maxLen };
}

export function witness(target: ValueTheory, excluded: readonly ValueTheory[]): unknown | null {
  if (target.kind === 'string') {
    const preds = excluded.map((e) => {
      if (e.kind !== 'string') throw new Error('mixed theories on one field');
      return e.pred;
    });
    return findWitness(target.pred, preds, target.maxLen ?? Infinity);
  }
  const d = target.domain;
  const ivs: Interval<unknown>[] = [target.iv];
  for (const e of excluded) {
    if (e.kind !== 'ordered') throw new Error('mixed theories on one field');
    ivs.push(e.iv);
  }
  for (const c of candidates(d, ivs)) {
    if (!inInterval(d, target.iv, c)) continue;
    if (ivs.slice(1).some((iv) => inInterval(d, iv, c))) continue;
    return d.toJson(c);
  }
  return null;
}
