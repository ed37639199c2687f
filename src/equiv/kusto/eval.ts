/**
 * Interpreter of the Kusto subset (see ast.ts) over in-memory tables: rows are objects of typed
 * values (values.ts). Semantics follow Kusto's documentation: `==`/`in` case-sensitive, `=~`/`in~`
 * not; `has` is a whole-term match, `contains` a case-insensitive substring (`_cs` variants
 * sensitive); three-valued logic with null; `where` keeps rows whose predicate is true.
 */
import type { Assignment, Expr, KLiteral, KustoQuery, Operator, Tabular } from './ast.js';
import { re2ToRegExp } from './regex.js';
import {
  KDate,
  KDyn,
  KSpan,
  type KValue,
  KustoRuntimeError,
  dyn,
  keyOf,
  toBool,
  toDate,
  toLong,
  toReal,
  toStr,
  typeName,
  unwrap,
} from './values.js';
import { ipInRange, ipv6Compare } from './ip.js';

export type Row = Record<string, KValue>;

export interface EvalContext {
  /** Tables by name. */
  tables: ReadonlyMap<string, Row[]>;
  /** `now()` in ms since the epoch (pinned so results are deterministic). */
  now: number;
}

interface Scope {
  ctx: EvalContext;
  tabular: Map<string, Row[]>;
  scalar: Map<string, KValue>;
}

const AGGREGATES = new Set([
  'count',
  'countif',
  'dcount',
  'dcountif',
  'min',
  'max',
  'sum',
  'make_set',
  'make_list',
  'arg_min',
  'arg_max',
  'any',
  'take_any',
]);

function lit(l: KLiteral): KValue {
  switch (l.t) {
    case 'string':
      return l.v;
    case 'long':
    case 'real':
      return l.v;
    case 'bool':
      return l.v;
    case 'null':
      return null;
    case 'timespan':
      return new KSpan(l.ms);
    case 'datetime':
      return new KDate(l.ms);
    case 'dynamic':
      return dyn(l.v);
  }
}

function and3(a: KValue, b: () => KValue): KValue {
  const x = asBool(a);
  if (x === false) return false;
  const y = asBool(b());
  if (y === false) return false;
  if (x === null || y === null) return null;
  return true;
}
function or3(a: KValue, b: () => KValue): KValue {
  const x = asBool(a);
  if (x === true) return true;
  const y = asBool(b());
  if (y === true) return true;
  if (x === null || y === null) return null;
  return false;
}
function asBool(v: KValue): boolean | null {
  const u = unwrap(v);
  if (u === null || typeof u === 'boolean') return u;
  throw new KustoRuntimeError(`expected a bool, got ${typeName(v)}`);
}

/** Scalar kind used for comparisons. */
function cmpable(v: KValue): KValue {
  const u = unwrap(v);
  if (u instanceof KDyn) return u; // array / object
  return u;
}

function equal(a: KValue, b: KValue): boolean | null {
  const x = cmpable(a);
  const y = cmpable(b);
  if (x === null || y === null) return null;
  if (typeof x === 'string' && typeof y === 'string') return x === y;
  if (typeof x === 'number' && typeof y === 'number') return x === y;
  if (typeof x === 'boolean' && typeof y === 'boolean') return x === y;
  if (x instanceof KDate && y instanceof KDate) return x.ms === y.ms;
  if (x instanceof KSpan && y instanceof KSpan) return x.ms === y.ms;
  if (x instanceof KDyn || y instanceof KDyn) return keyOf(x) === keyOf(y);
  throw new KustoRuntimeError(`cannot compare ${typeName(a)} with ${typeName(b)}`);
}

function order(a: KValue, b: KValue): number | null {
  const x = cmpable(a);
  const y = cmpable(b);
  if (x === null || y === null) return null;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (x instanceof KDate && y instanceof KDate) return x.ms - y.ms;
  if (x instanceof KSpan && y instanceof KSpan) return x.ms - y.ms;
  throw new KustoRuntimeError(`cannot order ${typeName(a)} and ${typeName(b)}`);
}

const isAlnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/** Kusto `has`: the needle occurs as whole term(s): no alphanumeric character glued to its alphanumeric ends. */
export function hasTerm(hay: string, needle: string, cs: boolean): boolean {
  const h = cs ? hay : hay.toLowerCase();
  const n = cs ? needle : needle.toLowerCase();
  if (n === '') return true;
  let from = 0;
  for (;;) {
    const i = h.indexOf(n, from);
    if (i < 0) return false;
    const before = h[i - 1];
    const after = h[i + n.length];
    const okStart = !isAlnum(n[0]) || !isAlnum(before);
    const okEnd = !isAlnum(n[n.length - 1]) || !isAlnum(after);
    if (okStart && okEnd) return true;
    from = i + 1;
  }
}

