/**
 * Kusto emitter: the lowered rule tree (targets/core) → a Sentinel KQL predicate, with every
 * per-field decision made from the table schema (typed columns, or JSON in dynamic columns) and the
 * field's ECS type; arrays get any-element semantics through `mv-apply` flags.
 */
import { defaultSchema } from '../../src/schema/schema.js';
import type { DiagnosticsCollector } from '../core/diagnostics.js';
import type { EqPattern, LField, LNode, Pattern } from '../core/ir.js';
import { isNumeric, patternChunks } from '../core/lower/classify.js';
import type { TableSchema } from './schema.js';
import { kident, kmember, knumber, kregex, kstr, wildcardRegex } from './text.js';
import { textFieldRegex } from './textfield.js';
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
  array?: { base: string; rest: string[]; leafArray?: boolean };
  /** The top-level key has no column in the table: the value is never there. */
  noColumn?: string;
  /** Keyword with a lowercase normalizer in Elastic: every comparison ignores case. */
  ci?: boolean;
  /** ECS name of the field (for its analyzer). */
  field?: string;
  /** Keyword values longer than this are not indexed in Elastic (`ignore_above`): they never match. */
  ignoreAbove?: number;
}

export interface EmitContext {
  table: TableSchema;
  diags: DiagnosticsCollector;
  /** `mv-apply` steps computing the flags the predicate uses, in order. */
  applies: string[];
  /** Flag columns to drop after the filter. */
  flags: string[];
  /** Under an odd number of `not`s (a narrowing leaf makes the whole query wider there). */
  neg?: boolean;
  /** Counter for fresh names. */
  seq: { n: number };
  /** May a field (target name) hold an array? Unknown-shape fields may (src/equiv/shape.ts). */
  shape?: (field: string) => boolean;
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
  // Pass-through fields: what the evaluator's schema says (multi-fields read their parent's
  // values: `process.name.caseless` is process.name, lower-cased).
  const facts = f.item ? undefined : ecsTypes.resolve(f.source);
  const ci = f.caseInsensitive ?? facts?.normalizer === 'lowercase';
  const ignoreAbove = cat === 'keyword' ? facts?.ignoreAbove : undefined;
  const name =
    facts && f.name === f.source && facts.valuePath !== f.source ? facts.valuePath : f.name;
  if (ctx.base && name.startsWith(ctx.base.prefix)) {
    const rest = name.slice(ctx.base.prefix.length).split('.');
    return {
      expr: path(ctx.base.variable, rest),
      ktype: 'dynamic',
      cat,
      ci,
      field: f.source,
      ignoreAbove,
    };
  }
  const cols = ctx.table.columns;
  if (name in cols) {
    const ktype = cols[name];
    return {
      expr: kident(name),
      ktype,
      cat,
      ci,
      field: f.source,
      ignoreAbove,
      // a dynamic column holding an array (schema `string[]`, profile hint, or unknown shape)
      array:
        ktype === 'dynamic' &&
        (f.multivalue ||
          ctx.table.fields[name]?.array ||
          (!ctx.table.fields[name] && ctx.shape?.(name)))
          ? { base: kident(name), rest: [] }
          : undefined,
    };
  }
  // the table's time columns play @timestamp and event.ingested
  const ts = ctx.table.timestamp;
  const timeCol =
    name === '@timestamp' ? ts.eventTime : name === 'event.ingested' ? ts.ingestTime : undefined;
  if (timeCol && !f.item) return { expr: kident(timeCol), ktype: cols[timeCol], cat: 'date' };
  const segs = name.split('.');
  const top = segs[0];
  let baseExpr: string;
  let noColumn: string | undefined;
  if (cols[top] === 'dynamic') baseExpr = kident(top);
  else if (Object.keys(ctx.table.fields).length > 0 && !(top in cols)) {
    baseExpr = `column_ifexists(${kstr(top)}, dynamic(null))`;
    noColumn = top;
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
  // a field neither the table schema, ECS nor the profile describes has an unknown shape: it may
  // hold an array (the contract `verify` generates events under), so it gets any-element semantics
  // (inside the elements of an array of objects too)
  const unknownShape = !ctx.table.fields[name] && Boolean(ctx.shape?.(name));
  if (!array && unknownShape) array = { base: path(baseExpr, segs.slice(1)), rest: [] };
  else if (array && array.rest.length && unknownShape) array.leafArray = true;
  return {
    expr: path(baseExpr, segs.slice(1)),
    ktype: 'dynamic',
    cat,
    array,
    ci,
    field: f.source,
    noColumn,
    ignoreAbove,
  };
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
      if (a.ktype === 'bool') return `${a.expr} == ${text}`;
      // Elasticsearch's boolean accepts only true / false / "true" / "false" / "" (false);
      // tobool() would also read "TRUE", 1, "1"
      if (text === 'true') return `${str(a)} == "true"`;
      return a.ktype === 'dynamic'
        ? `(isnotnull(${a.expr}) and ${str(a)} in ("false", ""))`
        : `${str(a)} in ("false", "")`;
    }
    case 'ip':
      // by address, as Elasticsearch's ip type: 10.0.0.1 == ::ffff:10.0.0.1, every IPv6 spelling
      return `ipv6_compare(${str(a)}, ${kstr(text)}) == 0`;
    case 'text':
      return textTest(a, p, ctx);
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
      return `${str(a)} ${a.ci ? '=~' : '=='} ${kstr(text)}`;
  }
}

