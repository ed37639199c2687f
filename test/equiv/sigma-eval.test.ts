import { describe, expect, it } from 'vitest';
import {
  loadSigma,
  matchingEvents,
  runCorrelations,
  compileDetection,
  SigmaEvalError,
} from '../../src/equiv/sigma/index.js';
import { cidrMatcher } from '../../src/equiv/sigma/cidr.js';
import { parse } from 'yaml';

/** Compile a `detection:` block written in YAML and test one event. */
function det(yaml: string): (event: unknown) => boolean {
  return compileDetection((parse(yaml, { version: '1.1' }) as { detection: unknown }).detection);
}

describe('Sigma evaluator: values and modifiers', () => {
  it('matches case-insensitively by default and case-sensitively with cased', () => {
    const plain = det(`detection:\n  sel:\n    process.name: cmd.exe\n  condition: sel`);
    const cased = det(`detection:\n  sel:\n    process.name|cased: cmd.exe\n  condition: sel`);
    expect(plain({ process: { name: 'CMD.EXE' } })).toBe(true);
    expect(cased({ process: { name: 'CMD.EXE' } })).toBe(false);
    expect(cased({ process: { name: 'cmd.exe' } })).toBe(true);
    expect(plain({ process: { name: 'cmd.exe2' } })).toBe(false);
  });

  it('handles * and ? wildcards with backslash escapes per the spec', () => {
    const d = (v: string): ((e: unknown) => boolean) =>
      det(`detection:\n  sel:\n    f|cased: '${v}'\n  condition: sel`);
    expect(d('a*c')({ f: 'abbbc' })).toBe(true);
    expect(d('a?c')({ f: 'abc' })).toBe(true);
    expect(d('a?c')({ f: 'ac' })).toBe(false);
    expect(d('a\\?c')({ f: 'abc' })).toBe(false);
    expect(d('a\\?c')({ f: 'a?c' })).toBe(true);
    expect(d('a\\*')({ f: 'a*' })).toBe(true);
    expect(d('a\\*')({ f: 'ab' })).toBe(false);
    // \\* is a backslash then a wildcard; a lone backslash before a plain char is literal
    expect(d('C:\\Users\\\\*\\Desktop\\\\*')({ f: 'C:\\Users\\bob\\Desktop\\run.lnk' })).toBe(true);
    expect(d('C:\\Users\\\\*\\Desktop\\\\*')({ f: 'C:\\Users\\bob\\Documents\\run.lnk' })).toBe(
      false,
    );
    expect(d('a\\\\\\\\b')({ f: 'a\\\\b' })).toBe(true); // four backslashes: two
    expect(d('a\\\\\\b')({ f: 'a\\\\b' })).toBe(true); // three: two
    expect(d('*')({ f: 'multi\nline' })).toBe(true);
  });

  it('contains / startswith / endswith add wildcards around the decoded value', () => {
    const c = det(`detection:\n  sel:\n    f|contains|cased: '\\AppData\\\\'\n  condition: sel`);
    expect(c({ f: 'C:\\Users\\bob\\AppData\\Local' })).toBe(true);
    expect(c({ f: 'C:\\Users\\bob\\AppData' })).toBe(false);
    const s = det(`detection:\n  sel:\n    f|startswith: ab\n  condition: sel`);
    expect(s({ f: 'ABc' })).toBe(true);
    expect(s({ f: 'cab' })).toBe(false);
    const e = det(`detection:\n  sel:\n    f|endswith: '.exe'\n  condition: sel`);
    expect(e({ f: 'x.EXE' })).toBe(true);
  });

  it('lists OR values, all ANDs them, maps AND keys, lists of maps OR the maps', () => {
    const or = det(`detection:\n  sel:\n    f: [a, b]\n  condition: sel`);
    expect(or({ f: 'b' })).toBe(true);
    const all = det(`detection:\n  sel:\n    f|contains|all: [a, b]\n  condition: sel`);
    expect(all({ f: 'xaxbx' })).toBe(true);
    expect(all({ f: 'xax' })).toBe(false);
    const map = det(`detection:\n  sel:\n    f: a\n    g: b\n  condition: sel`);
    expect(map({ f: 'a', g: 'b' })).toBe(true);
    expect(map({ f: 'a' })).toBe(false);
    const lom = det(`detection:\n  sel:\n    - f: a\n    - g: b\n  condition: sel`);
    expect(lom({ g: 'b' })).toBe(true);
    expect(lom({ h: 'b' })).toBe(false);
  });

  it('null, empty value, exists', () => {
    const nul = det(`detection:\n  sel:\n    f: null\n  condition: sel`);
    expect(nul({})).toBe(true);
    expect(nul({ f: null })).toBe(true);
    expect(nul({ f: [] })).toBe(true);
    expect(nul({ f: '' })).toBe(false);
    const empty = det(`detection:\n  sel:\n    f: ''\n  condition: sel`);
    expect(empty({ f: '' })).toBe(true);
    expect(empty({})).toBe(false);
    const ex = det(`detection:\n  sel:\n    f|exists: true\n  condition: sel`);
    expect(ex({ f: '' })).toBe(true);
    expect(ex({ f: null })).toBe(false);
    expect(ex({ f: [null] })).toBe(false);
    const nex = det(`detection:\n  sel:\n    f|exists: false\n  condition: sel`);
    expect(nex({})).toBe(true);
    expect(nex({ f: 'x' })).toBe(false);
    // objects: exist when they hold a value (Elasticsearch asks for any sub-field), as backends
    // write exists/null (`_exists_:f`, `f=*`)
    expect(ex({ f: {} })).toBe(false);
    expect(ex({ f: { a: null, b: [] } })).toBe(false);
    expect(ex({ f: { a: { b: 0 } } })).toBe(true);
    expect(ex({ f: [{}, { a: false }] })).toBe(true);
    expect(nul({ f: {} })).toBe(true);
    expect(nul({ f: { a: 'x' } })).toBe(false);
  });

  it('numbers, comparisons, booleans', () => {
    const n = det(`detection:\n  sel:\n    code: 4688\n  condition: sel`);
    expect(n({ code: 4688 })).toBe(true);
    expect(n({ code: '4688' })).toBe(true);
    expect(n({ code: '04688' })).toBe(true); // by value, as a numeric field coerces it
    expect(n({ code: '4688x' })).toBe(false);
    const gt = det(`detection:\n  sel:\n    bytes|gte: 10\n  condition: sel`);
    expect(gt({ bytes: 10 })).toBe(true);
    expect(gt({ bytes: '11' })).toBe(true);
    expect(gt({ bytes: 9 })).toBe(false);
    expect(gt({ bytes: 'ten' })).toBe(false);
    const b = det(`detection:\n  sel:\n    ok: true\n  condition: sel`);
    expect(b({ ok: true })).toBe(true);
    expect(b({ ok: 'true' })).toBe(true);
    expect(b({ ok: false })).toBe(false);
  });

  it('re with sub-modifiers (search, case-sensitive unless i)', () => {
    const re = det(`detection:\n  sel:\n    f|re: '^a.c$'\n  condition: sel`);
    expect(re({ f: 'abc' })).toBe(true);
    expect(re({ f: 'ABC' })).toBe(false);
    const rei = det(`detection:\n  sel:\n    f|re|i: 'b'\n  condition: sel`);
    expect(rei({ f: 'ABC' })).toBe(true);
  });

  it('cidr matches by address value, IPv4 and IPv6', () => {
    const d = det(
      `detection:\n  sel:\n    source.ip|cidr:\n      - 10.0.0.0/8\n      - '2001:db8::/64'\n  condition: sel`,
    );
    expect(d({ source: { ip: '10.20.30.40' } })).toBe(true);
    expect(d({ source: { ip: '11.0.0.1' } })).toBe(false);
    expect(d({ source: { ip: '2001:0db8:0000::7' } })).toBe(true);
    expect(d({ source: { ip: '2001:db8:0:1::5' } })).toBe(false);
    expect(cidrMatcher('192.0.2.0/33')).toBeUndefined();
    expect(cidrMatcher('::ffff:0:0/96')?.('1.2.3.4')).toBe(true);
    expect(cidrMatcher('1.2.3.4/32')?.('::ffff:1.2.3.4')).toBe(true);
    expect(cidrMatcher('1.2.3.4/32')?.('1.2.3.5')).toBe(false);
  });

  it('arrays match when any element matches; dotted keys equal nested objects', () => {
    const d = det(
      `detection:\n  sel:\n    a.b|cased: x\n  filter:\n    a.b|cased: 'y'\n  condition: sel and not filter`,
    );
    expect(d({ a: [{ b: 'x' }, { b: 'z' }] })).toBe(true);
    expect(d({ 'a.b': ['x', 'y'] })).toBe(false);
    expect(d({ a: { b: 'x' } })).toBe(true);
  });

  it('keyword lists search every value of the event', () => {
    const d = det(`detection:\n  keywords:\n    - '*mimikatz*'\n    - evil\n  condition: keywords`);
    expect(d({ a: { b: ['x', 'run MIMIKATZ now'] } })).toBe(true);
    expect(d({ a: 'evil' })).toBe(true);
    expect(d({ a: 'evil2' })).toBe(false);
  });

  it('conditions: precedence, parentheses, 1 of / all of, them, condition lists', () => {
    const yaml = (cond: string): string =>
      `detection:\n  sel_a:\n    a: 1\n  sel_b:\n    b: 1\n  filter:\n    c: 1\n  _hidden:\n    d: 1\n  condition: ${cond}`;
    const ev = { a: 1, b: 0, c: 1 };
    expect(det(yaml('sel_a or sel_b and filter'))(ev)).toBe(true); // and binds tighter
    expect(det(yaml('(sel_a or sel_b) and not filter'))(ev)).toBe(false);
    expect(det(yaml('1 of sel_*'))(ev)).toBe(true);
    expect(det(yaml('all of sel_*'))(ev)).toBe(false);
    expect(det(yaml('all of them'))({ a: 1, b: 1, c: 1 })).toBe(true); // _hidden excluded
    expect(det(yaml('not not sel_a'))(ev)).toBe(true);
    expect(
      det(`detection:\n  a:\n    xx: 1\n  b:\n    yy: 1\n  condition: [a, b]`)({ yy: 1 }),
    ).toBe(true);
  });

  it('rejects malformed rules with a clear error', () => {
    expect(() => det(`detection:\n  sel:\n    a: 1\n  condition: sel and missing`)).toThrow(
      /missing.*not a search identifier/,
    );
    expect(() => det(`detection:\n  sel:\n    a|windash: x\n  condition: sel`)).toThrow(
      SigmaEvalError,
    );
    expect(() => det(`detection:\n  sel:\n    a|bogus: x\n  condition: sel`)).toThrow(
      /unknown modifier 'bogus'/,
    );
    expect(() => det(`detection:\n  sel:\n    a: 1\n  condition: sel and (sel`)).toThrow(
      /expected '\)'/,
    );
    expect(() => det(`detection:\n  sel:\n    a: 1\n  condition: 1 of nothing*`)).toThrow(
      /matches no search identifier/,
    );
    expect(() => det(`detection:\n  sel:\n    a|exists: yes please\n  condition: sel`)).toThrow(
      /exists/,
    );
  });
});

