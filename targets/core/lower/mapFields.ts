/**
 * Lowering pass: KQL AST → lowered tree, applying the mapping profile. Fields are renamed (or
 * resolved to Name/Value pairs, lookups, expressions) per the target's section; routing clauses
 * that the source selection decides become `all` / `none`; clauses on fields with no equivalent
 * are dropped soundly (replaced so that the result only widens) with a diagnostic. Every applied
 * item is recorded in the trace.
 */
import type { FieldRef, Node, Span } from '../../../src/kql/ast.js';
import { fieldName, literalText } from '../../../src/kql/ast.js';
import { mapField, mapValue, routeFor } from '../../../src/mapping/resolve.js';
import type { MappingProfile } from '../../../src/mapping/types.js';
import type { TargetName } from '../../types.js';
import type { DiagnosticsCollector, TraceRecorder } from '../diagnostics.js';
import { flipEffect } from '../diagnostics.js';
import type { LField, LNode, Pattern } from '../ir.js';
import { classifyValue, isNumeric, patternChunks, wildcardMatches } from './classify.js';

export interface MapContext {
  profile: MappingProfile;
  target: TargetName;
  diags: DiagnosticsCollector;
  trace: TraceRecorder;
}

/** MAP-DROPPED already reported per translation (field and polarity). */
const droppedSeen = new WeakMap<DiagnosticsCollector, Set<string>>();

export function mapQuery(ast: Node, ctx: MapContext): LNode {
  return lower(ast, ctx, '', false);
}

function describeItem(f: LField): string {
  const it = f.item;
  if (!it) return f.name;
  if (it.pair) return `${it.pair.valueField} where ${it.pair.nameField} = ${it.pair.name}`;
  if (it.lookup) return `lookup ${it.lookup.table} on ${it.lookup.input} → ${it.lookup.output}`;
  if (it.expression) return it.expression;
  if (it.none) return '(no equivalent)';
  return f.name;
}

function resolveField(
  ref: FieldRef,
  prefix: string,
  ctx: MapContext,
  span: Span,
  negated: boolean,
): LField {
  const written = fieldName(ref);
  const ecs = prefix + written;
  const mapped: LField = mapField(ctx.profile, ctx.target, ecs);
  if (ref.wildcard)
    mapped.wildcard = prefix
      ? [prefix + ref.wildcard[0], ...ref.wildcard.slice(1)]
      : [...ref.wildcard];
  if (mapped.traceId) {
    ctx.trace.record({ item: mapped.traceId, from: ecs, to: describeItem(mapped), span });
    const it = mapped.item;
    if (it?.warning || (it?.effect && it.effect !== 'exact')) {
      ctx.diags.add({
        code: 'MAP-ITEM',
        message: it.warning ?? `mapping of ${ecs} is not exact`,
        effect: flipEffect(it.effect ?? 'exact', negated),
        span,
        severity: it.effect === 'exact' || !it.effect ? 'warning' : undefined,
      });
    }
  }
  return mapped;
}

/** Decide a clause through a routing item; undefined when the route cannot decide it. */
function routeDecision(n: Node, prefix: string, ctx: MapContext): boolean | undefined {
  if (n.kind !== 'is' && n.kind !== 'exists') return undefined;
  if (!n.field || n.field.wildcard) return undefined;
  const ecs = prefix + fieldName(n.field);
  const route = routeFor(ctx.profile, ctx.target, ecs);
  if (!route) return undefined;
  let answers: boolean[];
  if (n.kind === 'exists') answers = route.values.map(() => true);
  else {
    const p = classifyValue(n.value);
    const chunks = patternChunks(p);
    answers = route.values.map((v) =>
      p.kind === 'eq' ? v === p.text : chunks ? wildcardMatches(chunks, v) : false,
    );
  }
  if (answers.every((a) => a) || answers.every((a) => !a)) {
    const decided = answers[0] ?? false;
    ctx.trace.record({
      item: `${ctx.profile.id}/${ctx.target}/routes/${route.id}`,
      from: `${ecs} (${n.kind === 'is' ? 'value' : 'exists'})`,
      to: decided ? 'always true for the selected source' : 'never true for the selected source',
      span: n.span,
    });
    if (!decided) {
      ctx.diags.info(
        'MAP-ROUTE-FALSE',
        `clause on ${ecs} can never hold for the selected source (${route.values.join(', ')})`,
        n.span,
      );
    }
    return decided;
  }
  return undefined;
}

function lower(n: Node, ctx: MapContext, prefix: string, negated: boolean): LNode {
  switch (n.kind) {
    case 'and':
    case 'or':
      return {
        kind: n.kind,
        children: n.children.map((c) => lower(c, ctx, prefix, negated)),
        span: n.span,
      };
    case 'not':
      return { kind: 'not', child: lower(n.child, ctx, prefix, !negated), span: n.span };
    case 'all':
      return { kind: 'all', span: n.span };
    case 'nested': {
      const path = resolveField(n.path, prefix, ctx, n.path.span, negated);
      const inner = prefix + fieldName(n.path) + '.';
      return { kind: 'nested', path, query: lower(n.query, ctx, inner, negated), span: n.span };
    }
    default:
      break;
  }
  const decided = routeDecision(n, prefix, ctx);
  if (decided !== undefined) return { kind: decided ? 'all' : 'none', span: n.span };
  if (n.kind === 'is' && n.field === null) {
    return { kind: 'match', field: null, pattern: classifyValue(n.value), span: n.span };
  }
  const field = resolveField(n.field!, prefix, ctx, n.span, negated);
  if (field.item?.none) {
    const ecs = field.source;
    if (field.item.effect === 'unsupported') {
      ctx.diags.unsupported(
        n.span,
        'MAP-NONE',
        `${ecs} has no equivalent in ${ctx.target}; the clause cannot be translated`,
      );
      return { kind: negated ? 'none' : 'all', span: n.span };
    }
    // once per field and effect: a value list on the field would repeat it per value
    const seen = droppedSeen.get(ctx.diags) ?? new Set<string>();
    droppedSeen.set(ctx.diags, seen);
    if (!seen.has(`${ecs}\u0000${negated}`)) {
      seen.add(`${ecs}\u0000${negated}`);
      ctx.diags.lossy(
        'wider',
        n.span,
        'MAP-DROPPED',
        `${ecs} has no equivalent in ${ctx.target}: the clause is dropped, so the translation matches more`,
      );
    }
    // sound drop: replace by what widens the whole query
    return { kind: negated ? 'none' : 'all', span: n.span };
  }
  switch (n.kind) {
    case 'exists':
      return { kind: 'exists', field, span: n.span };
    case 'range': {
      const text = n.value.kind === 'literal' ? literalText(n.value) : n.value.chunks.join('*');
      if (n.value.kind === 'wildcard') {
        ctx.diags.info(
          'RANGE-WILDCARD',
          `range value '${text}' contains '*', which a range compares literally`,
          n.span,
        );
      }
      return {
        kind: 'range',
        field,
        op: n.op,
        value: text,
        numeric: isNumeric(text),
        span: n.span,
      };
    }
    case 'is': {
      let pattern: Pattern = classifyValue(n.value, field.type);
      if (pattern.kind === 'eq' && field.item?.values) {
        const to = mapValue(field.item, pattern.text);
        if (to !== pattern.text) {
          ctx.trace.record({
            item: `${field.traceId}/values/${pattern.text}`,
            from: pattern.text,
            to,
            span: n.span,
          });
          pattern = { ...pattern, text: to };
        }
      }
      return { kind: 'match', field, pattern, span: n.span };
    }
  }
}
