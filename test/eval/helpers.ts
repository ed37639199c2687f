import { parse } from '../../src/kql/parse.js';
import { compileQuery, compileQueryDetailed, type CompileOptions } from '../../src/eval/index.js';

/** Does `doc` match `query`? (parse + compile; throws on parse errors) */
export function m(query: string, doc: object, opts: CompileOptions = {}): boolean {
  const r = parse(query);
  if (!r.ast)
    throw new Error(`parse failed: ${query}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return compileQuery(r.ast, opts)(doc);
}

/** Diagnostics of compiling `query`. */
export function diags(query: string, opts: CompileOptions = {}) {
  const r = parse(query);
  if (!r.ast) throw new Error(`parse failed: ${query}`);
  return compileQueryDetailed(r.ast, opts).diagnostics;
}
