/**
 * The bridge to the native evaluator and its schema: the matcher every counterexample is checked
 * with, and the field lookup the decision procedure and the generator use.
 */
import type { Node } from '../kql/ast.js';
import { compileQuery } from '../eval/index.js';
import { defaultSchema, type Schema } from '../schema/index.js';
import type { FieldTypeLookup } from './decide/atoms.js';
import type { EcsEvent, NativeMatcher } from './types.js';

/** Field lookup backed by the evaluator's schema (unknown fields: keyword). */
export function schemaFieldInfo(schema: Schema = defaultSchema()): FieldTypeLookup {
  return (field) => {
    const r = schema.resolve(field);
    return {
      type: r.type,
      ignoreAbove: r.ignoreAbove,
      normalizer: r.normalizer,
      valuePath: r.valuePath,
      nestedPath: r.nestedPath,
    };
  };
}

/** The native evaluator as a matcher (compiled once per query; throws `QueryCompileError`). */
export function nativeMatcher(
  schema: Schema = defaultSchema(),
  now: Date = new Date(),
): NativeMatcher {
  const cache = new WeakMap<Node, (doc: EcsEvent) => boolean>();
  return (ast) => {
    let p = cache.get(ast);
    if (!p) {
      const pred = compileQuery(ast, { schema, now });
      p = (doc) => pred(doc);
      cache.set(ast, p);
    }
    return p;
  };
}
