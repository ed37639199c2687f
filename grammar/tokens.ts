/**
 * KQL tokens, exactly as Kibana's grammar (kbn-es-query kuery/grammar) delimits them.
 *
 * KQL is whitespace-sensitive in ways a plain regex lexer cannot express:
 * - an unquoted literal runs over inner spaces and stops only before a special character,
 *   before whitespace + `or`/`and` + whitespace, or before `not` + whitespace (even inside a word);
 * - `or`/`and` need whitespace on both sides, and are only keywords where an expression may end
 *   (after a value, `)` or `}`): elsewhere (` and a:b`) the letters start a literal;
 * - `not` needs whitespace after it.
 * Those rules live in the custom matchers below, written as tight char-code loops.
 */
import { createToken, Lexer, type CustomPatternMatcherReturn, type IToken } from 'chevrotain';

/** Whitespace between tokens: space, TAB, CR, LF and U+00A0 only (not other Unicode spaces). */
export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}

/** Characters that end an unquoted literal unless escaped: \ ( ) : < > " * { } (`*` is a wildcard part). */
export function isSpecial(c: number): boolean {
  return (
    c === 92 || // \
    c === 40 || // (
    c === 41 || // )
    c === 58 || // :
    c === 60 || // <
    c === 62 || // >
    c === 34 || // "
    c === 42 || // *
    c === 123 || // {
    c === 125 // }
  );
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Does `word` (lowercase ASCII) occur case-insensitively at `i`? */
function wordAt(text: string, i: number, word: string): boolean {
  if (i + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    if (lower(text.charCodeAt(i + k)) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** Length of `Space+ word Space+` at `i`, or 0. */
function binaryKeywordAt(text: string, i: number, word: string): number {
  const n = text.length;
  let j = i;
  while (j < n && isSpace(text.charCodeAt(j))) j++;
  if (j === i || !wordAt(text, j, word)) return 0;
  let k = j + word.length;
  const afterWord = k;
  while (k < n && isSpace(text.charCodeAt(k))) k++;
  return k === afterWord ? 0 : k - i;
}

/** Length of `not Space+` at `i`, or 0. */
function notKeywordAt(text: string, i: number): number {
  if (!wordAt(text, i, 'not')) return 0;
  const n = text.length;
  let k = i + 3;
  while (k < n && isSpace(text.charCodeAt(k))) k++;
  return k === i + 3 ? 0 : k - i;
}

/** Kibana's `Keyword` lookahead: `or`/`and` with surrounding space, or `not` + space. */
function keywordAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (isSpace(c)) return binaryKeywordAt(text, i, 'or') > 0 || binaryKeywordAt(text, i, 'and') > 0;
  return (c === 110 || c === 78) && notKeywordAt(text, i) > 0;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isHex4(text: string, i: number): boolean {
  return (
    i + 4 <= text.length &&
    isHex(text.charCodeAt(i)) &&
    isHex(text.charCodeAt(i + 1)) &&
    isHex(text.charCodeAt(i + 2)) &&
    isHex(text.charCodeAt(i + 3))
  );
}

/**
 * Decoded content of an unquoted literal, carried as the token payload so the AST builder does
 * not scan the text again: `chunks` are the literal texts between unescaped `*` wildcards.
 */
export interface UnquotedPayload {
  chunks: string[];
  /** The raw text has inner whitespace (only such values can hide a keyword: see lint.ts). */
  spaced: boolean;
}

/**
 * Length of the valid escape sequence at `i` (text[i] is a backslash) inside an unquoted literal
 * and its decoded text, or null when the backslash starts no valid escape (a syntax error).
 * Order as Kibana: \t \r \n first (so `\not` is LF + "ot"), then \<special>, \uXXXX, \or \and \not.
 */
function unquotedEscape(text: string, i: number): [number, string] | null {
  const c = text.charCodeAt(i + 1);
  if (c === 116) return [2, '\t'];
  if (c === 114) return [2, '\r'];
  if (c === 110) return [2, '\n'];
  if (isSpecial(c)) return [2, text[i + 1]];
  if (c === 117 && isHex4(text, i + 2)) {
    return [6, String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16))];
  }
  for (const kw of ['or', 'and', 'not']) {
    if (wordAt(text, i + 1, kw)) return [1 + kw.length, text.slice(i + 1, i + 1 + kw.length)];
  }
  return null;
}

/** Character classes for the unquoted-literal scanner (ASCII and U+00A0; others are plain). */
const PLAIN = 0;
const SPECIAL = 1;
const SPACE = 2;
const N = 3;
const BACKSLASH = 4;
const STAR = 5;
const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  if (c === 92) CLASS[c] = BACKSLASH;
  else if (c === 42) CLASS[c] = STAR;
  else if (isSpecial(c)) CLASS[c] = SPECIAL;
  else if (isSpace(c)) CLASS[c] = SPACE;
  else if (c === 110 || c === 78) CLASS[c] = N;
}

function matchUnquoted(text: string, offset: number): CustomPatternMatcherReturn | null {
  const n = text.length;
  let i = offset;
  let chunks: string[] | null = null; // allocated at the first wildcard
  let cur = ''; // decoded text of the current chunk before `runStart` (escapes)
  let runStart = i; // start of the current run of plain characters
  let spaced = false;
  scan: while (i < n) {
    const c = text.charCodeAt(i);
    switch (c < 256 ? CLASS[c] : PLAIN) {
      case PLAIN:
        i++;
        continue;
      case SPECIAL:
        break scan;
      case SPACE:
        if (i === offset || keywordAt(text, i)) break scan;
        spaced = true;
        i++;
        continue;
      case N:
        if (notKeywordAt(text, i) > 0) break scan;
        i++;
        continue;
      case STAR:
        (chunks ??= []).push(cur + text.slice(runStart, i));
        cur = '';
        i++;
        runStart = i;
        continue;
      case BACKSLASH: {
        const esc = unquotedEscape(text, i);
        if (esc === null) break scan;
        cur += text.slice(runStart, i) + esc[1];
        i += esc[0];
        runStart = i;
        continue;
      }
    }
  }
  if (i === offset) return null;
  const last = cur + text.slice(runStart, i);
  if (chunks === null) chunks = [last];
  else chunks.push(last);
  const result = [text.slice(offset, i)] as CustomPatternMatcherReturn;
  result.payload = { chunks, spaced } satisfies UnquotedPayload;
  return result;
}

/** Decoded content of a quoted string (escapes applied, never trimmed). */
export interface QuotedPayload {
  text: string;
}

function matchQuoted(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text.charCodeAt(offset) !== 34) return null;
  const n = text.length;
  let i = offset + 1;
  let out = '';
  let runStart = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      out += text.slice(runStart, i);
      const result = [text.slice(offset, i + 1)] as CustomPatternMatcherReturn;
      result.payload = { text: out } satisfies QuotedPayload;
      return result;
    }
    if (c === 92) {
      const d = text.charCodeAt(i + 1);
      let rep: string | null = null;
      let len = 2;
      if (d === 116) rep = '\t';
      else if (d === 114) rep = '\r';
      else if (d === 110) rep = '\n';
      else if (d === 117 && isHex4(text, i + 2)) {
        rep = String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        len = 6;
      } else if (d === 92 || d === 34) rep = text[i + 1];
      if (rep !== null) {
        out += text.slice(runStart, i) + rep;
        i += len;
        runStart = i;
        continue;
      }
      // Any other backslash is kept as it is, together with what follows.
    }
    i++;
  }
  return null; // unterminated
}

