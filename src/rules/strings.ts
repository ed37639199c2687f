/**
 * String scanners that keep positions: decode a TOML or JSON string token found at an offset of a
 * file and record, for every UTF-16 unit of the decoded value, the offset in the file it came from.
 * With that map a syntax error at offset k of a rule's query is reported at the right line and
 * column of the file, even through escapes, line-ending backslashes and a trimmed first newline.
 */

export type StringForm = 'basic' | 'literal' | 'ml-basic' | 'ml-literal' | 'json';

export interface DecodedString {
  value: string;
  form: StringForm;
  /** Offset of the opening delimiter. */
  tokenStart: number;
  /** Offset just after the closing delimiter. */
  tokenEnd: number;
  /**
   * `map[i]` = file offset of the source text that produced decoded unit `i`;
   * `map[value.length]` = offset of the closing delimiter (the end of the content).
   */
  map: number[];
}

export interface StringError {
  error: string;
  offset: number;
}

const isHex = (s: string) => /^[0-9A-Fa-f]+$/.test(s);

function pushCodePoint(out: string[], map: number[], cp: number, at: number): boolean {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  const s = String.fromCodePoint(cp);
  for (let k = 0; k < s.length; k++) {
    out.push(s[k]);
    map.push(at);
  }
  return true;
}

/** Decode the TOML string token that starts at `start` (a quote character). */
export function decodeTomlString(text: string, start: number): DecodedString | StringError {
  const q = text[start];
  if (q !== '"' && q !== "'") return { error: 'expected a string', offset: start };
  const multi = text.startsWith(q.repeat(3), start);
  const out: string[] = [];
  const map: number[] = [];
  let i = start + (multi ? 3 : 1);
  if (multi) {
    // A newline immediately after the opening delimiter is trimmed.
    if (text[i] === '\n') i++;
    else if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
  }
  const literal = q === "'";
  for (;;) {
    if (i >= text.length) return { error: 'unterminated string', offset: start };
    const c = text[i];
    if (c === q) {
      if (!multi) {
        return {
          value: out.join(''),
          form: literal ? 'literal' : 'basic',
          tokenStart: start,
          tokenEnd: i + 1,
          map: [...map, i],
        };
      }
      if (text.startsWith(q.repeat(3), i)) {
        // Up to two quotes may precede the closing delimiter: `''''' ` ends with content `''`.
        let run = 3;
        while (run < 5 && text[i + run] === q) run++;
        for (let k = 0; k < run - 3; k++) {
          out.push(q);
          map.push(i + k);
        }
        const close = i + run - 3;
        return {
          value: out.join(''),
          form: literal ? 'ml-literal' : 'ml-basic',
          tokenStart: start,
          tokenEnd: close + 3,
          map: [...map, close],
        };
      }
      out.push(c);
      map.push(i);
      i++;
      continue;
    }
    if (!multi && (c === '\n' || c === '\r'))
      return { error: 'newline in a single-line string', offset: i };
    if (c === '\\' && !literal) {
      const e = text[i + 1];
      const at = i;
      switch (e) {
        case 'b':
          out.push('\b');
          break;
        case 't':
          out.push('\t');
          break;
        case 'n':
          out.push('\n');
          break;
        case 'f':
          out.push('\f');
          break;
        case 'r':
          out.push('\r');
          break;
        case 'e':
          out.push('\x1b');
          break;
        case '"':
          out.push('"');
          break;
        case '\\':
          out.push('\\');
          break;
        case 'u':
        case 'U':
        case 'x': {
          const n = e === 'u' ? 4 : e === 'U' ? 8 : 2;
          const hex = text.slice(i + 2, i + 2 + n);
          if (hex.length !== n || !isHex(hex)) return { error: `bad \\${e} escape`, offset: i };
          if (!pushCodePoint(out, map, parseInt(hex, 16), at))
            return { error: 'escape is not a Unicode scalar value', offset: i };
          i += 2 + n;
          continue;
        }
        default: {
          if (multi) {
            // Line-ending backslash: skip white space up to and including newlines.
            let j = i + 1;
            while (text[j] === ' ' || text[j] === '\t') j++;
            if (text[j] === '\n' || (text[j] === '\r' && text[j + 1] === '\n')) {
              while (j < text.length && /[ \t\r\n]/.test(text[j])) j++;
              i = j;
              continue;
            }
          }
          return { error: `invalid escape '\\${e ?? ''}'`, offset: i };
        }
      }
      map.push(at);
      i += 2;
      continue;
    }
    out.push(c);
    map.push(i);
    i++;
  }
}

/** Decode the JSON string token that starts at `start` (a double quote). */
export function decodeJsonString(text: string, start: number): DecodedString | StringError {
  if (text[start] !== '"') return { error: 'expected a string', offset: start };
  const out: string[] = [];
  const map: number[] = [];
  let i = start + 1;
  for (;;) {
    if (i >= text.length) return { error: 'unterminated string', offset: start };
    const c = text[i];
    if (c === '"')
      return {
        value: out.join(''),
        form: 'json',
        tokenStart: start,
        tokenEnd: i + 1,
        map: [...map, i],
      };
    if (c === '\\') {
      const e = text[i + 1];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (e !== undefined && e in simple) {
        out.push(simple[e]);
        map.push(i);
        i += 2;
        continue;
      }
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (hex.length !== 4 || !isHex(hex)) return { error: 'bad \\u escape', offset: i };
        out.push(String.fromCharCode(parseInt(hex, 16)));
        map.push(i);
        i += 6;
        continue;
      }
      return { error: `invalid escape '\\${e ?? ''}'`, offset: i };
    }
    out.push(c);
    map.push(i);
    i++;
  }
}

export function isStringError(x: DecodedString | StringError): x is StringError {
  return (x as StringError).error !== undefined;
}

/**
 * Encode `value` as a TOML string that decodes back to exactly `value`, preferring the form
 * `preferred` (the form the file used) when it can represent the value.
 */
export function encodeTomlString(
  value: string,
  preferred: StringForm = 'ml-literal',
  opts: { leadingNewline?: boolean } = {},
): string {
  const leadingNewline = opts.leadingNewline ?? true;
  const hasControl = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(value);
  const hasCR = value.includes('\r');
  const multiline = value.includes('\n');
  const literalOk = (ml: boolean) =>
    !hasControl &&
    !hasCR &&
    (ml ? !value.includes("'''") && !value.endsWith("''''") : !multiline && !value.includes("'"));
  if ((preferred === 'ml-literal' || multiline) && literalOk(true) && preferred !== 'basic') {
    // A leading newline would be trimmed by the reader: add one that it trims.
    const lead = value.startsWith('\n') || leadingNewline ? '\n' : '';
    return `'''${lead}${value}'''`;
  }
  if (preferred === 'literal' && literalOk(false)) return `'${value}'`;
  if (preferred === 'ml-basic' && !hasControl) {
    let body = '';
    for (const ch of value) {
      if (ch === '\\') body += '\\\\';
      else if (ch === '"') body += '\\"';
      else if (ch === '\r') body += '\\r';
      else body += ch;
    }
    const lead = value.startsWith('\n') || leadingNewline ? '\n' : '';
    return `"""${lead}${body}"""`;
  }
  return JSON.stringify(value).replace(
    /[\u2028\u2029\x7f]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}
