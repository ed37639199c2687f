/**
 * Kusto emitter: the lowered rule tree (targets/core) → a Sentinel KQL predicate, with every
 * per-field decision made from the table schema (typed columns, or JSON in dynamic columns) and the
 * field's ECS type; arrays get any-element semantics through `mv-apply` flags.
 */
import { defaultSchema } from '../../src/schema/schema.js';
import type { DiagnosticsCollector } from '../core/diagnostics.js';
import type { EqPattern, LField, LNode, Pattern } from '../core/ir.js';
import { isNumeric } from '../core/lower/classify.js';
import type { TableSchema } from './schema.js';
import { kident, kmember, knumber, kregex, kstr, wildcardRegex } from './text.js';
import { dateMathToKusto } from './time.js';

type TypeCat = 'keyword' | 'text' | 'number' | 'ip' | 'boolean' | 'date' | 'object';

/** How a field is read in Kusto. */
interface Access {
  /** Expression yielding the value (a column, a dynamic path, or a mapping expression). */
  expr: string;
  /** Kusto type of `expr`: a typed column's type, or `dynamic`. */
  ktype: string;
  cat: TypeCat;
  /** Any-element semantics: `base` is the array expression, `rest` the path inside each element. */
  array?: { base: string; rest: string[] };
}

export interface EmitContext {
  table: TableSchema;
  diags: DiagnosticsCollector;
  /** `mv-apply` steps computing the flags the predicate uses, in order. */
  applies: string[];
  /** Flag columns to drop after the filter. */
  flags: string[];
  /** Counter for fresh names. */
  seq: { n: number };
  /** Fields resolved relative to an element variable (inside `nested`). */
  base?: { prefix: string; variable: string };
}

const ecsTypes = defaultSchema();

function catOfEcs(name: string): TypeCat {
  const t = ecsTypes.resolve(name).type;
  switch (t) {
    case 'text':
    case 'match_only_text':
      return 'text';
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
    case 'unsigned_long':
    case 'double':
    case 'float':
    case 'half_float':
    case 'scaled_float':
      return 'number';
    case 'ip':
      return 'ip';
    case 'boolean':
      return 'boolean';
    case 'date':
    case 'date_nanos':
      return 'date';
    case 'nested':
    case 'object':
      return 'object';
    default:
      return 'keyword';
  }
}

function path(base: string, segs: string[]): string {
  return segs.reduce((acc, s) => kmember(acc, s), base);
}

/** Resolve a lowered field against the table. */
export function resolveAccess(f: LField, ctx: EmitContext): Access | undefined {
  const cat: TypeCat = f.type ?? catOfEcs(f.source);
  const expression = f.item?.expression;
  if (expression) return { expr: expression, ktype: 'string', cat: f.type ?? 'keyword' };
  if (ctx.base && f.name.startsWith(ctx.base.prefix)) {
    const rest = f.name.slice(ctx.base.prefix.length).split('.');
    return { expr: path(ctx.base.variable, rest), ktype: 'dynamic', cat };
  }
  const cols = ctx.table.columns;
  if (f.name in cols) {
    const ktype = cols[f.name];
    return {
      expr: kident(f.name),
      ktype,
      cat,
      array: f.multivalue && ktype === 'dynamic' ? { base: kident(f.name), rest: [] } : undefined,
    };
  }
  const segs = f.name.split('.');
  const top = segs[0];
  let baseExpr: string;
  if (cols[top] === 'dynamic') baseExpr = kident(top);
  else if (Object.keys(ctx.table.fields).length > 0 && !(top in cols)) {
    baseExpr = `column_ifexists(${kstr(top)}, dynamic(null))`;
    ctx.diags.info(
      'KUSTO-COLUMN-IFEXISTS',
      `table ${ctx.table.table} declares no column '${top}': ${f.name} is read with column_ifexists() and is missing when the column does not exist`,
    );
  } else return undefined;
  // any-element semantics: the field itself or an ancestor is an array (schema or profile hint)
  let array: Access['array'];
  for (let i = 1; i <= segs.length; i++) {
    const shape = ctx.table.fields[segs.slice(0, i).join('.')];
    if (shape?.array || (i === segs.length && f.multivalue)) {
      array = { base: path(baseExpr, segs.slice(1, i)), rest: segs.slice(i) };
      break;
    }
  }
  return { expr: path(baseExpr, segs.slice(1)), ktype: 'dynamic', cat, array };
}

