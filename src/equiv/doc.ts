/**
 * Build ECS documents from per-field value lists: dotted names become nested objects, one value
 * stays a scalar, several become an array (any-element matching).
 */
import type { EcsEvent } from './types.js';

/** Set `path` (dotted) in `doc` to `value`, creating objects on the way. */
export function setPath(doc: EcsEvent, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Record<string, unknown> = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      // A leaf already sits where an object is needed: keep both with a dotted key.
      if (next !== undefined) {
        cur[parts.slice(i).join('.')] = value;
        return;
      }
      const obj: Record<string, unknown> = {};
      cur[parts[i]] = obj;
      cur = obj;
    } else {
      cur = next as Record<string, unknown>;
    }
  }
  cur[parts[parts.length - 1]] = value;
}

/** Remove `path` from `doc` (dotted key or nested objects). */
export function deletePath(doc: EcsEvent, path: string): void {
  if (path in doc) delete doc[path];
  const parts = path.split('.');
  let cur: Record<string, unknown> = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return;
    cur = next as Record<string, unknown>;
  }
  delete cur[parts[parts.length - 1]];
}

export function buildDocument(values: Map<string, unknown[]>): EcsEvent {
  const doc: EcsEvent = {};
  for (const field of [...values.keys()].sort()) {
    const vs = values.get(field)!;
    if (vs.length === 0) continue;
    setPath(doc, field, vs.length === 1 ? vs[0] : vs);
  }
  return doc;
}

/** Deep copy of a JSON document. */
export function cloneDoc(doc: EcsEvent): EcsEvent {
  return JSON.parse(JSON.stringify(doc)) as EcsEvent;
}
