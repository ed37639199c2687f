/** The corpus's 729 KQL rule files, loaded as rules (paths relative to the repository root). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleText } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';

export const CORPUS = '../shared/corpus';

/** Paths (inside detection-rules) of the KQL rule files, from detection-rules-kuery.jsonl. */
export function corpusKqlPaths(): string[] {
  return readFileSync(`${CORPUS}/detection-rules-kuery.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { path: string }).path);
}

/** Every KQL (kuery) rule of the corpus, in the order of detection-rules-kuery.jsonl. */
export function corpusKqlRules(): Rule[] {
  return corpusKqlPaths()
    .map((p) => join(`${CORPUS}/detection-rules`, p))
    .map((f) => loadRuleText(readFileSync(f, 'utf8'), f)[0]?.rule)
    .filter((r): r is Rule => !!r && r.language === 'kuery');
}
