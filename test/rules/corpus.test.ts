/**
 * The whole detection-rules folder (2,068 TOML files) through the loaders: every kuery rule's
 * metadata equals the extracted corpus line, the counts match the corpus stats, and nothing throws.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRulePaths } from '../../src/rules/index.js';
import type { LoadedRule } from '../../src/rules/model.js';

const DIR = '../shared/corpus/detection-rules';
const stats = JSON.parse(readFileSync('../shared/corpus/detection-rules-kuery.stats.json', 'utf8'));
const lines = readFileSync('../shared/corpus/detection-rules-kuery.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l));

describe('detection-rules corpus', async () => {
  const loaded: LoadedRule[] = await loadRulePaths([DIR]);
  const byId = new Map(loaded.filter((l) => l.rule).map((l) => [l.rule!.id, l]));

  it('loads all 2,068 files, one rule each, without load errors', () => {
    expect(loaded.length).toBe(2068);
    expect(loaded.every((l) => l.rule)).toBe(true);
  });

  it('counts by language and type match the corpus stats', () => {
    const lang: Record<string, number> = {};
    const kueryType: Record<string, number> = {};
    for (const l of loaded) {
      const r = l.rule!;
      const key =
        r.metadata.language === undefined && r.language === undefined
          ? '(none)'
          : (r.language ?? '(none)');
      lang[key] = (lang[key] ?? 0) + 1;
      if (r.language === 'kuery') kueryType[r.type] = (kueryType[r.type] ?? 0) + 1;
    }
    expect(lang).toEqual({ kuery: stats.kuery_rules, ...stats.skipped.non_kuery });
    expect(kueryType).toEqual(stats.by_type);
  });

  it('every kuery rule matches its corpus line (query text, windows, new terms, threshold, filters)', () => {
    expect(lines.length).toBe(729);
    for (const c of lines) {
      const l = byId.get(c.id);
      expect(l, c.id).toBeDefined();
      const r = l!.rule!;
      expect(r.type).toBe(c.type);
      expect(r.query).toBe(c.query);
      expect(r.index).toEqual(c.index ?? []);
      expect(r.from).toBe(c.from ?? 'now-6m');
      expect(r.interval).toBe(c.interval ?? '5m');
      expect(r.timestampOverride).toBe(c.timestamp_override ?? undefined);
      expect(r.severity).toBe(c.severity);
      expect(r.riskScore).toBe(c.risk_score);
      expect(r.tags).toEqual(c.tags);
      if (c.new_terms_fields)
        expect(r.newTerms).toEqual({
          fields: c.new_terms_fields,
          historyWindowStart: c.history_window_start,
        });
      else expect(r.newTerms).toBeUndefined();
      if (c.threshold) expect(r.threshold).toEqual(c.threshold);
      else expect(r.threshold).toBeUndefined();
      expect(r.filters).toEqual(c.filters);
    }
  });

  it('the 723 supported kuery rules parse and validate without errors; the rest are reported unsupported', () => {
    let supported = 0;
    let clean = 0;
    const unsupported: Record<string, number> = {};
    for (const l of loaded) {
      const r = l.rule!;
      const errors = l.diagnostics.filter((d) => d.severity === 'error');
      expect(errors, `${l.file}: ${JSON.stringify(errors)}`).toEqual([]);
      const un = l.diagnostics.find((d) => d.code === 'RULE012' || d.code === 'RULE013');
      if (un) {
        unsupported[`${r.type}/${r.language ?? '(none)'}`] =
          (unsupported[`${r.type}/${r.language ?? '(none)'}`] ?? 0) + 1;
        expect(r.ast).toBeUndefined();
        continue;
      }
      supported++;
      const filterWarn = l.diagnostics.some((d) => d.code === 'RULE024');
      if (!filterWarn) {
        expect(r.ast, l.file).toBeDefined();
        clean++;
      }
    }
    expect(supported).toBe(723);
    // 17 rules carry case-insensitive `?` wildcard filters KQL cannot express (RULE024 warning).
    expect(clean).toBe(723 - 17);
    expect(unsupported['threat_match/kuery']).toBe(6);
    expect(unsupported['eql/eql']).toBe(1024);
    expect(unsupported['esql/esql']).toBe(209);
    expect(unsupported['machine_learning/(none)']).toBe(106);
  });
});
