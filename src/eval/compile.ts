/**
 * Compiles a KQL AST once into closures that test JSON documents with Elasticsearch's semantics
 * (see ../shared/design/KQL.md): no tree walking per event, one accessor per field, value lists on
 * one field merged into a single walk (with a Set for exact keyword terms).
 */
import type { Diagnostic } from '../diagnostics.js';
import type { FieldRef, NestedNode, Node, Value } from '../kql/ast.js';
import { fieldName } from '../kql/ast.js';
import { defaultSchema, type Schema } from '../schema/schema.js';
import type { ResolvedField } from '../schema/types.js';
import {
  existsTest,
  isTest,
  keywordTerm,
  rangeTest,
  type LeafResult,
  type LeafTest,
} from './leaf.js';
import { compileAccessor, forEachLeaf, type Accessor } from './values.js';
import { wildcardMatcher } from './wildcard.js';

export interface CompileOptions {
  /** Field types; default: ECS + the shipped integration fields. */
  schema?: Schema;
  /** `now` for date math in date queries and ranges; default: the time of compilation. */
  now?: Date;
}

/** A compiled query: true when the document matches. */
export type Predicate = (doc: object) => boolean;

export interface CompiledQuery {
  predicate: Predicate;
  /** Errors (the query would fail in Elasticsearch) and warnings (semantics assumed). */
  diagnostics: Diagnostic[];
}

/** Thrown by `compileQuery` when the query cannot be evaluated; carries the diagnostics. */
export class QueryCompileError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
    this.name = 'QueryCompileError';
  }
}

type P = (doc: unknown) => boolean;

interface Ctx {
  schema: Schema;
  now: Date;
  diagnostics: Diagnostic[];
  /** Prefix of field names inside `path:{...}` (`'path.'`), '' at top level. */
  prefix: string;
  /** The path the current document root stands for ('' = the event; a nested path inside nested). */
  base: string;
  /** Accessors by relative path, shared by the whole compilation. */
  accessors: Map<string, Accessor>;
}

const NEVER: P = () => false;
const ALWAYS: P = () => true;

/** Compile with diagnostics; the predicate is usable when no diagnostic is an error. */
export function compileQueryDetailed(ast: Node, opts: CompileOptions = {}): CompiledQuery {
  const ctx: Ctx = {
    schema: opts.schema ?? defaultSchema(),
    now: opts.now ?? new Date(),
    diagnostics: [],
    prefix: '',
    base: '',
    accessors: new Map(),
  };
  const p = compileNode(ast, ctx);
  return { predicate: p as Predicate, diagnostics: ctx.diagnostics };
}

/** Compile a query into a predicate; throws `QueryCompileError` when it has errors. */
export function compileQuery(ast: Node, opts: CompileOptions = {}): Predicate {
  const c = compileQueryDetailed(ast, opts);
  if (c.diagnostics.some((d) => d.severity === 'error')) {
    throw new QueryCompileError(c.diagnostics.filter((d) => d.severity === 'error'));
  }
  return c.predicate;
}

function accessor(ctx: Ctx, path: string): Accessor {
  let a = ctx.accessors.get(path);
  if (!a) {
    a = compileAccessor(path);
    ctx.accessors.set(path, a);
  }
  return a;
}

/** Resolve a literal field name in the current scope; report nested fields used outside `{}`. */
function field(ctx: Ctx, ref: FieldRef): { f: ResolvedField; get: Accessor } | undefined {
  const full = ctx.prefix + fieldName(ref);
  const f = ctx.schema.resolve(full);
  const scope = ctx.base === '' ? undefined : ctx.base;
  if (f.nestedPath !== undefined && f.nestedPath !== scope) {
    ctx.diagnostics.push({
      severity: 'error',
      code: 'EVAL002',
      message: `'${full}' is a nested field, but is not in a nested group in the KQL expression`,
      span: ref.span,
      hint: `write ${f.nestedPath}:{ ${full.slice(f.nestedPath.length + 1) || '...'}: ... } (Kibana rejects this query)`,
    });
    return undefined;
  }
  const rel =
    ctx.base !== '' && f.valuePath.startsWith(ctx.base + '.')
      ? f.valuePath.slice(ctx.base.length + 1)
      : f.valuePath;
  return { f, get: accessor(ctx, rel) };
}

