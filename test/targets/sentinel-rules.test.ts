/**
 * threshold and new_terms rules as whole Kusto queries (summarize / make_list + mv-apply for
 * cardinality; history set + anti-join) agree with the native rule engine on seeded event streams
 * with arrays, "" values, missing fields and events around the window edges.
 */
import { describe, expect, it } from 'vitest';
import { runRuleSync } from '../../src/engine/index.js';
import type { Rule } from '../../src/rules/model.js';
import { toStr } from '../../src/equiv/kusto/index.js';
import { NOW, ruleOf, runOnEcs, toKusto } from './sentinel-helpers.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % n;
  };
}

/** Events over the last `spanMin` minutes: users, args (arrays, "", missing), actions. */
function stream(seed: number, n: number, spanMin: number): Record<string, unknown>[] {
  const r = rng(seed);
  const users = ['a', 'b', 'c', '', undefined, ['a', 'b']];
  const args = ['x', 'y', '', ['x', 'y'], ['z', ''], [], undefined, 'X'];
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(NOW - r(spanMin * 60) * 1000).toISOString();
    const doc: Record<string, unknown> = {
      '@timestamp': t,
      event: { action: r(4) === 0 ? 'other' : 'lock', ingested: t },
    };
    const k = r(users.length + 3);
    const u = k < users.length ? users[k] : `u${r(15)}`;
    if (u !== undefined) doc.user = { name: u };
    const a = args[r(args.length)];
    if (a !== undefined) doc.process = { args: a };
    out.push(doc);
  }
  return out;
}

function native(rule: Rule, docs: Record<string, unknown>[]) {
  return runRuleSync(
    rule,
    docs.map((doc, i) => ({ doc, file: 'gen', line: i + 1 })),
    { now: new Date(NOW), window: true },
  ).alerts;
}

describe('threshold rules against the native engine', () => {
  const cases: [string, Rule['threshold']][] = [
    ['group by user', { field: ['user.name'], value: 2 }],
    ['no group-by', { field: [], value: 3 }],
    [
      'cardinality of an array field',
      { field: ['user.name'], value: 1, cardinality: [{ field: 'process.args', value: 2 }] },
    ],
  ];
  for (const [label, threshold] of cases)
    it(label, () => {
      let alerts = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const rule = ruleOf('event.action: lock', {
          type: 'threshold',
          from: 'now-30m',
          threshold,
        });
        const t = toKusto(rule);
        expect(t.verdict).toBe('exact');
        const docs = stream(seed, 40, 40);
        const rows = runOnEcs(t.text, docs);
        const got = rows
          .map(
            (r) =>
              `${threshold!.field.map((f) => toStr(r[f.replace('.', '_')])).join(',')}=${toStr(r.Count)}${threshold!.cardinality ? `/${toStr(r.Distinct)}` : ''}`,
          )
          .sort();
        const want = native(rule, docs)
          .map(
            (a) =>
              `${threshold!.field.map((f) => String(a.terms?.[f])).join(',')}=${a.count}${threshold!.cardinality ? `/${a.cardinality?.[0].value}` : ''}`,
          )
          .sort();
        expect(got, `seed ${seed}\n${t.text}`).toEqual(want);
        alerts += want.length;
      }
      expect(alerts).toBeGreaterThan(5);
    });
});

describe('new_terms rules against the native engine', () => {
  it('user.name × process.args: arrays give combinations, "" is a term, missing gives none', () => {
    let alerts = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const rule = ruleOf('event.action: lock', {
        type: 'new_terms',
        from: 'now-10m',
        newTerms: { fields: ['user.name', 'process.args'], historyWindowStart: 'now-1h' },
      });
      const t = toKusto(rule);
      expect(t.verdict).toBe('exact');
      const docs = stream(seed, 60, 70);
      const got = runOnEcs(t.text, docs)
        .map((r) => `${toStr(r.user_name)}|${toStr(r.process_args)}`)
        .sort();
      const want = native(rule, docs)
        .map((a) => (a.new_terms ?? []).map(String).join('|'))
        .sort();
      expect(got, `seed ${seed}\n${t.text}`).toEqual(want);
      alerts += want.length;
    }
    expect(alerts).toBeGreaterThan(5);
  });
});

describe('timestamp_override on another field', () => {
  it('the window reads the field, and the event time where it is missing (as Kibana)', () => {
    const rule = ruleOf('event.action: lock', {
      from: 'now-10m',
      timestampOverride: 'event.created',
    });
    const t = toKusto(rule);
    expect(t.text).toContain(
      '| where coalesce(todatetime(event.created), TimeGenerated) between (ago(10m) .. now())',
    );
    expect(t.verdict).toBe('exact');
    const at = (min: number) => new Date(NOW - min * 60_000).toISOString();
    const docs = [
      { '@timestamp': at(1), event: { action: 'lock', created: at(5) }, user: { name: 'in' } },
      {
        '@timestamp': at(1),
        event: { action: 'lock', created: at(30) },
        user: { name: 'created-old' },
      },
      {
        '@timestamp': at(30),
        event: { action: 'lock', created: at(2) },
        user: { name: 'created-new' },
      },
      { '@timestamp': at(3), event: { action: 'lock' }, user: { name: 'fallback-in' } },
      { '@timestamp': at(20), event: { action: 'lock' }, user: { name: 'fallback-out' } },
    ];
    const got = runOnEcs(t.text, docs).map((r) =>
      toStr((r.user as { v?: { name?: string } }).v?.name ?? null),
    );
    const want = native(rule, docs).map((a) => docs[(a as { line?: number }).line! - 1].user.name);
    expect(got.sort()).toEqual(want.sort());
    expect(got.sort()).toEqual(['created-new', 'fallback-in', 'in']);
  });
});
