/**
 * ECS → target event transforms per mapping profile: the shape a target's events have when the
 * profile's field mapping applies. `verify` runs a translation on the transformed events.
 *
 * - `ecs` (pass-through): the target interpreter's own ECS transform (generic ECS table rows,
 *   Splunk JSON extraction of the ECS document, the document itself for Sigma).
 * - `o365` → Splunk: the O365 Management Activity record the Splunk add-on indexes
 *   (`sourcetype=o365:management:activity`), rebuilt from the ECS document the Elastic
 *   integration makes of it: `o365.audit.*` keys at the top level, the `ExtendedProperties`
 *   object back into its `[{Name, Value}]` array, `ClientIP` from `client.ip` / `source.ip`.
 * Any other pair has no transform yet: verify skips that target and says so.
 */
import type { TargetName } from '../../targets/types.js';
import { splunkEventFromJson } from './spl/event.js';
import { getValues } from '../eval/index.js';
import { parseIsoTimestamp } from '../time/index.js';
import type { EcsEvent } from './types.js';
import type { MappingProfile } from '../mapping/types.js';
import { loadBuiltinMapping } from '../mapping/load.js';

/**
 * ECS document → the target's record; undefined when the event never reaches the target's source
 * (the profile's routes say the source holds only events whose `field` is one of `values`: an
 * o365 profile's sourcetype holds only `event.dataset: o365.audit` events).
 */
export type EventTransform = (doc: EcsEvent) => Record<string, unknown> | undefined;

/** Does the event belong to the target's source (every route of the section holds)? */
export function inSource(
  doc: EcsEvent,
  profile: MappingProfile | undefined,
  target: TargetName,
): boolean {
  for (const r of profile?.targets[target]?.routes ?? []) {
    const vs = getValues(doc, r.field);
    if (!vs.some((v) => typeof v === 'string' && r.values.includes(v))) return false;
  }
  return true;
}

function first(doc: EcsEvent, path: string): unknown {
  return getValues(doc, path)[0];
}

/**
 * O365 Management Activity record (as the API returns it) from its ECS form.
 *
 * The record is rebuilt from `o365.audit.*` (the integration keeps the raw keys there) and, where
 * the integration moved a raw key to an ECS field, by applying the profile's SPL field items in
 * reverse: a renamed field (`event.action` ← `Operation`) gives the raw key its value (through
 * the inverse value map: `success` → `Success`), a Name/Value pair item (`user_agent.original` ←
 * the `UserAgent` entry of `ExtendedProperties`) adds its entry, and a raw key written
 * `X{}.y` makes `X` an array of objects, as the API sends it. ECS fields the profile does not map
 * do not exist in the raw record. Undefined when no raw record gives this ECS document (a value
 * outside a value map's image: the integration only derives `event.outcome` `success` / `failure`).
 */
