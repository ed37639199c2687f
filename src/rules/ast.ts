/**
 * The rule's query as one AST: the KQL query parsed, ANDed with the Kibana `filters`. Syntax errors
 * are moved from offsets in the query string to the line and column of the file the rule came from.
 */
import type { Node } from '../kql/ast.js';
import { type Diagnostic, locate } from '../diagnostics.js';
import { parse } from '../kql/parse.js';
import type { Rule } from './model.js';
import { filterToAst } from './filters.js';
import { RuleCode } from './codes.js';

export interface RuleAstResult {
  /** Query AND filters; null when the query does not parse or a filter cannot be expressed. */
  ast: Node | null;
  /** The query alone (null when it does not parse). */
  queryAst: Node | null;
  diagnostics: Diagnostic[];
}

/** Map an offset inside the rule's query string to an offset in its file text. */
export function queryToFileOffset(rule: Rule, k: number): number | undefined {
  const src = rule.source;
  if (src.queryOffsetMap) return src.queryOffsetMap(k);
  if (src.queryOffset !== undefined) return src.queryOffset + k;
  return undefined;
}

/** Move a diagnostic about the query text to the rule's file (line, column, file, rule id). */
export function relocateQueryDiagnostic(d: Diagnostic, rule: Rule): Diagnostic {
  const out: Diagnostic = { ...d, file: rule.source.file };
  if (rule.id) out.rule = rule.id;
  const text = rule.source.text;
  const start = d.span?.start ?? d.offset;
  if (text === undefined || start === undefined) return out;
  const fs = queryToFileOffset(rule, start);
  if (fs === undefined) return out;
  if (d.span) {
    const fe = queryToFileOffset(rule, d.span.end) ?? fs;
    out.span = { start: fs, end: Math.max(fs, fe) };
  }
  out.offset = fs;
  return locate(out, text);
}

/** Longer queries are refused (the longest Elastic rule query is under 10,000 characters). */
export const MAX_QUERY_CHARS = 1_000_000;

export function ruleAst(rule: Rule): RuleAstResult {
  const diagnostics: Diagnostic[] = [];
  if (rule.query === undefined) return { ast: null, queryAst: null, diagnostics };
  if (rule.query.length > MAX_QUERY_CHARS) {
    const d: Diagnostic = {
      severity: 'error',
      code: RuleCode.QUERY_TOO_LONG,
      message: `the query is too long to compile (${rule.query.length} characters; the limit is ${MAX_QUERY_CHARS})`,
      file: rule.source.file,
      offset: rule.source.fieldOffsets?.query ?? rule.source.ruleOffset ?? 0,
      hint: 'split the rule, or move long value lists into a Kibana value list',
    };
    if (rule.id) d.rule = rule.id;
    diagnostics.push(rule.source.text !== undefined ? locate(d, rule.source.text) : d);
    return { ast: null, queryAst: null, diagnostics };
  }
  const parsed = parse(rule.query);
  for (const d of parsed.diagnostics) diagnostics.push(relocateQueryDiagnostic(d, rule));
  const queryAst = parsed.ast;
  if (!queryAst) return { ast: null, queryAst: null, diagnostics };
  const filters = rule.filters ?? [];
  if (filters.length === 0) return { ast: queryAst, queryAst, diagnostics };
  // Filter nodes have no text of their own: they get an empty span at the end of the query.
  const span = { start: rule.query.length, end: rule.query.length };
  const nodes: Node[] = [];
  let ok = true;
  filters.forEach((f, i) => {
    const r = filterToAst(f, span);
    if (r.ok) {
      if (r.node) nodes.push(r.node);
      return;
    }
    ok = false;
    const offset =
      rule.source.fieldOffsets?.[`filters.${i}`] ??
      rule.source.fieldOffsets?.filters ??
      rule.source.ruleOffset ??
      0;
    const d: Diagnostic = {
      severity: 'warning',
      code: RuleCode.FILTER_UNSUPPORTED,
      message: `filter ${i + 1} of ${filters.length} cannot be expressed in KQL: ${r.reason}; the rule is unsupported (dropping the filter would change which events match)`,
      offset,
      file: rule.source.file,
      hint: 'rewrite the filter into the query, or accept that siemc cannot translate this rule',
    };
    if (rule.id) d.rule = rule.id;
    diagnostics.push(rule.source.text !== undefined ? locate(d, rule.source.text) : d);
  });
  if (!ok) return { ast: null, queryAst, diagnostics };
  if (nodes.length === 0) return { ast: queryAst, queryAst, diagnostics };
  const children = queryAst.kind === 'all' ? nodes : [queryAst, ...nodes];
  const ast: Node =
    children.length === 1 ? children[0] : { kind: 'and', children, span: queryAst.span };
  return { ast, queryAst, diagnostics };
}
