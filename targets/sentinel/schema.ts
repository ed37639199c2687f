/**
 * Sentinel table schemas as data (rules/schemas/sentinel/*.yaml): the columns the emitter may use
 * and the language-service check declares, plus, for tables holding JSON documents in dynamic
 * columns (the generic ECS table), the type and shape of the fields inside them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export type KustoScalarType =
  | 'string'
  | 'int'
  | 'long'
  | 'real'
  | 'decimal'
  | 'bool'
  | 'datetime'
  | 'timespan'
  | 'guid'
  | 'dynamic';

export const KUSTO_TYPES: readonly KustoScalarType[] = [
  'string',
  'int',
  'long',
  'real',
  'decimal',
  'bool',
  'datetime',
  'timespan',
  'guid',
  'dynamic',
];

/** Type of a field inside a dynamic column: a scalar kind, optionally `[]` (array of them). */
export interface FieldShape {
  /** `string` (keyword), `text` (analyzed), `long`, `real`, `bool`, `datetime`, `ip`, `dynamic`, `object`, `nested`. */
  type: string;
  /** The field holds an array (any-element semantics needed). */
  array: boolean;
}

export interface TableSchema {
  table: string;
  description?: string;
  columns: Record<string, KustoScalarType>;
  /** Shapes of dotted fields inside dynamic columns (generic ECS table); keyword scalars are implicit. */
  fields: Record<string, FieldShape>;
  /** Which column plays `@timestamp` and which `event.ingested`. */
  timestamp: { eventTime?: string; ingestTime?: string };
  /** The Sentinel data connector that fills the table (analytic rules list it). */
  connector?: string;
  /** File it came from. */
  file: string;
}

export class SchemaError extends Error {}

/** The directory `rules/schemas/sentinel` of this package (works from sources and from dist/). */
export function defaultSchemaDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const cand = join(dir, 'rules', 'schemas', 'sentinel');
    if (existsSync(cand)) return cand;
    dir = resolve(dir, '..');
  }
  throw new SchemaError('cannot find rules/schemas/sentinel next to the siemc package');
}

function parseShape(text: string): FieldShape {
  const array = text.endsWith('[]');
  return { type: array ? text.slice(0, -2) : text, array };
}

/** Parse one schema document; throws SchemaError with the file and the cause. */
export function parseTableSchema(text: string, file: string): TableSchema {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new SchemaError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null) throw new SchemaError(`${file}: expected a mapping`);
  const d = doc as Record<string, unknown>;
  if (typeof d.table !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(d.table))
    throw new SchemaError(`${file}: 'table' must be a Kusto table name`);
  if (typeof d.columns !== 'object' || d.columns === null)
    throw new SchemaError(`${file}: 'columns' must map column names to Kusto types`);
  const columns: Record<string, KustoScalarType> = {};
  for (const [name, type] of Object.entries(d.columns as Record<string, unknown>)) {
    if (!KUSTO_TYPES.includes(type as KustoScalarType))
      throw new SchemaError(
        `${file}: column '${name}' has type '${String(type)}'; expected one of ${KUSTO_TYPES.join(', ')}`,
      );
    columns[name] = type as KustoScalarType;
  }
  const fields: Record<string, FieldShape> = {};
  if (d.fields !== undefined) {
    if (typeof d.fields !== 'object' || d.fields === null)
      throw new SchemaError(`${file}: 'fields' must map dotted field names to shapes`);
    for (const [name, shape] of Object.entries(d.fields as Record<string, unknown>)) {
      if (typeof shape !== 'string')
        throw new SchemaError(`${file}: field '${name}' needs a type string`);
      fields[name] = parseShape(shape);
    }
  }
  const ts = (d.timestamp ?? {}) as Record<string, unknown>;
  const timestamp = {
    eventTime: typeof ts['@timestamp'] === 'string' ? ts['@timestamp'] : undefined,
    ingestTime: typeof ts['event.ingested'] === 'string' ? ts['event.ingested'] : undefined,
  };
  for (const c of [timestamp.eventTime, timestamp.ingestTime])
    if (c !== undefined && !(c in columns))
      throw new SchemaError(`${file}: timestamp column '${c}' is not a column`);
  if (d.connector !== undefined && (typeof d.connector !== 'string' || d.connector === ''))
    throw new SchemaError(`${file}: 'connector' must be a Sentinel data connector id`);
  return {
    table: d.table,
    description: typeof d.description === 'string' ? d.description : undefined,
    connector: d.connector as string | undefined,
    columns,
    fields,
    timestamp,
    file,
  };
}

/** Load every `*.yaml` of a directory. */
export function loadSchemaDir(dir: string): TableSchema[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => parseTableSchema(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
}

let bundled: ReadonlyMap<string, TableSchema> | undefined;

/** The schemas shipped with siemc, keyed by table name (read once; immutable). */
export function bundledSchemas(): ReadonlyMap<string, TableSchema> {
  if (!bundled) bundled = new Map(loadSchemaDir(defaultSchemaDir()).map((s) => [s.table, s]));
  return bundled;
}

/** Shape of a dotted field of a schema, looking up parents so `a.b.c` under an `object[]` `a.b` is found. */
export function fieldShape(schema: TableSchema, field: string): FieldShape | undefined {
  return schema.fields[field];
}
