/**
 * Diagnostics are data: every stage reports problems as `Diagnostic` values; one renderer prints
 * them with the source line and a caret. The API never throws for bad input.
 */
import type { Span } from './kql/ast.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine code, e.g. `KQL001`, `RULE010`, `SPL-WIDER-CASE`. */
  code: string;
  /** Plain-words message, e.g. "expected a value after ':'". */
  message: string;
  /** Location in the source text the diagnostic is about (UTF-16 offsets). */
  span?: Span;
  /** 1-based line and column of `span.start` (filled by `locate`). */
  line?: number;
  column?: number;
  /** 0-based UTF-16 offset of the position (same as span.start when a span is set). */
  offset?: number;
  /** What was expected at that position, in readable words. */
  expected?: string[];
  /** A hint on how to fix it. */
  hint?: string;
  /** The file the diagnostic is about, when it comes from a file. */
  file?: string;
  /** The rule id, when it is about a rule. */
  rule?: string;
}

/** Line/column (1-based) of a UTF-16 offset in `text`. Lines end at \n, \r\n or \r. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The full text of the 1-based line `line` of `text`, without its line end. */
export function sourceLine(text: string, line: number): string {
  const lines = text.split(/\r\n|\r|\n/);
  return lines[line - 1] ?? '';
}

/** Fill `line`, `column` and `offset` from `span` (or `offset`) against `text`. */
export function locate(d: Diagnostic, text: string): Diagnostic {
  const offset = d.offset ?? d.span?.start;
  if (offset === undefined) return d;
  const { line, column } = lineColumn(text, offset);
  return { ...d, offset, line, column };
}

/**
 * Render a diagnostic for people:
 *
 *   file:1:7 error KQL002 expected a value after ':'
 *     process.name:
 *                  ^
 *   hint: ...
 */
/** Source lines longer than this are cut to a window around the reported column. */
const EXCERPT_WIDTH = 120;

export function renderDiagnostic(d: Diagnostic, text?: string): string {
  const where = [d.file ?? '<input>', d.line ?? '?', d.column ?? '?'].join(':');
  const out = [`${where} ${d.severity} ${d.code} ${d.message}`];
  if (text !== undefined && d.line !== undefined && d.column !== undefined) {
    const full = sourceLine(text, d.line).replace(/\t/g, ' ');
    // A long line (a one-line JSON rule, a huge query) is shown as a window around the column.
    let start = 0;
    let src = full;
    if (full.length > EXCERPT_WIDTH) {
      start = Math.max(0, Math.min(d.column - 1 - 40, full.length - EXCERPT_WIDTH));
      const end = start + EXCERPT_WIDTH;
      src = (start > 0 ? '…' : '') + full.slice(start, end) + (end < full.length ? '…' : '');
      if (start > 0) start--; // the leading '…' takes a column
    }
    out.push('  ' + src);
    const col = d.column - 1 - start;
    const width = Math.max(
      1,
      Math.min((d.span?.end ?? 0) - (d.span?.start ?? 0), src.length - col),
    );
    out.push('  ' + ' '.repeat(col) + '^'.repeat(d.span ? width : 1));
  }
  if (d.expected && d.expected.length > 0) out.push(`  expected: ${d.expected.join(', ')}`);
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out.join('\n');
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
