/**
 * Rule-level SPL meaning (new_terms / threshold pipelines) on small event streams: the SPL
 * interpreter's alerts vs the native rule engine's, and the empty-string differences that the
 * SPL-KEY-EMPTY / SPL-EXISTS-EMPTY diagnostics declare (Splunk does not extract empty values).
 */
import { describe, expect, it } from 'vitest';
import { runRuleSync } from '../../src/engine/index.js';
import { runSpl, splunkEventFromEcs } from '../../src/equiv/spl/index.js';
import type { Rule } from '../../src/rules/model.js';
import { checkSpl } from '../../targets/spl/check/index.js';
import { makeRule, meaning, toSpl } from './spl-helpers.js';

const NOW = new Date('2026-06-20T12:00:00Z');
const at = (min: number): string => new Date(NOW.getTime() - min * 60_000).toISOString();

function newTerms(fields: string[]): Partial<Rule> {
  return { type: 'new_terms', newTerms: { fields, historyWindowStart: 'now-7d' }, from: 'now-9m' };
}

function alerts(rule: Rule, docs: Record<string, unknown>[], keys: string[]) {
  const t = toSpl(rule.query ?? '', {}, rule);
  expect(checkSpl(t.text).ok, t.text).toBe(true);
  const spl = runSpl(
    t.text,
    docs.map((d) => splunkEventFromEcs(d)),
    { now: NOW.getTime() },
  )
    .rows.map((r) => keys.map((k) => r[k]?.[0] ?? '').join('|'))
    .sort();
  const native = runRuleSync(
    rule,
    docs.map((doc, i) => ({ doc, file: 'test', line: i + 1 })),
    { now: NOW },
  )
    .alerts.map((a) =>
      a.new_terms
        ? a.new_terms.map(String).join('|')
        : keys.map((k) => String(a.terms?.[k] ?? '')).join('|'),
    )
    .sort();
  return { t, spl, native };
}

describe('SPL new_terms / threshold: empty values', () => {
  it('new_terms: a key value "" is a new term in Elastic, not in Splunk (declared SPL-KEY-EMPTY)', () => {
    const q = 'event.category: authentication';
    const rule = makeRule(q, newTerms(['user.name']));
    const docs = [
      { '@timestamp': at(60 * 24), event: { category: 'authentication' }, user: { name: 'bob' } },
      { '@timestamp': at(2), event: { category: 'authentication' }, user: { name: 'alice' } },
      { '@timestamp': at(2), event: { category: 'authentication' }, user: { name: '' } },
      { '@timestamp': at(1), event: { category: 'authentication' }, user: { name: 'bob' } },
    ];
    const { t, spl, native } = alerts(rule, docs, ['user.name']);
    expect(native).toEqual(['', 'alice']);
    expect(spl).toEqual(['alice']);
    expect(t.verdict).toBe('narrower');
    expect(t.diagnostics.map((d) => [d.code, d.effect])).toContainEqual([
      'SPL-KEY-EMPTY',
      'narrower',
    ]);
  });

  it('new_terms on a number key: no empty term on either side, exact', () => {
    const q = 'event.category: network';
    const rule = makeRule(q, newTerms(['destination.port']));
    const docs = [
      { '@timestamp': at(2), event: { category: 'network' }, destination: { port: 22 } },
      { '@timestamp': at(2), event: { category: 'network' }, destination: { port: '' } },
    ];
    const { t, spl, native } = alerts(rule, docs, ['destination.port']);
    expect(native).toEqual(['22']);
    expect(spl).toEqual(native);
    expect(t.verdict).toBe('exact');
  });

  it('new_terms whose query needs a non-empty key value: exact (the empty event never reaches stats)', () => {
    const q = 'event.category: authentication and user.name: a*';
    const rule = makeRule(q, newTerms(['user.name']));
    const t = toSpl(q, {}, rule);
    expect(t.diagnostics.map((d) => d.code)).not.toContain('SPL-KEY-EMPTY');
    expect(t.verdict).toBe('exact');
  });

  it('threshold: "" is a group of its own in Elastic (declared), and counts agree otherwise', () => {
    const q = 'event.outcome: failure';
    const rule = makeRule(q, {
      type: 'threshold',
      threshold: { field: ['user.name'], value: 2 },
    });
    const docs = [
      { '@timestamp': at(1), event: { outcome: 'failure' }, user: { name: 'bob' } },
      { '@timestamp': at(2), event: { outcome: 'failure' }, user: { name: 'bob' } },
      { '@timestamp': at(3), event: { outcome: 'failure' }, user: { name: '' } },
      { '@timestamp': at(4), event: { outcome: 'failure' }, user: { name: '' } },
      { '@timestamp': at(4), event: { outcome: 'failure' } },
    ];
    const { t, spl, native } = alerts(rule, docs, ['user.name']);
    expect(native).toEqual(['', 'bob']);
    expect(spl).toEqual(['bob']);
    expect(t.diagnostics.map((d) => [d.code, d.effect])).toContainEqual([
      'SPL-KEY-EMPTY',
      'narrower',
    ]);
  });

  it('`f:* and f:x` declares no exists difference (the exists adds nothing)', () => {
    const t = toSpl('process.name: * and process.name: cmd.exe');
    expect(t.diagnostics.map((d) => d.code)).not.toContain('SPL-EXISTS-EMPTY');
    expect(t.verdict).toBe('exact');
    const lone = toSpl('process.name: *');
    expect(lone.diagnostics.map((d) => [d.code, d.effect])).toContainEqual([
      'SPL-EXISTS-EMPTY',
      'narrower',
    ]);
  });
});

