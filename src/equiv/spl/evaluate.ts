/**
 * Evaluation of `where` / `eval` expressions. Values: null, string, number, boolean, or a
 * multivalue list. Rules (Splunk eval):
 *
 * - A missing field is null. Comparisons with null are null; `where` keeps only `true`.
 * - `=`/`==` and `!=` compare numerically when both sides are numbers, else as case-sensitive
 *   strings. With a multivalue operand a comparison holds when any value satisfies it (siemc's
 *   own output never relies on this: it uses `mvfind` / `mvfilter`).
 * - `mvfind(mv, re)` gives the index of the first matching value or null; `mvindex` picks values
 *   (negative indexes count from the end); `mvfilter(pred)` keeps the values of its one field that
 *   satisfy `pred`, null when none do. Regexes are PCRE (see targets/spl/check/pcre.ts).
 * - `searchmatch("...")` evaluates a search expression against the current event.
 */
import type { EvalExpr, SearchExpr } from '../../../targets/spl/check/ast.js';
import { parseSpl } from '../../../targets/spl/check/parse.js';
import { pcreToJs } from '../../../targets/spl/check/pcre.js';
import { inCidr, parseCidr, parseIp } from '../../eval/ip.js';
import type { SplEvent } from './event.js';
import { evalSearch, type SearchEnv } from './search.js';
import { resolveRelativeTime } from './time.js';

export type EvalValue = null | string | number | boolean | { mv: string[] };

export class SplRuntimeError extends Error {}

export interface EvalEnv extends SearchEnv {
  /** Cache of compiled regexes and searchmatch expressions. */
  cache: Map<string, RegExp | SearchExpr>;
}

function fieldValue(ev: SplEvent, name: string): EvalValue {
  const v = ev[name];
  if (!v || v.length === 0) return null;
  return v.length === 1 ? v[0] : { mv: [...v] };
}

function values(v: EvalValue): (string | number | boolean)[] {
  if (v === null) return [];
  if (typeof v === 'object') return v.mv;
  return [v];
}

function str(v: string | number | boolean): string {
  return typeof v === 'string' ? v : String(v);
}

function isNumLike(v: string | number | boolean): boolean {
  if (typeof v === 'number') return true;
  if (typeof v === 'boolean') return false;
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim());
}

