/**
 * Sigma conversion benchmark: the whole rule corpus (729 KQL rules) to Sigma with the default
 * profile selection, several passes; prints rules/s for the fastest and the median pass.
 *
 *   npm run bench:convert:sigma [-- --passes 5]
 *
 * Each translation includes what `siemc convert --to sigma` does per rule: profile choice,
 * lowering, selections, YAML writing and the schema + structure validation of the emitted
 * documents. Checking the written text (`siemc check --target sigma`: YAML 1.1 load + schema +
 * structure) is measured separately.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleText } from '../src/rules/load.js';
import type { Rule } from '../src/rules/model.js';
import { translateRule } from '../targets/core/translate.js';
import { getTarget } from '../targets/registry.js';
import { validateSigma } from '../targets/sigma/validate.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const passes = arg('passes', 5);

const CORPUS = '../shared/corpus';
const lines = readFileSync(join(CORPUS, 'detection-rules-kuery.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { path: string });
const rules: Rule[] = [];
for (const l of lines) {
  const file = join(CORPUS, 'detection-rules', l.path);
  const r = loadRuleText(readFileSync(file, 'utf8'), file)[0]?.rule;
  if (r) rules.push(r);
}

const sigma = getTarget('sigma');
const times: number[] = [];
const verdicts: Record<string, number> = {};
let texts: string[] = [];
for (let p = 0; p < passes + 1; p++) {
  const out: string[] = [];
  const t0 = performance.now();
  for (const r of rules) {
    const t = translateRule(r, sigma);
    out.push(t.text);
    if (p === 0) verdicts[t.verdict] = (verdicts[t.verdict] ?? 0) + 1;
  }
  const ms = performance.now() - t0;
  if (p > 0) times.push(ms); // pass 0 warms up
  texts = out;
}
times.sort((a, b) => a - b);
const best = times[0];
const median = times[Math.floor(times.length / 2)];

const v0 = performance.now();
let issues = 0;
for (const t of texts) if (t) issues += validateSigma(t).length;
const validateMs = performance.now() - v0;

const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
console.log(`Sigma conversion: ${rules.length} corpus rules, ${passes} passes after warm-up`);
console.log(
  `  fastest pass: ${best.toFixed(0)} ms = ${((rules.length / best) * 1000).toFixed(0)} rules/s`,
);
console.log(
  `  median pass:  ${median.toFixed(0)} ms = ${((rules.length / median) * 1000).toFixed(0)} rules/s`,
);
console.log(
  `  checking all emitted files from text (YAML 1.1 load + schema + structure): ${validateMs.toFixed(0)} ms = ${((texts.length / validateMs) * 1000).toFixed(0)} files/s`,
);
console.log(
  `  output: ${(bytes / 1024).toFixed(0)} KiB of Sigma YAML; validation issues: ${issues}`,
);
console.log(`  verdicts: ${JSON.stringify(verdicts)}`);
