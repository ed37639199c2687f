/**
 * Positions inside JSON text (JSON.parse gives none): where each key of an object is, and where
 * the elements of an array start. Assumes JSON.parse accepted the text; never throws.
 */
import { decodeJsonString, isStringError } from './strings.js';

export interface JsonKeyPos {
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

function ws(text: string, i: number): number {
  while (
    i < text.length &&
    (text[i] === ' ' ||
      text[i] === '\t' ||
      text[i] === '\n' ||
      text[i] === '\r' ||
      text[i] === '\ufeff')
  )
    i++;
  return i;
}

/** Offset just after the JSON value starting at i. */
export function skipJsonValue(text: string, i: number): number {
  i = ws(text, i);
  const c = text[i];
  if (c === '"') {
    const s = decodeJsonString(text, i);
    return isStringError(s) ? text.length : s.tokenEnd;
  }
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    i++;
    for (;;) {
      i = ws(text, i);
      if (i >= text.length) return i;
      if (text[i] === close) return i + 1;
      if (text[i] === ',' || text[i] === ':') {
        i++;
        continue;
      }
      const before = i;
      i = skipJsonValue(text, i);
      if (i === before) i++;
    }
  }
  while (i < text.length && !/[\s,\]}:]/.test(text[i])) i++;
  return i;
}

/** Keys of the object starting at `start` (first occurrence wins), with nested objects under `a.b`. */
export function scanJsonObject(
  text: string,
  start: number,
  prefix = '',
  out = new Map<string, JsonKeyPos>(),
): Map<string, JsonKeyPos> {
  let i = ws(text, start);
  if (text[i] !== '{') return out;
  i++;
  for (;;) {
    i = ws(text, i);
    if (i >= text.length || text[i] === '}') return out;
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] !== '"') return out;
    const key = decodeJsonString(text, i);
    if (isStringError(key)) return out;
    const keyStart = i;
    i = ws(text, key.tokenEnd);
    if (text[i] !== ':') return out;
    const valueStart = ws(text, i + 1);
    const valueEnd = skipJsonValue(text, valueStart);
    const path = prefix + key.value;
    if (!out.has(path)) out.set(path, { keyStart, valueStart, valueEnd });
    if (text[valueStart] === '{' && prefix.split('.').length < 3)
      scanJsonObject(text, valueStart, path + '.', out);
    i = valueEnd;
  }
}

/** Start offsets of the elements of the array starting at `start`. */
export function scanJsonArray(text: string, start: number): number[] {
  const out: number[] = [];
  let i = ws(text, start);
  if (text[i] !== '[') return out;
  i++;
  for (;;) {
    i = ws(text, i);
    if (i >= text.length || text[i] === ']') return out;
    if (text[i] === ',') {
      i++;
      continue;
    }
    out.push(i);
    const before = i;
    i = skipJsonValue(text, i);
    if (i === before) return out;
  }
}
