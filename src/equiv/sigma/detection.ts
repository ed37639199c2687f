/**
 * Compile a Sigma `detection` section into a predicate over JSON events.
 *
 * Semantics (Sigma specification v2):
 * - a map ANDs its keys; a list of values ORs them (ANDs them under `|all`); a list of maps ORs
 *   the maps; a list of plain strings is a keyword search over every value of the event;
 * - values are case-insensitive unless `|cased`; strings carry `*`/`?` wildcards with `\`
 *   escapes; `null` matches a field that has no value; `''` matches an empty value;
 * - modifiers: contains, startswith, endswith, all, cased, re (+ i, m, s), cidr, exists,
 *   gt, gte, lt, lte. Other modifiers (base64, windash, expand, fieldref, ...) are rejected
 *   with a clear error rather than guessed.
 * - a field with several values (array) matches when any value matches.
 * - `re` searches the value (unanchored), as Splunk `regex` and most backends do; siemc's
 *   emitter anchors its regexes so both readings agree.
 */
import {
  parseCondition,
  expandPattern,
  type ConditionNode,
} from '../../../targets/sigma/condition.js';
import { allValues, fieldValues, scalarText, type Scalar } from './fields.js';
import { compilePieces, decodeSigmaString, type SigmaPiece } from './strings.js';
import { cidrMatcher } from './cidr.js';

export type EventPredicate = (event: unknown) => boolean;

export class SigmaEvalError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'SigmaEvalError';
  }
}

const KNOWN = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  'cased',
  're',
  'i',
  'm',
  's',
  'cidr',
  'exists',
  'gt',
  'gte',
  'lt',
  'lte',
]);
const NOT_SUPPORTED = new Set([
  'windash',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'wide',
  'utf16',
  'expand',
  'fieldref',
]);

interface Modifiers {
  contains: boolean;
  startswith: boolean;
  endswith: boolean;
  all: boolean;
  cased: boolean;
  re: boolean;
  reFlags: string;
  cidr: boolean;
  exists: boolean;
  compare?: 'gt' | 'gte' | 'lt' | 'lte';
}

function parseModifiers(mods: string[], path: string): Modifiers {
  const m: Modifiers = {
    contains: false,
    startswith: false,
    endswith: false,
    all: false,
    cased: false,
    re: false,
    reFlags: '',
    cidr: false,
    exists: false,
  };
  for (const mod of mods) {
    if (NOT_SUPPORTED.has(mod))
      throw new SigmaEvalError(
        `modifier '${mod}' is not supported by siemc's Sigma evaluator`,
        path,
      );
    if (!KNOWN.has(mod)) throw new SigmaEvalError(`unknown modifier '${mod}'`, path);
    switch (mod) {
      case 'i':
      case 'm':
      case 's':
        if (!m.re) throw new SigmaEvalError(`modifier '${mod}' is only valid after 're'`, path);
        m.reFlags += mod;
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        m.compare = mod;
        break;
      default:
        m[
          mod as 'contains' | 'startswith' | 'endswith' | 'all' | 'cased' | 're' | 'cidr' | 'exists'
        ] = true;
    }
  }
  const kinds = [
    m.contains,
    m.startswith,
    m.endswith,
    m.re,
    m.cidr,
    m.exists,
    m.compare !== undefined,
  ].filter(Boolean).length;
  if (kinds > 1) throw new SigmaEvalError(`conflicting modifiers '${mods.join('|')}'`, path);
  return m;
}

type ValueTest = (values: readonly Scalar[], exists: boolean) => boolean;

function toNumber(v: Scalar): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(v))
    return Number(v);
  return undefined;
}

/** One value of a selection under the key's modifiers. */
function compileValue(raw: unknown, m: Modifiers, path: string): ValueTest {
  if (m.exists) {
    if (typeof raw !== 'boolean')
      throw new SigmaEvalError(`'exists' needs true or false, got ${JSON.stringify(raw)}`, path);
    return (_values, exists) => exists === raw;
  }
  if (raw === null) {
    if (m.contains || m.startswith || m.endswith || m.re || m.cidr || m.compare) {
      throw new SigmaEvalError('null cannot be combined with a value modifier', path);
    }
    // no value at all, as backends write it (`NOT _exists_:f`, `NOT f=*`)
    return (_values, exists) => !exists;
  }
  if (m.compare) {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? toNumber(raw) : undefined;
    if (n === undefined)
      throw new SigmaEvalError(`'${m.compare}' needs a number, got ${JSON.stringify(raw)}`, path);
    const op = m.compare;
    const cmp = (x: number): boolean =>
      op === 'gt' ? x > n : op === 'gte' ? x >= n : op === 'lt' ? x < n : x <= n;
    return (values) =>
      values.some((v) => {
        const x = toNumber(v);
        return x !== undefined && cmp(x);
      });
  }
  if (m.cidr) {
    if (typeof raw !== 'string')
      throw new SigmaEvalError(
        `'cidr' needs a network in CIDR notation, got ${JSON.stringify(raw)}`,
        path,
      );
    const inNet = cidrMatcher(raw);
    if (!inNet) throw new SigmaEvalError(`'${raw}' is not a valid CIDR network`, path);
    return (values) => values.some((v) => typeof v === 'string' && inNet(v));
  }
  if (m.re) {
    if (typeof raw !== 'string')
      throw new SigmaEvalError(`'re' needs a string, got ${JSON.stringify(raw)}`, path);
    let re: RegExp;
    try {
      re = new RegExp(raw, m.reFlags);
    } catch (e) {
      throw new SigmaEvalError(
        `invalid regular expression ${JSON.stringify(raw)}: ${(e as Error).message}`,
        path,
      );
    }
    return (values) => values.some((v) => re.test(scalarText(v)));
  }
  if (typeof raw === 'boolean') {
    // As a boolean field stores them: true/false, the strings "true"/"false", and "" as false.
    const text = String(raw);
    return (values) => values.some((v) => v === raw || v === text || (raw === false && v === ''));
  }
  if (typeof raw === 'number') {
    if (m.contains || m.startswith || m.endswith) raw = String(raw);
    else {
      // A number compares by value: numeric-looking strings are coerced as a numeric field's
      // indexer does (`" 403"` and `"403.0"` are 403); other strings never equal a number.
      const n = raw;
      return (values) => values.some((v) => toNumber(v) === n);
    }
  }
  if (typeof raw !== 'string')
    throw new SigmaEvalError(`unsupported value ${JSON.stringify(raw)}`, path);
  const pieces: SigmaPiece[] = decodeSigmaString(raw);
  if (m.contains || m.endswith) pieces.unshift({ any: true });
  if (m.contains || m.startswith) pieces.push({ any: true });
  const matcher = compilePieces(pieces, m.cased);
  return (values) => values.some((v) => matcher.test(scalarText(v)));
}

