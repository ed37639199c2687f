/**
 * A position scanner for TOML: smol-toml gives values, not positions, so this walks the text once
 * and records where each key (by full dotted path) and its value are. Array-of-tables elements are
 * written `name[]` in paths (element k of the array also as `name[]#k`); the first occurrence of a
 * path wins. It assumes the text is valid TOML
 * (smol-toml has accepted it) and never throws.
 */
import { decodeTomlString, isStringError } from './strings.js';

export interface TomlKeyPos {
  /** Offset of the key's first character. */
  keyStart: number;
  /** Offset of the value's first character. */
  valueStart: number;
  /** Offset just after the value. */
  valueEnd: number;
}

const BARE = /[A-Za-z0-9_-]/;

function skipWs(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) i++;
    else return i;
  }
}

function skipToEol(text: string, i: number): number {
  const j = text.indexOf('\n', i);
  return j < 0 ? text.length : j;
}

/** Skip white space, newlines and comments. */
function skipWsNl(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 35) i = skipToEol(text, i);
    else return i;
  }
}

/** Offset after the string token at i, without decoding it. */
function skipString(text: string, i: number): number {
  const q = text[i];
  if (text.startsWith(q + q + q, i)) {
    let j = i + 3;
    for (;;) {
      const k = text.indexOf(q + q + q, j);
      if (k < 0) return text.length;
      if (q === '"') {
        // Skip escaped quotes: count backslashes before k.
        let b = 0;
        while (text[k - 1 - b] === '\\') b++;
        if (b % 2 === 1) {
          j = k + 1;
          continue;
        }
      }
      let end = k + 3;
      while (end - k < 5 && text[end] === q) end++;
      return end;
    }
  }
  let j = i + 1;
  for (;;) {
    const c = text[j];
    if (c === undefined || c === '\n') return j;
    if (c === '\\' && q === '"') j += 2;
    else if (c === q) return j + 1;
    else j++;
  }
}

/** Read a dotted key starting at i; returns its parts and the offset after it. */
function readKey(text: string, i: number): { parts: string[]; end: number } | undefined {
  const parts: string[] = [];
  for (;;) {
    i = skipWs(text, i);
    const c = text[i];
    if (c === '"' || c === "'") {
      const s = decodeTomlString(text, i);
      if (isStringError(s)) return undefined;
      parts.push(s.value);
      i = s.tokenEnd;
    } else {
      const st = i;
      while (i < text.length && BARE.test(text[i])) i++;
      if (i === st) return undefined;
      parts.push(text.slice(st, i));
    }
    i = skipWs(text, i);
    if (text[i] !== '.') return { parts, end: i };
    i++;
  }
}

/** Skip one value starting at i (after `=` and blanks); returns the offset after it. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"' || c === "'") return skipString(text, i);
  if (c === '[') {
    i++;
    for (;;) {
      i = skipWsNl(text, i);
      if (i >= text.length) return i;
      if (text[i] === ']') return i + 1;
      if (text[i] === ',') {
        i++;
        continue;
      }
      const before = i;
      i = skipValue(text, i);
      if (i === before) i++;
    }
  }
  if (c === '{') {
    i++;
    for (;;) {
      i = skipWs(text, i);
      if (i >= text.length) return i;
      if (text[i] === '}') return i + 1;
      if (text[i] === ',') {
        i++;
        continue;
      }
      const k = readKey(text, i);
      if (!k) return skipToEol(text, i);
      i = skipWs(text, k.end);
      if (text[i] !== '=') return skipToEol(text, i);
      i = skipValue(text, skipWs(text, i + 1));
    }
  }
  for (;;) {
    const d = text.charCodeAt(i);
    if (Number.isNaN(d) || d === 13 || d === 10 || d === 35 || d === 44 || d === 93 || d === 125)
      break;
    i++;
  }
  // Trailing blanks are not part of a scalar.
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  return i;
}

/** Map from dotted path (`rule.query`, `rule.threat[].framework`) to positions. */
export function scanTomlKeys(text: string): Map<string, TomlKeyPos> {
  const keys = new Map<string, TomlKeyPos>();
  const counts = new Map<string, number>();
  let table: string[] = [];
  let i = 0;
  while (i < text.length) {
    i = skipWsNl(text, i);
    if (i >= text.length) break;
    if (text[i] === '[') {
      const arr = text[i + 1] === '[';
      const k = readKey(text, i + (arr ? 2 : 1));
      if (!k) {
        i = skipToEol(text, i);
        continue;
      }
      // Parents declared as arrays of tables (`[[rule.threat]]` then `[rule.threat.tactic]`).
      const resolved: string[] = [];
      k.parts.forEach((p, idx) => {
        const last = idx === k.parts.length - 1;
        if (last) resolved.push(arr ? p + '[]' : p);
        else resolved.push(keys.has([...resolved, p + '[]'].join('.')) ? p + '[]' : p);
      });
      table = resolved;
      const path = table.join('.');
      if (arr) {
        // Each element of an array of tables: `path#0`, `path#1`, ...
        const n = (counts.get(path) ?? 0) + 1;
        counts.set(path, n);
        keys.set(`${path}#${n - 1}`, { keyStart: i, valueStart: i, valueEnd: skipToEol(text, i) });
      }
      if (!keys.has(path))
        keys.set(path, { keyStart: i, valueStart: i, valueEnd: skipToEol(text, i) });
      i = skipToEol(text, k.end);
      continue;
    }
    const k = readKey(text, i);
    if (!k) {
      i = skipToEol(text, i) + 1;
      continue;
    }
    let j = skipWs(text, k.end);
    if (text[j] !== '=') {
      i = skipToEol(text, j) + 1;
      continue;
    }
    j = skipWs(text, j + 1);
    const end = skipValue(text, j);
    const path = [...table, ...k.parts].join('.');
    if (!keys.has(path)) keys.set(path, { keyStart: i, valueStart: j, valueEnd: end });
    i = end;
  }
  return keys;
}
