/**
 * Keyword ranges in Sigma: Elasticsearch compares keyword values by their UTF-8 bytes; siemc
 * writes `f < "b"` and friends as a regex that accepts exactly those strings. Checked against the
 * native evaluator on random strings over an alphabet with regex- and class-special characters,
 * control characters, non-ASCII and astral characters, for random bounds and every operator.
 */
import { describe, expect, it } from 'vitest';
import { keywordRangeRegex } from '../../targets/sigma/escape.js';
import { ipRangeCidrs } from '../../targets/sigma/iprange.js';
import {
  detectionText,
  nativePredicate,
  ruleFromKql,
  sigmaPredicate,
  toSigma,
} from './sigma-helpers.js';

const ALPHA = [
  'a',
  'b',
  'B',
  '0',
  '9',
  '-',
  ']',
  '[',
  '\\',
  '^',
  '.',
  '*',
  ' ',
  '\n',
  '\t',
  'é',
  'ÿ',
  '中',
  '\uE000',
  '😀',
  '\u007f',
];
let seed = 99;
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const randomText = (max: number): string =>
  Array.from({ length: rnd(max + 1) }, () => ALPHA[rnd(ALPHA.length)]).join('');
/** A KQL quoted string for `s`. */
const kqlQuoted = (s: string): string =>
  '"' +
  s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t') +
  '"';

describe('Sigma keyword ranges', () => {
  it('golden: a byte-order regex, exact', () => {
    const rule = ruleFromKql('user.name < "m" and event.code >= "1023"');
    const t = toSigma(rule);
    expect(detectionText(t.text)).toBe(
      [
        'detection:',
        '    selection:',
        "        user.name|re|s: '^(([\\x00-l].*)?$)'",
        "        event.code|re|s: '^([^\\x00-1].*$|1[^\\x00-0].*$|10[^\\x00-2].*$|102[^\\x00-3].*$|1023.*$)'",
        '    condition: selection',
      ].join('\n'),
    );
    expect(t.verdict).toBe('wider'); // values over ignore_above (1024) are not indexed
    expect(t.diagnostics.map((d) => d.code)).toContain('SIGMA-RANGE-REGEX');
    const sigma = sigmaPredicate(t.text);
    const native = nativePredicate(rule);
    for (const [name, code, want] of [
      ['alice', '2', true],
      ['m', '2', false],
      ['', '1023', true],
      ['l', '10230', true],
      ['lz', '1022', false],
      ['L', '999', true],
      ['alice', 1024, true],
    ] as const) {
      const doc = { user: { name: name }, event: { code } };
      expect(native(doc), JSON.stringify(doc)).toBe(want);
      expect(sigma(doc), JSON.stringify(doc)).toBe(want);
    }
  });

  for (const op of ['<', '<=', '>', '>='] as const) {
    it(`random strings agree with the native evaluator (${op})`, () => {
      let compared = 0;
      let pos = 0;
      for (let k = 0; k < 60; k++) {
        const bound = randomText(4);
        if (Array.from(bound).some((c) => (c.codePointAt(0) ?? 0) >= 0xd800)) continue;
        const rule = ruleFromKql(`my.code ${op} ${kqlQuoted(bound)}`);
        const t = toSigma(rule);
        if (op === '<' && bound === '') {
          expect(t.text).not.toContain('|re');
        } else expect(t.diagnostics.map((d) => d.code)).toContain('SIGMA-RANGE-REGEX');
        expect(t.verdict).toBe('exact');
        const sigma = sigmaPredicate(t.text);
        const native = nativePredicate(rule);
        for (let i = 0; i < 80; i++) {
          const v = rnd(4) === 0 ? bound + randomText(2) : randomText(5);
          const doc = { my: { code: v } };
          const n = native(doc);
          if (n) pos++;
          compared++;
          expect(
            sigma(doc),
            `${op} ${JSON.stringify(bound)} on ${JSON.stringify(v)}\n${t.text}`,
          ).toBe(n);
        }
      }
      expect(compared).toBeGreaterThan(3000);
      expect(pos).toBeGreaterThan(5); // both answers occur
      expect(pos).toBeLessThan(compared - 5);
    });
  }

  it('bounds with characters from U+D800 up stay unsupported (UTF-16 and byte order differ)', () => {
    expect(keywordRangeRegex('lt', 'a\uE000')).toBeUndefined();
    const t = toSigma(ruleFromKql('event.action: x and event.code < "😀"'));
    expect(t.verdict).toBe('unsupported');
    expect(t.diagnostics.map((d) => d.code)).toContain('SIGMA-RANGE');
  });

  it('ip ranges: the CIDR networks that make up the interval, IPv4 apart from IPv6', () => {
    expect(ipRangeCidrs('gte', '10.0.0.0')?.slice(0, 3)).toEqual([
      '10.0.0.0/7',
      '12.0.0.0/6',
      '16.0.0.0/4',
    ]);
    expect(ipRangeCidrs('lt', '10.0.0.4')?.slice(-3)).toEqual([
      '0.0.0.0/5',
      '8.0.0.0/7',
      '10.0.0.0/30',
    ]);
    expect(ipRangeCidrs('lt', '10.0.0.4')?.slice(-4, -3)).toEqual(['::fffe:0:0/96']);
    expect(ipRangeCidrs('lte', '::')).toEqual(['::/128']);
    expect(ipRangeCidrs('lt', '::')).toEqual([]);
    expect(ipRangeCidrs('gt', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toEqual([]);
    expect(ipRangeCidrs('gt', 'nope')).toBeUndefined();
    const t = toSigma(ruleFromKql('event.action: x and source.ip < 0.0.0.0'));
    expect(t.verdict).toBe('exact');
    expect(detectionText(t.text)).toContain('source.ip|cidr:');
  });

  for (const op of ['<', '<=', '>', '>='] as const) {
    it(`ip ranges agree with the native evaluator on random addresses (${op})`, () => {
      const octet = (): number => [0, 1, 9, 10, 127, 128, 192, 254, 255][rnd(9)];
      const v4 = (): string => [octet(), octet(), octet(), octet()].join('.');
      const group = (): string =>
        ['0', '1', 'a', 'ff', 'ffff', 'fffe', '8000', '2001', 'db8'][rnd(9)];
      const v6 = (): string => Array.from({ length: 8 }, group).join(':');
      const addr = (): string => (rnd(3) === 0 ? v6() : rnd(4) === 0 ? `::ffff:${v4()}` : v4());
      let compared = 0;
      let pos = 0;
      for (let k = 0; k < 25; k++) {
        const bound = addr();
        const rule = ruleFromKql(`source.ip ${op} ${JSON.stringify(bound)}`);
        const t = toSigma(rule);
        expect(t.verdict, bound).toBe('exact');
        const sigma = sigmaPredicate(t.text);
        const native = nativePredicate(rule);
        for (let i = 0; i < 60; i++) {
          const a = i === 0 ? bound : addr();
          const doc = { source: { ip: a } };
          const n = native(doc);
          if (n) pos++;
          compared++;
          expect(sigma(doc), `${op} ${bound} on ${a}`).toBe(n);
        }
      }
      expect(compared).toBe(1500);
      expect(pos).toBeGreaterThan(50);
      expect(pos).toBeLessThan(1450);
    });
  }
});
