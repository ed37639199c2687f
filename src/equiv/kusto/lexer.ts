/**
 * Tokenizer for the Kusto subset: identifiers (with the hyphenated operator names), string literals
 * (regular with \" \' \\ \t \n \r \uXXXX escapes; verbatim @"..." with doubled quotes), numbers,
 * timespans (9m, 7d, 1.5h, 100ms), punctuation.
 */
export type TokenKind = 'ident' | 'string' | 'number' | 'timespan' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded string value; numeric value; timespan in ms. */
  value?: string | number;
  offset: number;
}

export class KustoSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const HYPHENATED = new Set([
  'mv-apply',
  'mv-expand',
  'project-away',
  'project-keep',
  'project-rename',
]);
const PUNCT = [
  '==',
  '!=',
  '=~',
  '!~',
  '<=',
  '>=',
  '..',
  '|',
  '(',
  ')',
  '[',
  ']',
  ',',
  ';',
  '=',
  '<',
  '>',
  '.',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '~',
];
const SPAN_UNITS: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
};

function isIdStart(c: string): boolean {
  return /[A-Za-z_$]/.test(c);
}
function isId(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c);
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if ((c === '@' && (text[i + 1] === '"' || text[i + 1] === "'")) || c === '"' || c === "'") {
      const verbatim = c === '@';
      if (verbatim) i++;
      const q = text[i++];
      let v = '';
      for (;;) {
        if (i >= n) throw new KustoSyntaxError('unterminated string literal', start);
        const ch = text[i];
        if (ch === '\n' && !verbatim)
          throw new KustoSyntaxError('line break inside a string literal', i);
        if (ch === q) {
          if (verbatim && text[i + 1] === q) {
            v += q;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (ch === '\\' && !verbatim) {
          const e = text[i + 1];
          if (e === '\\' || e === '"' || e === "'") v += e;
          else if (e === 't') v += '\t';
          else if (e === 'n') v += '\n';
          else if (e === 'r') v += '\r';
          else if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
            v += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            i += 4;
          } else throw new KustoSyntaxError(`invalid escape '\\${e ?? ''}' in a string literal`, i);
          i += 2;
          continue;
        }
        v += ch;
        i++;
      }
      out.push({ kind: 'string', text: text.slice(start, i), value: v, offset: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < n && /[0-9]/.test(text[i])) i++;
      if (text[i] === '.' && /[0-9]/.test(text[i + 1] ?? '')) {
        i++;
        while (i < n && /[0-9]/.test(text[i])) i++;
      }
      const num = Number(text.slice(start, i));
      let j = i;
      while (j < n && /[A-Za-z]/.test(text[j])) j++;
      const unit = text.slice(i, j);
      if (unit) {
        const mult = SPAN_UNITS[unit];
        if (mult === undefined) throw new KustoSyntaxError(`unknown timespan unit '${unit}'`, i);
        out.push({
          kind: 'timespan',
          text: text.slice(start, j),
          value: num * mult,
          offset: start,
        });
        i = j;
      } else out.push({ kind: 'number', text: text.slice(start, i), value: num, offset: start });
      continue;
    }
    if (isIdStart(c)) {
      while (i < n && isId(text[i])) i++;
      let word = text.slice(start, i);
      if (text[i] === '-') {
        let j = i + 1;
        while (j < n && isId(text[j])) j++;
        const joined = text.slice(start, j);
        if (HYPHENATED.has(joined)) {
          word = joined;
          i = j;
        }
      }
      out.push({ kind: 'ident', text: word, value: word, offset: start });
      // datetime(2024-01-01T00:00:00Z): the literal's body is raw text, not tokens
      if (word === 'datetime') {
        let j = i;
        while (j < n && /\s/.test(text[j])) j++;
        if (text[j] === '(') {
          const close = text.indexOf(')', j);
          if (close < 0) throw new KustoSyntaxError('unclosed datetime literal', j);
          out.push({ kind: 'punct', text: '(', offset: j });
          const body = text.slice(j + 1, close);
          out.push({ kind: 'string', text: body, value: body.trim(), offset: j + 1 });
          out.push({ kind: 'punct', text: ')', offset: close });
          i = close + 1;
        }
      }
      continue;
    }
    const p = PUNCT.find((p) => text.startsWith(p, i));
    if (!p) throw new KustoSyntaxError(`unexpected character '${c}'`, i);
    out.push({ kind: 'punct', text: p, offset: start });
    i += p.length;
  }
  out.push({ kind: 'eof', text: '', offset: n });
  return out;
}