describe('Sigma evaluator: files and correlations', () => {
  const file = `title: base
name: base_rule
logsource:
    product: okta
detection:
    selection:
        event.action|cased: login
    condition: selection
---
title: many logins
correlation:
    type: event_count
    rules:
        - base_rule
    group-by:
        - user.name
    timespan: 10m
    condition:
        gte: 3
---
title: many sources
correlation:
    type: value_count
    rules:
        - base_rule
    group-by: []
    timespan: 10m
    condition:
        field: source.ip
        gte: 2
`;
  const now = new Date('2026-06-20T12:00:00Z');
  const ev = (t: string, user: unknown, ip: string, action = 'login'): unknown => ({
    '@timestamp': t,
    event: { action },
    user: { name: user },
    source: { ip },
  });
  const events = [
    ev('2026-06-20T11:51:00Z', 'bob', '192.0.2.1'),
    ev('2026-06-20T11:52:00Z', 'bob', '192.0.2.1'),
    ev('2026-06-20T11:59:59Z', ['bob', 'amy'], '192.0.2.2'),
    ev('2026-06-20T11:49:00Z', 'amy', '192.0.2.3'), // outside the window
    ev('2026-06-20T11:55:00Z', 'amy', '192.0.2.4', 'LOGIN'), // not matched (cased)
    ev('2026-06-20T11:55:00Z', undefined, '192.0.2.5'), // no user: in no user group
  ];

  it('loads multi-document files and matches the detection rule', () => {
    const f = loadSigma(file);
    expect(f.rules).toHaveLength(1);
    expect(f.correlations).toHaveLength(2);
    expect(matchingEvents(f, events)).toHaveLength(5);
  });

  it('event_count groups by field values inside the window; value_count counts distinct values', () => {
    const alerts = runCorrelations(loadSigma(file), events, { now });
    expect(alerts).toEqual([
      { rule: 'many logins', group: { 'user.name': 'bob' }, count: 3 },
      { rule: 'many sources', group: {}, count: 4, distinct: 3 },
    ]);
  });

  it('uses the first present time field', () => {
    const late = [
      {
        event: { action: 'login' },
        user: { name: 'x' },
        '@timestamp': '2026-06-19T00:00:00Z',
        event_ingested: '2026-06-20T11:58:00Z',
      },
    ];
    const f = loadSigma(file.replace('gte: 3', 'gte: 1'));
    expect(runCorrelations(f, late, { now }).filter((a) => a.rule === 'many logins')).toHaveLength(
      0,
    );
    expect(
      runCorrelations(f, late, { now, timeFields: ['event_ingested', '@timestamp'] }).filter(
        (a) => a.rule === 'many logins',
      ),
    ).toHaveLength(1);
  });

  it('reports unknown rule references and bad timespans', () => {
    expect(() =>
      runCorrelations(loadSigma(file.replace('- base_rule', '- nope')), events, { now }),
    ).toThrow(/nope/);
    expect(() =>
      runCorrelations(loadSigma(file.replace('timespan: 10m', 'timespan: 10 minutes')), events, {
        now,
      }),
    ).toThrow(/timespan/);
  });
});
