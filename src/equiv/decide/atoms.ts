/**
 * Atoms of the decision procedure. Every leaf of a KQL AST (`is`, `range`, `exists`, anything
 * outside the exact fragment) becomes a boolean variable; equal leaves (same field, same meaning)
 * share one variable. A value atom carries its meaning on ONE value of the field (a regular
 * language for keyword fields, an interval for ordered types); under Elasticsearch's any-element
 * semantics the atom is true on a document when some element of the field's value set is in it.
 */
import type { Node, Value, RangeOp } from '../../kql/ast.js';
import { fieldName, literalText } from '../../kql/ast.js';
import type { StringPred } from './strings.js';
import {
  type Domain,
  type Interval,
  booleanDomain,
  dateDomain,
  ipDomain,
  numericDomain,
} from './ordered.js';
import { parseIp, parseIpOrCidr } from './ip.js';
import { queryDateMs } from '../../eval/date.js';

/** What one value of a field must be for a value atom to hold. */
export type ValueTheory =
  /** `maxLen`: keyword values longer than `ignore_above` are not indexed (never match). */
  | { kind: 'string'; pred: StringPred; maxLen?: number }
  | { kind: 'ordered'; domain: Domain<unknown>; iv: Interval<unknown> };

export interface Atom {
  /** Variable number (BDD order = first occurrence). */
  id: number;
  /** Identity: two leaves with the same key are the same variable. */
  key: string;
  kind: 'value' | 'exists' | 'opaque';
  /** Field of value and exists atoms. */
  field?: string;
  /** Field type used (schema type, `keyword` when unknown). */
  type?: string;
  theory?: ValueTheory;
  /** Readable KQL for reports. */
  text: string;
  /** Why an opaque atom is outside the exact fragment. */
  reason?: string;
  /** The leaf of an opaque atom (for generating events that exercise it). */
  node?: Node;
}

/** What the decision procedure needs to know about a field (a subset of the schema's `ResolvedField`). */
export interface FieldInfo {
  type: string;
  ignoreAbove?: number;
  normalizer?: string;
  /** Document path of the values, when it differs from the name (multi-fields). */
  valuePath?: string;
  /** Set when the field is inside (or is) a `nested` mapping. */
  nestedPath?: string;
}

/** Field lookup; undefined = unknown field (`keyword`, as the evaluator treats it). */
export type FieldTypeLookup = (field: string) => FieldInfo | undefined;

const KEYWORD_TYPES = new Set(['keyword', 'constant_keyword', 'wildcard', 'flattened']);
const TEXT_TYPES = new Set(['text', 'match_only_text', 'search_as_you_type']);

