/** Rule model, loaders, validation and rule-level AST: the public API of src/rules. */
export * from './model.js';
export { RuleCode } from './codes.js';
export {
  loadRuleText,
  loadRuleFile,
  loadRulePaths,
  readRuleFile,
  finishRule,
  formatFromPath,
  sniffFormat,
  MAX_RULE_FILE_BYTES,
} from './load.js';
export type { LoadOptions, PathsIO, PathsOptions } from './load.js';
export { ruleAst, relocateQueryDiagnostic, queryToFileOffset, MAX_QUERY_CHARS } from './ast.js';
export type { RuleAstResult } from './ast.js';
export { validateRule, validateRules, findDuplicateIds } from './validate.js';
export type { ValidateOptions } from './validate.js';
export { filterToAst } from './filters.js';
export type { FilterResult } from './filters.js';
export { loadCaseSpec } from './case-spec.js';
export type { CaseSpec, CaseEvent, CaseExpect, TargetExpect, CaseLoad } from './case-spec.js';
export { queryFields, ruleSettingFields } from './fields.js';
export type { QueryFields } from './fields.js';
export { ruleWindows } from './windows.js';
export type { RuleWindows } from './windows.js';
export { replaceQueryInFile, ReplaceQueryError } from './replace.js';
export type { ReplaceOptions } from './replace.js';
export { encodeTomlString, decodeTomlString, decodeJsonString } from './strings.js';