function stringOp(op: string, a: KValue, b: KValue): boolean {
  const hay = toStr(a);
  const nd = toStr(b);
  const lower = (s: string) => s.toLowerCase();
  switch (op) {
    case 'contains':
      return lower(hay).includes(lower(nd));
    case 'contains_cs':
      return hay.includes(nd);
    case 'startswith':
      return lower(hay).startsWith(lower(nd));
    case 'startswith_cs':
      return hay.startsWith(nd);
    case 'endswith':
      return lower(hay).endsWith(lower(nd));
    case 'endswith_cs':
      return hay.endsWith(nd);
    case 'has':
      return hasTerm(hay, nd, false);
    case 'has_cs':
      return hasTerm(hay, nd, true);
    case 'hasprefix':
    case 'hasprefix_cs':
    case 'hassuffix':
    case 'hassuffix_cs':
      throw new KustoRuntimeError(`operator ${op} is outside the interpreter's subset`);
    default:
      throw new KustoRuntimeError(`unknown string operator ${op}`);
  }
}

function arith(op: string, a: KValue, b: KValue): KValue {
  const x = unwrap(a);
  const y = unwrap(b);
  if (x === null || y === null) return null;
  if (x instanceof KDate && y instanceof KSpan)
    return new KDate(op === '+' ? x.ms + y.ms : x.ms - y.ms);
  if (x instanceof KDate && y instanceof KDate && op === '-') return new KSpan(x.ms - y.ms);
  if (x instanceof KSpan && y instanceof KSpan)
    return new KSpan(op === '+' ? x.ms + y.ms : x.ms - y.ms);
  if (typeof x === 'number' && typeof y === 'number') {
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        return y === 0 ? null : x / y;
      case '%':
        return y === 0 ? null : x % y;
    }
  }
  if (x instanceof KSpan && typeof y === 'number' && op === '*') return new KSpan(x.ms * y);
  throw new KustoRuntimeError(`cannot apply ${op} to ${typeName(a)} and ${typeName(b)}`);
}