const str = (a: Access) => (a.ktype === 'string' ? a.expr : `tostring(${a.expr})`);
const isV6 = (t: string) => t.includes(':');

/** A test of one value (eq) for an access. */
function eqTest(a: Access, p: EqPattern, ctx: EmitContext): string {
  const text = p.text;
  switch (a.cat) {
    case 'number': {
      if (!isNumeric(text)) {
        ctx.diags.unsupported(
          undefined,
          'KUSTO-NUMBER-VALUE',
          `'${text}' is not a number, which a numeric field rejects`,
        );
        return 'false';
      }
      if (a.ktype === 'string') return `${a.expr} == ${kstr(text.trim())}`;
      if (a.ktype === 'long' || a.ktype === 'int' || a.ktype === 'real')
        return `${a.expr} == ${knumber(text)}`;
      return `todouble(${a.expr}) == ${knumber(text)}`;
    }
    case 'boolean': {
      if (text !== 'true' && text !== 'false') return 'false';
      return a.ktype === 'bool' ? `${a.expr} == ${text}` : `tobool(${a.expr}) == ${text}`;
    }
    case 'ip':
      if (isV6(text)) return `ipv6_compare(${str(a)}, ${kstr(text)}) == 0`;
      return `${str(a)} == ${kstr(text)}`;
    case 'text': {
      ctx.diags.lossy(
        'wider',
        undefined,
        'KUSTO-TEXT-FIELD',
        `${a.expr} is an analyzed text field in Elastic; Kusto's has/contains approximate the analyzed match (case-insensitive)`,
      );
      return /^[\p{L}\p{N}]+$/u.test(text)
        ? `${str(a)} has ${kstr(text)}`
        : `${str(a)} contains ${kstr(text)}`;
    }
    default:
      if (text === '') {
        if (a.ktype === 'dynamic') return `(isnotnull(${a.expr}) and ${str(a)} == "")`;
        ctx.diags.lossy(
          'wider',
          undefined,
          'KUSTO-EMPTY-STRING',
          `a string column cannot tell "" from missing: ${a.expr} == "" also matches rows without a value`,
        );
        return `isempty(${a.expr})`;
      }
      return `${str(a)} == ${kstr(text)}`;
  }
}

