/**
 * Parser benchmark: parses every query of the shared corpus repeatedly (after warm-up) and prints
 * MB/s (UTF-8 bytes of query text) and queries/s. Best and median of the timed passes.
 *   npm run bench:parse [-- --passes 20]
 */
import { readFileSync } from 'node:fs';
import { parse } from '../src/kql/parse.js';

const passesArg = process.argv.indexOf('--passes');
const passes = passesArg > 0 ? Number(process.argv[passesArg + 1]) : 20;
const corpus = process.env.SIEMC_CORPUS ?? '../shared/corpus/detection-rules-kuery.jsonl';
const queries: string[] = [];
for (const line of readFileSync(corpus, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as { query: string; threat_query?: string };
  queries.push(r.query);
}
const bytes = queries.reduce((n, q) => n + Buffer.byteLength(q, 'utf8'), 0);

const cpuTimes: number[] = [];

function pass(): number {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const q of queries) {
    const r = parse(q);
    if (r.ast === null) throw new Error(`corpus query failed to parse: ${q.slice(0, 80)}`);
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  cpuTimes.push((c.user + c.system) / 1e6);
  return wall;
}

for (let i = 0; i < 5; i++) pass(); // warm-up: JIT, Chevrotain caches
cpuTimes.length = 0;
const times: number[] = [];
for (let i = 0; i < passes; i++) times.push(pass());
times.sort((a, b) => a - b);
const best = times[0];
const median = times[Math.floor(times.length / 2)];
const mb = bytes / 1e6;
console.log(
  `parse: ${queries.length} queries, ${(bytes / 1024).toFixed(0)} KiB, ${passes} passes after warm-up`,
);
console.log(
  `  best   ${(mb / best).toFixed(1)} MB/s  ${(queries.length / best).toFixed(0)} queries/s  (${(best * 1000).toFixed(1)} ms/pass)`,
);
const cpuMedian = cpuTimes.sort((a, b) => a - b)[Math.floor(cpuTimes.length / 2)];
console.log(
  `  cpu    ${(mb / cpuMedian).toFixed(1)} MB/s of CPU time (median; unaffected by other load on the machine)`,
);
console.log(
  `  median ${(mb / median).toFixed(1)} MB/s  ${(queries.length / median).toFixed(0)} queries/s  (${(median * 1000).toFixed(1)} ms/pass)`,
);
