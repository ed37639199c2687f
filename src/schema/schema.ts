/**
 * The field schema: ECS (generated from the official definitions) + integration fields + user
 * overrides. Unknown fields resolve to `keyword`, as dynamic templates of the integrations map them.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { ECS_FIELDS, ECS_VERSION } from './ecs-fields.generated.js';
import { INTEGRATION_FIELDS } from './integrations.js';
import {
  FIELD_TYPES,
  type Analyzer,
  type FieldDef,
  type FieldType,
  type ResolvedField,
} from './types.js';

const TYPE_SET = new Set<string>(FIELD_TYPES);

export class Schema {
  private readonly defs: Map<string, FieldDef>;
  private readonly cache = new Map<string, ResolvedField>();

  constructor(defs: Iterable<[string, FieldDef]> = []) {
    this.defs = new Map(defs);
  }

  /** The definition stored for exactly this name, if any. */
  get(name: string): FieldDef | undefined {
    return this.defs.get(name);
  }

  /** Every defined field name (for wildcard field names and listings). */
  names(): IterableIterator<string> {
    return this.defs.keys();
  }

  /** A new schema with `overrides` on top of this one. */
  with(overrides: Iterable<[string, FieldDef]>): Schema {
    const s = new Schema(this.defs);
    for (const [k, v] of overrides) s.defs.set(k, v);
    return s;
  }

  /** What a query field name means: its type, where its values live, its nested scope. */
  resolve(name: string): ResolvedField {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const r = this.resolveUncached(name);
    this.cache.set(name, r);
    return r;
  }

  private resolveUncached(name: string): ResolvedField {
    const nestedPath = this.nestedAncestor(name);
    const def = this.defs.get(name);
    if (def) {
      return {
        name,
        valuePath: def.multiFieldOf ?? name,
        type: def.type,
        ignoreAbove: def.ignoreAbove,
        normalizer: def.normalizer,
        analyzer: def.analyzer,
        nestedPath: def.type === 'nested' ? name : nestedPath,
        known: true,
      };
    }
    // Walk up: a flattened ancestor makes every sub-key a keyword leaf; `X.caseless` on a keyword
    // X is the lower-cased multi-field Elastic's endpoint mappings define.
    let dot = name.lastIndexOf('.');
    while (dot > 0) {
      const parent = name.slice(0, dot);
      const pdef = this.defs.get(parent);
      if (pdef) {
        if (pdef.type === 'flattened') {
          return { name, valuePath: name, type: 'keyword', nestedPath, known: true };
        }
        const suffix = name.slice(dot + 1);
        if (suffix === 'caseless' && (pdef.type === 'keyword' || pdef.type === 'wildcard')) {
          return {
            name,
            valuePath: pdef.multiFieldOf ?? parent,
            type: 'keyword',
            normalizer: 'lowercase',
            nestedPath,
            known: true,
          };
        }
        break;
      }
      dot = name.lastIndexOf('.', dot - 1);
    }
    return { name, valuePath: name, type: 'keyword', nestedPath, known: false };
  }

  private nestedAncestor(name: string): string | undefined {
    let dot = name.lastIndexOf('.');
    while (dot > 0) {
      const parent = name.slice(0, dot);
      if (this.defs.get(parent)?.type === 'nested') return parent;
      dot = name.lastIndexOf('.', dot - 1);
    }
    return undefined;
  }
}

/** ECS field definitions as schema entries (multi-fields included). */
export function ecsFieldDefs(): [string, FieldDef][] {
  const out: [string, FieldDef][] = [];
  for (const [name, [type, ignoreAbove, multi]] of Object.entries(ECS_FIELDS)) {
    if (!TYPE_SET.has(type)) continue;
    const def: FieldDef = { type: type as FieldType };
    if (ignoreAbove > 0) def.ignoreAbove = ignoreAbove;
    out.push([name, def]);
    for (const m of multi) {
      const [sub, subType] = m.split(':');
      if (!TYPE_SET.has(subType)) continue;
      out.push([`${name}.${sub}`, { type: subType as FieldType, multiFieldOf: name }]);
    }
  }
  return out;
}

let builtin: Schema | undefined;

/** ECS + the integration fields of the shipped profiles (shared, immutable). */
export function defaultSchema(): Schema {
  builtin ??= new Schema([...ecsFieldDefs(), ...Object.entries(INTEGRATION_FIELDS)]);
  return builtin;
}

export { ECS_VERSION };

