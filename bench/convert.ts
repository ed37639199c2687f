/**
 * Conversion benchmark: the whole rule corpus (729 KQL rules, loaded and parsed once) to each
 * target with the default profile selection; prints rules/s per target for translation alone and
 * for translation + the target's output check (SPL checker, Kusto language service, Sigma YAML +
 * schema + structure). One warm-up pass, then the best and the median of N timed passes.
 *
 *   npm run bench:convert [-- --passes 5] [--targets spl,sigma] [--budget 20]
 *
 * --budget: seconds of timed passes per measurement; slower measurements stop early (>= 1 pass).
 *
 * The Kusto language service is slow to load: its one-time start-up happens in the warm-up pass and
 * is reported on its own line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleText } from '../src/rules/load.js';
import type { Rule } from '../src/rules/model.js';
import { translateRule } from '../targets/core/translate.js';
import { parseTargetList } from '../targets/registry.js';
import type { Target } from '../targets/core/target.js';

const argv = process.argv;
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i > 0 ? argv[i + 1] : undefined;
};
const passes = Number(opt('passes') ?? 5);
const budgetMs = Number(opt('budget') ?? 20) * 1000;
const targets: Target[] = parseTargetList(opt('targets') ?? 'spl,sentinel,sigma');

const CORPUS = process.env.SIEMC_CORPUS_DIR ?? '../shared/corpus';
const lines = readFileSync(join(CORPUS, 'detection-rules-kuery.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { path: string });
const l0 = performance.now();
const rules: Rule[] = [];
for (const l of lines) {
  const file = join(CORPUS, 'detection-rules', l.path);
  const r = loadRuleText(readFileSync(file, 'utf8'), file)[0]?.rule;
  if (r) rules.push(r);
}
const loadMs = performance.now() - l0;
console.log(
  `convert: ${rules.length} corpus KQL rules (loaded and parsed once in ${loadMs.toFixed(0)} ms), ` +
    `up to ${passes} timed passes (${budgetMs / 1000} s budget each) after one warm-up pass; ` +
    `rules/s of the best (median) pass`,
);

interface PassResult {
  ms: number;
  texts: string[];
  verdicts: Record<string, number>;
  checkErrors: number;
}

function translatePass(t: Target): PassResult {
  const texts: string[] = [];
  const verdicts: Record<string, number> = {};
  const t0 = performance.now();
  for (const r of rules) {
    const tr = translateRule(r, t);
    texts.push(tr.text);
    verdicts[tr.verdict] = (verdicts[tr.verdict] ?? 0) + 1;
  }
  return { ms: performance.now() - t0, texts, verdicts, checkErrors: 0 };
}

function fullPass(t: Target): PassResult {
  const texts: string[] = [];
  const verdicts: Record<string, number> = {};
  let checkErrors = 0;
  const t0 = performance.now();
  for (const r of rules) {
    const tr = translateRule(r, t);
    texts.push(tr.text);
    verdicts[tr.verdict] = (verdicts[tr.verdict] ?? 0) + 1;
    if (tr.text && t.check)
      checkErrors += t.check(tr.text).filter((d) => d.severity === 'error').length;
  }
  return { ms: performance.now() - t0, texts, verdicts, checkErrors };
}

/** N timed passes, or fewer when they exceed the time budget (the Kusto check takes ~15 s/pass). */
function timed(run: () => PassResult): { best: number; median: number; last: PassResult } {
  const times: number[] = [];
  let last!: PassResult;
  let spent = 0;
  for (let p = 0; p < passes && (p === 0 || spent < budgetMs); p++) {
    last = run();
    times.push(last.ms);
    spent += last.ms;
  }
  times.sort((a, b) => a - b);
  return { best: times[0], median: times[Math.floor(times.length / 2)], last };
}

const rate = (ms: number): string => ((rules.length / ms) * 1000).toFixed(0).padStart(6);

for (const t of targets) {
  translatePass(t); // warm-up (JIT, caches)
  const tr = timed(() => translatePass(t));
  const w0 = performance.now();
  fullPass(t); // warm-up of the checker (the Kusto language service loads here, once)
  const warmMs = performance.now() - w0;
  const full = timed(() => fullPass(t));
  const bytes = tr.last.texts.reduce((n, x) => n + Buffer.byteLength(x), 0);
  console.log(`${t.name}:`);
  console.log(
    `  translate          ${rate(tr.best)} rules/s  (${rate(tr.median).trim()} median; ${tr.best.toFixed(0)} ms/pass)`,
  );
  console.log(
    `  translate + check  ${rate(full.best)} rules/s  (${rate(full.median).trim()} median; ${full.best.toFixed(0)} ms/pass)`,
  );
  console.log(
    `  checker warm-up pass ${warmMs.toFixed(0)} ms; output ${(bytes / 1024).toFixed(0)} KiB; ` +
      `checker errors ${full.last.checkErrors}; verdicts ${JSON.stringify(tr.last.verdicts)}`,
  );
}
