/**
 * Boundary values of one atom: values that make it true, values just outside it, case variants,
 * empty strings, arrays with one matching element among others, missing fields. Each variant is a
 * replacement for the field's value in a base document (`undefined` = remove the field).
 */
import type { Atom } from '../decide/atoms.js';
import type { Domain } from '../decide/ordered.js';
import type { Rng } from './rng.js';

export interface Variant {
  /** The field's new value; `MISSING` removes the field. */
  value: unknown;
  why: string;
}

export const MISSING: unique symbol = Symbol('missing');

function caseVariants(s: string): string[] {
  const out = new Set<string>([s.toUpperCase(), s.toLowerCase()]);
  // Flip the case of the first cased letter only (catches a case-insensitive comparison).
  const i = s.search(/[A-Za-z\u00C0-\u024F]/);
  if (i >= 0) {
    const c = s[i];
    const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
    out.add(s.slice(0, i) + flipped + s.slice(i + 1));
  }
  out.delete(s);
  return [...out];
}

const show = (v: unknown) => JSON.stringify(v);

function stringVariants(atom: Atom, rng: Rng): Variant[] {
  const t = atom.theory;
  if (!t || t.kind !== 'string') return [];
  const p = t.pred;
  const filler = rng.pick(['x', 'q', 'z', '7']);
  const other = rng.pick(['other', 'unrelated', 'zzz']);
  const out: Variant[] = [];
  const add = (value: unknown, why: string) => out.push({ value, why: `${atom.text}: ${why}` });
  switch (p.kind) {
    case 'eq': {
      const v = p.value;
      add(v, `exact value ${show(v)}`);
      for (const c of caseVariants(v))
        add(c, `case variant ${show(c)} (keyword match is case-sensitive)`);
      if (v !== '') add('', 'empty string');
      if (v.length > 0)
        add(v.slice(0, -1), `near miss ${show(v.slice(0, -1))} (last character dropped)`);
      add(v + filler, `near miss ${show(v + filler)} (extra character)`);
      add(` ${v}`, 'leading space (values are not trimmed)');
      add([other, v], `array with one matching element among others`);
      add([other], `array without a matching element`);
      if (v.includes('*')) {
        const w = v.replaceAll('*', filler);
        add(w, `${show(w)}: the literal * must not act as a wildcard`);
      }
      if (v.includes('?')) {
        const w = v.replaceAll('?', filler);
        add(w, `${show(w)}: ? is an ordinary character`);
      }
      if (/^-?\d+$/.test(v) && Number.isSafeInteger(Number(v)) && String(Number(v)) === v) {
        add(Number(v), `JSON number ${v} (indexed as the string "${v}")`);
      }
      if (v.includes('\\')) {
        const w = v.replaceAll('\\', '\\\\');
        add(w, `${show(w)}: doubled backslashes must not match`);
      }
      return out;
    }
    case 'wildcard': {
      const chunks = p.chunks;
      const minimal = chunks.join('');
      const mid = chunks.join(filler);
      add(minimal, `shortest match ${show(minimal)} (every * empty)`);
      add(mid, `match ${show(mid)}`);
      add(chunks.join('\n'), 'match with line breaks in the * parts');
      for (const c of caseVariants(mid)) add(c, `case variant ${show(c)}`);
      const first = chunks[0];
      const last = chunks[chunks.length - 1];
      if (first !== '')
        add(mid.slice(1), `near miss ${show(mid.slice(1))} (first character dropped)`);
      if (last !== '')
        add(mid.slice(0, -1), `near miss ${show(mid.slice(0, -1))} (last character dropped)`);
      if (first !== '')
        add(filler + mid, `near miss ${show(filler + mid)} (prefix must start the value)`);
      if (last !== '')
        add(mid + filler, `near miss ${show(mid + filler)} (suffix must end the value)`);
      for (let i = 1; i < chunks.length - 1; i++) {
        if (chunks[i].length === 0) continue;
        const broken = [...chunks];
        broken[i] = chunks[i].slice(0, -1);
        const w = broken.join(filler);
        add(w, `near miss ${show(w)} (inner part "${chunks[i]}" incomplete)`);
      }
      if (chunks.length > 2) {
        const swapped = [
          chunks[0],
          ...chunks.slice(1, -1).reverse(),
          chunks[chunks.length - 1],
        ].join(filler);
        if (swapped !== mid) add(swapped, `inner parts out of order ${show(swapped)}`);
      }
      const literalStar = chunks.join('*');
      if (literalStar !== mid) add(literalStar, `the pattern's own text ${show(literalStar)}`);
      if (!chunks.some((c) => c.includes('?')) && minimal.length > 0) {
        const q = chunks
          .map((c, i) => (i === 0 && c.length > 0 ? c.slice(0, -1) + '?' : c))
          .join(filler);
        if (q !== mid) add(q, `${show(q)}: ? is not a wildcard`);
      }
      add('', 'empty string');
      add([other, mid], 'array with one matching element among others');
      return out;
    }
    case 'range': {
      const b = p.bound;
      add(b, `the bound ${show(b)} itself`);
      add(b + 'a', `just above the bound ${show(b + 'a')}`);
      if (b.length > 0) add(b.slice(0, -1), `just below the bound ${show(b.slice(0, -1))}`);
      for (const c of caseVariants(b)) add(c, `case variant ${show(c)} (byte order)`);
      add('', 'empty string');
      return out;
    }
  }
}

