/** The fields a rule reads: from its query AST (nested paths resolved) and its rule settings. */
import { fieldName, type FieldRef, type Node } from '../kql/ast.js';
import type { Rule } from './model.js';

export interface QueryFields {
  /** Field names in first-use order, nested fields as `path.field`; wildcard names as written. */
  fields: string[];
  /** Field names containing `*` (they match several fields). */
  wildcardFields: string[];
  /** The query has field-less (free text) terms. */
  freeText: boolean;
}

export function queryFields(ast: Node): QueryFields {
  const seen = new Set<string>();
  const wild = new Set<string>();
  let freeText = false;
  const add = (f: FieldRef, prefix: string) => {
    const name = prefix + fieldName(f);
    seen.add(name);
    if (f.wildcard) wild.add(name);
  };
  const walk = (n: Node, prefix: string): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        for (const c of n.children) walk(c, prefix);
        return;
      case 'not':
        walk(n.child, prefix);
        return;
      case 'is':
        if (n.field) add(n.field, prefix);
        else freeText = true;
        return;
      case 'exists':
      case 'range':
        add(n.field, prefix);
        return;
      case 'nested':
        walk(n.query, prefix + fieldName(n.path) + '.');
        return;
      case 'all':
        return;
    }
  };
  walk(ast, '');
  return { fields: [...seen], wildcardFields: [...wild], freeText };
}

/** Fields the rule settings read: new-terms fields, threshold group-by and cardinality, timestamp. */
export function ruleSettingFields(rule: Rule): string[] {
  const out = new Set<string>();
  for (const f of rule.newTerms?.fields ?? []) out.add(f);
  for (const f of rule.threshold?.field ?? []) out.add(f);
  for (const c of rule.threshold?.cardinality ?? []) out.add(c.field);
  out.add(rule.timestampOverride ?? '@timestamp');
  return [...out];
}