function leafTest(a: Access, n: LNode, ctx: EmitContext): string {
  switch (n.kind) {
    case 'in': {
      if (a.cat === 'keyword' || a.cat === 'object') {
        if (n.values.some((v) => v.text === ''))
          return n.values.map((v) => eqTest(a, v, ctx)).join(' or ');
        return `${str(a)} in (${n.values.map((v) => kstr(v.text)).join(', ')})`;
      }
      return '(' + n.values.map((v) => eqTest(a, v, ctx)).join(' or ') + ')';
    }
    case 'exists':
      if (a.ktype === 'string') {
        ctx.diags.lossy(
          'narrower',
          undefined,
          'KUSTO-EXISTS-EMPTY',
          `Elastic counts "" as an existing value; isnotempty(${a.expr}) does not (a string column cannot tell "" from missing)`,
        );
        return `isnotempty(${a.expr})`;
      }
      return `isnotnull(${a.expr})`;
    case 'range': {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[n.op];
      if (a.cat === 'number') {
        if (!n.numeric) {
          ctx.diags.unsupported(
            undefined,
            'KUSTO-RANGE-VALUE',
            `range value '${n.value}' is not a number`,
          );
          return 'false';
        }
        return a.ktype === 'long' || a.ktype === 'real' || a.ktype === 'int'
          ? `${a.expr} ${op} ${knumber(n.value)}`
          : `todouble(${a.expr}) ${op} ${knumber(n.value)}`;
      }
      if (a.cat === 'date') {
        const dm = dateMathToKusto(n.value);
        const iso = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(n.value.trim());
        if (!dm && !iso) {
          ctx.diags.unsupported(
            undefined,
            'KUSTO-DATE-VALUE',
            `date value '${n.value}' is not supported (use ISO 8601 or now-<n><unit>)`,
          );
          return 'false';
        }
        const rhs = dm ? dm.expr : `datetime(${n.value.trim()})`;
        return `${a.ktype === 'datetime' ? a.expr : `todatetime(${a.expr})`} ${op} ${rhs}`;
      }
      if (a.cat === 'ip') {
        ctx.diags.unsupported(
          undefined,
          'KUSTO-IP-RANGE',
          'ranges over IP addresses are not translated',
        );
        return 'false';
      }
      return `strcmp(${str(a)}, ${kstr(n.value)}) ${op} 0`;
    }
    case 'match': {
      const p: Pattern = n.pattern;
      switch (p.kind) {
        case 'eq':
          return eqTest(a, p, ctx);
        case 'any':
          return leafTest(a, { kind: 'exists', field: n.field!, span: n.span }, ctx);
        case 'cidr': {
          const fn = isV6(p.text) ? 'ipv6_is_in_range' : 'ipv4_is_in_range';
          return `${fn}(${str(a)}, ${kstr(p.text)})`;
        }
        default: {
          if (a.cat === 'number' || a.cat === 'ip' || a.cat === 'date' || a.cat === 'boolean') {
            ctx.diags.unsupported(
              undefined,
              'KUSTO-WILDCARD-TYPE',
              `a wildcard on a ${a.cat} field is not translated (Elasticsearch rejects or ignores it)`,
            );
            return 'false';
          }
          if (a.cat === 'text')
            ctx.diags.lossy(
              'wider',
              undefined,
              'KUSTO-TEXT-FIELD',
              `${a.expr} is an analyzed text field in Elastic; the wildcard is applied to the whole value`,
            );
          if (p.kind === 'prefix') return `${str(a)} startswith_cs ${kstr(p.text)}`;
          if (p.kind === 'suffix') return `${str(a)} endswith_cs ${kstr(p.text)}`;
          if (p.kind === 'contains') return `${str(a)} contains_cs ${kstr(p.text)}`;
          return `${str(a)} matches regex ${kregex(wildcardRegex(p.chunks))}`;
        }
      }
    }
    default:
      throw new Error(`not a leaf: ${n.kind}`);
  }
}

function fieldOf(n: LNode): LField | null | undefined {
  if (n.kind === 'match' || n.kind === 'in' || n.kind === 'exists' || n.kind === 'range')
    return n.field;
  return undefined;
}

/** A flag column computed by `mv-apply` over an array: true when any element satisfies `test`. */
function flag(a: Access, tests: (elem: Access) => string, ctx: EmitContext): string {
  const arr = a.array!;
  const n = ++ctx.seq.n;
  const v = `__e${n}`;
  const m = `__m${n}`;
  const elem: Access = { expr: path(v, arr.rest), ktype: 'dynamic', cat: a.cat };
  const base = arr.base;
  ctx.applies.push(
    `mv-apply ${v} = iff(gettype(${base}) == "array", ${base}, pack_array(${base})) on (summarize ${m} = countif(${tests(elem)}) > 0)`,
  );
  ctx.flags.push(m);
  return m;
}

