/**
 * `verify` benchmark: every corpus rule (729 KQL rules) verified against SPL, Sentinel and Sigma
 * (boundary-event generation, native evaluator, the three target interpreters, minimisation and
 * clause location of the reported disagreements), once per pass. Prints rules/s (wall and CPU
 * time, best and median of the passes) and the verification totals; `--per-target` adds one pass
 * per target alone.
 *
 *   npm run bench:verify [-- --passes 3 --per-target]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRulePaths } from '../src/rules/index.js';
import type { Rule } from '../src/rules/model.js';
import { allTargets } from '../targets/registry.js';
import { totals, verifyRule, type RuleReport } from '../src/equiv/verify.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const passes = arg('passes', 1);
const corpusDir = process.env.SIEMC_CORPUS_DIR ?? '../shared/corpus';
const now = new Date('2026-06-20T12:00:00.000Z');

const paths = readFileSync(join(corpusDir, 'detection-rules-kuery.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => join(corpusDir, 'detection-rules', (JSON.parse(l) as { path: string }).path));
const loaded = await loadRulePaths(paths);
const rules: Rule[] = loaded.flatMap((l) => (l.rule ? [l.rule] : []));
const targets = allTargets();

function pass(): { wall: number; cpu: number; reports: RuleReport[] } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const reports = rules.map((r) => verifyRule(r, { targets, now }));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6, reports };
}

/** Seconds spent per target (one more pass, one target at a time). */
function perTarget(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of targets) {
    const t0 = process.hrtime.bigint();
    for (const r of rules) verifyRule(r, { targets: [t], now });
    out[t.name] = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  return out;
}

const runs = Array.from({ length: passes }, pass);
const walls = runs.map((r) => r.wall).sort((a, b) => a - b);
const cpus = runs.map((r) => r.cpu).sort((a, b) => a - b);
const median = (xs: number[]) => xs[Math.floor((xs.length - 1) / 2)];
const rate = (s: number) => (rules.length / s).toFixed(1);
const t = totals(runs[0].reports);
const events = runs[0].reports.reduce((n, r) => n + r.events, 0);

console.log(
  `verify: ${rules.length} corpus rules × ${targets.length} targets (${targets.map((x) => x.name).join(', ')}), ${events} generated events in all, ${passes} passes`,
);
console.log(
  `  wall: best ${walls[0].toFixed(2)} s = ${rate(walls[0])} rules/s, median ${median(walls).toFixed(2)} s = ${rate(median(walls))} rules/s`,
);
console.log(
  `  cpu:  best ${cpus[0].toFixed(2)} s = ${rate(cpus[0])} rules/s (${(cpus[0] / walls[0]).toFixed(2)} cores busy)`,
);
if (process.argv.includes('--per-target')) {
  const pt = perTarget();
  console.log(
    `  one target at a time: ${Object.entries(pt)
      .map(([k, s]) => `${k} ${s.toFixed(2)} s (${rate(s)} rules/s)`)
      .join(', ')}`,
  );
}
console.log(
  `totals: ${t.exact} exact, ${t.declared} with declared differences, ${t.undeclared} with undeclared differences, ${t.skipped} not verifiable`,
);
for (const [k, c] of Object.entries(t.perTarget))
  console.log(
    `  ${k}: ${c.exact} exact, ${c.declared} declared, ${c.undeclared} undeclared, ${c.skipped} skipped`,
  );