/** A match on an analyzed text field: token regex (see textfield.ts), or the declared approximation. */
function textTest(a: Access, p: Pattern, ctx: EmitContext): string {
  const re = textFieldRegex(p, ecsTypes.resolve(a.field ?? '').analyzer);
  if (re) return 'none' in re ? 'false' : `${str(a)} matches regex ${kregex(re.regex)}`;
  ctx.diags.lossy(
    'wider',
    undefined,
    'KUSTO-TEXT-FIELD',
    `${a.expr} is analysed with a custom analyzer in Elastic; it is matched case-insensitively as a substring`,
  );
  const chunks = patternChunks(p) ?? [];
  return `${str(a)} contains ${kstr(chunks.reduce((x, y) => (y.length > x.length ? y : x), ''))}`;
}

/**
 * Elastic's exists on a JSON value: any indexed value, `""` included; `null`, `[]`, `[null]` (and
 * arrays of those, nested) are not indexed. `isnotnull()` alone would keep the empty arrays; an
 * array's compact JSON made only of brackets, commas and `null` holds no value.
 */
function existsDynamic(expr: string): string {
  return `(isnotnull(${expr}) and not(gettype(${expr}) == "array" and tostring(${expr}) matches regex @"^(\\[|\\]|,|null)*$"))`;
}

/**
 * A leaf test with Elastic's `ignore_above`: a keyword value longer than the limit is not indexed,
 * so no pattern, range or exists test sees it (an equality with a short literal cannot hold anyway).
 */
function leafTest(a: Access, n: LNode, ctx: EmitContext): string {
  const max = a.ignoreAbove;
  if (max === undefined) return leafTestIndexed(a, n, ctx);
  if (n.kind === 'match' && n.pattern.kind === 'eq')
    return n.pattern.text.length > max ? 'false' : leafTestIndexed(a, n, ctx);
  if (n.kind === 'in') {
    const values = n.values.filter((v) => v.text.length <= max);
    if (values.length === 0) return 'false';
    return leafTestIndexed(a, { ...n, values }, ctx);
  }
  const t = leafTestIndexed(a, n, ctx);
  return t === 'false' ? t : `(strlen(${str(a)}) <= ${max} and ${t})`;
}