describe('SPL wildcard field names', () => {
  const docs = [
    { custom: { a: { name: 'Admin' } } },
    { custom: { b: { name: 'admin' } } },
    { custom: { a: { name: 'x' }, b: { name: 'Admin' } } },
    { custom: { a: { other: 'Admin' } } },
    { custom: { a: { name: ['y', 'Admin2'] } } },
    { other: { a: { name: 'Admin' } } },
    {},
  ];
  for (const q of [
    'custom.*.name: Admin',
    'not custom.*.name: Admin',
    'custom.*.name: Admin*',
    'custom.*.name: (x or Admin2)',
    'custom.*.name: *',
    'not custom.*.name: * and custom.*.other: *',
  ]) {
    it(`${q}: foreach tests every matching field exactly (case-sensitive)`, () => {
      const rule = makeRule(q);
      const t = toSpl(q);
      expect(t.text).toContain('| foreach custom.*.');
      expect(t.diagnostics.map((d) => d.code)).not.toContain('SPL-FIELD-WILDCARD');
      expect(checkSpl(t.text).diagnostics).toEqual([]);
      const m = meaning(rule, t, docs);
      expect(m.wider).toEqual([]);
      // only `f:*` on an empty value could differ, and there is none here
      expect(m.narrower).toEqual([]);
      expect(m.events).toBe(docs.length);
    });
  }

  it('falls back to a declared case-insensitive searchmatch when the fields are not all keywords', () => {
    // process.* also matches text fields (process.command_line.text, ...)
    const t = toSpl('process.*: cmd');
    expect(t.text).toContain('searchmatch(');
    expect(t.diagnostics.map((d) => [d.code, d.effect])).toContainEqual([
      'SPL-FIELD-WILDCARD',
      'wider',
    ]);
  });
});

