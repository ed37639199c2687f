/**
 * Run an SPL pipeline (the subset the checker accepts) over events.
 *
 * `search` filters events (the first one runs over the input); `where` keeps rows whose condition
 * is true; `eval` assigns fields; `lookup` joins rows of an in-memory table; `stats` groups rows
 * (a row without a value for a BY field is dropped; multivalue BY fields give one group per value,
 * several of them every combination); `rex` extracts named groups; `regex` filters; `fields` /
 * `table` project.
 */
import type { Command, Pipeline, StatsAgg } from '../../../targets/spl/check/ast.js';
import { checkSpl } from '../../../targets/spl/check/index.js';
import { parseForeachTemplate } from '../../../targets/spl/check/parse.js';
import type { SplEvent } from './event.js';
import { evalExpr, SplRuntimeError, type EvalEnv, type EvalValue } from './evaluate.js';
import { evalSearch } from './search.js';

/** A lookup table: rows of column → value (a value may be a list for multivalue outputs). */
export type LookupTable = Record<string, string | string[]>[];

export interface SplRunOptions {
  /** "now" for time modifiers and now(), epoch milliseconds. */
  now: number;
  lookups?: Record<string, LookupTable>;
  /** Treat time modifiers as always true (compare query logic without windows). */
  ignoreTime?: boolean;
  /** Stop before the first `stats` (the per-event part of a new_terms / threshold search). */
  queryOnly?: boolean;
}

export interface SplRunResult {
  /** Result rows: events after filtering, or stats rows. */
  rows: SplEvent[];
}

function toValues(v: EvalValue): string[] | undefined {
  if (v === null) return undefined;
  if (typeof v === 'object') return v.mv;
  if (typeof v === 'number') return [Number.isInteger(v) ? String(v) : String(v)];
  return [String(v)];
}

function copy(ev: SplEvent): SplEvent {
  const out: SplEvent = Object.create(null) as SplEvent;
  for (const k of Object.keys(ev)) out[k] = ev[k];
  return out;
}

function isNum(s: string): boolean {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s.trim());
}