function splitKey(key: string): { field: string; mods: string[] } {
  const parts = key.split('|');
  return { field: parts[0], mods: parts.slice(1) };
}

function compileMapEntry(key: string, raw: unknown, path: string): EventPredicate {
  const { field, mods } = splitKey(key);
  const m = parseModifiers(mods, path);
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new SigmaEvalError('empty value list', path);
  if (m.all && list.length < 2)
    throw new SigmaEvalError("'all' needs a list of two or more values", path);
  const tests = list.map((v, i) => compileValue(v, m, `${path}[${i}]`));
  const get =
    field === ''
      ? (e: unknown) => ({ values: allValues(e), exists: true })
      : (e: unknown) => fieldValues(e, field);
  return (event) => {
    const { values, exists } = get(event);
    return m.all ? tests.every((t) => t(values, exists)) : tests.some((t) => t(values, exists));
  };
}

function compileMap(map: Record<string, unknown>, path: string): EventPredicate {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new SigmaEvalError('empty map', path);
  const preds = entries.map(([k, v]) => compileMapEntry(k, v, `${path}.${k}`));
  return (e) => preds.every((p) => p(e));
}

function compileSearchIdentifier(def: unknown, path: string): EventPredicate {
  if (Array.isArray(def)) {
    if (def.length === 0) throw new SigmaEvalError('empty list', path);
    const preds = def.map((item, i): EventPredicate => {
      const p = `${path}[${i}]`;
      if (item !== null && typeof item === 'object' && !Array.isArray(item))
        return compileMap(item as Record<string, unknown>, p);
      if (typeof item === 'string' || typeof item === 'number') {
        // keyword: any value of the event
        const test = compileValue(item, parseModifiers([], p), p);
        return (e) => test(allValues(e), true);
      }
      throw new SigmaEvalError(`unsupported list item ${JSON.stringify(item)}`, p);
    });
    return (e) => preds.some((pr) => pr(e));
  }
  if (def !== null && typeof def === 'object')
    return compileMap(def as Record<string, unknown>, path);
  throw new SigmaEvalError(
    `a search identifier must be a map or a list, got ${JSON.stringify(def)}`,
    path,
  );
}

function compileCondition(
  node: ConditionNode,
  sel: Map<string, EventPredicate>,
  path: string,
): EventPredicate {
  switch (node.kind) {
    case 'ref': {
      const p = sel.get(node.name);
      if (!p)
        throw new SigmaEvalError(
          `condition names '${node.name}', which is not a search identifier`,
          path,
        );
      return p;
    }
    case 'not': {
      const c = compileCondition(node.child, sel, path);
      return (e) => !c(e);
    }
    case 'and': {
      const cs = node.children.map((c) => compileCondition(c, sel, path));
      return (e) => cs.every((c) => c(e));
    }
    case 'or': {
      const cs = node.children.map((c) => compileCondition(c, sel, path));
      return (e) => cs.some((c) => c(e));
    }
    case 'of': {
      const names = expandPattern(node.pattern, [...sel.keys()]);
      if (names.length === 0)
        throw new SigmaEvalError(`'${node.pattern}' matches no search identifier`, path);
      const cs = names.map((n) => sel.get(n) as EventPredicate);
      return node.quantifier === 'all' ? (e) => cs.every((c) => c(e)) : (e) => cs.some((c) => c(e));
    }
  }
}

/** Compile a `detection` section. */
export function compileDetection(detection: unknown, path = 'detection'): EventPredicate {
  if (detection === null || typeof detection !== 'object' || Array.isArray(detection)) {
    throw new SigmaEvalError('detection must be a map', path);
  }
  const sel = new Map<string, EventPredicate>();
  let condition: unknown;
  for (const [name, def] of Object.entries(detection as Record<string, unknown>)) {
    if (name === 'condition') condition = def;
    else if (name !== 'timeframe') sel.set(name, compileSearchIdentifier(def, `${path}.${name}`));
  }
  const conds = Array.isArray(condition) ? condition : [condition];
  if (conds.length === 0 || conds.some((c) => typeof c !== 'string')) {
    throw new SigmaEvalError(
      'condition must be a string or a list of strings',
      `${path}.condition`,
    );
  }
  const preds = (conds as string[]).map((c) => {
    let ast: ConditionNode;
    try {
      ast = parseCondition(c);
    } catch (e) {
      throw new SigmaEvalError(
        `${(e as Error).message} in ${JSON.stringify(c)}`,
        `${path}.condition`,
      );
    }
    return compileCondition(ast, sel, `${path}.condition`);
  });
  return (e) => preds.some((p) => p(e));
}
