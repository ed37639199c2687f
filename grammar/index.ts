/**
 * grammar/ facade: lex, parse, build the AST; turn every failure into a located, plain-words
 * diagnostic. Never throws for bad input.
 */
import { Lexer, type ILexingError, type IRecognitionException, type IToken } from 'chevrotain';
import type { Node } from '../src/kql/ast.js';
import { type Diagnostic, locate } from '../src/diagnostics.js';
import { allTokens } from './tokens.js';
import { KqlParser } from './parser.js';
import { createAstBuilder } from './ast-builder.js';
import { describeLexError, describeParseError } from './errors.js';
import { lintAst } from './lint.js';

/** Parentheses / braces deeper than this are rejected up front with a located error. */
export const MAX_NESTING = 10_000;
/** Above this depth, redundant parentheses are dropped before parsing (see `dropRedundantParens`). */
const COLLAPSE_DEPTH = 64;

const lexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
});
const parser = new KqlParser();
const builder = createAstBuilder(parser);

export interface KqlParseResult {
  ast: Node | null;
  diagnostics: Diagnostic[];
}

/**
 * `((x))` builds the same tree as `(x)`: parentheses around a single parenthesised expression
 * produce no node. Dropping such outer pairs lets machine-generated queries with thousands of
 * redundant levels parse without deep recursion. Only for balanced token streams, so error
 * positions are unchanged.
 */
function dropRedundantParens(tokens: IToken[]): IToken[] {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const n = tokens[i].tokenType.name;
    if (n === 'LParen') stack.push(i);
    else if (n === 'RParen') {
      const open = stack.pop();
      if (open === undefined) return tokens;
      match[open] = i;
      match[i] = open;
    }
  }
  if (stack.length > 0) return tokens;
  const drop = new Uint8Array(tokens.length);
  for (let i = 0; i + 1 < tokens.length; i++) {
    const close = match[i];
    if (tokens[i].tokenType.name === 'LParen' && match[i + 1] === close - 1 && close - 1 > i + 1) {
      if (tokens[i + 1].tokenType.name === 'LParen') {
        drop[i] = 1;
        drop[close] = 1;
      }
    }
  }
  return tokens.filter((_, i) => drop[i] === 0);
}

function maxDepth(tokens: IToken[]): number {
  let depth = 0;
  let max = 0;
  for (const t of tokens) {
    const n = t.tokenType.name;
    if (n === 'LParen' || n === 'LBrace') max = Math.max(max, ++depth);
    else if (n === 'RParen' || n === 'RBrace') depth--;
  }
  return max;
}

function nestingError(tokens: IToken[]): Diagnostic | null {
  let depth = 0;
  for (const t of tokens) {
    const n = t.tokenType.name;
    if (n === 'LParen' || n === 'LBrace') {
      if (++depth > MAX_NESTING) {
        return {
          severity: 'error',
          code: 'KQL010',
          message: `parentheses nested more than ${MAX_NESTING} levels deep`,
          span: { start: t.startOffset, end: t.startOffset + 1 },
          hint: 'flatten the query: a chain of and/or needs no nested parentheses',
        };
      }
    } else if (n === 'RParen' || n === 'RBrace') depth--;
  }
  return null;
}

export function parseKql(text: string): KqlParseResult {
  const lexed = lexer.tokenize(text);
  const lexError: ILexingError | undefined = lexed.errors[0];
  let tokens = lexed.tokens;
  const deep = nestingError(tokens);
  if (deep) return { ast: null, diagnostics: [locate(deep, text)] };
  if (maxDepth(tokens) > COLLAPSE_DEPTH) tokens = dropRedundantParens(tokens);

  try {
    return parseTokens(text, tokens, lexError);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // The call stack ran out: report it cleanly, at the first opening of the deepest group.
    const d: Diagnostic = {
      severity: 'error',
      code: 'KQL010',
      message: `query is nested too deeply to parse (${maxDepth(tokens)} levels)`,
      offset:
        tokens.find((t) => t.tokenType.name === 'LParen' || t.tokenType.name === 'LBrace')
          ?.startOffset ?? 0,
      hint: 'flatten the query: a chain of and/or needs no nested parentheses',
    };
    return { ast: null, diagnostics: [locate(d, text)] };
  }
}

function parseTokens(
  text: string,
  tokens: IToken[],
  lexError: ILexingError | undefined,
): KqlParseResult {
  const cst = parser.parseTokens(tokens);
  const parseError: IRecognitionException | undefined = parser.errors[0];

  // Report whichever problem comes first in the text: the parser stops at the first bad token,
  // the lexer at the first character no token matches.
  const parseOffset = parseError
    ? Number.isNaN(parseError.token.startOffset)
      ? text.length
      : parseError.token.startOffset
    : Infinity;
  if (lexError && lexError.offset <= parseOffset) {
    return { ast: null, diagnostics: [locate(describeLexError(text, lexError), text)] };
  }
  if (parseError) {
    return {
      ast: null,
      diagnostics: [locate(describeParseError(text, tokens, parseError), text)],
    };
  }
  const ast: Node = builder.visit(cst, text);
  return { ast, diagnostics: lintAst(ast, text).map((d) => locate(d, text)) };
}