function leafTestIndexed(a: Access, n: LNode, ctx: EmitContext): string {
  switch (n.kind) {
    case 'in': {
      if (a.cat === 'keyword' || a.cat === 'object') {
        if (n.values.some((v) => v.text === ''))
          return n.values.map((v) => eqTest(a, v, ctx)).join(' or ');
        return `${str(a)} ${a.ci ? 'in~' : 'in'} (${n.values.map((v) => kstr(v.text)).join(', ')})`;
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
      if (a.ktype === 'dynamic') return existsDynamic(a.expr);
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
      // tostring() of a missing value is "", which would compare; "" itself is a value in JSON
      const has = a.ktype === 'dynamic' ? `isnotnull(${a.expr})` : `isnotempty(${a.expr})`;
      return `(${has} and strcmp(${str(a)}, ${kstr(n.value)}) ${op} 0)`;
    }
    case 'match': {
      const p: Pattern = n.pattern;
      switch (p.kind) {
        case 'eq':
          return eqTest(a, p, ctx);
        case 'any':
          return leafTestIndexed(a, { kind: 'exists', field: n.field!, span: n.span }, ctx);
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
          if (a.cat === 'text') return textTest(a, p, ctx);
          const cs = a.ci ? '' : '_cs';
          if (p.kind === 'prefix') return `${str(a)} startswith${cs} ${kstr(p.text)}`;
          if (p.kind === 'suffix') return `${str(a)} endswith${cs} ${kstr(p.text)}`;
          if (p.kind === 'contains') return `${str(a)} contains${cs} ${kstr(p.text)}`;
          const re = wildcardRegex(p.chunks);
          return `${str(a)} matches regex ${kregex(a.ci ? re.replace('(?s)', '(?is)') : re)}`;
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

/** A clause on a field whose top-level key is no column of the table never sees a value. */
function noColumnDiag(top: string, field: string, span: LNode['span'], ctx: EmitContext): void {
  ctx.diags.lossy(
    ctx.neg ? 'wider' : 'narrower',
    span,
    'KUSTO-NO-COLUMN-KEY',
    `table ${ctx.table.table} has no column '${top}': ${field} is read with column_ifexists() and never has a value, so the clause never holds${ctx.neg ? ' (under not: the query matches more)' : ''}`,
    `declare a '${top}' column in the table schema (rules/schemas/sentinel) if your data has it`,
  );
}

/** A flag column computed by `mv-apply` over an array: true when any element satisfies `test`. */
function flag(a: Access, tests: (elem: Access) => string, ctx: EmitContext): string {
  const arr = a.array!;
  const n = ++ctx.seq.n;
  const v = `__e${n}`;
  const m = `__m${n}`;
  const base = arr.base;
  if (arr.leafArray) {
    // an array inside each element: its values are the element's values (Elastic flattens them)
    const leaf = path(v, arr.rest);
    const l = `__l${n}`;
    const elem: Access = { ...a, expr: l, ktype: 'dynamic', array: undefined };
    ctx.applies.push(
      `mv-apply ${v} = iff(gettype(${base}) == "array", ${base}, pack_array(${base})) on (mv-expand ${l} = iff(gettype(${leaf}) == "array", ${leaf}, pack_array(${leaf})) | summarize ${m} = countif(${tests(elem)}) > 0)`,
    );
  } else {
    const elem: Access = { ...a, expr: path(v, arr.rest), ktype: 'dynamic', array: undefined };
    ctx.applies.push(
      `mv-apply ${v} = iff(gettype(${base}) == "array", ${base}, pack_array(${base})) on (summarize ${m} = countif(${tests(elem)}) > 0)`,
    );
  }
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

/**
 * Can the emitted expression be null? Conversions (`todouble`, `tobool`, `todatetime`), IP
 * functions and typed columns are null on missing or malformed values; `tostring()` comparisons,
 * exists tests and `mv-apply` flags never are.
 */
function mayBeNull(n: LNode, ctx: EmitContext): boolean {
  switch (n.kind) {
    case 'and':
    case 'or':
      return n.children.some((c) => mayBeNull(c, ctx));
    case 'not':
    case 'nested':
    case 'all':
    case 'none':
      return false;
    default: {
      const f = fieldOf(n);
      if (!f || f.wildcard || n.kind === 'exists') return false;
      const a = resolveAccess(f, ctx);
      if (!a || a.array) return false;
      if (a.ktype !== 'string' && a.ktype !== 'dynamic') return true;
      return a.cat === 'number' || a.cat === 'date' || a.cat === 'ip';
    }
  }
}

/** Emit a boolean expression for a lowered node. */
export function emitNode(n: LNode, ctx: EmitContext): string {
  switch (n.kind) {
    case 'all':
      return 'true';
    case 'none':
      return 'false';
    case 'not': {
      // Kusto's logic is three-valued: not(null) is null and `where` drops the row, where
      // Elastic's `not` keeps documents without the value. A null child counts as false.
      const c = emitNode(n.child, { ...ctx, neg: !ctx.neg });
      return mayBeNull(n.child, ctx) ? `not(coalesce(${c}, false))` : `not(${c})`;
    }
    case 'and':
    case 'or': {
      // value lists over one array field: one any-element flag for the whole list
      if (n.kind === 'or') {
        const fields = n.children.map(fieldOf);
        const f0 = fields[0];
        if (f0 && fields.every((f) => f && f.name === f0.name && f.source === f0.source)) {
          const a = resolveAccess(f0, ctx);
          if (a?.array) {
            if (a.noColumn) noColumnDiag(a.noColumn, f0.source, n.span, ctx);
            return flag(a, (e) => n.children.map((c) => leafTest(e, c, ctx)).join(' or '), ctx);
          }
        }
      }
      const parts = n.children.map((c) => {
        const s = emitNode(c, ctx);
        const atomic = /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
        return (c.kind === 'and' || c.kind === 'or') && c.kind !== n.kind && !atomic ? group(s) : s;
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
      if (a.noColumn) noColumnDiag(a.noColumn, f.source, n.span, ctx);
      if (a.array) return flag(a, (e) => leafTest(e, n, ctx), ctx);
      return leafTest(a, n, ctx);
    }
  }
}
