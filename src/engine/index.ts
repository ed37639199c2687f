export { RuleRunner, runRule, runRuleSync } from './runner.js';
export type { EngineOptions, RunResult } from './runner.js';
export type { Alert, EventRecord, EventRef, RuleStats } from './types.js';
export {
  readNdjson,
  readNdjsonBatches,
  parseNdjsonText,
  expandEventPaths,
  totalBytes,
  isGzipFile,
  LineParser,
  NdjsonError,
} from './ndjson.js';
export type { NdjsonOptions } from './ndjson.js';
export { termsOf, combinations } from './values.js';
