/**
 * Field-mapping profiles: data that says how ECS fields, values and index patterns look in each
 * target SIEM. Profiles are YAML files (`rules/mappings/*.yaml` or a user file); see
 * `docs/convert.md` for the format. Every target reads only its own section (`spl`, `sentinel`,
 * `sigma`) plus the target-independent `fields` type hints.
 */
import type { Effect, TargetName } from '../../targets/types.js';

/** Type hint of a field (ECS type families). */
export type FieldType = 'keyword' | 'text' | 'number' | 'ip' | 'boolean' | 'date' | 'object';

/** Target-independent facts about an ECS field. */
import type { Analyzer } from '../schema/types.js';

export interface FieldHint {
  type?: FieldType;
  /** The field may hold several values (an array, or a flattened array of objects). */
  multivalue?: boolean;
  /** Keyword with a lowercase normalizer: matching ignores case. */
  caseInsensitive?: boolean;
  /** Document path the values are read from (multi-fields: `process.name.caseless` → `process.name`). */
  valuePath?: string;
  /** Text fields: how Elasticsearch analyses them (default `standard`). */
  analyzer?: Analyzer;
  /** Number fields of an integer type (long, integer, ...): Elasticsearch truncates decimals. */
  integer?: boolean;
  /** Keyword fields: longer values are not indexed (Elasticsearch `ignore_above`). */
  ignoreAbove?: number;
}

/** A Name/Value pair array: the value of the entry whose name is `name`. */
export interface PairSpec {
  /** Target field holding the names, e.g. `ExtendedProperties{}.Name`. */
  nameField: string;
  /** Target field holding the values, e.g. `ExtendedProperties{}.Value`. */
  valueField: string;
  /** The entry name, e.g. `RequestType`. */
  name: string;
}

/** A value obtained through a lookup table keyed by another field (e.g. ASN by client IP). */
export interface LookupSpec {
  /** Lookup table / definition name in the target, e.g. `asn_lookup`. */
  table: string;
  /** Target field holding the key, e.g. `ClientIP`. */
  input: string;
  /** Column of the lookup table matched against `input` (default: same as `input`). */
  inputField?: string;
  /** Column of the lookup table that holds the wanted value, e.g. `asn`. */
  output: string;
}

/**
 * How one ECS field appears in a target. Exactly one of `field`, `pair`, `lookup`, `expression`,
 * `none` says where the value comes from (a bare string in YAML is shorthand for `{field}`).
 */
export interface FieldMapItem {
  /** Item id for provenance; defaults to the ECS field name. */
  id: string;
  /** Target field name. */
  field?: string;
  pair?: PairSpec;
  lookup?: LookupSpec;
  /** A target-syntax expression that yields the value (the target decides the template syntax). */
  expression?: string;
  /** The field has no equivalent in the target: clauses on it cannot be translated. */
  none?: boolean;
  type?: FieldType;
  multivalue?: boolean;
  /** KQL literal → target literal. */
  values?: Record<string, string>;
  /** Declared effect on meaning whenever this item is used (default exact). */
  effect?: Effect;
  /** Message of the diagnostic reported whenever this item is used. */
  warning?: string;
  /** Target-specific extension point: free-form, validated by the target that reads it. */
  options?: Record<string, unknown>;
}

/**
 * A routing item: the target's source selection (sourcetype, table, logsource) already implies
 * `field` has one of `values`, so a clause on it is decided at translation time.
 */
export interface RouteItem {
  id: string;
  field: string;
  values: string[];
}

/** One target's part of a profile. */
export interface TargetSection {
  /**
   * Where the events live: SPL `{index, sourcetype}`, Sentinel `{table}`, Sigma
   * `{product, service, category}`. Values are strings or string lists.
   */
  source: Record<string, string | string[]>;
  fields: Record<string, FieldMapItem>;
  routes: RouteItem[];
  /** Target-specific extension point (e.g. Sentinel entity mappings, SPL lookup defaults). */
  options: Record<string, unknown>;
}

export interface MappingProfile {
  id: string;
  description: string;
  /** Index patterns this profile serves (used to pick a profile by the rule's `index`). */
  serves: string[];
  /** Target-independent field type hints, keyed by ECS name. */
  fields: Record<string, FieldHint>;
  targets: Partial<Record<TargetName, TargetSection>>;
  /** File the profile was read from (`builtin:<id>` for the bundled ones). */
  origin: string;
}

/** Which profile was chosen for a rule, and why. */
export interface ProfileChoice {
  profile: MappingProfile;
  reason: 'option' | 'index' | 'default';
  /** Index patterns that matched, for `reason: 'index'`. */
  matched?: string[];
}
