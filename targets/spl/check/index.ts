/**
 * SPL checker: parses exactly the SPL subset siemc emits and lints it. Every emitted query must
 * come back without errors (tests enforce it); warnings flag constructs that are valid SPL but
 * probably wrong (lower-case boolean words, empty values, `\*`, `!=`, unquoted dotted names in eval).
 */
import type { Diagnostic } from '../../../src/diagnostics.js';
import type { Pipeline } from './ast.js';
import { parseSpl } from './parse.js';

export interface SplCheckResult {
  ok: boolean;
  pipeline: Pipeline;
  diagnostics: Diagnostic[];
}

export function checkSpl(text: string): SplCheckResult {
  const { pipeline, diagnostics } = parseSpl(text);
  const first = pipeline.commands[0];
  if (first && first.kind !== 'search' && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({
      severity: 'error',
      code: 'SPLCHK-FIRST',
      message: 'an SPL query must start with a search',
      span: { start: 0, end: 1 },
      line: 1,
      column: 1,
      offset: 0,
    });
  }
  return { ok: !diagnostics.some((d) => d.severity === 'error'), pipeline, diagnostics };
}

export { parseSpl } from './parse.js';
export { pcreToJs } from './pcre.js';
export type * from './ast.js';
