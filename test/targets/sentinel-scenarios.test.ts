/**
 * Whole rules (windows, new_terms history and anti-join, threshold summarize) through the Kusto
 * interpreter on the three fixture scenarios, as ECS documents in the generic EcsEvents table
 * (pass-through profile): the alerts are the ones Elastic raises (expected.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRuleText } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { toStr } from '../../src/equiv/kusto/index.js';
import { runOnEcs, toKusto } from './sentinel-helpers.js';

const FIX = '../shared/fixtures';

function scenario(name: string) {
  const expected = JSON.parse(readFileSync(`${FIX}/${name}/expected.json`, 'utf8'));
  const src = String(expected.rule.source).split(' ').pop()!;
  const path = `../shared/corpus/detection-rules/${src}`;
  const rule = loadRuleText(readFileSync(path, 'utf8'), path)[0].rule as Rule;
  const docs = readFileSync(`${FIX}/${name}/ecs.ndjson`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const t = toKusto(rule, { mapping: 'ecs' });
  const rows = runOnEcs(t.text, docs, Date.parse(expected.now));
  return { expected, rule, t, rows, docs };
}

const eventId = (r: Record<string, unknown>) =>
  toStr((r.event as { v?: { id?: string } } | undefined)?.v?.id ?? null);

describe('fixture scenarios through the Kusto interpreter (EcsEvents)', () => {
  it('o365 device code (new_terms): the 11 alerts of Elastic, each at its first event', () => {
    const { expected, t, rows } = scenario('o365-device-code');
    expect(t.verdict).toBe('exact');
    const got = rows
      .map((r) => `${toStr(r.o365_audit_UserId)}|${toStr(r.source_as_number)}`)
      .sort();
    const want = expected.alerts
      .map((a: { new_terms: unknown[] }) => a.new_terms.map(String).join('|'))
      .sort();
    expect(want.length).toBe(11);
    expect(got).toEqual(want);
    const ids = rows.map((r) => eventId(r)).sort();
    expect(ids).toEqual(
      expected.alerts.map((a: { source_event_id: string }) => a.source_event_id).sort(),
    );
  });

  it('aws login profile (query): the window on event.ingested selects exactly the query matches', () => {
    const { expected, t, rows } = scenario('aws-iam-login-profile');
    expect(t.verdict).toBe('exact');
    expect(t.text).toContain('where _TimeReceived between (ago(6m) .. now())');
    const ids = rows.map(eventId).sort();
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual([...expected.query_matches].sort());
    for (const a of expected.alerts) expect(ids).toContain(a.source_event_id);
  });

  it('okta brute force (threshold): groups and counts of Elastic', () => {
    const { expected, t, rows } = scenario('okta-brute-force-threshold');
    expect(t.verdict).toBe('exact');
    const got = rows.map((r) => `${toStr(r.okta_actor_alternate_id)}=${toStr(r.Count)}`).sort();
    const want = expected.alerts
      .map((a: { terms: { value: string }[]; count: number }) => `${a.terms[0].value}=${a.count}`)
      .sort();
    expect(want.length).toBe(4);
    expect(got).toEqual(want);
  });
});
