/**
 * Acceptance: every scenario in ../shared/fixtures/ with an expected.json is reproduced exactly by
 * `siemc test` at the scenario's `now`: `--matches` gives `query_matches`, the alerts give `alerts`
 * (terms / new_terms, counts and source events), compared by meaning, not shape.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli } from '../helpers/cli.js';
import { alertMatches, termsObject } from '../../src/engine/spec.js';
import type { Alert } from '../../src/engine/types.js';

const ROOT = '../shared/fixtures';
const scenarios = readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'expected.json')));
const tmp = mkdtempSync(join(tmpdir(), 'siemc-scenarios-'));

interface Expected {
  now: string;
  rule: Record<string, unknown>;
  query_matches: string[];
  alerts: Record<string, unknown>[];
  cases: {
    case: string;
    'event.id': string;
    matches_query: boolean;
    query_match_in_window?: boolean;
  }[];
}

/** The scenario's rule as a Kibana rule JSON file (what a user would export). */
function ruleFile(name: string, exp: Expected): string {
  const r = { ...exp.rule };
  delete r.interval; // "5m (default; …)" is commentary in the fixture, not a duration
  delete r.source;
  delete r.detection_rules_commit;
  const path = join(tmp, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({ ...r, description: String(r.name), risk_score: 47, severity: 'medium' }),
  );
  return path;
}

function ndjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe.each(scenarios)('scenario %s', (name) => {
  const exp = JSON.parse(readFileSync(join(ROOT, name, 'expected.json'), 'utf8')) as Expected;
  const events = join(ROOT, name, 'ecs.ndjson');
  const rule = ruleFile(name, exp);

  it('--matches gives exactly query_matches', async () => {
    const r = await runCli(['test', rule, '--events', events, '--now', exp.now, '--matches']);
    expect(r.code, r.stderr).toBe(0);
    const got = ndjson(r.stdout);
    expect(got.every((m) => m.file === events && typeof m.line === 'number')).toBe(true);
    expect(got.map((m) => m.event_id).sort()).toEqual([...exp.query_matches].sort());
  });

  it('alerts are exactly expected.alerts (terms and source event)', async () => {
    const r = await runCli(['test', rule, '--events', events, '--now', exp.now]);
    expect(r.code, r.stderr).toBe(0);
    const got = ndjson(r.stdout) as unknown as Alert[];
    expect(got).toHaveLength(exp.alerts.length);
    const unmatched = [...got];
    for (const want of exp.alerts) {
      const i = unmatched.findIndex((a) => alertMatches(want, a));
      expect(i, `expected alert ${JSON.stringify(want)} not found`).toBeGreaterThanOrEqual(0);
      unmatched.splice(i, 1);
    }
    expect(unmatched).toEqual([]);
    // Every alert names its rule, type, file and a real line of the events file.
    const lines = readFileSync(events, 'utf8').split('\n');
    for (const a of got) {
      expect(a.rule).toBe(exp.rule.rule_id);
      expect(a.type).toBe(exp.rule.type);
      expect(JSON.parse(lines[a.line - 1]).event.id).toBe(a.event_id);
    }
  });

  it('each case matches the query as listed (clause results aside)', async () => {
    const { parse } = await import('../../src/kql/parse.js');
    const { compileQuery } = await import('../../src/eval/index.js');
    const p = compileQuery(parse(String(exp.rule.query)).ast!);
    const byId = new Map(
      ndjson(readFileSync(events, 'utf8')).map((d) => [(d.event as { id: string }).id, d]),
    );
    for (const c of exp.cases) {
      const doc = byId.get(c['event.id']);
      expect(doc, c.case).toBeDefined();
      expect(p(doc!), `${c.case}`).toBe(c.matches_query);
    }
  });
});

describe('the shipped rules/examples files reproduce their scenarios', () => {
  const shipped = readdirSync('rules/examples').filter((f) => f.endsWith('.toml'));
  const idOf = (f: string) =>
    /^rule_id = "([^"]+)"$/m.exec(readFileSync(join('rules/examples', f), 'utf8'))?.[1];
  it('every scenario rule is shipped', () => {
    const ids = shipped.map(idOf);
    for (const name of scenarios) {
      const exp = JSON.parse(readFileSync(join(ROOT, name, 'expected.json'), 'utf8')) as Expected;
      expect(ids, name).toContain(exp.rule.rule_id);
    }
  });
  it.each(scenarios)('%s: same matches and alerts from the original TOML file', async (name) => {
    const exp = JSON.parse(readFileSync(join(ROOT, name, 'expected.json'), 'utf8')) as Expected;
    const file = shipped.find((f) => idOf(f) === exp.rule.rule_id)!;
    const rule = join('rules/examples', file);
    const events = join(ROOT, name, 'ecs.ndjson');
    const m = await runCli(['test', rule, '--events', events, '--now', exp.now, '--matches']);
    expect(m.code, m.stderr).toBe(0);
    expect(
      ndjson(m.stdout)
        .map((x) => x.event_id)
        .sort(),
    ).toEqual([...exp.query_matches].sort());
    const r = await runCli(['test', rule, '--events', events, '--now', exp.now]);
    const got = ndjson(r.stdout) as unknown as Alert[];
    expect(got).toHaveLength(exp.alerts.length);
    for (const want of exp.alerts) expect(got.some((a) => alertMatches(want, a))).toBe(true);
  });
});

describe('threshold alerts carry Kibana-shaped terms by meaning', () => {
  it('termsObject turns [{field, value}] into an object', () => {
    expect(termsObject([{ field: 'a', value: 1 }])).toEqual({ a: 1 });
    expect(termsObject({ a: 1 })).toEqual({ a: 1 });
  });
});
