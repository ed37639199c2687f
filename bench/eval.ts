/**
 * Evaluator and engine benchmark.
 *
 *   npm run bench:eval [-- --mb 64 --passes 3]
 *
 * (a) predicate throughput on pre-parsed events: the reference rule (rules/examples, the o365
 *     device-code new_terms rule) and the 729 corpus queries on average;
 * (b) back-test throughput in MB/s over a generated NDJSON file, next to the throughput of merely
 *     splitting and JSON.parse-ing the same file in the same run: the ratio is the figure of merit.
 */
import {
  createReadStream,
  readFileSync,
  readdirSync,
  writeFileSync,
  mkdtempSync,
  statSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { parse } from '../src/kql/parse.js';
import { compileQuery } from '../src/eval/index.js';
import { RuleRunner, scanEvents } from '../src/engine/index.js';
import { loadRuleText } from '../src/rules/load.js';
import type { Rule } from '../src/rules/model.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const targetMb = arg('mb', 64);
const passes = arg('passes', 3);

const FIX = '../shared/fixtures';
const scenarios = ['o365-device-code', 'aws-iam-login-profile', 'okta-brute-force-threshold'];
const lines: string[] = [];
for (const s of scenarios)
  lines.push(
    ...readFileSync(join(FIX, s, 'ecs.ndjson'), 'utf8')
      .split('\n')
      .filter((l) => l.trim()),
  );
for (const f of readdirSync(join(FIX, 'ecs'))
  .filter((f) => f.endsWith('.ndjson'))
  .sort()) {
  lines.push(
    ...readFileSync(join(FIX, 'ecs', f), 'utf8')
      .split('\n')
      .filter((l) => l.trim()),
  );
}
const docs = lines.map((l) => JSON.parse(l) as object);

/** The scenario's rule, read from its original TOML file in rules/examples, and its `now`. */
const shipped = readdirSync('rules/examples')
  .filter((f) => f.endsWith('.toml'))
  .map((f) => {
    const path = join('rules/examples', f);
    return loadRuleText(readFileSync(path, 'utf8'), path)[0].rule!;
  });
function scenarioRule(name: string): { rule: Rule; now: Date } {
  const exp = JSON.parse(readFileSync(join(FIX, name, 'expected.json'), 'utf8')) as {
    rule: { rule_id: string };
    now: string;
  };
  const rule = shipped.find((r) => r.id === exp.rule.rule_id);
  if (!rule?.ast) throw new Error(`rules/examples has no usable rule ${exp.rule.rule_id}`);
  return { rule, now: new Date(exp.now) };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// ---------- (a) predicate throughput ----------
/** Events/s of `pred` over the fixture documents, by CPU time (robust against other load). */
function throughput(pred: (d: object) => boolean, minMs: number): number {
  let n = 0;
  let sink = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    for (let i = 0; i < docs.length; i++) if (pred(docs[i])) sink++;
    n += docs.length;
  }
  const c = process.cpuUsage(c0);
  if (sink < 0) console.log(sink);
  return (n / ((c.user + c.system) / 1000)) * 1000;
}

const ref = scenarioRule('o365-device-code');
const refPred = compileQuery(ref.rule.ast!, { now: ref.now });
throughput(refPred, 300); // warm-up
const refRate = throughput(refPred, 1500);

const corpus = readFileSync('../shared/corpus/detection-rules-kuery.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { id: string; name: string; query: string });
const preds = corpus.map((r) => compileQuery(parse(r.query).ast!, { now: ref.now }));
for (const p of preds) throughput(p, 2); // warm-up
let evals = 0;
const cc0 = process.cpuUsage();
for (let pass = 0; pass < 20; pass++) {
  for (const p of preds) {
    for (let i = 0; i < docs.length; i++) p(docs[i]);
    evals += docs.length;
  }
}
const cc = process.cpuUsage(cc0);
const corpusRate = (evals / ((cc.user + cc.system) / 1000)) * 1000;

console.log(
  `predicate throughput (pre-parsed events; ${docs.length} distinct fixture documents; CPU time):`,
);
console.log(`  reference rule (${ref.rule.name}): ${fmt(refRate)} events/s`);
console.log(
  `  corpus, ${preds.length} rules: ${fmt(corpusRate)} events/s per rule on average (${fmt(corpusRate / preds.length)} events/s for all rules together)`,
);

// ---------- (b) back-test vs bare parse ----------
const dir = mkdtempSync(join(tmpdir(), 'siemc-bench-'));
const file = join(dir, 'events.ndjson');
const block = lines.join('\n') + '\n';
const reps = Math.max(1, Math.ceil((targetMb * 1e6) / Buffer.byteLength(block)));
writeFileSync(file, block.repeat(reps));
const bytes = statSync(file).size;
const events = reps * lines.length;

/** CPU time (user + system) of `f`, in ms: robust against other load on the machine. */
async function cpuMs(f: () => Promise<unknown>): Promise<number> {
  const c0 = process.cpuUsage();
  await f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

async function bareParse(): Promise<void> {
  const dec = new StringDecoder('utf8');
  let rest = '';
  let n = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const s = rest + dec.write(chunk as Buffer);
    let start = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', start)) {
      if (nl > start && JSON.parse(s.slice(start, nl))) n++;
      start = nl + 1;
    }
    rest = s.slice(start);
  }
  if (n !== events) throw new Error(`parsed ${n} of ${events} events`);
}

async function backtest(rules: { rule: Rule; now: Date }[]): Promise<number> {
  const runners = rules.map(
    (r) => new RuleRunner(r.rule, { now: r.now, onAlert: () => undefined }),
  );
  const t0 = performance.now();
  const s = await scanEvents(runners, [{ path: file, display: file }]);
  for (const r of runners) r.finish();
  if (s.events !== events) throw new Error(`scanned ${s.events} of ${events} events`);
  return performance.now() - t0;
}

const scenarioRules = scenarios.map(scenarioRule);
const corpusRules = corpus.map((c, i) => ({
  rule: {
    ...ref.rule,
    id: c.id,
    name: c.name,
    type: 'query',
    ast: parse(c.query).ast!,
    newTerms: undefined,
    threshold: undefined,
    timestampOverride: 'event.ingested',
    from: 'now-9m',
  } as Rule,
  now: ref.now,
}));

// Interleave the measurements so that varying machine load hits all of them alike; best of N.
await bareParse(); // warm-up
await backtest(scenarioRules);
let bareMs = Infinity;
let btMs = Infinity;
let btRefMs = Infinity;
let btAllMs = Infinity;
for (let i = 0; i < passes; i++) {
  bareMs = Math.min(bareMs, await cpuMs(bareParse));
  btMs = Math.min(btMs, await cpuMs(() => backtest(scenarioRules)));
  btRefMs = Math.min(btRefMs, await cpuMs(() => backtest([ref])));
  if (i === 0) btAllMs = await cpuMs(() => backtest(corpusRules));
}
const mbps = (ms: number) => bytes / 1e6 / (ms / 1000);

console.log(
  `back-test throughput (${(bytes / 1e6).toFixed(1)} MB NDJSON, ${fmt(events)} events; CPU time, best of ${passes}; corpus run once):`,
);
console.log(
  `  bare split + JSON.parse:                 ${mbps(bareMs).toFixed(1)} MB/s  (${fmt((events / bareMs) * 1000)} events/s)`,
);
console.log(
  `  backtest, reference rule alone (new_terms):              ${mbps(btRefMs).toFixed(1)} MB/s  ratio ${(bareMs / btRefMs).toFixed(2)} of bare parse`,
);
console.log(
  `  backtest, 3 scenario rules (query, new_terms, threshold): ${mbps(btMs).toFixed(1)} MB/s  ratio ${(bareMs / btMs).toFixed(2)} of bare parse`,
);
console.log(
  `  backtest, all ${corpusRules.length} corpus queries at once:   ${mbps(btAllMs).toFixed(1)} MB/s  ratio ${(bareMs / btAllMs).toFixed(2)} of bare parse`,
);
rmSync(dir, { recursive: true, force: true });
