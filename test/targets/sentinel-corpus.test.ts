/**
 * The whole corpus to Sentinel with the default profile choice: zero crashes and zero Error
 * diagnostics from Microsoft's Kusto language service on every emitted query (one service
 * instance, loaded once), with the verdict totals asserted.
 */
import { describe, expect, it } from 'vitest';
import { loadRulePaths } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { translateRule } from '../../targets/core/translate.js';
import { checkSentinel, sentinelTarget } from '../../targets/sentinel/index.js';

describe('corpus through the Kusto language service', async () => {
  const loaded = await loadRulePaths(['../shared/corpus/detection-rules']);
  const rules = loaded.map((l) => l.rule).filter((r): r is Rule => !!r && r.language === 'kuery');

  it('every rule converts without a crash and every query has zero Error diagnostics', () => {
    const verdicts: Record<string, number> = {};
    const codes: Record<string, number> = {};
    const errors: string[] = [];
    let checked = 0;
    for (const r of rules) {
      const t = translateRule(r, sentinelTarget);
      verdicts[t.verdict] = (verdicts[t.verdict] ?? 0) + 1;
      for (const d of t.diagnostics)
        if (d.effect !== 'exact') codes[d.code] = (codes[d.code] ?? 0) + 1;
      expect(t.diagnostics.filter((d) => d.code === 'INTERNAL')).toEqual([]);
      if (!t.text) continue;
      checked++;
      for (const e of checkSentinel(t.text)) errors.push(`${r.name}: ${e.code} ${e.message}`);
      const yaml = t.artifacts?.find((a) => a.path === 'analytic-rule.yaml');
      expect(yaml?.content).toContain('kind: Scheduled');
    }
    console.log(
      `sentinel corpus: ${rules.length} rules, ${checked} queries checked`,
      verdicts,
      codes,
    );
    expect(rules.length).toBe(729);
    expect(errors).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(700);
    expect(verdicts).toEqual({ exact: 684, wider: 1, narrower: 1, different: 1, unsupported: 42 });
  }, 120_000);
});
