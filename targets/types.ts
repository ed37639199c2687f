/**
 * Types shared by every translation target (SPL, Sentinel/Kusto, Sigma) and the translation core.
 */
import type { Span } from '../src/kql/ast.js';
import type { Severity } from '../src/diagnostics.js';

export type TargetName = 'spl' | 'sentinel' | 'sigma';

/** What a piece of translation does to the rule's meaning. */
export type Effect = 'exact' | 'wider' | 'narrower' | 'unsupported';

/** A rule's overall verdict: the worst effect; `different` when both wider and narrower. */
export type Verdict = Effect | 'different';

export interface TranslationDiagnostic {
  severity: Severity;
  code: string;
  message: string;
  /** What this point does to the meaning; `exact` for purely informational notes. */
  effect: Effect;
  span?: Span;
  target: TargetName;
  rule?: string;
  hint?: string;
}

/** Which mapping item touched which part of the rule (provenance). */
export interface MappingTraceEntry {
  /** Mapping profile id and item id, e.g. `o365/fields/o365.audit.UserId`. */
  item: string;
  /** Source field or construct. */
  from: string;
  /** What it became in the target. */
  to: string;
  span?: Span;
}

export interface OutputFile {
  /** Path relative to the output directory, e.g. `splunk/rule.spl`. */
  path: string;
  content: string;
}

export interface Translation {
  target: TargetName;
  /** The main text: the SPL search, the Kusto query, the Sigma YAML. */
  text: string;
  /** Extra deployable artifacts (savedsearches stanza, Sentinel analytic rule YAML, ...). */
  artifacts?: OutputFile[];
  diagnostics: TranslationDiagnostic[];
  mappingTrace: MappingTraceEntry[];
  verdict: Verdict;
}

/** Combine effects into a verdict. */
export function verdictOf(effects: Iterable<Effect>): Verdict {
  let wider = false;
  let narrower = false;
  let unsupported = false;
  for (const e of effects) {
    if (e === 'wider') wider = true;
    else if (e === 'narrower') narrower = true;
    else if (e === 'unsupported') unsupported = true;
  }
  if (unsupported) return 'unsupported';
  if (wider && narrower) return 'different';
  if (wider) return 'wider';
  if (narrower) return 'narrower';
  return 'exact';
}