function orderedVariants(atom: Atom): Variant[] {
  const t = atom.theory;
  if (!t || t.kind !== 'ordered') return [];
  const d: Domain<unknown> = t.domain;
  const out: Variant[] = [];
  const seen = new Set<string>();
  const add = (v: unknown, why: string) => {
    if (d.min !== undefined && d.cmp(v, d.min) < 0) return;
    if (d.max !== undefined && d.cmp(v, d.max) > 0) return;
    const json = d.toJson(v);
    const key = show(json);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ value: json, why: `${atom.text}: ${why} ${key}` });
  };
  const { lo, hi } = t.iv;
  const bigStep = d.name === 'date' ? 1000 : 0;
  if (lo) {
    add(lo.v, lo.incl ? 'lower bound (included)' : 'lower bound (excluded)');
    add(d.step(lo.v, -1), 'just below the lower bound');
    add(d.step(lo.v, 1), 'just above the lower bound');
    if (bigStep) add((lo.v as number) - bigStep, 'one second below the lower bound');
  }
  if (hi) {
    add(hi.v, hi.incl ? 'upper bound (included)' : 'upper bound (excluded)');
    add(d.step(hi.v, 1), 'just above the upper bound');
    add(d.step(hi.v, -1), 'just below the upper bound');
    if (bigStep) add((hi.v as number) + bigStep, 'one second above the upper bound');
  }
  if (!lo && !hi) add(d.sample, 'a value');
  // Numbers written as strings are coerced by Elasticsearch; targets may not do that.
  if ((d.name === 'long' || d.name === 'integer' || d.name === 'double') && lo) {
    out.push({
      value: String(d.toJson(lo.v)),
      why: `${atom.text}: the lower bound written as a string`,
    });
  }
  if (d.name === 'boolean' && lo) {
    out.push({
      value: String(d.toJson(lo.v)),
      why: `${atom.text}: the boolean written as a string`,
    });
  }
  const sample = out[0]?.value;
  if (sample !== undefined) {
    out.push({
      value: [d.toJson(d.sample), sample],
      why: `${atom.text}: array with the boundary value among others`,
    });
  }
  return out;
}

/** Variants of an exists atom: the field missing, null, [], "" and a mixed array. */
function existsVariants(atom: Atom, sample: unknown): Variant[] {
  const why = (s: string) => `${atom.text}: ${s}`;
  const out: Variant[] = [
    { value: MISSING, why: why('field missing') },
    { value: null, why: why('field null (does not exist)') },
    { value: [], why: why('empty array (does not exist)') },
    { value: [null, sample], why: why('array of null and a value (exists)') },
  ];
  if (
    atom.type === undefined ||
    ['keyword', 'constant_keyword', 'wildcard', 'flattened'].includes(atom.type)
  ) {
    out.push({ value: '', why: why('empty string (exists in Elasticsearch)') });
  }
  return out;
}

export function atomVariants(atom: Atom, rng: Rng, sample: unknown): Variant[] {
  if (atom.kind === 'exists') return existsVariants(atom, sample);
  if (atom.kind !== 'value') return [];
  return atom.theory?.kind === 'string' ? stringVariants(atom, rng) : orderedVariants(atom);
}
