/**
 * Odd values never break a compiled query: every corpus query, with each field it reads set to
 * nulls, empty and nested arrays, objects, huge numbers, NaN, control characters, 100 KB strings,
 * invalid dates / ips (as nested objects and as dotted keys), returns a boolean without throwing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/kql/parse.js';
import { compileQuery } from '../../src/eval/index.js';
import { queryFields } from '../../src/rules/fields.js';

const corpus = readFileSync('../shared/corpus/detection-rules-kuery.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { id: string; query: string });

const ODD: unknown[] = [
  null,
  [],
  [[]],
  [null],
  {},
  { a: 1 },
  [{ a: { b: [1, { c: 2 }] } }],
  0,
  -0,
  1e308,
  Number.NaN,
  true,
  'false',
  '',
  '\u0000',
  '\ud800',
  '1.2.3.4',
  '::ffff:1.2.3.4',
  '10.0.0.0/8',
  '2024-13-45T99:99:99Z',
  '9'.repeat(400),
  'x'.repeat(100_000),
  [1, 'a', true, null, {}],
  'Infinity',
  '*',
  '\\',
];

function setPath(doc: Record<string, unknown>, path: string, v: unknown): void {
  const parts = path.split('.');
  let o: Record<string, unknown> = doc;
  for (const p of parts.slice(0, -1)) {
    const next = (o[p] ??= {});
    if (typeof next !== 'object' || next === null) return;
    o = next as Record<string, unknown>;
  }
  o[parts[parts.length - 1]] = v;
}

describe('compiled corpus queries on odd values', () => {
  it(`all ${corpus.length} queries × ${ODD.length} values × 2 document shapes: a boolean, no exception`, () => {
    let evaluated = 0;
    const failures: string[] = [];
    for (const r of corpus) {
      const ast = parse(r.query).ast!;
      const p = compileQuery(ast, { now: new Date('2026-06-20T12:00:00Z') });
      const qf = queryFields(ast);
      // Wildcard field names (`file.hash.*`) get a concrete name they match.
      const fields = [...qf.fields, ...qf.wildcardFields].map((f) => f.replace(/\*/g, 'x1'));
      expect(fields.length, r.id).toBeGreaterThan(0);
      for (const v of ODD) {
        const nested: Record<string, unknown> = {};
        const dotted: Record<string, unknown> = {};
        for (const f of fields) {
          setPath(nested, f, v);
          dotted[f] = v;
        }
        for (const d of [nested, dotted]) {
          try {
            if (typeof p(d) !== 'boolean') failures.push(`${r.id}: not a boolean`);
            evaluated++;
          } catch (e) {
            failures.push(`${r.id} on ${JSON.stringify(v)?.slice(0, 40)}: ${String(e)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(evaluated).toBe(corpus.length * ODD.length * 2);
  });
});