function order(a: string, b: string): number {
  if (isNum(a) && isNum(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function aggregate(agg: StatsAgg, rows: SplEvent[]): string[] | undefined {
  const vals = agg.field ? rows.flatMap((r) => r[agg.field!] ?? []) : [];
  switch (agg.fn) {
    case 'count':
      return [
        String(
          agg.field ? rows.filter((r) => (r[agg.field!] ?? []).length > 0).length : rows.length,
        ),
      ];
    case 'dc':
    case 'distinct_count':
      return [String(new Set(vals).size)];
    case 'min':
    case 'max': {
      if (vals.length === 0) return undefined;
      const sorted = [...vals].sort(order);
      return [agg.fn === 'min' ? sorted[0] : sorted[sorted.length - 1]];
    }
    case 'sum':
    case 'avg': {
      const nums = vals.filter(isNum).map(Number);
      if (nums.length === 0) return undefined;
      const s = nums.reduce((a, b) => a + b, 0);
      return [String(agg.fn === 'sum' ? s : s / nums.length)];
    }
    case 'values':
      return vals.length ? [...new Set(vals)].sort() : undefined;
    case 'list':
      return vals.length ? vals.slice(0, 100) : undefined;
    case 'first':
    case 'last':
    case 'earliest':
    case 'latest': {
      const withField = rows.filter((r) => (r[agg.field!] ?? []).length > 0);
      if (withField.length === 0) return undefined;
      let pick: SplEvent;
      if (agg.fn === 'first') pick = withField[0];
      else if (agg.fn === 'last') pick = withField[withField.length - 1];
      else {
        const t = (r: SplEvent) => Number(r._time?.[0] ?? 0);
        pick = withField.reduce((a, b) =>
          (agg.fn === 'earliest' ? t(b) < t(a) : t(b) > t(a)) ? b : a,
        );
      }
      return pick[agg.field!];
    }
    default:
      throw new SplRuntimeError(`stats function ${agg.fn} is not implemented`);
  }
}

function stats(cmd: Extract<Command, { kind: 'stats' }>, rows: SplEvent[]): SplEvent[] {
  const groups = new Map<string, { keys: string[]; rows: SplEvent[] }>();
  for (const r of rows) {
    let combos: string[][] = [[]];
    for (const f of cmd.by) {
      const vals = [...new Set(r[f] ?? [])];
      if (vals.length === 0) {
        combos = [];
        break;
      }
      combos = combos.flatMap((c) => vals.map((v) => [...c, v]));
    }
    for (const keys of combos) {
      const k = JSON.stringify(keys);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { keys, rows: [] }));
      g.rows.push(r);
    }
  }
  if (cmd.by.length === 0 && groups.size === 0) groups.set('[]', { keys: [], rows: [] });
  const out: SplEvent[] = [];
  for (const g of groups.values()) {
    const row: SplEvent = Object.create(null) as SplEvent;
    cmd.by.forEach((f, i) => (row[f] = [g.keys[i]]));
    for (const a of cmd.aggs) {
      const v = aggregate(a, g.rows);
      if (v !== undefined) row[a.as] = v;
    }
    out.push(row);
  }
  return out;
}

function lookup(
  cmd: Extract<Command, { kind: 'lookup' }>,
  rows: SplEvent[],
  tables: Record<string, LookupTable>,
): SplEvent[] {
  const table = tables[cmd.table];
  if (!table) throw new SplRuntimeError(`lookup table '${cmd.table}' is not defined`);
  const inputNames = new Set(cmd.inputs.map((i) => i.name));
  const outputs =
    cmd.outputs.length > 0
      ? cmd.outputs
      : [...new Set(table.flatMap((r) => Object.keys(r)))]
          .filter((c) => !inputNames.has(c))
          .map((c) => ({ name: c, as: c }));
  return rows.map((r) => {
    const matches = table.filter((row) =>
      cmd.inputs.every((inp) => {
        const ev = r[inp.as] ?? [];
        const tv = row[inp.name];
        const tvals = tv === undefined ? [] : Array.isArray(tv) ? tv : [tv];
        return ev.some((v) => tvals.includes(v));
      }),
    );
    const out = copy(r);
    for (const o of outputs) {
      if (cmd.outputNew && (out[o.as] ?? []).length > 0) continue;
      const vals = matches.flatMap((m) => {
        const v = m[o.name];
        return v === undefined ? [] : Array.isArray(v) ? v : [v];
      });
      if (vals.length) out[o.as] = vals;
      else if (!cmd.outputNew) delete out[o.as];
    }
    return out;
  });
}

const foreachCache = new Map<string, Command>();

/**
 * `foreach <wc-fields> [eval ...]`: the eval runs once per field of the row whose name matches a
 * wildcard list (`*` = any sequence), in name order, with `<<FIELD>>` replaced by the name.
 */
function foreach(
  cmd: Extract<Command, { kind: 'foreach' }>,
  row: SplEvent,
  env: EvalEnv,
  opts: SplRunOptions,
): SplEvent {
  const res = cmd.fields.map(
    (f) =>
      new RegExp(
        '^' +
          f
            .split('*')
            .map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('[\\s\\S]*') +
          '$',
      ),
  );
  const names = Object.keys(row)
    .filter((k) => res.some((re) => re.test(k)))
    .sort();
  let out = row;
  for (const name of names) {
    const key = `${cmd.template}\u0000${name}`;
    let ev = foreachCache.get(key);
    if (!ev) {
      const parsed = parseForeachTemplate(cmd.template, name);
      const c = parsed.pipeline.commands[1];
      if (!c || c.kind !== 'eval' || parsed.diagnostics.some((d) => d.severity === 'error'))
        throw new SplRuntimeError(`foreach: the eval does not parse for field ${name}`);
      foreachCache.set(key, (ev = c));
    }
    out = runCommand(ev, [out], env, opts)[0];
  }
  return out;
}

function runCommand(cmd: Command, rows: SplEvent[], env: EvalEnv, opts: SplRunOptions): SplEvent[] {
  switch (cmd.kind) {
    case 'search':
      return cmd.expr ? rows.filter((r) => evalSearch(cmd.expr!, r, env)) : rows;
    case 'where':
      return rows.filter((r) => evalExpr(cmd.expr, r, env) === true);
    case 'eval':
      return rows.map((r) => {
        const out = copy(r);
        for (const a of cmd.assignments) {
          const v = toValues(evalExpr(a.expr, out, env));
          if (v === undefined) delete out[a.field];
          else out[a.field] = v;
        }
        return out;
      });
    case 'stats':
      return stats(cmd, rows);
    case 'lookup':
      return lookup(cmd, rows, opts.lookups ?? {});
    case 'regex': {
      const re = new RegExp(cmd.pattern);
      return rows.filter((r) => (r[cmd.field] ?? []).some((v) => re.test(v)) !== cmd.negate);
    }
    case 'rex':
      return rows.map((r) => {
        const out = copy(r);
        const re = new RegExp(cmd.pattern.replace(/\(\?P?<([A-Za-z_]\w*)>/g, '(?<$1>'));
        const m = re.exec(r[cmd.field]?.[0] ?? '');
        if (m?.groups)
          for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) out[k] = [v];
        return out;
      });
    case 'foreach':
      return rows.map((r) => foreach(cmd, r, env, opts));
    case 'fields':
    case 'table':
      return rows.map((r) => {
        const keep = new Set(cmd.fields);
        const out: SplEvent = Object.create(null) as SplEvent;
        for (const k of Object.keys(r)) {
          const listed = keep.has(k);
          const remove = cmd.kind === 'fields' && cmd.remove;
          if (remove ? !listed : listed || (cmd.kind === 'fields' && k.startsWith('_')))
            out[k] = r[k];
        }
        return out;
      });
  }
}

/** Run a parsed pipeline. */
export function runPipeline(p: Pipeline, events: SplEvent[], opts: SplRunOptions): SplRunResult {
  const env: EvalEnv = { nowMs: opts.now, cache: new Map(), ignoreTime: opts.ignoreTime };
  let rows = events;
  for (const cmd of p.commands) {
    if (opts.queryOnly && cmd.kind === 'stats') break;
    rows = runCommand(cmd, rows, env, opts);
  }
  return { rows };
}

/** Parse (with the SPL checker) and run SPL text. Throws `SplRuntimeError` on syntax errors. */
export function runSpl(text: string, events: SplEvent[], opts: SplRunOptions): SplRunResult {
  const checked = checkSpl(text);
  if (!checked.ok) {
    const first = checked.diagnostics.find((d) => d.severity === 'error')!;
    throw new SplRuntimeError(`SPL does not parse: ${first.message} (column ${first.column})`);
  }
  return runPipeline(checked.pipeline, events, opts);
}
