/**
 * Threshold rules as Sigma correlation rules: event_count / value_count, group-by (none, one,
 * several, arrays), timespan from the rule window, and agreement of siemc's Sigma evaluator with
 * the native rule engine on generated event streams.
 */
import { describe, expect, it } from 'vitest';
import { runRuleSync } from '../../src/engine/index.js';
import { loadSigma, runCorrelations } from '../../src/equiv/sigma/index.js';
import type { Rule } from '../../src/rules/model.js';
import { windowTimespan } from '../../targets/sigma/index.js';
import { ruleFromKql, toSigma } from './sigma-helpers.js';

const NOW = new Date('2026-06-20T12:00:00Z');

function thresholdRule(threshold: NonNullable<Rule['threshold']>, from = 'now-10m'): Rule {
  return ruleFromKql('event.action: login', {
    type: 'threshold',
    threshold,
    from,
    timestampOverride: 'event.ingested',
  });
}

/** A deterministic stream: users, hosts, IPs, times inside and outside the window. */
function stream(n: number, seed: number): object[] {
  let x = seed;
  const rnd = (k: number): number => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % k;
  };
  const out: object[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(NOW.getTime() - rnd(14 * 60) * 1000).toISOString();
    const user = rnd(7) === 0 ? ['u1', 'u2'] : rnd(9) === 0 ? undefined : `u${rnd(3)}`;
    out.push({
      '@timestamp': t,
      event: { action: rnd(5) === 0 ? 'logout' : 'login', ingested: t },
      user: user === undefined ? {} : { name: user },
      host: { name: `h${rnd(2)}` },
      source: { ip: `192.0.2.${rnd(6)}` },
    });
  }
  return out;
}

function compare(rule: Rule, events: object[]): number {
  const t = toSigma(rule);
  const sigma = runCorrelations(loadSigma(t.text), events, {
    now: NOW,
    timeFields: ['event.ingested', '@timestamp'],
  });
  const native = runRuleSync(
    rule,
    events.map((doc, i) => ({ doc, file: 'gen', line: i + 1 })),
    { now: NOW, window: true },
  );
  const key = (g: Record<string, unknown>, count: number) =>
    `${JSON.stringify(
      Object.entries(g)
        .map(([k, v]) => [k, String(v)])
        .sort(),
    )} ${count}`;
  const s = sigma.map((a) => key(a.group, a.count)).sort();
  const n = native.alerts.map((a) => key(a.terms ?? {}, a.count ?? 0)).sort();
  expect(s).toEqual(n);
  return s.length;
}

describe('Sigma threshold → correlation', () => {
  it('timespan is the rule window length', () => {
    expect(windowTimespan('now-9m')).toBe('9m');
    expect(windowTimespan('now-180m')).toBe('3h');
    expect(windowTimespan('now-90s')).toBe('90s');
    expect(windowTimespan('now-2w')).toBe('14d');
    expect(windowTimespan('now-1h/h')).toBeUndefined();
    expect(windowTimespan('now-1M')).toBeUndefined();
  });

  it('event_count with one group-by field agrees with the native engine', () => {
    let alerts = 0;
    for (let seed = 1; seed <= 20; seed++)
      alerts += compare(thresholdRule({ field: ['user.name'], value: 4 }), stream(40, seed));
    expect(alerts).toBeGreaterThan(10);
  });

  it('event_count with two group-by fields (array values expand) agrees with the native engine', () => {
    let alerts = 0;
    for (let seed = 1; seed <= 20; seed++)
      alerts += compare(
        thresholdRule({ field: ['user.name', 'host.name'], value: 3 }),
        stream(40, seed),
      );
    expect(alerts).toBeGreaterThan(10);
  });

  it('event_count without group-by is one group', () => {
    const t = toSigma(thresholdRule({ field: [], value: 3 }));
    expect(t.text).toContain('group-by: []');
    for (let seed = 1; seed <= 5; seed++)
      compare(thresholdRule({ field: [], value: 3 }), stream(10, seed));
  });

  it('value_count when the count condition is implied by the distinct count is exact', () => {
    const rule = thresholdRule({
      field: ['user.name'],
      value: 2,
      cardinality: [{ field: 'source.ip', value: 3 }],
    });
    const t = toSigma(rule);
    expect(t.verdict).toBe('exact');
    expect(loadSigma(t.text).correlations[0].correlation).toMatchObject({
      type: 'value_count',
      condition: { field: 'source.ip', gte: 3 },
    });
    let alerts = 0;
    for (let seed = 1; seed <= 20; seed++) alerts += compare(rule, stream(40, seed));
    expect(alerts).toBeGreaterThan(5);
  });

  it('value_count with a larger count condition is declared wider', () => {
    const t = toSigma(
      thresholdRule({
        field: ['user.name'],
        value: 10,
        cardinality: [{ field: 'source.ip', value: 2 }],
      }),
    );
    expect(t.verdict).toBe('wider');
    expect(t.diagnostics.map((d) => d.code)).toContain('SIGMA-THRESHOLD-COUNT');
  });

  it('a window without a fixed length cannot become a timespan', () => {
    const t = toSigma(thresholdRule({ field: ['user.name'], value: 3 }, 'now-1h/h'));
    expect(t.verdict).toBe('unsupported');
    expect(t.diagnostics.map((d) => d.code)).toContain('SIGMA-TIMESPAN');
    expect(loadSigma(t.text).correlations).toHaveLength(0);
  });

  it('a group-by field without a Sigma field is unsupported', () => {
    const rule = {
      ...thresholdRule({ field: ['source.as.number'], value: 3 }),
      index: ['logs-o365.audit-*'],
    };
    const t = toSigma(rule, { mapping: 'o365' });
    expect(t.diagnostics.map((d) => d.code)).toContain('SIGMA-CORRELATION-FIELD');
    expect(t.verdict).toBe('unsupported');
  });
});