function startOf(unit: 'day' | 'week' | 'month' | 'year', ms: number): number {
  const d = new Date(ms);
  if (unit === 'day') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (unit === 'week') {
    const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return day - d.getUTCDay() * 86_400_000; // Kusto weeks start on Sunday
  }
  if (unit === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return Date.UTC(d.getUTCFullYear(), 0, 1);
}

function asArray(v: KValue): unknown[] | null {
  if (v instanceof KDyn && Array.isArray(v.v)) return v.v;
  return null;
}

class Evaluator {
  constructor(private readonly scope: Scope) {}

  scalar(e: Expr, row: Row): KValue {
    switch (e.kind) {
      case 'lit':
        return lit(e.value);
      case 'col': {
        if (e.name in row) return row[e.name];
        if (this.scope.scalar.has(e.name)) return this.scope.scalar.get(e.name) ?? null;
        throw new KustoRuntimeError(`unknown column '${e.name}' (offset ${e.pos.offset})`);
      }
      case 'member': {
        const t = this.scalar(e.target, row);
        return member(t, e.key);
      }
      case 'index': {
        const t = this.scalar(e.target, row);
        const k = unwrap(this.scalar(e.index, row));
        if (t instanceof KDyn && Array.isArray(t.v) && typeof k === 'number') {
          const idx = k < 0 ? t.v.length + k : k;
          return dyn(t.v[idx]);
        }
        if (typeof k === 'string') return member(t, k);
        return null;
      }
      case 'and':
        return and3(this.scalar(e.left, row), () => this.scalar(e.right, row));
      case 'or':
        return or3(this.scalar(e.left, row), () => this.scalar(e.right, row));
      case 'neg': {
        const v = unwrap(this.scalar(e.operand, row));
        if (v === null) return null;
        if (typeof v === 'number') return -v;
        if (v instanceof KSpan) return new KSpan(-v.ms);
        throw new KustoRuntimeError(`cannot negate ${typeName(v)}`);
      }
      case 'between': {
        const x = this.scalar(e.left, row);
        const lo = order(x, this.scalar(e.low, row));
        const hi = order(x, this.scalar(e.high, row));
        if (lo === null || hi === null) return null;
        const inside = lo >= 0 && hi <= 0;
        return e.negated ? !inside : inside;
      }
      case 'in': {
        const x = this.scalar(e.left, row);
        const ci = e.op.endsWith('~');
        let found = false;
        for (const item of e.list) {
          const y = this.scalar(item, row);
          const items = asArray(y) ?? [y];
          for (const it of items) {
            const yv =
              it instanceof KDyn || it === null || typeof it !== 'object'
                ? (it as KValue)
                : dyn(it);
            const v = typeof yv === 'object' && yv !== null && !(yv instanceof KDyn) ? yv : yv;
            if (ci ? toStr(x).toLowerCase() === toStr(v).toLowerCase() : equal(x, v) === true)
              found = true;
          }
        }
        return e.op.startsWith('!') ? !found : found;
      }
      case 'binary':
        return this.binary(e.op, e.left, e.right, row);
      case 'call':
        return this.call(e.name, e.args, row);
    }
  }

  private binary(op: string, l: Expr, r: Expr, row: Row): KValue {
    if (
      l.kind === 'col' &&
      l.name === '*' &&
      /^!?(has|contains|startswith|endswith)(_cs)?$/.test(op)
    ) {
      // `* has "x"`: the term search over every column of the row
      const b = this.scalar(r, row);
      const pos = op.replace(/^!/, '');
      const hit = Object.values(row).some((v) => v !== null && stringOp(pos, v, b));
      return op.startsWith('!') ? !hit : hit;
    }
    const a = this.scalar(l, row);
    const b = this.scalar(r, row);
    switch (op) {
      case '==':
        return equal(a, b);
      case '!=': {
        const q = equal(a, b);
        return q === null ? null : !q;
      }
      case '=~':
        return toStr(a).toLowerCase() === toStr(b).toLowerCase();
      case '!~':
        return toStr(a).toLowerCase() !== toStr(b).toLowerCase();
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const c = order(a, b);
        if (c === null) return null;
        return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      }
      case 'matches regex': {
        if (a === null) return null;
        return re2ToRegExp(toStr(b)).test(toStr(a));
      }
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return arith(op, a, b);
      default: {
        const neg = op.startsWith('!');
        const res = stringOp(neg ? op.slice(1) : op, a, b);
        return neg ? !res : res;
      }
    }
  }

  private call(name: string, args: Expr[], row: Row): KValue {
    const arg = (i: number) => {
      const a = args[i];
      if (!a) throw new KustoRuntimeError(`${name}() needs argument ${i + 1}`);
      return this.scalar(a, row);
    };
    switch (name) {
      case 'not': {
        const v = asBool(arg(0));
        return v === null ? null : !v;
      }
      case 'tostring':
        return toStr(arg(0));
      case 'tolong':
      case 'toint':
        return toLong(arg(0));
      case 'todouble':
      case 'toreal':
        return toReal(arg(0));
      case 'tobool':
      case 'toboolean':
        return toBool(arg(0));
      case 'todatetime':
        return toDate(arg(0));
      case 'todynamic':
      case 'parse_json': {
        const v = arg(0);
        if (v instanceof KDyn) return v;
        if (typeof v !== 'string') return v;
        try {
          return dyn(JSON.parse(v));
        } catch {
          return dyn(v);
        }
      }
      case 'isempty': {
        const v = arg(0);
        return v === null || toStr(v) === '';
      }
      case 'isnotempty': {
        const v = arg(0);
        return !(v === null || toStr(v) === '');
      }
      case 'isnull':
        return arg(0) === null;
      case 'isnotnull':
        return arg(0) !== null;
      case 'gettype':
        return typeName(arg(0));
      case 'strlen':
        return [...toStr(arg(0))].length;
      case 'tolower':
        return toStr(arg(0)).toLowerCase();
      case 'toupper':
        return toStr(arg(0)).toUpperCase();
      case 'iff':
      case 'iif': {
        const c = asBool(arg(0));
        return c === true ? arg(1) : arg(2);
      }
      case 'coalesce': {
        for (let i = 0; i < args.length; i++) {
          const v = arg(i);
          if (v !== null && v !== '') return v;
        }
        return null;
      }
      case 'pack_array':
        return new KDyn(args.map((_, i) => toJson(arg(i))));
      case 'array_length': {
        const a = asArray(arg(0));
        return a === null ? null : a.length;
      }
      case 'array_index_of': {
        const a = asArray(arg(0));
        if (a === null) return null;
        const needle = arg(1);
        return a.findIndex((x) => equal(dyn(x), needle) === true);
      }
      case 'set_has_element': {
        const a = asArray(arg(0));
        if (a === null) return null;
        const needle = arg(1);
        return a.some((x) => equal(dyn(x), needle) === true);
      }
      case 'column_ifexists': {
        const n = toStr(arg(0));
        return n in row ? row[n] : arg(1);
      }
      case 'strcat':
        return args.map((_, i) => toStr(arg(i))).join('');
      case 'strcmp': {
        // ordinal comparison of UTF-16 code units (.NET String.CompareOrdinal), as -1 / 0 / 1
        const x = toStr(arg(0));
        const y = toStr(arg(1));
        return x < y ? -1 : x > y ? 1 : 0;
      }
      case 'ipv4_is_in_range':
        return ipInRange(toStr(arg(0)), toStr(arg(1)), 4);
      case 'ipv6_is_in_range':
        return ipInRange(toStr(arg(0)), toStr(arg(1)), 6);
      case 'ipv6_compare':
        return ipv6Compare(toStr(arg(0)), toStr(arg(1)));
      case 'now':
        return new KDate(this.scope.ctx.now + (args.length ? spanMs(arg(0)) : 0));
      case 'ago':
        return new KDate(this.scope.ctx.now - spanMs(arg(0)));
      case 'bin': {
        const v = unwrap(arg(0));
        const size = unwrap(arg(1));
        if (v === null || size === null) return null;
        if (v instanceof KDate && size instanceof KSpan)
          return new KDate(Math.floor(v.ms / size.ms) * size.ms);
        if (typeof v === 'number' && typeof size === 'number') return Math.floor(v / size) * size;
        throw new KustoRuntimeError('bin() needs a datetime and a timespan, or two numbers');
      }
      case 'startofday':
      case 'startofweek':
      case 'startofmonth':
      case 'startofyear': {
        const d = toDate(arg(0));
        if (!d) return null;
        return new KDate(startOf(name.slice(7) as 'day' | 'week' | 'month' | 'year', d.ms));
      }
      case 'datetime_add': {
        const part = toStr(arg(0));
        const n = toLong(arg(1));
        const d = toDate(arg(2));
        if (n === null || !d) return null;
        const x = new Date(d.ms);
        if (part === 'month') x.setUTCMonth(x.getUTCMonth() + n);
        else if (part === 'year') x.setUTCFullYear(x.getUTCFullYear() + n);
        else throw new KustoRuntimeError(`datetime_add part '${part}' is outside the subset`);
        return new KDate(x.getTime());
      }
      default:
        if (AGGREGATES.has(name))
          throw new KustoRuntimeError(`aggregate ${name}() used outside summarize`);
        throw new KustoRuntimeError(`function ${name}() is outside the interpreter's subset`);
    }
  }

  /** Evaluate an aggregate expression (aggregates nested in scalar expressions) over a group. */
  aggregate(e: Expr, rows: Row[]): KValue {
    if (e.kind === 'call' && AGGREGATES.has(e.name)) {
      const a = e.args;
      const vals = (i: number) => rows.map((r) => this.scalar(a[i], r));
      switch (e.name) {
        case 'count':
          return rows.length;
        case 'countif':
          return rows.filter((r) => asBool(this.scalar(a[0], r)) === true).length;
        case 'dcount':
          return new Set(
            vals(0)
              .filter((v) => v !== null && v !== '')
              .map(keyOf),
          ).size;
        case 'dcountif':
          return new Set(
            rows
              .filter((r) => asBool(this.scalar(a[1], r)) === true)
              .map((r) => this.scalar(a[0], r))
              .filter((v) => v !== null && v !== '')
              .map(keyOf),
          ).size;
        case 'min':
        case 'max': {
          let best: KValue = null;
          for (const v of vals(0)) {
            if (v === null) continue;
            if (best === null) best = v;
            else {
              const c = order(v, best);
              if (c !== null && (e.name === 'min' ? c < 0 : c > 0)) best = v;
            }
          }
          return best;
        }
        case 'sum': {
          let s = 0;
          for (const v of vals(0)) {
            const n = toReal(v);
            if (n !== null) s += n;
          }
          return s;
        }
        case 'make_set': {
          const seen = new Map<string, unknown>();
          for (const v of vals(0)) if (v !== null) seen.set(keyOf(v), toJson(v));
          return new KDyn([...seen.values()]);
        }
        case 'make_list':
          return new KDyn(
            vals(0)
              .filter((v) => v !== null)
              .map((v) => toJson(v)),
          );
        case 'any':
        case 'take_any':
          return rows.length ? this.scalar(a[0], rows[0]) : null;
        default:
          throw new KustoRuntimeError(`${e.name}() must be a top-level summarize aggregate`);
      }
    }
    switch (e.kind) {
      case 'binary':
        return this.binary(
          e.op,
          { kind: 'lit', value: litOf(this.aggregate(e.left, rows)), pos: e.pos },
          { kind: 'lit', value: litOf(this.aggregate(e.right, rows)), pos: e.pos },
          {},
        );
      case 'lit':
        return lit(e.value);
      case 'call':
        return this.call(
          e.name,
          e.args.map((x) => ({ kind: 'lit', value: litOf(this.aggregate(x, rows)), pos: e.pos })),
          {},
        );
      default:
        throw new KustoRuntimeError(
          `expression outside an aggregate in summarize (offset ${e.pos.offset})`,
        );
    }
  }
}

