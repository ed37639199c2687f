export {
  Schema,
  defaultSchema,
  ecsFieldDefs,
  loadSchemaFile,
  parseSchemaOverrides,
  ECS_VERSION,
} from './schema.js';
export type { SchemaLoadResult } from './schema.js';
export { FIELD_TYPES, matchKindOf, isIntegerType } from './types.js';
export type { FieldType, FieldDef, ResolvedField, MatchKind, Analyzer } from './types.js';
