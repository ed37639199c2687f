import { describe, expect, it } from 'vitest';
import { parse } from '../../src/kql/parse.js';
import type { Node } from '../../src/kql/ast.js';
import { decideEquivalence } from '../../src/equiv/decide/index.js';
import { nativeMatcher, schemaFieldInfo } from '../../src/equiv/native.js';
import { defaultSchema } from '../../src/schema/index.js';

const schema = defaultSchema();
const now = new Date('2026-06-20T12:00:00.000Z');
const matcher = nativeMatcher(schema, now);
const fieldInfo = schemaFieldInfo(schema);

function ast(q: string): Node {
  const r = parse(q);
  if (!r.ast)
    throw new Error(`parse failed: ${q}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.ast;
}

function decide(a: string, b: string) {
  return decideEquivalence(ast(a), ast(b), { fieldInfo, matcher, now });
}

// Equivalent rewrites: proved exactly (method 'exact').
const EQUIVALENT: [string, string, string][] = [
  ['De Morgan (or)', 'not (a:1 or b:2)', 'not a:1 and not b:2'],
  ['De Morgan (and)', 'not (a:1 and b:2)', 'not a:1 or not b:2'],
  ['value-list folding', 'a:(x or y or z)', 'a:x or a:z or a:y'],
  ['value list with and', 'a:(x and y)', 'a:x and a:y'],
  ['value list with not', 'a:(x or not y)', 'a:x or not a:y'],
  ['double negation', 'not (not a:x)', 'a:x'],
  ['distributivity', 'a:1 and (b:1 or c:1)', '(a:1 and b:1) or (a:1 and c:1)'],
  ['absorption', 'a:x or (a:x and b:y)', 'a:x'],
  ['excluded middle is all', 'a:x or not a:x', '*:*'],
  ['prefix subsumes longer literal', 'a:abc*', 'a:abc* or a:abcd'],
  ['contains subsumes patterns', 'a:*foo*', 'a:*foo* or a:*xfoox* or a:foo or a:foo*bar'],
  ['exists absorbs values', 'a:*', 'a:* or a:x or a:x*'],
  ['value implies exists', 'a:x and a:*', 'a:x'],
  ['double star is exists on keyword', 'a:*', 'a:**'],
  ['repeated stars', 'a:ab**c', 'a:ab*c'],
  ['quoted and unquoted literal', 'process.name:"cmd.exe"', 'process.name:cmd.exe'],
  ['arrays: both values may be present', 'a:1 and a:2', 'a:2 and a:1'],
  ['long: > vs >= next integer', 'source.port > 80', 'source.port >= 81'],
  ['long: fractional bound rounds', 'source.port > 80.5', 'source.port >= 81'],
  ['long: 80.0 is 80', 'source.port:80', 'source.port:80.0'],
  ['long: decimal term matches nothing', 'source.port:80.5 or a:x', 'a:x'],
  [
    'CIDR split in halves',
    'source.ip:"10.0.0.0/8"',
    'source.ip:"10.0.0.0/9" or source.ip:"10.128.0.0/9"',
  ],
  ['CIDR /32 is the address', 'source.ip:"192.0.2.1/32"', 'source.ip:192.0.2.1'],
  ['IPv6 spellings', 'source.ip:"2001:db8::1"', 'source.ip:"2001:0db8:0:0:0:0:0:1"'],
  ['IPv4-mapped IPv6 is IPv4', 'source.ip:"::ffff:192.0.2.1"', 'source.ip:192.0.2.1'],
  ['keyword range', 'a > m or a:m', 'a >= m'],
  [
    'date bounds',
    '@timestamp >= "2024-01-01T00:00:00.000Z"',
    '@timestamp > "2023-12-31T23:59:59.999Z"',
  ],
  [
    'date term covers the day',
    '@timestamp:2024-01-01',
    '@timestamp >= "2024-01-01T00:00:00.000Z" and @timestamp < "2024-01-02T00:00:00.000Z" and @timestamp:2024-01-01',
  ],
  [
    'boolean true and "true"',
    'dll.code_signature.trusted:true',
    'dll.code_signature.trusted:"true"',
  ],
  ['free text outside the fragment, same on both sides', 'a:x and foo', 'foo and a:x'],
];

// Near misses: not equivalent; the counterexample must really tell them apart.
const DIFFERENT: [string, string, string][] = [
  ['shorter prefix is wider', 'a:abc*', 'a:ab*'],
  ['> vs >=', 'source.port > 80', 'source.port >= 80'],
  ['not keeps missing fields', 'not a:1', 'a:* and not a:1'],
  ['keyword is case-sensitive', 'process.name:cmd.exe', 'process.name:CMD.EXE'],
  [
    'arrays: range pair is not a point',
    'source.port:80',
    'source.port >= 80 and source.port <= 80',
  ],
  [
    'arrays: CIDR is not two bounds',
    'source.ip:"10.0.0.0/8"',
    'source.ip >= 10.0.0.0 and source.ip <= 10.255.255.255',
  ],
  ['precedence', 'a:1 and b:1 or c:1', 'a:1 and (b:1 or c:1)'],
  ['negated group split', 'not (a:1 and b:1)', 'not a:1 and not b:1'],
  ['arrays: not-list vs or of nots', 'not a:(1 or 2)', 'not a:1 or not a:2'],
  ['suffix vs contains', 'a:*foo', 'a:*foo*'],
  ['quoted star is literal', 'a:"x*y"', 'a:x*y'],
  ['numeric-looking keyword', 'event.code:4688', 'event.code:04688'],
  ['empty string exists', 'a:*', 'a:* and not a:""'],
  ['IPv6 /64 vs /48', 'source.ip:"2001:db8::/64"', 'source.ip:"2001:db8::/48"'],
  [
    'date lte rounds up',
    '@timestamp <= "2024-01-01T00:00:00Z"',
    '@timestamp < "2024-01-01T00:00:00.001Z"',
  ],
  ['keyword > vs >=', 'a > m', 'a >= m'],
  ['one extra value in a list', 'a:(x or y)', 'a:(x or y or z)'],
  ['wildcard middle chunk order', 'a:*ab*cd*', 'a:*cd*ab*'],
  ['exists vs value', 'a:*', 'a:?*'],
  [
    'boolean true vs false',
    'dll.code_signature.trusted:true',
    'not dll.code_signature.trusted:false',
  ],
];

describe('siemc equiv decision procedure', () => {
  it('has at least 30 pairs', () => {
    expect(EQUIVALENT.length + DIFFERENT.length).toBeGreaterThanOrEqual(30);
  });

  for (const [name, a, b] of EQUIVALENT) {
    it(`equivalent: ${name}`, () => {
      const d = decide(a, b);
      expect(d.result, JSON.stringify(d.counterexample?.doc)).toBe('equivalent');
      expect(d.method).toBe('exact');
    });
  }

  for (const [name, a, b] of DIFFERENT) {
    it(`different: ${name}`, () => {
      const d = decide(a, b);
      expect(d.result).toBe('different');
      expect(d.method).toBe('exact');
      const cx = d.counterexample!;
      expect(cx.verified).toBe(true);
      // Re-check independently of the procedure.
      const ma = matcher(ast(a))(cx.doc);
      const mb = matcher(ast(b))(cx.doc);
      expect(ma).not.toBe(mb);
      expect(ma).toBe(cx.matchesA);
    });
  }

  it('gives the array counterexample for a range pair vs a point', () => {
    const d = decide('source.port:80', 'source.port >= 80 and source.port <= 80');
    const port = (d.counterexample!.doc as { source: { port: unknown } }).source.port;
    expect(Array.isArray(port)).toBe(true);
  });

  it('finds the missing-field document for not', () => {
    const d = decide('not a:1', 'a:* and not a:1');
    expect(d.counterexample!.doc).toEqual({});
    expect(d.counterexample!.matchesA).toBe(true);
  });

  it('outside the fragment: free text differences are found by testing, and labelled', () => {
    const d = decide('a:foo or bar', 'a:foo');
    expect(d.result).toBe('different');
    expect(d.outside.map((o) => o.reason)).toContain('free text over all fields');
    const cx = d.counterexample!;
    expect(matcher(ast('a:foo or bar'))(cx.doc)).not.toBe(matcher(ast('a:foo'))(cx.doc));
  });

  it('text fields are outside the fragment', () => {
    const d = decide('message:hello', 'message:hello');
    expect(d.result).toBe('equivalent');
    expect(d.outside.length).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    const x = decide('a:(x or y) and not b:*z*', 'a:x and not b:*z*');
    const y = decide('a:(x or y) and not b:*z*', 'a:x and not b:*z*');
    expect(x.counterexample?.doc).toEqual(y.counterexample?.doc);
    expect(x.result).toBe('different');
  });

  it('handles a large value list quickly', () => {
    const vals = Array.from({ length: 300 }, (_, i) => `v${i}.exe`);
    const a = `process.name:(${vals.join(' or ')})`;
    const b = `process.name:(${[...vals].reverse().join(' or ')})`;
    expect(decide(a, b).result).toBe('equivalent');
    const c = `process.name:(${vals.slice(1).join(' or ')})`;
    const d = decide(a, c);
    expect(d.result).toBe('different');
    expect(d.counterexample!.doc).toEqual({ process: { name: 'v0.exe' } });
  });
});
