/**
 * Term values of a field as an Elasticsearch aggregation sees them (new_terms and threshold
 * group-by): keyword terms (after ignore_above / normalizer), numbers, canonical IPs, dates as
 * ISO strings, booleans. Each distinct term once, in document order.
 */
import { compileAccessor, type Accessor } from '../eval/values.js';
import { docBoolean, docIp, docNumber, keywordTerm } from '../eval/leaf.js';
import { docDateMs } from '../eval/date.js';
import { formatIp } from '../eval/ip.js';
import { isIntegerType, matchKindOf, type ResolvedField } from '../schema/types.js';
import type { Schema } from '../schema/schema.js';

export type TermsOf = (doc: object) => unknown[];

export function termsOf(schema: Schema, name: string): TermsOf {
  const f: ResolvedField = schema.resolve(name);
  const get: Accessor = compileAccessor(f.valuePath);
  const kind = matchKindOf(f.type);
  const integer = isIntegerType(f.type);
  const conv = (v: unknown): unknown => {
    switch (kind) {
      case 'keyword':
      case 'text':
        return keywordTerm(f, v);
      case 'number':
        return docNumber(v, integer);
      case 'ip': {
        const ip = docIp(v);
        return ip && formatIp(ip);
      }
      case 'date': {
        const t = docDateMs(v);
        return t === undefined ? undefined : new Date(t).toISOString();
      }
      case 'boolean':
        return docBoolean(v);
      default:
        return undefined;
    }
  };
  return (doc) => {
    let out: unknown[] | undefined;
    // Small arrays: a linear scan; long ones get a set, so huge arrays stay linear.
    let seen: Set<unknown> | undefined;
    get(doc, (v) => {
      const t = conv(v);
      if (t === undefined) return false;
      if (!out) out = [t];
      else if (seen) {
        if (!seen.has(t)) {
          seen.add(t);
          out.push(t);
        }
      } else if (!out.includes(t)) {
        out.push(t);
        if (out.length > 16) seen = new Set(out);
      }
      return false;
    });
    return out ?? EMPTY;
  };
}

const EMPTY: unknown[] = [];

/** How many combinations `combinations(lists)` would give (without building them). */
export function combinationCount(lists: unknown[][]): number {
  let n = 1;
  for (const l of lists) n *= l.length;
  return n;
}

/** Every combination of one value per field (cartesian product), in field order. */
export function combinations(lists: unknown[][]): unknown[][] {
  let acc: unknown[][] = [[]];
  for (const l of lists) {
    if (l.length === 0) return [];
    const next: unknown[][] = [];
    for (const prefix of acc) for (const v of l) next.push([...prefix, v]);
    acc = next;
  }
  return acc;
}

/** A map key for a tuple of terms (type-aware: 5 and "5" differ). */
export function tupleKey(t: unknown[]): string {
  return JSON.stringify(t);
}