function cmp(a: string | number | boolean, b: string | number | boolean): number {
  if (isNumLike(a) && isNumLike(b)) return Number(a) - Number(b);
  const x = str(a);
  const y = str(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function truth(v: EvalValue): boolean {
  return v === true;
}

function regex(env: EvalEnv, pattern: string): RegExp {
  const key = 're\u0000' + pattern;
  const hit = env.cache.get(key);
  if (hit instanceof RegExp) return hit;
  const r = pcreToJs(pattern);
  if (!r.ok)
    throw new SplRuntimeError(
      `invalid regular expression ${JSON.stringify(pattern)}: ${r.message}`,
    );
  env.cache.set(key, r.regex);
  return r.regex;
}

function likeRegex(env: EvalEnv, pattern: string): RegExp {
  const key = 'like\u0000' + pattern;
  const hit = env.cache.get(key);
  if (hit instanceof RegExp) return hit;
  const body = [...pattern]
    .map((c) =>
      c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  const re = new RegExp(`^${body}$`, 'u');
  env.cache.set(key, re);
  return re;
}

function fieldsOf(e: EvalExpr, out: Set<string>): Set<string> {
  switch (e.kind) {
    case 'field':
      out.add(e.name);
      break;
    case 'binary':
      fieldsOf(e.left, out);
      fieldsOf(e.right, out);
      break;
    case 'not':
    case 'neg':
      fieldsOf(e.expr, out);
      break;
    case 'call':
      e.args.forEach((a) => fieldsOf(a, out));
      break;
    default:
      break;
  }
  return out;
}

function anyOf(v: EvalValue, pred: (x: string | number | boolean) => boolean): EvalValue {
  if (v === null) return null;
  return values(v).some(pred);
}

export function evalExpr(e: EvalExpr, ev: SplEvent, env: EvalEnv): EvalValue {
  switch (e.kind) {
    case 'string':
      return e.value;
    case 'number':
      return e.value;
    case 'field':
      return fieldValue(ev, e.name);
    case 'neg': {
      const v = evalExpr(e.expr, ev, env);
      if (v === null || typeof v === 'object' || !isNumLike(v)) return null;
      return -Number(v);
    }
    case 'not': {
      const v = evalExpr(e.expr, ev, env);
      return typeof v === 'boolean' ? !v : null;
    }
    case 'binary':
      return binary(e, ev, env);
    case 'call':
      return call(e.name, e.args, ev, env);
  }
}

function binary(e: Extract<EvalExpr, { kind: 'binary' }>, ev: SplEvent, env: EvalEnv): EvalValue {
  if (e.op === 'AND') return truth(evalExpr(e.left, ev, env)) && truth(evalExpr(e.right, ev, env));
  if (e.op === 'OR') return truth(evalExpr(e.left, ev, env)) || truth(evalExpr(e.right, ev, env));
  const l = evalExpr(e.left, ev, env);
  const r = evalExpr(e.right, ev, env);
  if (e.op === 'XOR') return truth(l) !== truth(r);
  if (l === null || r === null) return null;
  const ls = values(l);
  const rs = values(r);
  const some = (p: (a: string | number | boolean, b: string | number | boolean) => boolean) =>
    ls.some((a) => rs.some((b) => p(a, b)));
  switch (e.op) {
    case '=':
    case '==':
      return some((a, b) => cmp(a, b) === 0);
    case '!=':
      return some((a, b) => cmp(a, b) !== 0);
    case '<':
      return some((a, b) => cmp(a, b) < 0);
    case '<=':
      return some((a, b) => cmp(a, b) <= 0);
    case '>':
      return some((a, b) => cmp(a, b) > 0);
    case '>=':
      return some((a, b) => cmp(a, b) >= 0);
    case 'LIKE':
      return some((a, b) => likeRegex(env, str(b)).test(str(a)));
    case '.':
      return str(ls[0]) + str(rs[0]);
    default: {
      const a = ls[0];
      const b = rs[0];
      if (!isNumLike(a) || !isNumLike(b)) return e.op === '+' ? str(a) + str(b) : null;
      const x = Number(a);
      const y = Number(b);
      switch (e.op) {
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
  }
}

function call(name: string, args: EvalExpr[], ev: SplEvent, env: EvalEnv): EvalValue {
  const arg = (i: number) => evalExpr(args[i], ev, env);
  switch (name) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    case 'isnull':
      return arg(0) === null;
    case 'isnotnull':
      return arg(0) !== null;
    case 'isnum': {
      const v = arg(0);
      return v !== null && typeof v !== 'object' && isNumLike(v);
    }
    case 'isstr': {
      const v = arg(0);
      return typeof v === 'string' && !isNumLike(v);
    }
    case 'now':
    case 'time':
      return Math.floor(env.nowMs / 1000);
    case 'relative_time': {
      const t = arg(0);
      const spec = arg(1);
      if (t === null || typeof t === 'object' || typeof spec !== 'string' || !isNumLike(t))
        return null;
      return resolveRelativeTime(spec, Number(t) * 1000) / 1000;
    }
    case 'mvfind': {
      const v = arg(0);
      const p = arg(1);
      if (v === null || typeof p !== 'string') return null;
      const re = regex(env, p);
      const i = values(v).findIndex((x) => re.test(str(x)));
      return i < 0 ? null : i;
    }
    case 'mvindex': {
      const v = arg(0);
      const s = arg(1);
      if (v === null || s === null || typeof s === 'object' || !isNumLike(s)) return null;
      const vals = values(v).map(str);
      const norm = (i: number) => (i < 0 ? vals.length + i : i);
      const a = norm(Number(s));
      if (args.length === 2) return a >= 0 && a < vals.length ? vals[a] : null;
      const e2 = arg(2);
      if (e2 === null || typeof e2 === 'object' || !isNumLike(e2)) return null;
      const b = Math.min(norm(Number(e2)), vals.length - 1);
      if (a < 0 || a > b) return null;
      const out = vals.slice(a, b + 1);
      return out.length === 1 ? out[0] : { mv: out };
    }
    case 'mvcount': {
      const v = arg(0);
      return v === null ? null : values(v).length;
    }
    case 'mvfilter': {
      const fields = [...fieldsOf(args[0], new Set())];
      if (fields.length !== 1)
        throw new SplRuntimeError('mvfilter() must reference exactly one field');
      const f = fields[0];
      const kept = (ev[f] ?? []).filter((x) => {
        const one: SplEvent = Object.create(ev) as SplEvent;
        one[f] = [x];
        return truth(evalExpr(args[0], one, env));
      });
      return kept.length === 0 ? null : kept.length === 1 ? kept[0] : { mv: kept };
    }
    case 'mvappend': {
      const out: string[] = [];
      args.forEach((_a, i) => out.push(...values(arg(i)).map(str)));
      return out.length === 0 ? null : out.length === 1 ? out[0] : { mv: out };
    }
    case 'mvjoin': {
      const v = arg(0);
      const sep = arg(1);
      if (v === null) return null;
      return values(v)
        .map(str)
        .join(typeof sep === 'string' ? sep : '');
    }
    case 'split': {
      const v = arg(0);
      const sep = arg(1);
      if (v === null || typeof v === 'object' || typeof sep !== 'string') return null;
      const parts = str(v).split(sep);
      return parts.length === 1 ? parts[0] : { mv: parts };
    }
    case 'match': {
      const v = arg(0);
      const p = arg(1);
      if (typeof p !== 'string') return null;
      const re = regex(env, p);
      return anyOf(v, (x) => re.test(str(x))) ?? false;
    }
    case 'like': {
      const v = arg(0);
      const p = arg(1);
      if (typeof p !== 'string') return null;
      return anyOf(v, (x) => likeRegex(env, p).test(str(x))) ?? false;
    }
    case 'cidrmatch': {
      const net = arg(0);
      const v = arg(1);
      if (typeof net !== 'string') return null;
      const c = parseCidr(net);
      if (!c) throw new SplRuntimeError(`cidrmatch(): '${net}' is not a CIDR network`);
      return (
        anyOf(v, (x) => {
          const ip = parseIp(str(x));
          return ip !== undefined && inCidr(ip, c);
        }) ?? false
      );
    }
    case 'searchmatch': {
      const s = arg(0);
      if (typeof s !== 'string') return null;
      const key = 'sm\u0000' + s;
      let expr = env.cache.get(key);
      if (!expr) {
        const parsed = parseSpl(s);
        const cmd = parsed.pipeline.commands[0];
        if (
          parsed.diagnostics.some((d) => d.severity === 'error') ||
          cmd?.kind !== 'search' ||
          !cmd.expr
        ) {
          throw new SplRuntimeError(`searchmatch(): cannot parse ${JSON.stringify(s)}`);
        }
        expr = cmd.expr;
        env.cache.set(key, expr);
      }
      return evalSearch(expr as SearchExpr, ev, env);
    }
    case 'tonumber': {
      const v = arg(0);
      if (v === null || typeof v === 'object') return null;
      if (args.length === 2) {
        const base = Number(arg(1));
        const n = parseInt(str(v), base);
        return Number.isNaN(n) ? null : n;
      }
      return isNumLike(v) ? Number(v) : null;
    }
    case 'tostring': {
      const v = arg(0);
      return v === null ? null : typeof v === 'object' ? { mv: v.mv } : str(v);
    }
    case 'lower':
    case 'upper': {
      const v = arg(0);
      if (v === null) return null;
      const f = (x: string | number | boolean) =>
        name === 'lower' ? str(x).toLowerCase() : str(x).toUpperCase();
      return typeof v === 'object' ? { mv: v.mv.map(f) } : f(v);
    }
    case 'len': {
      const v = arg(0);
      return v === null || typeof v === 'object' ? null : [...str(v)].length;
    }
    case 'in': {
      const v = arg(0);
      if (v === null) return null;
      const opts = args.slice(1).map((_a, i) => arg(i + 1));
      return values(v).some((x) =>
        opts.some((o) => o !== null && typeof o !== 'object' && cmp(x, o) === 0),
      );
    }
    case 'coalesce':
      for (let i = 0; i < args.length; i++) {
        const v = arg(i);
        if (v !== null) return v;
      }
      return null;
    case 'if':
      return truth(arg(0)) ? arg(1) : arg(2);
    case 'case':
      for (let i = 0; i + 1 < args.length; i += 2) if (truth(arg(i))) return arg(i + 1);
      return null;
    case 'abs': {
      const v = arg(0);
      return v === null || typeof v === 'object' || !isNumLike(v) ? null : Math.abs(Number(v));
    }
    case 'round': {
      const v = arg(0);
      if (v === null || typeof v === 'object' || !isNumLike(v)) return null;
      const d = args.length > 1 ? Number(arg(1)) : 0;
      return Math.round(Number(v) * 10 ** d) / 10 ** d;
    }
    case 'substr': {
      const v = arg(0);
      if (v === null || typeof v === 'object') return null;
      const s = [...str(v)];
      const start = Number(arg(1));
      const from = start > 0 ? start - 1 : s.length + start;
      const len = args.length > 2 ? Number(arg(2)) : s.length;
      return s.slice(Math.max(0, from), Math.max(0, from) + len).join('');
    }
    case 'replace': {
      const v = arg(0);
      const p = arg(1);
      const r = arg(2);
      if (v === null || typeof v === 'object' || typeof p !== 'string' || typeof r !== 'string')
        return null;
      const re = regex(env, p);
      return str(v).replace(new RegExp(re.source, re.flags + 'g'), r.replace(/\\(\d)/g, '$$$1'));
    }
    case 'trim': {
      const v = arg(0);
      return v === null || typeof v === 'object' ? null : str(v).trim();
    }
    default:
      throw new SplRuntimeError(`the SPL interpreter does not implement ${name}()`);
  }
}