export function o365RecordFromEcs(
  doc: EcsEvent,
  profile?: MappingProfile,
): Record<string, unknown> | undefined {
  const o365 = (doc.o365 as { audit?: Record<string, unknown> } | undefined)?.audit ?? {};
  const rec: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o365)) {
    if (k === 'ExtendedProperties' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      rec[k] = Object.entries(v as Record<string, unknown>).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((x) => ({ Name: name, Value: x })),
      );
    } else {
      rec[k] = v;
    }
  }
  // Dotted keys under o365.audit (`{"o365.audit.UserId": ...}`) are the same fields.
  for (const [k, v] of Object.entries(doc)) {
    if (k.startsWith('o365.audit.')) rec[k.slice('o365.audit.'.length)] = v;
  }
  // The raw record is the same whatever the target: the SPL section (which writes arrays of
  // objects as `X{}.y`) and the Sigma section both describe it.
  const items = [
    ...Object.entries(profile?.targets.spl?.fields ?? {}),
    ...Object.entries(profile?.targets.sigma?.fields ?? {}),
  ];
  for (const [ecsName, it] of items) {
    const values = getValues(doc, ecsName);
    if (it.pair) {
      if (ecsName.startsWith('o365.audit.ExtendedProperties.') || values.length === 0) continue;
      const arrayKey = it.pair.nameField.split('{}')[0];
      const entries = Array.isArray(rec[arrayKey]) ? (rec[arrayKey] as unknown[]) : [];
      rec[arrayKey] = [...entries, ...values.map((v) => ({ Name: it.pair!.name, Value: v }))];
    } else if (it.field) {
      const arrayKey = it.field.includes('{}') ? it.field.split('{}')[0] : undefined;
      if (arrayKey !== undefined) {
        // `Actor{}.Type`: the raw key holds an array of objects.
        const cur = rec[arrayKey];
        if (cur !== undefined && cur !== null && !Array.isArray(cur))
          rec[arrayKey] =
            typeof cur === 'object' ? elements(cur as Record<string, unknown>) : [cur];
        continue;
      }
      // Items that declare an inexact mapping (`effect`) do not describe the raw record.
      if (ecsName.startsWith('o365.audit.') || values.length === 0 || it.field in rec || it.effect)
        continue;
      // A value map lists every ECS value the integration derives (`success` ← `Success`):
      // an event with another value in that field does not come from this source.
      const map = it.values;
      if (map && values.some((v) => typeof v !== 'string' || !(v in map))) return undefined;
      const raw = map ? values.map((v) => map[v as string]) : values;
      rec[it.field] = raw.length === 1 ? raw[0] : raw;
    }
  }
  const ip = first(doc, 'client.ip') ?? first(doc, 'source.ip');
  if (ip !== undefined && rec.ClientIP === undefined) rec.ClientIP = ip;
  return rec;
}

/**
 * The array of objects an ECS object stands for: Elasticsearch flattens `[{Type: a}, {Type: b}]`
 * to `{Type: [a, b]}`, so element i takes the i-th value of each array-valued key (scalars go to
 * the first element) — one of the arrays that index to the same document.
 */
function elements(obj: Record<string, unknown>): Record<string, unknown>[] {
  const n = Math.max(1, ...Object.values(obj).map((v) => (Array.isArray(v) ? v.length : 1)));
  const out: Record<string, unknown>[] = Array.from({ length: n }, () => ({}));
  for (const [k, v] of Object.entries(obj)) {
    if (Array.isArray(v)) v.forEach((x, i) => (out[i][k] = x));
    else out[0][k] = v;
  }
  return out;
}

function withRecord<T>(
  rec: Record<string, unknown> | undefined,
  f: (r: Record<string, unknown>) => T,
): T | undefined {
  return rec === undefined ? undefined : f(rec);
}

function timeMs(doc: EcsEvent, path: string): number | undefined {
  const v = first(doc, path);
  return typeof v === 'string' ? parseIsoTimestamp(v) : undefined;
}

const TRANSFORMS: Record<
  string,
  Partial<Record<TargetName, (profile: MappingProfile | undefined) => EventTransform>>
> = {
  o365: {
    spl: (profile) => (doc) =>
      withRecord(
        inSource(doc, profile, 'spl') ? o365RecordFromEcs(doc, profile) : undefined,
        (rec) =>
          splunkEventFromJson(rec, {
            sourcetype: 'o365:management:activity',
            timeMs: timeMs(doc, '@timestamp'),
            indexTimeMs: timeMs(doc, 'event.ingested'),
          }),
      ),
    // Sigma rules of the o365 profile run on the raw record (product m365, service audit).
    sigma: (profile) => (doc) =>
      !inSource(doc, profile, 'sigma') ? undefined : o365RecordFromEcs(doc, profile),
  },
};

/**
 * The transform for a profile and target: a function, `'interpreter'` (use the interpreter's own
 * ECS transform: the pass-through profile), or undefined when there is none.
 */
export function eventTransform(
  profile: string | MappingProfile,
  target: TargetName,
): EventTransform | 'interpreter' | undefined {
  const id = typeof profile === 'string' ? profile : profile.id;
  if (id === 'ecs') return 'interpreter';
  const make = TRANSFORMS[id]?.[target];
  if (!make) return undefined;
  return make(typeof profile === 'string' ? safeBuiltin(id) : profile);
}

function safeBuiltin(id: string): MappingProfile | undefined {
  try {
    return loadBuiltinMapping(id);
  } catch {
    return undefined;
  }
}
