/**
 * One typed rule model for every input format (detection-rules TOML, Kibana JSON / NDJSON export,
 * bare .kql). Loaders produce it; the engine and every target consume it.
 */
import type { Node } from '../kql/ast.js';
import type { Diagnostic } from '../diagnostics.js';

export type RuleType =
  | 'query'
  | 'new_terms'
  | 'threshold'
  // recognised, not supported:
  | 'eql'
  | 'esql'
  | 'threat_match'
  | 'machine_learning'
  | 'saved_query';

export type RuleLanguage = 'kuery' | 'lucene' | 'eql' | 'esql';

/** Every rule type Kibana's detection engine knows; only the first three are supported. */
export const KNOWN_RULE_TYPES: readonly string[] = [
  'query',
  'new_terms',
  'threshold',
  'eql',
  'esql',
  'threat_match',
  'machine_learning',
  'saved_query',
];
export const SUPPORTED_RULE_TYPES: readonly string[] = ['query', 'new_terms', 'threshold'];
export const KNOWN_LANGUAGES: readonly string[] = ['kuery', 'lucene', 'eql', 'esql'];

/** Input formats of rule files. */
export type RuleFileFormat = 'toml' | 'json' | 'ndjson' | 'kql' | 'yaml';

export interface ThreatTechnique {
  id: string;
  name?: string;
  reference?: string;
  subtechnique?: { id: string; name?: string; reference?: string }[];
}

export interface ThreatEntry {
  framework: string;
  tactic: { id: string; name: string; reference?: string };
  technique: ThreatTechnique[];
}

export interface NewTermsSpec {
  /** 1–3 field names; the combination of their values is the term. */
  fields: string[];
  /** Date math, e.g. `now-7d`. */
  historyWindowStart: string;
}

export interface ThresholdSpec {
  /** Group-by fields; may be empty (one group over all matching events). */
  field: string[];
  /** Minimum count, >= 1. */
  value: number;
  cardinality?: { field: string; value: number }[];
}

/** Where a piece of the rule came from, for diagnostics that point into the rule file. */
export interface SourceRef {
  /** File path as given by the user (or `<stdin>`). */
  file: string;
  /** Full text of the file, when the rule came from a text file. */
  text?: string;
  /** UTF-16 offset of the first character of the query string's *content* in `text`. */
  queryOffset?: number;
  /**
   * Maps an offset inside the (decoded) query string to an offset in `text`; needed when the
   * query was written in an escaped TOML/JSON string. Absent when offsets are a plain shift.
   */
  queryOffsetMap?: (queryOffset: number) => number;
  /** 1-based line of the rule in a multi-rule file (NDJSON export). */
  line?: number;
  /** The format the rule was read from. */
  format?: RuleFileFormat;
  /** Offset of the rule in `text` (start of its NDJSON line; 0 for a one-rule file). */
  ruleOffset?: number;
  /** Offsets in `text` of the rule's fields (`from`, `threshold.value`, ...), for diagnostics. */
  fieldOffsets?: Record<string, number>;
}

export interface Rule {
  id: string;
  name: string;
  description: string;
  type: RuleType | string;
  language?: RuleLanguage | string;
  /** The KQL query text, exactly as written. */
  query?: string;
  /** Parsed query (query AND filters), when the rule is a supported KQL rule and parsed clean. */
  ast?: Node;
  severity?: string;
  riskScore?: number;
  tags: string[];
  threat: ThreatEntry[];
  references: string[];
  falsePositives: string[];
  author: string[];
  license?: string;
  index: string[];
  /** Date math, default `now-6m`. */
  from: string;
  /** Duration, default `5m`. */
  interval: string;
  /** Date math, end of the look-back window; Kibana's default `now`. */
  to?: string;
  timestampOverride?: string;
  newTerms?: NewTermsSpec;
  threshold?: ThresholdSpec;
  /** Kibana filter objects, kept verbatim (they are ANDed with the query). */
  filters?: unknown[];
  /** Kibana exception lists the rule references (not applied by siemc; reported as info). */
  exceptionsList?: unknown[];
  /** Free-form metadata (creation_date, maturity, ...). */
  metadata: Record<string, unknown>;
  source: SourceRef;
}

/** A supported rule: a KQL (`kuery`) rule of type query, new_terms or threshold. */
export function isSupportedRule(rule: Pick<Rule, 'type' | 'language'>): boolean {
  return SUPPORTED_RULE_TYPES.includes(rule.type) && (rule.language ?? 'kuery') === 'kuery';
}

/** Result of loading one rule: the rule (when it could be read) and everything said about it. */
export interface LoadedRule {
  rule?: Rule;
  diagnostics: Diagnostic[];
  file: string;
}