/** Wrap a runtime value back as a literal (used when folding aggregate results into expressions). */
function litOf(v: KValue): KLiteral {
  if (v === null) return { t: 'null' };
  if (typeof v === 'string') return { t: 'string', v };
  if (typeof v === 'number') return { t: Number.isInteger(v) ? 'long' : 'real', v };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (v instanceof KDate) return { t: 'datetime', ms: v.ms };
  if (v instanceof KSpan) return { t: 'timespan', ms: v.ms };
  return { t: 'dynamic', v: v.v };
}

function toJson(v: KValue): unknown {
  if (v === null) return null;
  if (v instanceof KDyn) return v.v;
  if (v instanceof KDate || v instanceof KSpan) return toStr(v);
  return v;
}

function spanMs(v: KValue): number {
  const u = unwrap(v);
  if (u instanceof KSpan) return u.ms;
  throw new KustoRuntimeError(`expected a timespan, got ${typeName(v)}`);
}

function member(t: KValue, key: string): KValue {
  if (t instanceof KDyn && typeof t.v === 'object' && t.v !== null && !Array.isArray(t.v))
    return dyn((t.v as Record<string, unknown>)[key]);
  return null;
}

function nameOf(a: Assignment, i: number): string {
  if (a.name) return a.name;
  const e = a.expr;
  if (e.kind === 'col') return e.name;
  if (e.kind === 'member') return e.key;
  if (e.kind === 'call') {
    const inner = e.args[0];
    if (e.name === 'count') return 'count_';
    if (inner && inner.kind === 'col') return `${e.name}_${inner.name}`;
    return `${e.name}_`;
  }
  return `Column${i + 1}`;
}