function freeText(n: LNode, ctx: EmitContext): string {
  const p = n.kind === 'match' ? n.pattern : undefined;
  ctx.diags.add({
    code: 'KUSTO-FREE-TEXT',
    message:
      'a field-less term searches every field in Elastic (exact keyword match); Kusto `* has` is a case-insensitive term search over all columns',
    effect: 'wider',
    span: n.span,
  });
  ctx.diags.add({
    code: 'KUSTO-FREE-TEXT-TERMS',
    message: 'Kusto `* has` only finds whole terms, so values inside longer terms are missed',
    effect: 'narrower',
    span: n.span,
  });
  const text = !p
    ? ''
    : p.kind === 'eq' ||
        p.kind === 'prefix' ||
        p.kind === 'suffix' ||
        p.kind === 'contains' ||
        p.kind === 'cidr'
      ? p.text
      : p.kind === 'wildcard'
        ? p.chunks.join('')
        : '';
  return `* has ${kstr(text)}`;
}

function group(s: string): string {
  return `(${s})`;
}

/** Emit a boolean expression for a lowered node. */
export function emitNode(n: LNode, ctx: EmitContext): string {
  switch (n.kind) {
    case 'all':
      return 'true';
    case 'none':
      return 'false';
    case 'not': {
      return `not(${emitNode(n.child, ctx)})`;
    }
    case 'and':
    case 'or': {
      // value lists over one array field: one any-element flag for the whole list
      if (n.kind === 'or') {
        const fields = n.children.map(fieldOf);
        const f0 = fields[0];
        if (f0 && fields.every((f) => f && f.name === f0.name && f.source === f0.source)) {
          const a = resolveAccess(f0, ctx);
          if (a?.array)
            return flag(a, (e) => n.children.map((c) => leafTest(e, c, ctx)).join(' or '), ctx);
        }
      }
      const parts = n.children.map((c) => {
        const s = emitNode(c, ctx);
        return (c.kind === 'and' || c.kind === 'or') && c.kind !== n.kind ? group(s) : s;
      });
      return parts.join(` ${n.kind} `);
    }
    case 'nested': {
      const a = resolveAccess(n.path, ctx);
      if (!a || ctx.base) {
        ctx.diags.unsupported(
          n.span,
          'KUSTO-NESTED',
          `nested query on ${n.path.source} is not translated here`,
        );
        return 'false';
      }
      const arr = a.array ?? { base: a.expr, rest: [] };
      const num = ++ctx.seq.n;
      const v = `__e${num}`;
      const m = `__m${num}`;
      const inner: EmitContext = {
        ...ctx,
        applies: [],
        flags: [],
        base: { prefix: n.path.name + '.', variable: v },
      };
      const body = emitNode(n.query, inner);
      ctx.applies.push(
        `mv-apply ${v} = iff(gettype(${arr.base}) == "array", ${arr.base}, pack_array(${arr.base})) on (summarize ${m} = countif(${body}) > 0)`,
      );
      ctx.flags.push(m);
      return m;
    }
    default: {
      const f = fieldOf(n);
      if (f === null) return freeText(n, ctx);
      if (!f) throw new Error(`unexpected node ${n.kind}`);
      if (f.wildcard) {
        ctx.diags.unsupported(
          n.span,
          'KUSTO-FIELD-WILDCARD',
          `wildcard field name '${f.source}' is not translated; list the fields explicitly`,
        );
        return 'false';
      }
      const a = resolveAccess(f, ctx);
      if (!a) {
        ctx.diags.unsupported(
          n.span,
          'KUSTO-NO-COLUMN',
          `table ${ctx.table.table} has no column for ${f.source}${f.name !== f.source ? ` (mapped to ${f.name})` : ''}`,
          "map the field in the profile's sentinel section or choose another table",
        );
        return 'false';
      }
      if (a.array) return flag(a, (e) => leafTest(e, n, ctx), ctx);
      return leafTest(a, n, ctx);
    }
  }
}