describe('SPL text and multi-fields follow the evaluator schema', () => {
  const ps = (text: string) => ({ powershell: { file: { script_block_text: text } } });
  const cases: [string, Record<string, unknown>[], boolean[]][] = [
    [
      // the Windows integration's pattern analyzer: [^A-Za-z0-9_-]+ separates tokens
      'powershell.file.script_block_text: ("Set-PSBreakpoint" or "winmm.dll")',
      [
        ps('x Set-PSBreakpoint y'),
        ps('Set PSBreakpoint'),
        ps('xSet-PSBreakpoint'),
        ps('WINMM dll'),
      ],
      [true, false, false, true],
    ],
    [
      'powershell.file.script_block_text: *KeyState*',
      [ps('GetAsyncKeyState(1)'), ps('key state'), ps('a-keystate-b')],
      [true, false, true],
    ],
    [
      // a multi-field is read from its parent, with the normalizer's case folding
      'process.name.caseless: PING.exe',
      [{ process: { name: 'ping.EXE' } }, { process: { name: 'ping.exe.bak' } }, {}],
      [true, false, false],
    ],
    [
      // in the where clause too (the OR with a case-sensitive clause forces one)
      'process.name.caseless: PING.exe or process.title: "A*B"',
      [
        { process: { name: 'ping.EXE' } },
        { process: { name: 'ping.exe.bak' } },
        { process: { title: 'a*b' } },
        { process: { title: 'A*B' } },
      ],
      [true, false, false, true],
    ],
    [
      // matches on one field under OR share one alternation regex
      'process.name: (cmd.exe or pwsh* or *.PS1 or "a*b")',
      [
        { process: { name: 'cmd.exe' } },
        { process: { name: 'CMD.EXE' } },
        { process: { name: 'pwsh7' } },
        { process: { name: 'x.PS1' } },
        { process: { name: 'x.ps1' } },
        { process: { name: 'axb' } },
        { process: { name: 'a*b' } },
      ],
      [true, false, true, true, false, false, true],
    ],
    [
      'process.command_line.text: "foo bar"',
      [{ process: { command_line: 'a FOO-bar' } }, { process: { command_line: 'foobar' } }],
      [true, false],
    ],
  ];
  for (const [q, docs, want] of cases) {
    it(q, () => {
      const rule = makeRule(q);
      const t = toSpl(q);
      expect(t.verdict).toBe('exact');
      expect(checkSpl(t.text).diagnostics).toEqual([]);
      const m = meaning(rule, t, docs);
      expect(m.wider).toEqual([]);
      expect(m.narrower).toEqual([]);
      // the selection itself is the expected one (the comparison is not vacuous)
      const events = docs.map((d) => splunkEventFromEcs(d));
      const rows = runSpl(t.text, events, { now: NOW.getTime(), ignoreTime: true }).rows;
      expect(events.map((e) => rows.some((r) => r._raw?.[0] === e._raw?.[0]))).toEqual(want);
    });
  }
});

describe('SPL: f:* next to not f:""', () => {
  it('only a multivalue field with an empty element differs (wider), and that is declared', () => {
    const q = 'f.ui: * and not f.ui: ""';
    const rule = makeRule(q);
    const t = toSpl(q);
    expect(t.verdict).toBe('wider');
    const docs = [{ f: { ui: 'x' } }, { f: { ui: '' } }, { f: {} }, { f: { ui: ['', 'x'] } }];
    const m = meaning(rule, t, docs);
    expect(m.narrower).toEqual([]);
    expect(m.wider).toEqual([{ f: { ui: ['', 'x'] } }]);
    expect(m.undeclared).toEqual([]);
  });
});

describe('SPL number fields compare numbers, as Elasticsearch does', () => {
  const port = (v: unknown) => ({ destination: { port: v } });
  const cases: [string, Record<string, unknown>[], boolean[]][] = [
    [
      // a long field: "022" and 22.0 are 22, 22.7 is truncated to 22, text "22x" is no number
      'destination.port: 22',
      [port(22), port('022'), port('22.0'), port('22.7'), port(23), port('22x'), port([80, 22])],
      [true, true, true, true, false, false, true],
    ],
    [
      'destination.port: (22 or 443)',
      [port(443), port('0443'), port([80, 8443]), port(22)],
      [true, true, false, true],
    ],
    [
      'process.pid: -5',
      [{ process: { pid: -5 } }, { process: { pid: '-5.9' } }, { process: { pid: -6 } }],
      [true, true, false],
    ],
    [
      // a multivalue field: one value must be the number (the search range alone would be wider)
      'destination.port: 50',
      [port([10, 90]), port([10, 50])],
      [false, true],
    ],
    ['not destination.port: 0', [port(0), port('0.5'), port(1), {}], [false, false, true, true]],
  ];
  for (const [q, docs, want] of cases) {
    it(q, () => {
      const rule = makeRule(q);
      const t = toSpl(q);
      expect(t.verdict).toBe('exact');
      expect(checkSpl(t.text).diagnostics).toEqual([]);
      const m = meaning(rule, t, docs);
      expect(m.wider).toEqual([]);
      expect(m.narrower).toEqual([]);
      const events = docs.map((d) => splunkEventFromEcs(d));
      const rows = runSpl(t.text, events, { now: NOW.getTime(), ignoreTime: true }).rows;
      expect(events.map((e) => rows.some((r) => r._raw?.[0] === e._raw?.[0]))).toEqual(want);
    });
  }
});

