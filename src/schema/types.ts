/**
 * Field types the evaluator understands: the Elasticsearch mapping types that occur in ECS and in
 * the integration mappings of the shipped profiles.
 */
export const FIELD_TYPES = [
  'keyword',
  'constant_keyword',
  'wildcard',
  'text',
  'match_only_text',
  'long',
  'integer',
  'short',
  'byte',
  'unsigned_long',
  'double',
  'float',
  'half_float',
  'scaled_float',
  'date',
  'date_nanos',
  'ip',
  'boolean',
  'nested',
  'object',
  'flattened',
  'geo_point',
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

/** How the evaluator compares values of a type. */
export type MatchKind =
  'keyword' | 'text' | 'number' | 'date' | 'ip' | 'boolean' | 'object' | 'geo';

export function matchKindOf(t: FieldType): MatchKind {
  switch (t) {
    case 'keyword':
    case 'constant_keyword':
    case 'wildcard':
    case 'flattened':
      return 'keyword';
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
    case 'date':
    case 'date_nanos':
      return 'date';
    case 'ip':
      return 'ip';
    case 'boolean':
      return 'boolean';
    case 'nested':
    case 'object':
      return 'object';
    case 'geo_point':
      return 'geo';
  }
}

export function isIntegerType(t: FieldType): boolean {
  return t === 'long' || t === 'integer' || t === 'short' || t === 'byte' || t === 'unsigned_long';
}

/** One mapped field. */
export interface FieldDef {
  type: FieldType;
  /** keyword: values longer than this (UTF-16 units) are not indexed, so never match. */
  ignoreAbove?: number;
  /** keyword normalizer; `lowercase` folds both the indexed values and the query values. */
  normalizer?: 'lowercase';
  /** A multi-field (`process.command_line.text`): its values are those of this parent field. */
  multiFieldOf?: string;
  /** text: the analyzer (default `standard`). */
  analyzer?: Analyzer;
}

/**
 * Text analysis: `standard` (Unicode word segmentation, lower-cased) or a pattern analyzer that
 * splits on a separator regex (JavaScript syntax) and lower-cases unless told otherwise.
 */
export type Analyzer = 'standard' | { pattern: string; lowercase?: boolean };

/** What the evaluator needs to know about a field name used in a query. */
export interface ResolvedField {
  /** The name as written in the query. */
  name: string;
  /** The document path whose values are read (the parent of a multi-field). */
  valuePath: string;
  type: FieldType;
  ignoreAbove?: number;
  normalizer?: 'lowercase';
  analyzer?: Analyzer;
  /** The innermost ancestor (or the field itself) mapped `nested`, if any. */
  nestedPath?: string;
  /** True when the schema knows the field (or a flattened ancestor); false = default keyword. */
  known: boolean;
}
