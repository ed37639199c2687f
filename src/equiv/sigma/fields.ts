/**
 * Field access on JSON events for the Sigma evaluator.
 *
 * A Sigma field name is looked up the way Elasticsearch resolves a dotted field on a JSON
 * document (the events siemc checks are ECS documents): dotted keys and nested objects are the
 * same field (`{"a.b": 1}` == `{"a": {"b": 1}}`), and arrays (of values or of objects) are
 * flattened, so a field has a list of values and a condition matches if any value matches.
 */

export type Scalar = string | number | boolean;

export interface FieldValues {
  /** Non-null scalar values, arrays flattened. */
  values: Scalar[];
  /** Some value exists at the path: a non-null scalar, or an object holding one. */
  exists: boolean;
}

function collect(node: unknown, segs: readonly string[], i: number, out: FieldValues): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const el of node) collect(el, segs, i, out);
    return;
  }
  if (i === segs.length) {
    if (typeof node === 'object') {
      // An object exists when it holds some value (Elasticsearch's exists on an object field
      // asks for any sub-field; `{}` has none), but has no scalar value to compare.
      if (hasLeaf(node)) out.exists = true;
      return;
    }
    if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') {
      out.values.push(node);
      out.exists = true;
    }
    return;
  }
  if (typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  // Try every split of the remaining path into a (possibly dotted) key and the rest.
  let key = '';
  for (let j = i; j < segs.length; j++) {
    key = j === i ? segs[j] : key + '.' + segs[j];
    if (Object.prototype.hasOwnProperty.call(obj, key)) collect(obj[key], segs, j + 1, out);
  }
}

/** Does the object (or array) hold any non-null scalar, at any depth? */
function hasLeaf(node: unknown): boolean {
  if (node === null || node === undefined) return false;
  if (Array.isArray(node)) return node.some(hasLeaf);
  if (typeof node === 'object') return Object.values(node as Record<string, unknown>).some(hasLeaf);
  return true;
}

export function fieldValues(event: unknown, field: string): FieldValues {
  const out: FieldValues = { values: [], exists: false };
  collect(event, field.split('.'), 0, out);
  return out;
}

/** Every scalar value anywhere in the event (for keyword searches). */
export function allValues(event: unknown, out: Scalar[] = []): Scalar[] {
  if (event === null || event === undefined) return out;
  if (Array.isArray(event)) {
    for (const el of event) allValues(el, out);
  } else if (typeof event === 'object') {
    for (const v of Object.values(event as Record<string, unknown>)) allValues(v, out);
  } else if (typeof event === 'string' || typeof event === 'number' || typeof event === 'boolean') {
    out.push(event);
  }
  return out;
}

/** Text form of a scalar as a log search compares it (`4688`, `true`). */
export function scalarText(v: Scalar): string {
  return typeof v === 'string' ? v : String(v);
}