describe('SPL ip fields compare addresses, as Elasticsearch does', () => {
  const ip = (v: unknown) => ({ source: { ip: v } });
  const cases: [string, Record<string, unknown>[], boolean[]][] = [
    [
      'source.ip: 10.0.0.1',
      [ip('10.0.0.1'), ip('::ffff:10.0.0.1'), ip('10.0.0.10'), ip(['8.8.8.8', '10.0.0.1'])],
      [true, true, false, true],
    ],
    [
      'source.ip: "2001:db8::1"',
      [ip('2001:db8::1'), ip('2001:0db8:0000::0001'), ip('2001:db8::2')],
      [true, true, false],
    ],
    [
      'source.ip: 10.0.0.1 or process.name: "X"',
      [ip('::ffff:10.0.0.1'), { process: { name: 'x' } }, { process: { name: 'X' } }],
      [true, false, true],
    ],
  ];
  for (const [q, docs, want] of cases) {
    it(q, () => {
      const t = toSpl(q);
      expect(t.verdict).toBe('exact');
      expect(t.text).toMatch(/\/(32|128)"/);
      expect(checkSpl(t.text).diagnostics).toEqual([]);
      const m = meaning(makeRule(q), t, docs);
      expect(m.wider).toEqual([]);
      expect(m.narrower).toEqual([]);
      const events = docs.map((d) => splunkEventFromEcs(d));
      const rows = runSpl(t.text, events, { now: NOW.getTime(), ignoreTime: true }).rows;
      expect(events.map((e) => rows.some((r) => r._raw?.[0] === e._raw?.[0]))).toEqual(want);
    });
  }
});

describe('SPL keyword ignore_above (ECS: 1024): longer values are not indexed in Elastic', () => {
  const long = 'x'.repeat(1030) + 'cmd';
  const cases: [string, Record<string, unknown>[], boolean[]][] = [
    [
      'process.name: *cmd',
      [
        { process: { name: long } },
        { process: { name: 'acmd' } },
        { process: { name: [long, 'bcmd'] } },
      ],
      [false, true, true],
    ],
    [
      'user.name: * and event.code: 1',
      [
        { user: { name: long }, event: { code: '1' } },
        { user: { name: 'bob' }, event: { code: '1' } },
      ],
      [false, true],
    ],
    ['host.name > "m"', [{ host: { name: 'z' + long } }, { host: { name: 'zz' } }], [false, true]],
  ];
  for (const [q, docs, want] of cases) {
    it(q, () => {
      const t = toSpl(q);
      expect(t.text).toContain('1024');
      expect(checkSpl(t.text).diagnostics).toEqual([]);
      const m = meaning(makeRule(q), t, docs);
      expect(m.wider).toEqual([]);
      expect(m.narrower).toEqual([]);
      const events = docs.map((d) => splunkEventFromEcs(d));
      const rows = runSpl(t.text, events, { now: NOW.getTime(), ignoreTime: true }).rows;
      expect(events.map((e) => rows.some((r) => r._raw?.[0] === e._raw?.[0]))).toEqual(want);
    });
  }

  it('new_terms: a value longer than the limit is no term (stats sees it dropped)', () => {
    const q = 'event.category: authentication';
    const rule = makeRule(q, newTerms(['user.name']));
    const docs = [
      { '@timestamp': at(2), event: { category: 'authentication' }, user: { name: long } },
      { '@timestamp': at(2), event: { category: 'authentication' }, user: { name: 'alice' } },
    ];
    const { t, spl, native } = alerts(rule, docs, ['user.name']);
    expect(t.text).toContain("| eval 'user.name'=mvfilter(len('user.name')<=1024)");
    expect(native).toEqual(['alice']);
    expect(spl).toEqual(native);
  });

  it('not f:* keeps NOT f=* and declares the long-value difference', () => {
    const t = toSpl('event.code: 1 and not user.name: *');
    expect(t.text).toMatch(/NOT user\.name=\*/);
    expect(t.diagnostics.map((d) => [d.code, d.effect])).toContainEqual([
      'SPL-IGNORE-ABOVE',
      'narrower',
    ]);
  });
});