/** Quote a value for readable output (KQL quoted-string escapes). */
function quote(s: string): string {
  return (
    '"' +
    s
      .replace(/\\/g, '\\\\')
      .replace(/"/g, '\\"')
      .replace(/\n/g, '\\n')
      .replace(/\t/g, '\\t')
      .replace(/\r/g, '\\r') +
    '"'
  );
}

function valueText(v: Value): string {
  if (v.kind === 'wildcard')
    return v.chunks.map((c) => c.replace(/([\\():<>"*{}])/g, '\\$1')).join('*');
  if (typeof v.value === 'string') return quote(v.value);
  return String(v.value);
}

const OP_TEXT: Record<RangeOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Canonical text of a leaf without spans (identity of opaque atoms). */
function structuralKey(n: Node): string {
  return JSON.stringify(n, (k, v: unknown) => (k === 'span' || k === 'list' ? undefined : v));
}

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
function rangeInterval(op: RangeOp, v: unknown): Interval<unknown> {
  switch (op) {
    case 'gt':
      return { lo: { v, incl: false } };
    case 'gte':
      return { lo: { v, incl: true } };
    case 'lt':
      return { hi: { v, incl: false } };
    case 'lte':
      return { hi: { v, incl: true } };
  }
}

/** Integer domains: turn real bounds into integer bounds as Elasticsearch does. */
function integerRange(op: RangeOp, x: number): Interval<unknown> {
  switch (op) {
    case 'gt':
      return { lo: { v: Math.floor(x) + 1, incl: true } };
    case 'gte':
      return { lo: { v: Math.ceil(x), incl: true } };
    case 'lt':
      return { hi: { v: Math.ceil(x) - 1, incl: true } };
    case 'lte':
      return { hi: { v: Math.floor(x), incl: true } };
  }
}

const EMPTY: Interval<unknown> = { lo: { v: 1, incl: false }, hi: { v: 0, incl: false } };

type Classified = { theory: ValueTheory } | { reason: string };

function classifyValue(
  info: FieldInfo,
  node: Node & { kind: 'is' | 'range' },
  now: Date,
): Classified {
  const type = info.type;
  const v = node.value;
  const op = node.kind === 'range' ? node.op : null;
  if (KEYWORD_TYPES.has(type)) {
    const maxLen = info.ignoreAbove;
    if (v.kind === 'wildcard') {
      if (op) return { reason: 'range with a wildcard value' };
      return { theory: { kind: 'string', pred: { kind: 'wildcard', chunks: v.chunks }, maxLen } };
    }
    const text = literalText(v);
    if (op) return { theory: { kind: 'string', pred: { kind: 'range', op, bound: text }, maxLen } };
    return { theory: { kind: 'string', pred: { kind: 'eq', value: text }, maxLen } };
  }
  if (TEXT_TYPES.has(type)) return { reason: `analyzed ${type} field` };
  if (v.kind === 'wildcard') return { reason: `wildcard value on a ${type} field` };
  if (typeof v.value !== 'string' && type !== 'boolean')
    return { reason: `typed ${String(v.value)} literal on a ${type} field` };
  const text = literalText(v);
  const num = numericDomain(type);
  if (num) {
    if (!NUMBER_RE.test(text.trim()))
      return { reason: `"${text}" is not a number (${type} field)` };
    const x = Number(text);
    const d = num as Domain<unknown>;
    if (num.discrete) {
      if (op) return { theory: { kind: 'ordered', domain: d, iv: integerRange(op, x) } };
      // A term with a decimal part on an integer field matches nothing in Elasticsearch.
      if (!Number.isInteger(x)) return { theory: { kind: 'ordered', domain: d, iv: EMPTY } };
      return {
        theory: {
          kind: 'ordered',
          domain: d,
          iv: { lo: { v: x, incl: true }, hi: { v: x, incl: true } },
        },
      };
    }
    if (op) return { theory: { kind: 'ordered', domain: d, iv: rangeInterval(op, x) } };
    return {
      theory: {
        kind: 'ordered',
        domain: d,
        iv: { lo: { v: x, incl: true }, hi: { v: x, incl: true } },
      },
    };
  }
  const dom = (d: Domain<never>) => d as unknown as Domain<unknown>;
  switch (type) {
    case 'date': {
      // Elasticsearch's rounding: a term covers the precision written (`2024-06-01` is the whole
      // day); `gt` and `lte` bounds round up, `gte` and `lt` down. Date math uses the pinned now.
      const lo = queryDateMs(text, now, false);
      const hi = queryDateMs(text, now, true);
      if (lo === undefined || hi === undefined) return { reason: `"${text}" is not a date` };
      const d = dom(dateDomain as Domain<never>);
      if (!op)
        return {
          theory: {
            kind: 'ordered',
            domain: d,
            iv: { lo: { v: lo, incl: true }, hi: { v: hi, incl: true } },
          },
        };
      const ms = op === 'gt' || op === 'lte' ? hi : lo;
      return { theory: { kind: 'ordered', domain: d, iv: rangeInterval(op, ms) } };
    }
    case 'ip': {
      if (op) {
        const ip = parseIp(text);
        if (ip === null) return { reason: `"${text}" is not an IP address` };
        return {
          theory: {
            kind: 'ordered',
            domain: dom(ipDomain as Domain<never>),
            iv: rangeInterval(op, ip),
          },
        };
      }
      const r = parseIpOrCidr(text);
      if (r === null) return { reason: `"${text}" is not an IP address or CIDR block` };
      return {
        theory: {
          kind: 'ordered',
          domain: dom(ipDomain as Domain<never>),
          iv: { lo: { v: r.lo, incl: true }, hi: { v: r.hi, incl: true } },
        },
      };
    }
    case 'boolean': {
      if (op) return { reason: 'range on a boolean field' };
      const b =
        v.value === true || v.value === 'true'
          ? 1
          : v.value === false || v.value === 'false'
            ? 0
            : null;
      if (b === null) return { reason: `"${text}" is not a boolean` };
      return {
        theory: {
          kind: 'ordered',
          domain: dom(booleanDomain as Domain<never>),
          iv: { lo: { v: b, incl: true }, hi: { v: b, incl: true } },
        },
      };
    }
    default:
      return { reason: `field type ${type} is outside the exact fragment` };
  }
}

/** Interns atoms across the two queries being compared. */
export class AtomTable {
  readonly atoms: Atom[] = [];
  private readonly byKey = new Map<string, Atom>();
  /** Fields whose atoms must stay opaque (object/leaf conflicts), decided before interning. */
  private readonly conflicted: Set<string>;

  constructor(
    private readonly typeOf: FieldTypeLookup,
    queries: readonly Node[],
    private readonly now: Date = new Date(),
  ) {
    this.conflicted = conflictingFields(queries);
  }

  private intern(key: string, make: (id: number) => Atom): Atom {
    const found = this.byKey.get(key);
    if (found) return found;
    const atom = make(this.atoms.length);
    this.atoms.push(atom);
    this.byKey.set(key, atom);
    return atom;
  }

  /** The exists atom of a field (created on demand: every value atom implies it). */
  existsAtom(field: string): Atom {
    return this.intern(`exists|${field}`, (id) => ({
      id,
      key: `exists|${field}`,
      kind: 'exists',
      field,
      type: this.type(field),
      text: `${field}:*`,
    }));
  }

  type(field: string): string {
    return this.info(field).type;
  }

  info(field: string): FieldInfo {
    return this.typeOf(field) ?? { type: 'keyword' };
  }

  /** Why a field's atoms cannot be decided exactly, if they cannot. */
  private fieldReason(f: string): string | undefined {
    const info = this.info(f);
    if (this.conflicted.has(f)) return 'field is both an object and a value';
    if (info.nestedPath !== undefined) return `field inside nested mapping ${info.nestedPath}`;
    if (info.normalizer !== undefined)
      return `keyword field with the ${info.normalizer} normalizer`;
    if (info.valuePath !== undefined && info.valuePath !== f)
      return `multi-field of ${info.valuePath}`;
    return undefined;
  }

  private opaque(n: Node, text: string, reason: string): Atom {
    const key = `opaque|${structuralKey(n)}`;
    return this.intern(key, (id) => ({ id, key, kind: 'opaque', text, reason, node: n }));
  }

  /** The atom of a leaf node. */
  leaf(n: Node): Atom {
    switch (n.kind) {
      case 'exists': {
        if (n.field.wildcard)
          return this.opaque(n, `${fieldName(n.field)}:*`, 'wildcard field name');
        const f = fieldName(n.field);
        const why = this.fieldReason(f);
        if (why) return this.opaque(n, `${f}:*`, why);
        if (
          TEXT_TYPES.has(this.type(f)) ||
          this.type(f) === 'nested' ||
          this.type(f) === 'object'
        ) {
          return this.opaque(n, `${f}:*`, `exists on a ${this.type(f)} field`);
        }
        return this.existsAtom(f);
      }
      case 'is':
      case 'range': {
        const vt =
          n.kind === 'is' ? `:${valueText(n.value)}` : ` ${OP_TEXT[n.op]} ${valueText(n.value)}`;
        if (n.field === null)
          return this.opaque(n, valueText(n.value), 'free text over all fields');
        const f = fieldName(n.field);
        const text = f + vt;
        if (n.field.wildcard) return this.opaque(n, text, 'wildcard field name');
        const why = this.fieldReason(f);
        if (why) return this.opaque(n, text, why);
        const info = this.info(f);
        const type = info.type;
        const c = classifyValue(info, n, this.now);
        if ('reason' in c) return this.opaque(n, text, c.reason);
        const key = `value|${f}|${type}|${theoryKey(c.theory)}`;
        const atom = this.intern(key, (id) => ({
          id,
          key,
          kind: 'value',
          field: f,
          type,
          theory: c.theory,
          text,
        }));
        this.existsAtom(f);
        return atom;
      }
      case 'nested':
        return this.opaque(n, `${fieldName(n.path)}:{...}`, 'nested query');
      default:
        throw new Error(`not a leaf: ${n.kind}`);
    }
  }
}

function theoryKey(t: ValueTheory): string {
  if (t.kind === 'string') {
    const p = t.pred;
    if (p.kind === 'wildcard') {
      // `a**b` and `a*b` are the same language.
      const chunks = p.chunks.filter((c, i) => i === 0 || i === p.chunks.length - 1 || c !== '');
      return `wc|${JSON.stringify(chunks)}`;
    }
    return JSON.stringify(p);
  }
  const b = (x: { v: unknown; incl: boolean } | undefined) =>
    x ? `${x.incl ? '[' : '('}${String(x.v)}` : '*';
  return `${t.domain.name}|${b(t.iv.lo)}|${b(t.iv.hi)}`;
}

/** Fields used both as a leaf and as the parent of another field (`a` and `a.b`). */
function conflictingFields(queries: readonly Node[]): Set<string> {
  const fields = new Set<string>();
  const walk = (n: Node): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        n.children.forEach(walk);
        return;
      case 'not':
        walk(n.child);
        return;
      case 'is':
      case 'range':
        if (n.field && !n.field.wildcard) fields.add(fieldName(n.field));
        return;
      case 'exists':
        if (!n.field.wildcard) fields.add(fieldName(n.field));
        return;
      default:
        return;
    }
  };
  queries.forEach(walk);
  const out = new Set<string>();
  for (const f of fields) {
    for (const g of fields) {
      if (g.startsWith(f + '.')) {
        out.add(f);
        out.add(g);
      }
    }
  }
  return out;
}