function leafOrNever(ctx: Ctx, r: LeafResult): LeafTest {
  if (r.diagnostic) {
    ctx.diagnostics.push(r.diagnostic);
    return () => false;
  }
  return r.test ?? (() => false);
}

function any(get: Accessor, test: LeafTest): P {
  return (doc) => get(doc, test);
}

function compileNode(node: Node, ctx: Ctx): P {
  switch (node.kind) {
    case 'all':
      return ALWAYS;
    case 'and': {
      const parts = node.children.map((c) => compileNode(c, ctx));
      if (parts.length === 1) return parts[0];
      if (parts.length === 2) {
        const [a, b] = parts;
        return (d) => a(d) && b(d);
      }
      return (d) => {
        for (let i = 0; i < parts.length; i++) if (!parts[i](d)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = compileOr(node.children, ctx);
      if (parts.length === 1) return parts[0];
      if (parts.length === 2) {
        const [a, b] = parts;
        return (d) => a(d) || b(d);
      }
      return (d) => {
        for (let i = 0; i < parts.length; i++) if (parts[i](d)) return true;
        return false;
      };
    }
    case 'not': {
      const c = compileNode(node.child, ctx);
      return (d) => !c(d);
    }
    case 'is': {
      if (node.field === null) return freeText(node.value, ctx);
      if (node.field.wildcard)
        return wildcardField(node.field, ctx, (f) => isTest(f, node.value, ctx.now));
      const fr = field(ctx, node.field);
      if (!fr) return NEVER;
      return any(fr.get, leafOrNever(ctx, isTest(fr.f, node.value, ctx.now)));
    }
    case 'exists': {
      if (node.field.wildcard)
        return wildcardField(node.field, ctx, (f) => ({ test: existsTest(f) }));
      const fr = field(ctx, node.field);
      if (!fr) return NEVER;
      return any(fr.get, existsTest(fr.f));
    }
    case 'range': {
      if (node.field.wildcard) {
        return wildcardField(node.field, ctx, (f) => rangeTest(f, node.op, node.value, ctx.now));
      }
      const fr = field(ctx, node.field);
      if (!fr) return NEVER;
      return any(fr.get, leafOrNever(ctx, rangeTest(fr.f, node.op, node.value, ctx.now)));
    }
    case 'nested':
      return nested(node, ctx);
  }
}

/**
 * `or` children: `is` nodes on the same literal field are merged into one walk over that field's
 * values, with exact keyword terms in a Set (the value-list case `f:(a or b or …)`).
 */
function compileOr(children: Node[], ctx: Ctx): P[] {
  const groups = new Map<string, Extract<Node, { kind: 'is' }>[]>();
  for (const c of children) {
    if (c.kind === 'is' && c.field !== null && !c.field.wildcard) {
      const k = fieldName(c.field);
      const g = groups.get(k);
      if (g) g.push(c);
      else groups.set(k, [c]);
    }
  }
  const out: P[] = [];
  const done = new Set<string>();
  for (const c of children) {
    if (c.kind === 'is' && c.field !== null && !c.field.wildcard) {
      const k = fieldName(c.field);
      const g = groups.get(k)!;
      if (g.length > 1) {
        if (done.has(k)) continue;
        done.add(k);
        out.push(mergedIs(g, ctx));
        continue;
      }
    }
    out.push(compileNode(c, ctx));
  }
  return out;
}

function mergedIs(nodes: Extract<Node, { kind: 'is' }>[], ctx: Ctx): P {
  const fr = field(ctx, nodes[0].field!);
  if (!fr) return NEVER;
  const f = fr.f;
  const exact = new Set<string>();
  const others: LeafTest[] = [];
  for (const n of nodes) {
    const r = isTest(f, n.value, ctx.now);
    if (r.diagnostic) {
      ctx.diagnostics.push(r.diagnostic);
      continue;
    }
    if (r.exactKeyword !== undefined) exact.add(r.exactKeyword);
    else if (r.test) others.push(r.test);
  }
  const get = fr.get;
  if (others.length === 0) {
    if (exact.size === 0) return NEVER;
    return (doc) =>
      get(doc, (v) => {
        const s = keywordTerm(f, v);
        return s !== undefined && exact.has(s);
      });
  }
  const useSet = exact.size > 0;
  return (doc) =>
    get(doc, (v) => {
      if (useSet) {
        const s = keywordTerm(f, v);
        if (s !== undefined && exact.has(s)) return true;
      }
      for (let i = 0; i < others.length; i++) if (others[i](v)) return true;
      return false;
    });
}

/**
 * Free text: any field of the document whose value matches with keyword semantics (the shared
 * cases' convention). A lone `*` matches every document.
 */
function freeText(value: Value, ctx: Ctx): P {
  const f: ResolvedField = { name: '*', valuePath: '*', type: 'keyword', known: false };
  if (value.kind === 'wildcard' && value.chunks.every((c) => c === '')) return ALWAYS;
  const r = isTest(f, value, ctx.now);
  const test = leafOrNever(ctx, r);
  ctx.diagnostics.push({
    severity: 'warning',
    code: 'EVAL020',
    message:
      'free-text term searches every field (evaluated with keyword semantics on every value)',
    span: value.span,
    hint: 'Elasticsearch sends it to the index default fields, which may include analyzed text fields; name the field',
  });
  return (doc) => forEachLeaf(doc, (_path, v) => test(v));
}

/** A field name with `*`: every field of the document whose path matches, each with its own type. */
function wildcardField(ref: FieldRef, ctx: Ctx, build: (f: ResolvedField) => LeafResult): P {
  const chunks = ref.wildcard!;
  const full = [ctx.prefix + chunks[0], ...chunks.slice(1)];
  const match = wildcardMatcher(full);
  const cache = new Map<string, LeafTest>();
  const base = ctx.base === '' ? '' : ctx.base + '.';
  const reported = new Set<string>();
  const testFor = (path: string): LeafTest => {
    let t = cache.get(path);
    if (t) return t;
    const f = ctx.schema.resolve(path);
    const r = build(f);
    if (r.diagnostic && !reported.has(r.diagnostic.code)) {
      reported.add(r.diagnostic.code);
      ctx.diagnostics.push({
        ...r.diagnostic,
        severity: 'warning',
        message: `${r.diagnostic.message} (field matched by '${chunks.join('*')}')`,
      });
    }
    t = r.test ?? (() => false);
    cache.set(path, t);
    return t;
  };
  return (doc) =>
    forEachLeaf(doc, (path, v) => {
      const p = base === '' ? path : base + path;
      return match(p) && testFor(p)(v);
    });
}

function nested(node: NestedNode, ctx: Ctx): P {
  if (node.path.wildcard) {
    ctx.diagnostics.push({
      severity: 'error',
      code: 'EVAL004',
      message: 'a nested path cannot contain a wildcard',
      span: node.path.span,
    });
    return NEVER;
  }
  const full = ctx.prefix + fieldName(node.path);
  const f = ctx.schema.resolve(full);
  if (f.type === 'nested') {
    const rel =
      ctx.base !== '' && full.startsWith(ctx.base + '.') ? full.slice(ctx.base.length + 1) : full;
    const get = accessor(ctx, rel);
    const inner = compileNode(node.query, { ...ctx, prefix: full + '.', base: full });
    return (doc) =>
      get(doc, (el) => typeof el === 'object' && el !== null && !Array.isArray(el) && inner(el));
  }
  ctx.diagnostics.push({
    severity: 'warning',
    code: 'EVAL010',
    message: `'${full}' is not mapped as nested: the nested query is evaluated with flattened semantics (conditions may hold on different array elements)`,
    span: node.path.span,
    hint: 'declare the field nested in a --schema file to scope conditions to one element (Elasticsearch rejects a nested query on a non-nested field)',
  });
  return compileNode(node.query, { ...ctx, prefix: full + '.' });
}
