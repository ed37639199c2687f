/**
 * siemc public API.
 *
 * - KQL front end: `parse` (never throws; returns the AST or located diagnostics), `format`
 *   (canonical KQL text), `toCanonical` (the neutral tree of the corpus README).
 * - Rules: `loadRuleText` / `loadRuleFile` / `loadRulePaths` (TOML, Kibana JSON/NDJSON, .kql,
 *   case YAML), `validateRule`, `ruleWindows`.
 * - Evaluation: `compileQuery` (AST → predicate over JSON events), `runRule` / `runRuleSync`
 *   (query, new_terms and threshold rules over event streams), `readNdjson`.
 * - Translation: `translateRule(rule, getTarget('spl' | 'sentinel' | 'sigma'), opts)`.
 * - Equivalence: `verifyRule` (source rule vs its translations on boundary events),
 *   `decideEquivalence` (two KQL queries, exact in the decidable fragment).
 */
export { parse } from './kql/parse.js';
export type { ParseResult } from './kql/parse.js';
export { format } from './kql/print.js';
export type { FormatOptions } from './kql/print.js';
export { toCanonical } from './kql/canonical.js';
export type { CanonicalNode } from './kql/canonical.js';
export type * from './kql/ast.js';
export type { Diagnostic } from './diagnostics.js';
export { renderDiagnostic, hasErrors } from './diagnostics.js';

export {
  loadRuleText,
  loadRuleFile,
  loadRulePaths,
  validateRule,
  validateRules,
  ruleAst,
  ruleWindows,
  replaceQueryInFile,
} from './rules/index.js';
export type { Rule, LoadedRule, RuleWindows } from './rules/index.js';

export { compileQuery, QueryCompileError } from './eval/index.js';
export type { CompileOptions, Predicate } from './eval/index.js';
export { RuleRunner, runRule, runRuleSync, readNdjson } from './engine/index.js';
export type { Alert, EngineOptions, EventRecord, RunResult } from './engine/index.js';

export { translateRule } from '../targets/core/translate.js';
export { getTarget, allTargets, targetNames, UnknownTargetError } from '../targets/registry.js';
export type { Translation, TranslationDiagnostic } from '../targets/types.js';
export { loadMapping, MappingError } from './mapping/load.js';

export { verifyRule } from './equiv/verify.js';
export type { VerifyOptions, RuleReport } from './equiv/verify.js';
export { decideEquivalence } from './equiv/decide/index.js';
export type { Decision, DecideOptions } from './equiv/decide/index.js';
