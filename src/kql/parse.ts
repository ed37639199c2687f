/**
 * Facade over grammar/: `parse(text)` returns the typed AST or diagnostics, never throws.
 */
import type { Node } from './ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { parseKql } from '../../grammar/index.js';

export interface ParseResult {
  /** The AST, or null when the text has syntax errors. */
  ast: Node | null;
  /** Syntax errors (severity error) and lint warnings (e.g. a value that swallowed a keyword). */
  diagnostics: Diagnostic[];
}

export function parse(text: string): ParseResult {
  return parseKql(text);
}
