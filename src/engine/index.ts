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
export { scanEvents } from './batch.js';
export type { ScanStats, ScanOptions } from './batch.js';
export type { EventFile } from './ndjson.js';
export {
  runSpecFile,
  renderSpecOutcome,
  compareAlerts,
  alertMatches,
  looksLikeSpec,
} from './spec.js';
export type { SpecOutcome, SpecCheck, SpecOptions } from './spec.js';
