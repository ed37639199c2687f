/**
 * Acceptance: every corpus rule (../shared/corpus/detection-rules-kuery.jsonl) runs as a bare query
 * (no time window) over every real ECS document in ../shared/fixtures/ecs/ without error; the match
 * counts are recorded in a snapshot so that a change in meaning shows up in review.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../src/kql/parse.js';
import { compileQueryDetailed } from '../../src/eval/index.js';
import { runRuleSync } from '../../src/engine/runner.js';
import { parseNdjsonText } from '../../src/engine/ndjson.js';
import type { Rule } from '../../src/rules/model.js';

const NOW = new Date('2026-06-20T12:00:00Z');
const rules = readFileSync('../shared/corpus/detection-rules-kuery.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { id: string; name: string; type: string; query: string });
const ECS = '../shared/fixtures/ecs';
const files = readdirSync(ECS)
  .filter((f) => f.endsWith('.ndjson'))
  .sort();
const events = files.flatMap((f) => parseNdjsonText(readFileSync(join(ECS, f), 'utf8'), f));

describe('corpus rules over the real ECS fixtures', () => {
  it('loads all 729 rules and the 30 ECS documents', () => {
    expect(rules).toHaveLength(729);
    expect(events).toHaveLength(30);
  });

  it('every rule compiles without error and runs over every document; match counts are stable', () => {
    const counts: Record<string, Record<string, number>> = {};
    const warnings: Record<string, string[]> = {};
    let total = 0;
    for (const r of rules) {
      const p = parse(r.query);
      expect(p.ast, `${r.id} ${r.name}`).not.toBeNull();
      const c = compileQueryDetailed(p.ast!, { now: NOW });
      expect(
        c.diagnostics.filter((d) => d.severity === 'error'),
        r.id,
      ).toEqual([]);
      if (c.diagnostics.length > 0) warnings[r.id] = [...new Set(c.diagnostics.map((d) => d.code))];
      // As a bare query through the engine: no window, every event evaluated.
      const rule = {
        id: r.id,
        name: r.name,
        type: 'query',
        ast: p.ast!,
        from: 'now-6m',
        source: { file: `${r.id}.kql`, format: 'kql' },
      } as unknown as Rule;
      const res = runRuleSync(rule, events, { now: NOW, collectMatches: true });
      expect(
        res.diagnostics.filter((d) => d.severity === 'error'),
        r.id,
      ).toEqual([]);
      expect(res.stats.scanned).toBe(events.length);
      for (const m of res.matches) {
        counts[r.id] ??= {};
        counts[r.id][m.file] = (counts[r.id][m.file] ?? 0) + 1;
        total++;
      }
      // The engine and the bare predicate agree.
      expect(res.matches.length).toBe(events.filter((e) => c.predicate(e.doc)).length);
    }
    expect({
      total,
      rulesMatching: Object.keys(counts).length,
      counts,
      warnings,
    }).toMatchSnapshot();
  });
});