export interface SchemaLoadResult {
  schema?: Schema;
  diagnostics: Diagnostic[];
}

/**
 * Parse a user schema file:
 *
 *   fields:
 *     my.count: long
 *     my.name: {type: keyword, normalizer: lowercase, ignore_above: 256}
 *     process.name.caseless: {type: keyword, normalizer: lowercase, multi_field_of: process.name}
 *     my.script: {type: text, analyzer: {pattern: '[^A-Za-z0-9_-]+'}}
 *
 * (a top-level map without `fields:` works too). Entries override the built-in schema.
 */
export function parseSchemaOverrides(
  text: string,
  file = '<schema>',
): {
  defs: [string, FieldDef][];
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const err = (message: string, hint?: string) =>
    diagnostics.push({ severity: 'error', code: 'SCHEMA001', message, file, hint });
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    err(`invalid YAML: ${e instanceof Error ? e.message : String(e)}`);
    return { defs: [], diagnostics };
  }
  if (doc === null || doc === undefined) return { defs: [], diagnostics };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    err('a schema file is a map of field name to type', 'e.g. `fields: {my.count: long}`');
    return { defs: [], diagnostics };
  }
  const rec = doc as Record<string, unknown>;
  const fields =
    'fields' in rec && typeof rec.fields === 'object' && rec.fields !== null ? rec.fields : rec;
  const defs: [string, FieldDef][] = [];
  const typeHint = `known types: ${FIELD_TYPES.join(', ')}`;
  for (const [name, spec] of Object.entries(fields as Record<string, unknown>)) {
    if (typeof spec === 'string') {
      if (!TYPE_SET.has(spec)) {
        err(`field '${name}': unknown type '${spec}'`, typeHint);
        continue;
      }
      defs.push([name, { type: spec as FieldType }]);
      continue;
    }
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      err(`field '${name}': expected a type name or a map with 'type'`, typeHint);
      continue;
    }
    const s = spec as Record<string, unknown>;
    if (typeof s.type !== 'string' || !TYPE_SET.has(s.type)) {
      err(`field '${name}': unknown or missing type '${String(s.type)}'`, typeHint);
      continue;
    }
    const def: FieldDef = { type: s.type as FieldType };
    if (s.ignore_above !== undefined) {
      if (
        typeof s.ignore_above !== 'number' ||
        !Number.isInteger(s.ignore_above) ||
        s.ignore_above < 0
      ) {
        err(`field '${name}': ignore_above must be a non-negative integer`);
        continue;
      }
      def.ignoreAbove = s.ignore_above;
    }
    if (s.normalizer !== undefined) {
      if (s.normalizer !== 'lowercase') {
        err(
          `field '${name}': unsupported normalizer '${String(s.normalizer)}'`,
          "only 'lowercase' is supported",
        );
        continue;
      }
      def.normalizer = 'lowercase';
    }
    if (s.multi_field_of !== undefined) {
      if (typeof s.multi_field_of !== 'string') {
        err(`field '${name}': multi_field_of must be a field name`);
        continue;
      }
      def.multiFieldOf = s.multi_field_of;
    }
    if (s.analyzer !== undefined) {
      const a = s.analyzer as unknown;
      let analyzer: Analyzer | undefined;
      if (a === 'standard') analyzer = 'standard';
      else if (
        typeof a === 'object' &&
        a !== null &&
        typeof (a as { pattern?: unknown }).pattern === 'string'
      ) {
        const pattern = (a as { pattern: string }).pattern;
        try {
          new RegExp(pattern, 'u');
        } catch {
          err(`field '${name}': analyzer pattern is not a valid regular expression`);
          continue;
        }
        const lc = (a as { lowercase?: unknown }).lowercase;
        analyzer = { pattern, lowercase: lc === undefined ? true : lc === true };
      }
      if (!analyzer) {
        err(`field '${name}': analyzer must be 'standard' or {pattern: '<separator regex>'}`);
        continue;
      }
      def.analyzer = analyzer;
    }
    defs.push([name, def]);
  }
  return { defs, diagnostics };
}

/** Default schema plus the overrides in `path` (YAML). */
export function loadSchemaFile(path: string, base: Schema = defaultSchema()): SchemaLoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'SCHEMA002',
          message: `cannot read schema file: ${e instanceof Error ? e.message : String(e)}`,
          file: path,
        },
      ],
    };
  }
  const { defs, diagnostics } = parseSchemaOverrides(text, path);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { schema: base.with(defs), diagnostics };
}
