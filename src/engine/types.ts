/** Shapes shared by the rule engine, the NDJSON reader and the CLI. */

/** One event: a parsed JSON object and where it came from (1-based line). */
export interface EventRecord {
  doc: object;
  file: string;
  line: number;
}

/** A reference to an event, as printed in alerts and matches. */
export interface EventRef {
  file: string;
  line: number;
  /** The event's `event.id`, when it has one. */
  event_id?: string;
  /** Its window timestamp (ISO 8601), when the rule has a window. */
  timestamp?: string;
}

export interface Alert extends EventRef {
  /** Rule id. */
  rule: string;
  type: string;
  /** new_terms: the new value tuple, in `new_terms_fields` order. */
  new_terms?: unknown[];
  /** threshold: group-by field → value. */
  terms?: Record<string, unknown>;
  /** threshold: events in the group. */
  count?: number;
  /** threshold: lines / event ids of the group's events (in input order). */
  lines?: { file: string; line: number }[];
  event_ids?: string[];
  /** threshold with cardinality: distinct counts per cardinality field. */
  cardinality?: { field: string; value: number }[];
}

export interface RuleStats {
  /** Events pushed to the rule. */
  scanned: number;
  /** Events inside the rule window (all events for a bare query). */
  inWindow: number;
  /** Query matches inside the window. */
  matches: number;
  alerts: number;
  /** Events without a usable timestamp (rules with a window only). */
  noTimestamp: number;
  /** Events after the window end (`now`): not yet searchable. */
  afterWindow: number;
  /** new_terms: query matches in the history window (before the rule window). */
  historyMatches: number;
  /** Milliseconds spent evaluating this rule. */
  ms: number;
}
