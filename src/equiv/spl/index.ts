/**
 * SPL subset interpreter: runs the SPL siemc emits over events with Splunk's semantics, so a
 * translation can be compared with the native evaluator. See README.md.
 */
export {
  runSpl,
  runPipeline,
  type SplRunOptions,
  type SplRunResult,
  type LookupTable,
} from './run.js';
export {
  splunkEventFromJson,
  splunkEventFromEcs,
  fieldValues,
  type SplEvent,
  type EventMeta,
} from './event.js';
export { evalSearch, searchValueMatches } from './search.js';
export { evalExpr, SplRuntimeError, type EvalValue } from './evaluate.js';
export { resolveRelativeTime, SplTimeError } from './time.js';
export { splInterpreter } from './adapter.js';
