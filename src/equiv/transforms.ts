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

export type EventTransform = (doc: EcsEvent) => Record<string, unknown>;

function first(doc: EcsEvent, path: string): unknown {
  return getValues(doc, path)[0];
}

/** O365 Management Activity record (as the API returns it) from its ECS form. */
export function o365RecordFromEcs(doc: EcsEvent): Record<string, unknown> {
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
  const ip = first(doc, 'client.ip') ?? first(doc, 'source.ip');
  if (ip !== undefined && rec.ClientIP === undefined) rec.ClientIP = ip;
  return rec;
}

function timeMs(doc: EcsEvent, path: string): number | undefined {
  const v = first(doc, path);
  return typeof v === 'string' ? parseIsoTimestamp(v) : undefined;
}

const TRANSFORMS: Record<string, Partial<Record<TargetName, EventTransform>>> = {
  o365: {
    spl: (doc) =>
      splunkEventFromJson(o365RecordFromEcs(doc), {
        sourcetype: 'o365:management:activity',
        timeMs: timeMs(doc, '@timestamp'),
        indexTimeMs: timeMs(doc, 'event.ingested'),
      }),
  },
};

/**
 * The transform for a profile and target: a function, `'interpreter'` (use the interpreter's own
 * ECS transform: the pass-through profile), or undefined when there is none.
 */
export function eventTransform(
  profile: string,
  target: TargetName,
): EventTransform | 'interpreter' | undefined {
  if (profile === 'ecs') return 'interpreter';
  return TRANSFORMS[profile]?.[target];
}