/** Tokens after which an expression may end, so ` or `/` and ` can follow. */
function endsExpression(tokens: IToken[]): boolean {
  const last = tokens[tokens.length - 1];
  if (last === undefined) return false;
  const t = last.tokenType;
  return t === UnquotedLiteral || t === QuotedString || t === RParen || t === RBrace;
}

const SPACE_CHARS = [' ', '\t', '\n', '\r', '\u00a0'];

export const Or = createToken({
  name: 'Or',
  label: "keyword 'or'",
  pattern: {
    exec: (text, offset, tokens) => {
      if (!endsExpression(tokens)) return null;
      const len = binaryKeywordAt(text, offset, 'or');
      return len > 0 ? [text.slice(offset, offset + len)] : null;
    },
  },
  line_breaks: true,
  start_chars_hint: SPACE_CHARS,
});

export const And = createToken({
  name: 'And',
  label: "keyword 'and'",
  pattern: {
    exec: (text, offset, tokens) => {
      if (!endsExpression(tokens)) return null;
      const len = binaryKeywordAt(text, offset, 'and');
      return len > 0 ? [text.slice(offset, offset + len)] : null;
    },
  },
  line_breaks: true,
  start_chars_hint: SPACE_CHARS,
});

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  label: 'whitespace',
  pattern: /[ \t\r\n\u00a0]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const Not = createToken({
  name: 'Not',
  label: "keyword 'not'",
  pattern: {
    exec: (text, offset) => {
      const len = notKeywordAt(text, offset);
      return len > 0 ? [text.slice(offset, offset + len)] : null;
    },
  },
  line_breaks: true,
  start_chars_hint: ['n', 'N'],
});

