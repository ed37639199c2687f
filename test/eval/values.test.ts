import { describe, expect, it } from 'vitest';
import {
  getValues,
  wildcardMatcher,
  parseIp,
  parseCidr,
  inCidr,
  formatIp,
  compareUtf8,
  tokenizer,
} from '../../src/eval/index.js';
import { ecsRowsFromPackage } from '../../src/schema/gen-ecs.js';
import { ECS_FIELDS, ECS_VERSION } from '../../src/schema/ecs-fields.generated.js';
import { defaultSchema } from '../../src/schema/index.js';

describe('getValues: Elasticsearch field resolution', () => {
  it('dotted keys, nested objects and mixes are one field', () => {
    expect(getValues({ a: { b: 1 } }, 'a.b')).toEqual([1]);
    expect(getValues({ 'a.b': 1 }, 'a.b')).toEqual([1]);
    expect(getValues({ a: { 'b.c': 1 }, 'a.b': { c: 2 }, 'a.b.c': 3 }, 'a.b.c').sort()).toEqual([
      1, 2, 3,
    ]);
  });
  it('arrays are flattened, including arrays of objects and nested arrays', () => {
    expect(getValues({ a: [{ b: 1 }, { b: [2, [3]] }, { c: 4 }] }, 'a.b')).toEqual([1, 2, 3]);
  });
  it('null and [] are no value', () => {
    expect(getValues({ a: null }, 'a')).toEqual([]);
    expect(getValues({ a: [] }, 'a')).toEqual([]);
    expect(getValues({ a: [null, 'x'] }, 'a')).toEqual(['x']);
    expect(getValues({}, 'a.b')).toEqual([]);
    expect(getValues({ a: 'scalar' }, 'a.b')).toEqual([]);
  });
  it('does not see inherited properties', () => {
    expect(getValues({}, 'constructor')).toEqual([]);
    expect(getValues({ a: {} }, 'a.toString')).toEqual([]);
    expect(getValues(JSON.parse('{"__proto__": "x"}'), '__proto__')).toEqual(['x']);
  });
  it('keys with slashes and empty segments are plain keys', () => {
    expect(
      getValues(
        { k: { 'authorization_k8s_io/decision': 'allow' } },
        'k.authorization_k8s_io/decision',
      ),
    ).toEqual(['allow']);
  });
});

describe('wildcardMatcher', () => {
  const cases: [string[], string, boolean][] = [
    [['', ''], '', true],
    [['a', ''], 'abc', true],
    [['', 'c'], 'abc', true],
    [['a', 'c'], 'ac', true],
    [['a', 'c'], 'abbc', true],
    [['a', 'c'], 'abcd', false],
    [['', 'b', ''], 'abc', true],
    [['', 'b', 'b', ''], 'ab', false],
    [['', 'b', 'b', ''], 'abcb', true],
    [['x', 'ab', 'ab', 'y'], 'xababy', true],
    [['x', 'ab', 'ab', 'y'], 'xaby', false],
    [['ab', 'ba'], 'aba', false],
    [['', '', ''], 'anything', true],
  ];
  it.each(cases)('%j on %j is %s', (chunks, s, want) => {
    expect(wildcardMatcher(chunks)(s)).toBe(want);
  });
  it('agrees with a regex on random inputs', () => {
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const word = () => Array.from({ length: rnd(4) }, () => 'ab'[rnd(2)]).join('');
    for (let i = 0; i < 3000; i++) {
      const chunks = Array.from({ length: 2 + rnd(3) }, word);
      const s = Array.from({ length: rnd(9) }, () => 'ab'[rnd(2)]).join('');
      const re = new RegExp('^' + chunks.join('.*') + '$', 's');
      expect(wildcardMatcher(chunks)(s), `${JSON.stringify(chunks)} ${s}`).toBe(re.test(s));
    }
  });
});

describe('ip', () => {
  it('parses v4, v6, embedded v4 and rejects junk', () => {
    expect(formatIp(parseIp('192.0.2.1')!)).toBe('192.0.2.1');
    expect(formatIp(parseIp('2001:0db8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('::ffff:192.0.2.1')!)).toBe('192.0.2.1');
    expect(formatIp(parseIp('::')!)).toBe('::');
    for (const bad of ['256.0.0.1', '1.2.3', '1::2::3', 'x', '', '1.2.3.4.5', '12345::'])
      expect(parseIp(bad), bad).toBeUndefined();
  });
  it('CIDR prefixes, including ones not on a byte boundary', () => {
    const c = parseCidr('2001:db8::/33')!;
    expect(inCidr(parseIp('2001:db8:7fff::1')!, c)).toBe(true);
    expect(inCidr(parseIp('2001:db8:8000::1')!, c)).toBe(false);
    expect(inCidr(parseIp('0.0.0.1')!, parseCidr('0.0.0.0/0')!)).toBe(true);
    expect(inCidr(parseIp('2001:db8::1')!, parseCidr('0.0.0.0/0')!)).toBe(false);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });
});

describe('compareUtf8 and the standard tokenizer', () => {
  it('orders by code point', () => {
    expect(compareUtf8('a', 'b')).toBe(-1);
    expect(compareUtf8('\u{10000}', '\uffff')).toBe(1);
    expect(compareUtf8('ab', 'a')).toBe(1);
  });
  it('splits words, keeps example.com and dog’s, lower-cases', () => {
    expect(tokenizer('standard')("The dog's bone, at example.com: 2 Foxes!")).toEqual([
      'the',
      "dog's",
      'bone',
      'at',
      'example.com',
      '2',
      'foxes',
    ]);
  });
});

describe('generated ECS table', () => {
  it('equals the @elastic/ecs package it was generated from (npm run gen:ecs to refresh)', () => {
    const { version, rows } = ecsRowsFromPackage();
    expect(ECS_VERSION).toBe(version);
    expect(ECS_FIELDS).toEqual(rows);
  });
  it('knows ECS types and multi-fields', () => {
    const s = defaultSchema();
    expect(s.resolve('source.ip').type).toBe('ip');
    expect(s.resolve('source.as.number').type).toBe('long');
    expect(s.resolve('@timestamp').type).toBe('date');
    expect(s.resolve('process.command_line').type).toBe('wildcard');
    expect(s.resolve('process.command_line.text')).toMatchObject({
      type: 'match_only_text',
      valuePath: 'process.command_line',
    });
    expect(s.resolve('event.code')).toMatchObject({ type: 'keyword', ignoreAbove: 1024 });
  });
});
