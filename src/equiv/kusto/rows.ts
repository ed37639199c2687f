/**
 * Building interpreter rows from JSON: a Sentinel table row typed by its column declarations, and
 * an ECS document as a row of the generic ECS table (one dynamic column per top-level object).
 */
import type { Row } from './eval.js';
import { KDate, fromJson, parseKustoDatetime } from './values.js';

/** Row of a table from its JSON object; columns absent from the JSON get the type's empty value. */
export function rowFromJson(json: Record<string, unknown>, columns: Record<string, string>): Row {
  const row: Row = {};
  for (const [name, type] of Object.entries(columns)) row[name] = fromJson(json[name], type);
  return row;
}

export function rowsFromNdjson(text: string, columns: Record<string, string>): Row[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => rowFromJson(JSON.parse(l) as Record<string, unknown>, columns));
}

/** Expand dotted keys (`{"a.b": 1}` → `{"a": {"b": 1}}`), recursively, as Elasticsearch reads them. */
export function expandDotted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(expandDotted);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const parts = k.split('.');
    let cur = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i];
      const next = cur[p];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[p] = {};
      cur = cur[p] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    const ex = expandDotted(val);
    const prev = cur[last];
    if (
      typeof prev === 'object' &&
      prev !== null &&
      !Array.isArray(prev) &&
      typeof ex === 'object' &&
      ex !== null &&
      !Array.isArray(ex)
    )
      cur[last] = { ...(prev as object), ...(ex as object) };
    else cur[last] = ex;
  }
  return out;
}

/**
 * An ECS document as a row of the generic ECS table: top-level keys become the dynamic columns,
 * `@timestamp` becomes TimeGenerated and `event.ingested` the ingestion time `_TimeReceived`
 * (a document without event.ingested is taken as ingested at its @timestamp, the fallback Kibana
 * applies to rules on event.ingested).
 */
export function ecsDocumentToRow(
  doc: Record<string, unknown>,
  columns: Record<string, string>,
): Row {
  const expanded = expandDotted(doc) as Record<string, unknown>;
  const row = rowFromJson(expanded, columns);
  const ts =
    typeof expanded['@timestamp'] === 'string' ? parseKustoDatetime(expanded['@timestamp']) : null;
  const ev = expanded.event as Record<string, unknown> | undefined;
  const ing = ev && typeof ev.ingested === 'string' ? parseKustoDatetime(ev.ingested) : null;
  if ('TimeGenerated' in columns) row.TimeGenerated = ts === null ? null : new KDate(ts);
  if ('_TimeReceived' in columns)
    row._TimeReceived = ing !== null ? new KDate(ing) : ts === null ? null : new KDate(ts);
  return row;
}

function holdsValue(x: unknown): boolean {
  return Array.isArray(x) ? x.some(holdsValue) : x !== null && x !== undefined;
}

/** What a table declares about the fields inside its dynamic columns. */
export interface RowShape {
  columns: Record<string, string>;
  fields: Record<string, { type: string; array: boolean }>;
}

const OBJECT_TYPES = new Set(['dynamic', 'object', 'nested']);

/**
 * Where an ECS document breaks a table's declared shape for the given fields: a JSON array at a
 * path (the field or one of its parents) the schema does not declare as an array. Such a document
 * is not a row of that table — the schema types the field as a scalar and the emitted queries read
 * it as one — or a JSON object where it declares a scalar, or a top-level key that is no column.
 * Arrays without values (`[]`, `[null]`) are missing values. Returns the offending path, or undefined when the document fits.
 */
export function shapeViolation(
  doc: Record<string, unknown>,
  fields: readonly string[],
  shape: RowShape,
  /** Fields of unknown shape that may hold an array themselves (src/equiv/shape.ts). */
  mayHoldArray: (field: string) => boolean = () => false,
): string | undefined {
  const expanded = expandDotted(doc) as Record<string, unknown>;
  for (const f of fields) {
    if (f === '@timestamp') continue; // the table's event-time column
    const segs = f.split('.');
    // a top-level key without a column is not in the row at all
    if (!(segs[0] in shape.columns) && !(f in shape.columns)) {
      if (holdsValue(expanded[segs[0]] ?? null)) return segs[0];
      continue;
    }
    let level: unknown[] = [expanded];
    for (let i = 0; i < segs.length && level.length; i++) {
      const p = segs.slice(0, i + 1).join('.');
      const next: unknown[] = [];
      for (const v of level) {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
        const x = (v as Record<string, unknown>)[segs[i]];
        if (x === undefined || x === null) continue;
        if (Array.isArray(x)) {
          // an array without values ([], [null]) is a missing value, not a shape
          const declared = segs
            .slice(0, i + 1)
            .some((_, j) => shape.fields[segs.slice(0, j + 1).join('.')]);
          const leafArray = p === f && !declared && mayHoldArray(f);
          if (!shape.fields[p]?.array && !leafArray && holdsValue(x)) return p;
          next.push(...x);
        } else next.push(x);
      }
      level = next;
    }
    // the field's own values: an object where the schema declares a scalar breaks the shape
    const decl = shape.fields[f];
    if (
      !(f in shape.columns) &&
      !(decl && OBJECT_TYPES.has(decl.type)) &&
      level.some((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
    )
      return f;
  }
  return undefined;
}
