/**
 * Types shared by the equivalence module: the event model, the native matcher it checks against,
 * and the interface every target interpreter (SPL, Kusto, Sigma) implements for `siemc verify`.
 */
import type { Node } from '../kql/ast.js';
import type { TargetName, Translation } from '../../targets/types.js';
import type { Rule } from '../rules/model.js';

/** An ECS document (nested objects and/or dotted keys), as the native evaluator reads it. */
export type EcsEvent = Record<string, unknown>;

/** Compiles a query once; the result tells whether a document matches. */
export type NativeMatcher = (ast: Node) => (doc: EcsEvent) => boolean;

/** A generated event with the reason it exists. */
export interface GeneratedEvent {
  /** Stable id (`g0001`...), also written to `event.id` when the rule does not constrain it. */
  id: string;
  doc: EcsEvent;
  /** Why the event is interesting, e.g. `process.name:"cmd.exe" true (value "cmd.exe")`. */
  why: string;
  /** For rule-level boundary events (new_terms / threshold): ISO timestamp relative to `now`. */
  timestamp?: string;
}

/** What an interpreter reports for a query rule: the ids of the input events that match. */
export interface InterpreterRun {
  /** Indices (into the `events` array given to `run`) of the events the translation selects. */
  matches: number[];
  /** Rule-level alerts (new_terms / threshold), as group keys; absent for query rules. */
  alerts?: { key: string; events: number[] }[];
  /** Anything the interpreter could not execute (then the comparison is skipped for this target). */
  unsupported?: string[];
}

/**
 * A target interpreter: runs a translation's emitted text over events in the target's own event
 * shape (the mapping profile's ECS→target transform is applied by `transform`).
 */
export interface TargetInterpreter {
  target: TargetName;
  /**
   * Does the translation carry the rule's time window? (Sigma rules do not: the deployment
   * schedules them.) When false, the window-edge events are not compared.
   */
  windowed?: boolean;
  /** Turn ECS events into the records the target sees (identity for pass-through mappings). */
  transform?(
    events: readonly EcsEvent[],
    rule: Rule,
    translation: Translation,
  ): Record<string, unknown>[];
  run(
    translation: Translation,
    events: readonly Record<string, unknown>[],
    opts: InterpreterOptions,
  ): InterpreterRun;
  /**
   * Rule level (new_terms / threshold): run the whole translation — time windows, history,
   * grouping — over a stream of events (in the target's shape) and count the alerts it raises.
   * Absent when the interpreter cannot (then only the query part is compared).
   */
  alerts?(
    translation: Translation,
    events: readonly Record<string, unknown>[],
    opts: InterpreterOptions,
  ): number;
}

export interface InterpreterOptions {
  /** Pinned "now" (ISO) for windows. */
  now: string;
  rule: Rule;
  /**
   * Lookup tables the translation reads (mapping profile `lookup` items), built by `verify` from
   * the events themselves: the raw input field's value → the ECS value the integration's
   * enrichment gave (e.g. `asn_lookup`: ClientIP → source.as.number).
   */
  lookups?: Record<string, Record<string, unknown>[]>;
}
