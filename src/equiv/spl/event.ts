/**
 * The SPL interpreter's event model and the transforms that build it.
 *
 * A Splunk event is a set of fields, each holding one or more string values (multivalue
 * fields). `_time` and `_indextime` are epoch seconds (as strings, like every field value);
 * `_raw` is the event text. Empty strings and JSON nulls are not extracted (Splunk's JSON field
 * extraction skips them), unless `keepEmpty` is set.
 */
import { parseIsoTimestamp } from '../../time/index.js';

export type SplEvent = Record<string, string[]>;

export interface EventMeta {
  /** Epoch milliseconds of the event time (`_time`). */
  timeMs?: number;
  /** Epoch milliseconds of the index time (`_indextime`); defaults to the event time. */
  indexTimeMs?: number;
  sourcetype?: string;
  index?: string;
  /** Keep empty-string values as fields (default false: Splunk does not extract them). */
  keepEmpty?: boolean;
}

function scalar(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function add(ev: SplEvent, name: string, value: string, keepEmpty: boolean): void {
  if (value === '' && !keepEmpty) return;
  (ev[name] ??= []).push(value);
}

function finish(ev: SplEvent, raw: string, meta: EventMeta): SplEvent {
  ev._raw = [raw];
  if (meta.timeMs !== undefined) ev._time = [String(meta.timeMs / 1000)];
  const idx = meta.indexTimeMs ?? meta.timeMs;
  if (idx !== undefined) ev._indextime = [String(Math.floor(idx / 1000))];
  ev.index = [meta.index ?? 'main'];
  if (meta.sourcetype) ev.sourcetype = [meta.sourcetype];
  return ev;
}

/**
 * A JSON record as Splunk's JSON extraction (KV_MODE=json / INDEXED_EXTRACTIONS=json) indexes it:
 * nested objects become `a.b`, arrays `a{}`, arrays of objects `a{}.b` (one multivalue field per
 * key, values in array order).
 */
export function splunkEventFromJson(
  record: Record<string, unknown>,
  meta: EventMeta = {},
): SplEvent {
  const ev: SplEvent = Object.create(null) as SplEvent;
  const keep = meta.keepEmpty ?? false;
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, path + '{}');
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        walk(x, path ? `${path}.${k}` : k);
      return;
    }
    const s = scalar(v);
    if (s !== undefined && path) add(ev, path, s, keep);
  };
  walk(record, '');
  return finish(ev, JSON.stringify(record), meta);
}

/**
 * An ECS document with its ECS field names kept (the pass-through profile's assumption): nested
 * objects and dotted keys both become `a.b`; arrays, including arrays of objects, flatten into
 * multivalue fields of the same name, as Elasticsearch flattens them. `_time` is `@timestamp`,
 * `_indextime` is `event.ingested` (falling back to `@timestamp`).
 */
export function splunkEventFromEcs(doc: Record<string, unknown>, meta: EventMeta = {}): SplEvent {
  const ev: SplEvent = Object.create(null) as SplEvent;
  const keep = meta.keepEmpty ?? false;
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, path);
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        walk(x, path ? `${path}.${k}` : k);
      return;
    }
    const s = scalar(v);
    if (s !== undefined && path) add(ev, path, s, keep);
  };
  walk(doc, '');
  const ts = ev['@timestamp']?.[0];
  const ing = ev['event.ingested']?.[0];
  const timeMs = meta.timeMs ?? (ts !== undefined ? parseIsoTimestamp(ts) : undefined);
  const indexTimeMs =
    meta.indexTimeMs ?? (ing !== undefined ? parseIsoTimestamp(ing) : undefined) ?? timeMs;
  return finish(ev, JSON.stringify(doc), { ...meta, timeMs, indexTimeMs });
}

/** Field values of an event, or an empty list. */
export function fieldValues(ev: SplEvent, name: string): string[] {
  return ev[name] ?? [];
}
