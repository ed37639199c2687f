/**
 * The parts of the Kusto interpreter (src/equiv/kusto) the Sentinel output relies on beyond the
 * basics: ISO datetime literals, strcmp / strcat, make_list, `* has`, three-valued `not` with
 * coalesce, RE2's missing look-around, and the table-shape check of ECS documents.
 */
import { describe, expect, it } from 'vitest';
import {
  parseKusto,
  runKusto,
  shapeViolation,
  toStr,
  KustoRuntimeError,
  KDate,
  type Row,
} from '../../src/equiv/kusto/index.js';

const NOW = Date.parse('2026-06-20T12:00:00Z');
function run(q: string, rows: Row[]) {
  return runKusto(parseKusto(q), { tables: new Map([['T', rows]]), now: NOW });
}

describe('Kusto interpreter', () => {
  it('datetime(...) takes an ISO timestamp with a zone', () => {
    const rows = run('T | where d >= datetime(2024-01-01T10:00:00Z)', [
      { d: new KDate(Date.parse('2024-01-01T09:59:59Z')) },
      { d: new KDate(Date.parse('2024-01-01T10:00:00Z')) },
      { d: null },
    ]);
    expect(rows.length).toBe(1);
  });

  it('strcmp is ordinal, -1 / 0 / 1; strcat joins text', () => {
    const rows = run('T | extend c = strcmp(a, b), s = strcat("=", a, b)', [
      { a: 'a', b: 'b' },
      { a: 'b', b: 'b' },
      { a: 'b', b: 'B' },
    ]);
    expect(rows.map((r) => r.c)).toEqual([-1, 0, 1]);
    expect(rows.map((r) => r.s)).toEqual(['=ab', '=bb', '=bB']);
  });

  it('make_list skips nulls and keeps duplicates', () => {
    const rows = run('T | summarize l = make_list(a)', [{ a: 'x' }, { a: null }, { a: 'x' }]);
    expect(toStr(rows[0].l)).toBe('["x","x"]');
  });

  it('* has searches every column as terms', () => {
    const rows = run('T | where * has "evil"', [
      { a: 'an evil thing', b: '' },
      { a: 'devilish', b: 'x' },
      { a: '', b: 'EVIL' },
    ]);
    expect(rows.length).toBe(2);
  });

  it('not(null) drops the row; coalesce keeps it', () => {
    const rows: Row[] = [{ p: null }, { p: 445 }, { p: 80 }];
    expect(run('T | where not(p == 445)', rows).length).toBe(1);
    expect(run('T | where not(coalesce(p == 445, false))', rows).length).toBe(2);
  });

  it('RE2 has no look-around: such a pattern is an error, not a silent JS match', () => {
    expect(() => run('T | where a matches regex @"(?<!x)y"', [{ a: 'y' }])).toThrow(
      KustoRuntimeError,
    );
    expect(() => run('T | where a matches regex @"[(?=]y"', [{ a: 'y' }])).not.toThrow();
  });
});

describe('shapeViolation: which ECS documents are rows of a table', () => {
  const shape = {
    columns: { process: 'dynamic', user: 'dynamic', message: 'string' },
    fields: { 'process.args': { type: 'string', array: true } },
  };
  it('arrays only where declared (or where the shape is unknown)', () => {
    expect(
      shapeViolation({ process: { args: ['a', 'b'] } }, ['process.args'], shape),
    ).toBeUndefined();
    expect(shapeViolation({ process: { name: ['a', 'b'] } }, ['process.name'], shape)).toBe(
      'process.name',
    );
    expect(
      shapeViolation({ process: { name: ['a', 'b'] } }, ['process.name'], shape, () => true),
    ).toBeUndefined();
    // arrays without a value are missing values
    expect(shapeViolation({ process: { name: [null] } }, ['process.name'], shape)).toBeUndefined();
  });
  it('objects where a scalar is declared, and keys that are no column', () => {
    expect(shapeViolation({ process: { name: { x: 1 } } }, ['process.name'], shape)).toBe(
      'process.name',
    );
    expect(shapeViolation({ a: { b: 'x' } }, ['a.b'], shape)).toBe('a');
    expect(shapeViolation({ '@timestamp': 'x' }, ['@timestamp'], shape)).toBeUndefined();
  });
});