function typed(v: KValue, toType: string | undefined): KValue {
  if (!toType || toType === 'dynamic') return v;
  switch (toType) {
    case 'string':
      return toStr(v);
    case 'long':
    case 'int':
      return toLong(v);
    case 'real':
    case 'double':
      return toReal(v);
    case 'bool':
      return toBool(v);
    case 'datetime':
      return toDate(v);
    default:
      throw new KustoRuntimeError(`typeof(${toType}) is outside the subset`);
  }
}

function runOps(rows: Row[], ops: Operator[], scope: Scope): Row[] {
  const ev = new Evaluator(scope);
  for (const op of ops) rows = runOp(rows, op, scope, ev);
  return rows;
}

function groupBy(
  rows: Row[],
  keys: Assignment[],
  ev: Evaluator,
): Map<string, { key: Row; rows: Row[] }> {
  const groups = new Map<string, { key: Row; rows: Row[] }>();
  for (const r of rows) {
    const key: Row = {};
    keys.forEach((k, i) => (key[nameOf(k, i)] = ev.scalar(k.expr, r)));
    const id = Object.values(key).map(keyOf).join('\u0000');
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, rows: [] }));
    g.rows.push(r);
  }
  return groups;
}

function runOp(rows: Row[], op: Operator, scope: Scope, ev: Evaluator): Row[] {
  switch (op.op) {
    case 'where':
      return rows.filter((r) => asBool(ev.scalar(op.pred, r)) === true);
    case 'extend':
      return rows.map((r) => {
        const out: Row = { ...r };
        op.items.forEach((a, i) => (out[nameOf(a, i)] = ev.scalar(a.expr, out)));
        return out;
      });
    case 'project':
      return rows.map((r) => {
        const out: Row = {};
        op.items.forEach((a, i) => (out[nameOf(a, i)] = ev.scalar(a.expr, r)));
        return out;
      });
    case 'project-away':
      return rows.map((r) => {
        const out: Row = { ...r };
        for (const n of op.names) delete out[n];
        return out;
      });
    case 'distinct':
      return [...groupBy(rows, op.items, ev).values()].map((g) => g.key);
    case 'take':
      return rows.slice(0, op.count);
    case 'summarize': {
      const groups = groupBy(rows, op.by, ev);
      if (op.by.length === 0 && groups.size === 0) groups.set('', { key: {}, rows: [] });
      const out: Row[] = [];
      for (const g of groups.values()) {
        const res: Row = { ...g.key };
        op.aggs.forEach((a, i) => {
          const e = a.expr;
          if (e.kind === 'call' && (e.name === 'arg_min' || e.name === 'arg_max')) {
            let best: Row | undefined;
            let bestV: KValue = null;
            for (const r of g.rows) {
              const v = ev.scalar(e.args[0], r);
              if (v === null) continue;
              const c = bestV === null ? -1 : order(v, bestV);
              if (best === undefined || (c !== null && (e.name === 'arg_min' ? c < 0 : c > 0))) {
                best = r;
                bestV = v;
              }
            }
            const star = e.args.slice(1).some((x) => x.kind === 'col' && x.name === '*');
            if (best) {
              if (star) for (const [k, v] of Object.entries(best)) if (!(k in g.key)) res[k] = v;
              e.args.slice(1).forEach((x, j) => {
                if (!(x.kind === 'col' && x.name === '*'))
                  res[nameOf({ expr: x }, j)] = ev.scalar(x, best as Row);
              });
            }
            res[a.name ?? nameOf({ expr: e.args[0] }, i)] = bestV;
            return;
          }
          res[nameOf(a, i)] = ev.aggregate(e, g.rows);
        });
        out.push(res);
      }
      return out;
    }
    case 'join': {
      const right = runTabular(op.right, scope);
      const keys = (r: Row) => op.on.map((k) => keyOf(r[k] ?? null)).join('\u0000');
      const rightKeys = new Set(right.map(keys));
      if (op.kind === 'leftanti') return rows.filter((r) => !rightKeys.has(keys(r)));
      if (op.kind === 'leftsemi') return rows.filter((r) => rightKeys.has(keys(r)));
      const out: Row[] = [];
      for (const l of rows)
        for (const r of right)
          if (keys(l) === keys(r)) {
            const m: Row = { ...l };
            for (const [k, v] of Object.entries(r))
              m[k in l && !op.on.includes(k) ? k + '1' : k] = v;
            out.push(m);
          }
      return out;
    }
    case 'mv-expand':
    case 'mv-apply': {
      const out: Row[] = [];
      for (const r of rows) {
        const v = ev.scalar(op.expr, r);
        const arr = asArray(v);
        const elems: KValue[] = arr ? arr.map((x) => dyn(x)) : [v];
        if (arr && arr.length === 0) elems.push(null);
        const sub = elems.map((x) => ({ ...r, [op.name]: typed(x, op.toType) }));
        if (op.op === 'mv-expand') {
          out.push(...sub);
          continue;
        }
        const applied = runOps(arr && arr.length === 0 ? [] : sub, op.body, scope);
        for (const a of applied) out.push({ ...r, ...a });
      }
      return out;
    }
  }
}

function runTabular(t: Tabular, scope: Scope): Row[] {
  let rows: Row[];
  if (t.source.kind === 'sub') rows = runTabular(t.source.query, scope);
  else {
    const name = t.source.name;
    const bound = scope.tabular.get(name) ?? scope.ctx.tables.get(name);
    if (!bound) throw new KustoRuntimeError(`unknown table '${name}'`);
    rows = bound;
  }
  return runOps(rows, t.ops, scope);
}

/** Run a parsed query; returns the result rows. */
export function runKusto(q: KustoQuery, ctx: EvalContext): Row[] {
  const scope: Scope = { ctx, tabular: new Map(), scalar: new Map() };
  for (const l of q.lets) {
    if (l.value.kind === 'tabular') scope.tabular.set(l.name, runTabular(l.value.query, scope));
    else scope.scalar.set(l.name, new Evaluator(scope).scalar(l.value.expr, {}));
  }
  return runTabular(q.body, scope);
}

export { KustoRuntimeError };
