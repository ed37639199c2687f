/**
 * Plain-words syntax errors. Chevrotain tells us which token was unexpected; the message is
 * derived from what came just before it, the way a person reads the query.
 */
import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import { type Diagnostic, lineColumn } from '../src/diagnostics.js';

const VALUE_START = ['a value', "'('"];
const EXPR_START = ['a field name', 'a value', "'('", "'not'"];

const UNQUOTED_ESCAPES =
  'valid escapes in unquoted values are \\\\ \\( \\) \\: \\< \\> \\" \\* \\{ \\} \\t \\r \\n \\uXXXX \\or \\and \\not';

function show(image: string): string {
  const t = image.trim();
  if (t === '') return 'whitespace';
  const short = t.length > 24 ? t.slice(0, 24) + '…' : t;
  return `'${short}'`;
}

export function describeLexError(text: string, e: ILexingError): Diagnostic {
  const at = e.offset;
  const c = text[at];
  if (c === '"') {
    return {
      severity: 'error',
      code: 'KQL003',
      message: 'unterminated quoted string',
      span: { start: at, end: text.length },
      expected: ["closing '\"'"],
      hint: 'close the string with " (inside quotes, write a quote as \\" and a backslash as \\\\)',
    };
  }
  if (c === '\\') {
    if (at + 1 >= text.length) {
      return {
        severity: 'error',
        code: 'KQL004',
        message: 'a value cannot end with a lone backslash',
        span: { start: at, end: at + 1 },
        hint: 'write \\\\ for a literal backslash, or quote the value',
      };
    }
    if (text[at + 1] === 'u') {
      return {
        severity: 'error',
        code: 'KQL004',
        message: `invalid unicode escape '${text.slice(at, at + 6)}': \\u needs four hex digits`,
        span: { start: at, end: Math.min(text.length, at + 6) },
        hint: 'write \\uXXXX with four hex digits, e.g. \\u00e9, or \\\\ for a literal backslash',
      };
    }
    const seq = text.slice(at, at + 2).replace(/\s/g, ' ');
    return {
      severity: 'error',
      code: 'KQL004',
      message: `unknown escape '${seq}' in an unquoted value`,
      span: { start: at, end: at + 2 },
      hint: `${UNQUOTED_ESCAPES}; to keep backslashes as they are (Windows paths), quote the value: "C:\\Windows"`,
    };
  }
  return {
    severity: 'error',
    code: 'KQL005',
    message: `unexpected character '${c}'`,
    span: { start: at, end: at + 1 },
  };
}

interface Ctx {
  text: string;
  tokens: IToken[];
  index: number; // index of the offending token in `tokens` (tokens.length for end of input)
}

function prevToken(ctx: Ctx): IToken | undefined {
  return ctx.tokens[ctx.index - 1];
}

/** Innermost '(' or '{' still open before the offending token. */
function openGroup(ctx: Ctx): IToken | undefined {
  const stack: IToken[] = [];
  for (let i = 0; i < ctx.index; i++) {
    const n = ctx.tokens[i].tokenType.name;
    if (n === 'LParen' || n === 'LBrace') stack.push(ctx.tokens[i]);
    else if (n === 'RParen' || n === 'RBrace') stack.pop();
  }
  return stack[stack.length - 1];
}

function kw(t: IToken): string {
  return t.image.trim().toLowerCase();
}

function closerFor(open: IToken): string {
  return open.tokenType.name === 'LParen' ? ')' : '}';
}

function afterExpressionExpected(ctx: Ctx): string[] {
  const open = openGroup(ctx);
  const exp = ["'and'", "'or'"];
  exp.push(open ? `'${closerFor(open)}'` : 'end of input');
  return exp;
}

const RANGE = new Set(['Lt', 'Lte', 'Gt', 'Gte']);
const VALUE_TOKENS = new Set(['UnquotedLiteral', 'QuotedString']);

