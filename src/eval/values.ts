/**
 * Elasticsearch field resolution on JSON documents: dotted keys and nested objects are the same
 * field (`{"a.b":1}` == `{"a":{"b":1}}`, mixes like `{"a":{"b.c":1}}` too), arrays are transparent
 * (arrays of objects are flattened), and `null` / `[]` are no value.
 *
 * A field path is compiled once into an accessor that walks the document without allocating.
 */

/** Visit one value; return true to stop (found). */
export type Visit = (value: unknown) => boolean;

/** Calls `visit` on every non-null value at the field; true as soon as a visit returns true. */
export type Accessor = (doc: unknown, visit: Visit) => boolean;

const hasOwn = Object.prototype.hasOwnProperty;

function emit(v: unknown, visit: Visit): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (emit(v[i], visit)) return true;
    return false;
  }
  return visit(v);
}

/** Compile a dotted field path into an accessor. */
export function compileAccessor(path: string): Accessor {
  const segs = path.split('.');
  const n = segs.length;
  // keys[i][j] = segs[i..j) joined with '.', the object key that covers segments i to j-1.
  const keys: string[][] = [];
  const unsafe: boolean[][] = [];
  for (let i = 0; i < n; i++) {
    keys.push([]);
    unsafe.push([]);
    for (let j = 0; j <= n; j++) {
      const k = j > i ? segs.slice(i, j).join('.') : '';
      keys[i].push(k);
      unsafe[i].push(k in Object.prototype);
    }
  }
  if (n === 1) {
    const k = segs[0];
    const u = unsafe[0][1];
    const walk1 = (node: unknown, visit: Visit): boolean => {
      if (node === null || typeof node !== 'object') return false;
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) if (walk1(node[i], visit)) return true;
        return false;
      }
      const o = node as Record<string, unknown>;
      if (u && !hasOwn.call(o, k)) return false;
      return emit(o[k], visit);
    };
    return walk1;
  }
  const walk = (node: unknown, i: number, visit: Visit): boolean => {
    if (node === null || typeof node !== 'object') return false;
    if (Array.isArray(node)) {
      for (let e = 0; e < node.length; e++) if (walk(node[e], i, visit)) return true;
      return false;
    }
    const o = node as Record<string, unknown>;
    const ki = keys[i];
    const ui = unsafe[i];
    for (let j = i + 1; j <= n; j++) {
      const v = o[ki[j]];
      if (v === undefined) continue;
      if (ui[j] && !hasOwn.call(o, ki[j])) continue;
      if (j === n) {
        if (emit(v, visit)) return true;
      } else if (walk(v, j, visit)) return true;
    }
    return false;
  };
  return (doc, visit) => walk(doc, 0, visit);
}

/** All values of a field (ES semantics; arrays flattened, nulls dropped). Objects are returned as-is. */
export function getValues(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  compileAccessor(path)(doc, (v) => {
    out.push(v);
    return false;
  });
  return out;
}

/** Visit every leaf (non-object, non-null value) with its flattened path; true stops. */
export function forEachLeaf(
  doc: unknown,
  visit: (path: string, value: unknown) => boolean,
  prefix = '',
): boolean {
  if (doc === null || doc === undefined) return false;
  if (Array.isArray(doc)) {
    for (let i = 0; i < doc.length; i++) if (forEachLeaf(doc[i], visit, prefix)) return true;
    return false;
  }
  if (typeof doc !== 'object') return prefix !== '' && visit(prefix, doc);
  const o = doc as Record<string, unknown>;
  for (const k in o) {
    if (!hasOwn.call(o, k)) continue;
    if (forEachLeaf(o[k], visit, prefix === '' ? k : prefix + '.' + k)) return true;
  }
  return false;
}

/** Does the value (or anything inside it, for objects) hold at least one non-null leaf? */
export function hasLeaf(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.some(hasLeaf);
  if (typeof v === 'object') return forEachLeaf(v, () => true);
  return true;
}
