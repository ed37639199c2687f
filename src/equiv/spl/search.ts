/**
 * Evaluation of `search` expressions against one event, with Splunk's search semantics:
 *
 * - `field=value`: any value of the (multivalue) field matches, case-insensitively; `*` is a
 *   wildcard (always; it cannot be escaped); a CIDR value (`10.0.0.0/8`) matches addresses in it;
 *   `field=*` means the field has a value.
 * - `field!=value`: the field exists and no value matches (events without it never match).
 * - `NOT x` is plain negation (so `NOT field=v` keeps events without the field).
 * - `<`, `<=`, `>`, `>=`: numeric when both sides are numbers, else string order.
 * - a bare term: a case-insensitive match against `_raw` on token boundaries (wildcards allowed).
 * - time modifiers filter on `_time` (`earliest` inclusive, `latest` exclusive) and `_indextime`.
 */
import { inCidr, parseCidr, parseIp } from '../../eval/ip.js';
import type { SearchExpr } from '../../../targets/spl/check/ast.js';
import type { SplEvent } from './event.js';
import { resolveRelativeTime } from './time.js';

export interface SearchEnv {
  nowMs: number;
  /** Time modifiers always hold (query logic only). */
  ignoreTime?: boolean;
}

const reCache = new Map<string, RegExp>();

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Case-insensitive whole-value wildcard matcher. */
function valueRegex(pattern: string): RegExp {
  const key = 'v\u0000' + pattern;
  let re = reCache.get(key);
  if (!re) {
    re = new RegExp('^' + pattern.split('*').map(escapeRe).join('[\\s\\S]*') + '$', 'iu');
    reCache.set(key, re);
  }
  return re;
}

function termRegex(pattern: string): RegExp {
  const key = 't\u0000' + pattern;
  let re = reCache.get(key);
  if (!re) {
    const body = pattern.split('*').map(escapeRe).join('[\\s\\S]*');
    re = new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, 'iu');
    reCache.set(key, re);
  }
  return re;
}

function isNum(s: string): boolean {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s.trim());
}

const fieldPatterns = new Map<string, RegExp>();

/**
 * Values of a field; a name with `*` (a wildcard field name, e.g. `process.*`) gathers the values
 * of every field it matches (field names are case-sensitive).
 */
function fieldVals(ev: SplEvent, name: string): string[] {
  if (!name.includes('*')) return ev[name] ?? [];
  let re = fieldPatterns.get(name);
  if (!re) {
    re = new RegExp('^' + name.split('*').map(escapeRe).join('[\\s\\S]*') + '$');
    fieldPatterns.set(name, re);
  }
  const out: string[] = [];
  for (const k of Object.keys(ev)) if (re.test(k)) out.push(...ev[k]);
  return out;
}

/** Does one field value match a search value? */
export function searchValueMatches(value: string, pattern: string): boolean {
  if (pattern.includes('/')) {
    const net = parseCidr(pattern);
    if (net) {
      const ip = parseIp(value);
      if (ip) return inCidr(ip, net);
    }
  }
  return valueRegex(pattern).test(value);
}

function compare(a: string, b: string): number {
  if (isNum(a) && isNum(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function evalSearch(e: SearchExpr, ev: SplEvent, env: SearchEnv): boolean {
  switch (e.kind) {
    case 'and':
      return e.children.every((c) => evalSearch(c, ev, env));
    case 'or':
      return e.children.some((c) => evalSearch(c, ev, env));
    case 'not':
      return !evalSearch(e.child, ev, env);
    case 'term': {
      const raw = ev._raw?.[0] ?? '';
      return termRegex(e.value.text).test(raw);
    }
    case 'in': {
      const vals = fieldVals(ev, e.field);
      return vals.some((v) => e.values.some((p) => searchValueMatches(v, p.text)));
    }
    case 'time': {
      if (env.ignoreTime) return true;
      const bound = resolveRelativeTime(e.value, env.nowMs) / 1000;
      const field = e.name.startsWith('_index') ? '_indextime' : '_time';
      const t = Number(ev[field]?.[0]);
      if (!Number.isFinite(t)) return false;
      return e.name.endsWith('earliest') ? t >= bound : t < bound;
    }
    case 'cmp': {
      const vals = fieldVals(ev, e.field);
      const p = e.value.text;
      switch (e.op) {
        case '=':
          if (p === '*') return vals.length > 0;
          return vals.some((v) => searchValueMatches(v, p));
        case '!=':
          if (vals.length === 0) return false;
          if (p === '*') return false;
          return !vals.some((v) => searchValueMatches(v, p));
        default: {
          const op = e.op;
          return vals.some((v) => {
            const c = compare(v, p);
            return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
          });
        }
      }
    }
  }
}
