/**
 * Rule engine semantics: the window and its boundaries, the timestamp fallback, new_terms history
 * and arrays, threshold grouping and cardinality, bare queries.
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/kql/parse.js';
import { runRule, runRuleSync } from '../../src/engine/index.js';
import type { EventRecord } from '../../src/engine/index.js';
import type { Rule } from '../../src/rules/model.js';

const NOW = new Date('2026-06-20T12:00:00Z');

function rule(over: Partial<Rule> & { query: string }): Rule {
  return {
    id: 'r1',
    name: 'r1',
    description: '',
    type: 'query',
    tags: [],
    threat: [],
    references: [],
    falsePositives: [],
    author: [],
    index: [],
    from: 'now-10m',
    interval: '5m',
    metadata: {},
    source: { file: 'r1.toml', format: 'toml' },
    ...over,
    ast: parse(over.query).ast!,
  } as Rule;
}

function evs(...docs: object[]): EventRecord[] {
  return docs.map((doc, i) => ({ doc, file: 'e.ndjson', line: i + 1 }));
}

const at = (t: string, extra: object = {}) => ({ '@timestamp': t, a: 'x', ...extra });

describe('query rules and the window', () => {
  it('one alert per matching event inside [from, now], bounds inclusive', () => {
    const res = runRuleSync(
      rule({ query: 'a: x' }),
      evs(
        at('2026-06-20T11:49:59.999Z'),
        at('2026-06-20T11:50:00Z', { event: { id: 'E2' } }),
        at('2026-06-20T12:00:00Z'),
        at('2026-06-20T12:00:00.001Z'),
        { '@timestamp': '2026-06-20T11:55:00Z', a: 'y' },
      ),
      { now: NOW },
    );
    expect(res.alerts.map((a) => a.line)).toEqual([2, 3]);
    expect(res.alerts[0]).toEqual({
      rule: 'r1',
      type: 'query',
      file: 'e.ndjson',
      line: 2,
      event_id: 'E2',
      timestamp: '2026-06-20T11:50:00.000Z',
    });
    expect(res.stats).toMatchObject({
      scanned: 5,
      inWindow: 3,
      matches: 2,
      alerts: 2,
      afterWindow: 1,
    });
  });

  it('timestamp_override, falling back per document to @timestamp', () => {
    const r = rule({ query: 'a: x', timestampOverride: 'event.ingested' });
    const res = runRuleSync(
      r,
      evs(
        at('2026-06-20T10:00:00Z', { event: { ingested: '2026-06-20T11:55:00Z' } }), // in by ingested
        at('2026-06-20T11:55:00Z', { event: { ingested: '2026-06-20T10:00:00Z' } }), // out by ingested
        at('2026-06-20T11:55:00Z'), // no ingested: @timestamp
        { a: 'x' }, // no timestamp at all
      ),
      { now: NOW },
    );
    expect(res.alerts.map((a) => a.line)).toEqual([1, 3]);
    expect(res.stats.noTimestamp).toBe(1);
    expect(res.diagnostics.map((d) => d.code)).toEqual(['ENG010']);
  });

  it('a bare query (.kql) sees every event regardless of time', () => {
    const r = rule({ query: 'a: x', source: { file: 'q.kql', format: 'kql' } });
    const res = runRuleSync(r, evs({ a: 'x' }, at('2001-01-01T00:00:00Z'), { a: 'y' }), {
      now: NOW,
    });
    expect(res.alerts.map((a) => a.line)).toEqual([1, 2]);
    expect(res.alerts[0].timestamp).toBeUndefined();
  });

  it('accepts async iterables', async () => {
    async function* gen() {
      yield* evs(at('2026-06-20T11:55:00Z'));
    }
    const res = await runRule(rule({ query: 'a: x' }), gen(), { now: NOW });
    expect(res.alerts).toHaveLength(1);
  });

  it('an unsupported rule type or a broken query does not run', () => {
    const bad = runRuleSync(
      { ...rule({ query: 'a: x' }), type: 'eql' },
      evs(at('2026-06-20T11:55:00Z')),
      { now: NOW },
    );
    expect(bad.diagnostics.map((d) => d.code)).toContain('ENG001');
    expect(bad.alerts).toEqual([]);
    const wrong = runRuleSync(rule({ query: 'source.ip: nope' }), evs(), { now: NOW });
    expect(wrong.diagnostics.map((d) => d.code)).toContain('EVAL001');
  });
});

describe('new_terms', () => {
  const nt = (fields: string[], extra: Partial<Rule> = {}) =>
    rule({
      query: 'event.category: authentication',
      type: 'new_terms',
      from: 'now-10m',
      newTerms: { fields, historyWindowStart: 'now-7d' },
      ...extra,
    });
  const auth = (t: string, user: unknown, host: unknown = 'h1', id?: string) => ({
    '@timestamp': t,
    event: { category: 'authentication', ...(id ? { id } : {}) },
    user: { name: user },
    host: { name: host },
  });

  it('a term seen in history does not alert; a new one alerts once, from its earliest event', () => {
    const res = runRuleSync(
      nt(['user.name']),
      evs(
        auth('2026-06-18T00:00:00Z', 'alice'),
        auth('2026-06-20T11:55:00Z', 'alice'),
        auth('2026-06-20T11:58:00Z', 'bob', 'h1', 'B2'),
        auth('2026-06-20T11:56:00Z', 'bob', 'h1', 'B1'),
      ),
      { now: NOW },
    );
    expect(res.alerts).toHaveLength(1);
    expect(res.alerts[0]).toMatchObject({
      new_terms: ['bob'],
      event_id: 'B1',
      line: 4,
      timestamp: '2026-06-20T11:56:00.000Z',
    });
  });

  it('an occurrence exactly at the window start is history; before history_window_start is not', () => {
    const res = runRuleSync(
      nt(['user.name']),
      evs(
        auth('2026-06-20T11:50:00Z', 'edge'),
        auth('2026-06-20T11:55:00Z', 'edge'),
        auth('2026-06-13T11:59:59Z', 'old'),
        auth('2026-06-20T11:55:00Z', 'old'),
        auth('2026-06-13T12:00:00Z', 'seen'),
        auth('2026-06-20T11:55:00Z', 'seen'),
      ),
      { now: NOW },
    );
    expect(res.alerts.map((a) => a.new_terms)).toEqual([['old']]);
  });

  it('only query matches count as history', () => {
    const res = runRuleSync(
      nt(['user.name']),
      evs(
        {
          '@timestamp': '2026-06-19T00:00:00Z',
          event: { category: 'network' },
          user: { name: 'carol' },
        },
        auth('2026-06-20T11:55:00Z', 'carol'),
      ),
      { now: NOW },
    );
    expect(res.alerts.map((a) => a.new_terms)).toEqual([['carol']]);
  });

  it('arrays expand to every combination; a missing field gives none', () => {
    const res = runRuleSync(
      nt(['host.name', 'user.name']),
      evs(
        auth('2026-06-19T00:00:00Z', 'u1', 'h1'),
        auth('2026-06-20T11:55:00Z', ['u1', 'u2'], ['h1', 'h2']),
        auth('2026-06-20T11:56:00Z', 'u3', null),
      ),
      { now: NOW },
    );
    expect(res.alerts.map((a) => a.new_terms)).toEqual([
      ['h1', 'u2'],
      ['h2', 'u1'],
      ['h2', 'u2'],
    ]);
  });

  it('values are typed by the schema (long) and identical terms group (5 == "5")', () => {
    const res = runRuleSync(
      nt(['source.as.number']),
      evs(
        { ...auth('2026-06-19T00:00:00Z', 'u'), source: { as: { number: '64500' } } },
        { ...auth('2026-06-20T11:55:00Z', 'u'), source: { as: { number: 64500 } } },
        { ...auth('2026-06-20T11:55:00Z', 'u'), source: { as: { number: 64501 } } },
      ),
      { now: NOW },
    );
    expect(res.alerts.map((a) => a.new_terms)).toEqual([[64501]]);
  });

  it('history_window_start not before from is rejected', () => {
    const res = runRuleSync(
      nt(['user.name'], { newTerms: { fields: ['user.name'], historyWindowStart: 'now-5m' } }),
      evs(),
      { now: NOW },
    );
    expect(res.diagnostics.map((d) => d.code)).toContain('ENG004');
  });
});

describe('threshold', () => {
  const th = (threshold: Rule['threshold']) =>
    rule({ query: 'event.action: lock', type: 'threshold', threshold });
  const lock = (t: string, user?: unknown, ip?: string, id?: string) => ({
    '@timestamp': t,
    event: { action: 'lock', ...(id ? { id } : {}) },
    ...(user === undefined ? {} : { user: { name: user } }),
    ...(ip ? { source: { ip } } : {}),
  });

  it('groups by field, count >= value, exact keyword groups; no value = no group', () => {
    const res = runRuleSync(
      th({ field: ['user.name'], value: 2 }),
      evs(
        lock('2026-06-20T11:52:00Z', 'a', undefined, 'A1'),
        lock('2026-06-20T11:51:00Z', 'a', undefined, 'A0'),
        lock('2026-06-20T11:53:00Z', 'A'),
        lock('2026-06-20T11:53:00Z', 'b'),
        lock('2026-06-20T11:54:00Z'),
        lock('2026-06-20T11:54:00Z'),
        lock('2026-06-20T11:00:00Z', 'b'), // outside the window
      ),
      { now: NOW },
    );
    expect(res.alerts).toHaveLength(1);
    expect(res.alerts[0]).toMatchObject({
      terms: { 'user.name': 'a' },
      count: 2,
      event_id: 'A0',
      line: 2,
      event_ids: ['A1', 'A0'],
      lines: [
        { file: 'e.ndjson', line: 1 },
        { file: 'e.ndjson', line: 2 },
      ],
    });
  });

  it('no group-by fields: one group over all matches', () => {
    const res = runRuleSync(
      th({ field: [], value: 3 }),
      evs(
        lock('2026-06-20T11:52:00Z'),
        lock('2026-06-20T11:53:00Z', 'x'),
        lock('2026-06-20T11:54:00Z'),
      ),
      { now: NOW },
    );
    expect(res.alerts.map((a) => [a.terms, a.count])).toEqual([[{}, 3]]);
    const none = runRuleSync(th({ field: [], value: 4 }), evs(lock('2026-06-20T11:52:00Z')), {
      now: NOW,
    });
    expect(none.alerts).toEqual([]);
  });

  it('cardinality: distinct values of a field per group', () => {
    const r = th({
      field: ['user.name'],
      value: 2,
      cardinality: [{ field: 'source.ip', value: 2 }],
    });
    const res = runRuleSync(
      r,
      evs(
        lock('2026-06-20T11:52:00Z', 'a', '192.0.2.1'),
        lock('2026-06-20T11:53:00Z', 'a', '::ffff:192.0.2.1'),
        lock('2026-06-20T11:52:00Z', 'b', '192.0.2.1'),
        lock('2026-06-20T11:53:00Z', 'b', '192.0.2.2'),
      ),
      { now: NOW },
    );
    expect(res.alerts.map((a) => [a.terms, a.cardinality])).toEqual([
      [{ 'user.name': 'b' }, [{ field: 'source.ip', value: 2 }]],
    ]);
  });

  it('multi-valued group-by fields put the event in every value’s group', () => {
    const res = runRuleSync(
      th({ field: ['user.name'], value: 2 }),
      evs(lock('2026-06-20T11:52:00Z', ['a', 'b']), lock('2026-06-20T11:53:00Z', 'b')),
      { now: NOW },
    );
    expect(res.alerts.map((a) => a.terms)).toEqual([{ 'user.name': 'b' }]);
  });
});

describe('many array values in one event', () => {
  const nt = (fields: string[]) =>
    rule({
      query: 'a: x',
      type: 'new_terms',
      newTerms: { fields, historyWindowStart: 'now-7d' },
    });
  const range = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);

  it('every combination is checked; over 100 (Kibana’s per-document cap) is flagged ENG012', () => {
    const res = runRuleSync(
      nt(['h', 'u']),
      evs(at('2026-06-20T11:55:00Z', { h: range(11, 'h'), u: range(11, 'u') })),
      { now: NOW },
    );
    expect(res.alerts).toHaveLength(121);
    expect(res.diagnostics.map((d) => [d.code, d.severity])).toEqual([['ENG012', 'warning']]);
    expect(res.diagnostics[0].message).toContain('(the first, e.ndjson:1, has 121)');
  });

  it('one field with 100,000 values is deduplicated in linear time, no warning', () => {
    const big = [...range(100_000, 'v'), ...range(100_000, 'v')];
    const res = runRuleSync(nt(['h']), evs(at('2026-06-20T11:55:00Z', { h: big })), { now: NOW });
    expect(res.alerts).toHaveLength(100_000);
    expect(res.diagnostics).toEqual([]);
  });

  it('more than 10,000 combinations: the event is not grouped, ENG011 says so (new_terms and threshold)', () => {
    const doc = at('2026-06-20T11:55:00Z', { h: range(101, 'h'), u: range(100, 'u') });
    const res = runRuleSync(
      nt(['h', 'u']),
      evs(doc, at('2026-06-20T11:56:00Z', { h: 'a', u: 'b' })),
      {
        now: NOW,
      },
    );
    expect(res.alerts.map((a) => a.new_terms)).toEqual([['a', 'b']]);
    expect(res.diagnostics.map((d) => d.code)).toEqual(['ENG011']);
    expect(res.diagnostics[0].message).toBe(
      '1 event(s) were not grouped: their new_terms_fields values give more than 10000 combinations (the first, e.ndjson:1, gives 10100)',
    );
    const th = runRuleSync(
      rule({ query: 'a: x', type: 'threshold', threshold: { field: ['h', 'u'], value: 1 } }),
      evs(doc),
      { now: NOW },
    );
    expect(th.alerts).toEqual([]);
    expect(th.diagnostics.map((d) => d.code)).toEqual(['ENG011']);
  });
});