export function describeParseError(
  text: string,
  tokens: IToken[],
  e: IRecognitionException,
): Diagnostic {
  const bad = e.token;
  const atEnd = Number.isNaN(bad.startOffset) || bad.tokenType.name === 'EOF';
  const offset = atEnd ? text.length : bad.startOffset;
  const index = atEnd ? tokens.length : tokens.indexOf(bad);
  const ctx: Ctx = { text, tokens, index: index < 0 ? tokens.length : index };
  const prev = prevToken(ctx);
  const prevName = prev?.tokenType.name;
  const badName = atEnd ? 'EOF' : bad.tokenType.name;
  const found = atEnd ? 'the end of the query' : show(bad.image);
  const span = atEnd
    ? { start: text.length, end: text.length }
    : { start: offset, end: offset + Math.max(1, bad.image.trimEnd().length) };
  const d = (code: string, message: string, expected: string[], hint?: string): Diagnostic => ({
    severity: 'error',
    code,
    message,
    span,
    expected,
    hint,
  });

  // What came just before decides what was expected.
  if (prevName === 'Colon') {
    if (badName === 'Not') {
      return d(
        'KQL002',
        "a value cannot start with 'not'",
        [...VALUE_START, "'{'"],
        'to negate a value write field:(not value) or not field:value; to match the text, quote it',
      );
    }
    if (RANGE.has(badName)) {
      return d(
        'KQL002',
        `expected a value after ':' but found ${found}`,
        [...VALUE_START, "'{'"],
        "a range is written without ':', e.g. field > 10",
      );
    }
    return d('KQL002', `expected a value after ':' but found ${found}`, [...VALUE_START, "'{'"]);
  }
  if (prevName && RANGE.has(prevName)) {
    return d(
      'KQL006',
      `expected a value after '${prev!.image}' but found ${found}`,
      ['a value'],
      'a range compares with one value, e.g. field >= 10 or field < "2024-01-01"',
    );
  }
  if (prevName === 'Or' || prevName === 'And') {
    return d(
      'KQL007',
      `expected an expression after '${kw(prev!)}' but found ${found}`,
      EXPR_START,
      atEnd ? `remove the dangling '${kw(prev!)}' or complete the expression` : undefined,
    );
  }
  if (prevName === 'Not') {
    if (badName === 'Not') {
      return d(
        'KQL008',
        "'not not' is not allowed",
        EXPR_START.slice(0, 3),
        'write not (not expression), or drop both',
      );
    }
    return d(
      'KQL008',
      `expected an expression after 'not' but found ${found}`,
      EXPR_START.slice(0, 3),
    );
  }
  if (prevName === 'LParen' || prevName === 'LBrace' || prev === undefined) {
    if (badName === 'RParen' && prevName === 'LParen') {
      return d(
        'KQL009',
        'empty parentheses',
        EXPR_START,
        'put an expression inside ( ) or remove them',
      );
    }
    if (badName === 'RBrace' && prevName === 'LBrace') {
      return d(
        'KQL009',
        'empty nested query',
        EXPR_START,
        'put a query inside { } or remove the nested clause',
      );
    }
    if (badName === 'Colon') {
      return d('KQL001', "expected a field name before ':'", EXPR_START);
    }
    if (badName === 'RParen' && prev === undefined) {
      return d('KQL009', "unexpected ')' without a matching '('", EXPR_START);
    }
    if (badName === 'LBrace') {
      return d('KQL011', 'a nested query needs a field: field:{ ... }', EXPR_START);
    }
    if (RANGE.has(badName)) {
      return d('KQL001', `expected a field name before '${bad.image}'`, EXPR_START);
    }
    if (atEnd) {
      return d(
        'KQL007',
        `expected an expression after '${prev!.image}' but found ${found}`,
        EXPR_START,
      );
    }
    return d('KQL001', `unexpected ${found}`, EXPR_START);
  }

  // The token before ended an expression (value, ')' or '}').
  const open = openGroup(ctx);
  if (atEnd && open) {
    const lc = lineColumn(text, open.startOffset);
    const where = `at line ${lc.line}, column ${lc.column}`;
    return d(
      'KQL009',
      `missing '${closerFor(open)}' to close the '${open.image}' ${where}`,
      afterExpressionExpected(ctx),
    );
  }
  if ((badName === 'RParen' || badName === 'RBrace') && (!open || closerFor(open) !== bad.image)) {
    return d(
      'KQL009',
      open
        ? `'${bad.image}' does not match the '${open.image}' at line ${lineColumn(text, open.startOffset).line}, column ${lineColumn(text, open.startOffset).column}`
        : `unexpected '${bad.image}' without a matching '${bad.image === ')' ? '(' : '{'}'`,
      afterExpressionExpected(ctx),
    );
  }
  if (badName === 'Not') {
    const glued =
      prev && prev.startOffset + prev.image.length === bad.startOffset && !/\s$/.test(prev.image);
    return d(
      'KQL012',
      glued
        ? "the letters 'not' followed by a space end a value, even inside a word"
        : "unexpected 'not' after an expression",
      afterExpressionExpected(ctx),
      glued
        ? `quote the value ("${(prev!.image + bad.image).trim()}…") or escape the keyword as \\not`
        : "combine clauses with 'and not' or 'or not'",
    );
  }
  if (badName === 'Colon') {
    const v = prev && VALUE_TOKENS.has(prev.tokenType.name) ? prev.image.trim() : '';
    const twoClauses = /[ \t\r\n\u00a0]/.test(v);
    return d(
      'KQL013',
      twoClauses
        ? `unexpected ':' after ${show(v)}: KQL has no implicit 'and' between clauses`
        : "unexpected ':' after a value",
      afterExpressionExpected(ctx),
      twoClauses
        ? "join clauses with 'and' or 'or' (a:b and c:d); an unquoted value runs over spaces"
        : "to match a ':' in a value, quote the value or escape it as \\:",
    );
  }
  if (RANGE.has(badName)) {
    return d(
      'KQL006',
      `unexpected '${bad.image}' after an expression`,
      afterExpressionExpected(ctx),
      'a range is written field > value, with one operator; quote values that contain < or >',
    );
  }
  if (
    prevName === 'UnquotedLiteral' &&
    prev!.image.trim().toLowerCase() === 'not' &&
    badName === 'LParen'
  ) {
    return d(
      'KQL008',
      "'not' must be followed by whitespace",
      afterExpressionExpected(ctx),
      'write not (…)',
    );
  }
  if (badName === 'LBrace') {
    return d(
      'KQL011',
      "unexpected '{': a nested query is written field:{ ... }",
      afterExpressionExpected(ctx),
    );
  }
  return d(
    'KQL014',
    `expected 'and', 'or' or the end of the query after an expression, but found ${found}`,
    afterExpressionExpected(ctx),
    "KQL has no implicit 'and': join clauses with 'and' or 'or'",
  );
}
