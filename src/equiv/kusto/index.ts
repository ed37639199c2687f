/**
 * Kusto interpreter facade: parse the emitted Kusto subset and run it over rows.
 */
export { parseKusto } from './parser.js';
export { runKusto, type Row, type EvalContext } from './eval.js';
export { KustoSyntaxError } from './lexer.js';
export {
  KDate,
  KDyn,
  KSpan,
  type KValue,
  KustoRuntimeError,
  fromJson,
  toStr,
  keyOf,
} from './values.js';
export {
  rowsFromNdjson,
  rowFromJson,
  ecsDocumentToRow,
  shapeViolation,
  type RowShape,
} from './rows.js';