/** Categories: let the parser consume either kind of literal / any range operator in one step. */
export const Literal = createToken({ name: 'Literal', label: 'value', pattern: Lexer.NA });
export const RangeOp = createToken({ name: 'RangeOp', label: 'range operator', pattern: Lexer.NA });

export const LParen = createToken({ name: 'LParen', label: "'('", pattern: '(' });
export const RParen = createToken({ name: 'RParen', label: "')'", pattern: ')' });
export const LBrace = createToken({ name: 'LBrace', label: "'{'", pattern: '{' });
export const RBrace = createToken({ name: 'RBrace', label: "'}'", pattern: '}' });
export const Colon = createToken({ name: 'Colon', label: "':'", pattern: ':' });
export const Lte = createToken({
  name: 'Lte',
  label: "'<='",
  pattern: '<=',
  categories: [RangeOp],
});
export const Gte = createToken({
  name: 'Gte',
  label: "'>='",
  pattern: '>=',
  categories: [RangeOp],
});
export const Lt = createToken({ name: 'Lt', label: "'<'", pattern: '<', categories: [RangeOp] });
export const Gt = createToken({ name: 'Gt', label: "'>'", pattern: '>', categories: [RangeOp] });

export const QuotedString = createToken({
  name: 'QuotedString',
  label: 'quoted string',
  categories: [Literal],
  pattern: { exec: (text, offset) => matchQuoted(text, offset) },
  line_breaks: true,
  start_chars_hint: ['"'],
});

/** Every UTF-16 code unit an unquoted literal may start with (all but specials and whitespace). */
function literalStartChars(): number[] {
  const out: number[] = [];
  for (let c = 0; c <= 0xffff; c++) {
    if (c !== 92 && !isSpace(c) && (c === 42 || !isSpecial(c))) out.push(c);
  }
  // A leading backslash starts an escape, which may be valid.
  out.push(92);
  return out;
}

export const UnquotedLiteral = createToken({
  name: 'UnquotedLiteral',
  label: 'value',
  categories: [Literal],
  pattern: { exec: (text, offset) => matchUnquoted(text, offset) },
  line_breaks: true,
  start_chars_hint: literalStartChars(),
});

/** Order matters: keywords before whitespace and literals. */
export const allTokens = [
  Or,
  And,
  WhiteSpace,
  Not,
  LParen,
  RParen,
  LBrace,
  RBrace,
  Colon,
  Lte,
  Gte,
  Lt,
  Gt,
  QuotedString,
  UnquotedLiteral,
  Literal,
  RangeOp,
];
