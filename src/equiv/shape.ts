/**
 * Field shapes for event generation: may a field hold several values (an array) in the data a
 * rule runs on?
 *
 * Elasticsearch accepts an array in any field, but conforming data has arrays only where its
 * schema says so, and translations rely on that (a Kusto column known to hold a scalar is
 * compared directly). `verify` therefore generates array-valued events only where arrays can
 * occur:
 *
 * - ECS fields whose definition says `normalize: array`, and fields below them;
 * - fields the mapping profile declares `multivalue` (a hint or any target's item);
 * - fields neither ECS nor the profile describes: their shape is unknown, so arrays are possible
 *   (unless the caller says such fields are single-valued: `verify --unknown-fields scalar`).
 *
 * A field ECS or the profile describes without saying "array" is single-valued (the profile's
 * Name/Value pair items, for instance, each name one value).
 */
import { ECS_FIELDS } from '../schema/ecs-fields.generated.js';
import type { MappingProfile } from '../mapping/types.js';
import { ECS_ARRAY_FIELDS } from './ecs-arrays.generated.js';

/** True when the field may hold several values. */
export type ShapeLookup = (field: string) => boolean;

const ECS_ARRAYS = new Set(ECS_ARRAY_FIELDS);

/** The field or one of its ancestors is in `set`. */
function selfOrAncestor(set: ReadonlySet<string>, field: string): boolean {
  if (set.has(field)) return true;
  for (let i = field.lastIndexOf('.'); i > 0; i = field.lastIndexOf('.', i - 1)) {
    if (set.has(field.slice(0, i))) return true;
  }
  return false;
}

/**
 * The shape facts of ECS and a mapping profile (see the module comment). `unknown`: whether a
 * field neither describes may hold an array (default `array`; `scalar` when you know your data
 * sources send single values there).
 */
export function fieldShapes(
  profile?: MappingProfile,
  unknown: 'array' | 'scalar' = 'array',
): ShapeLookup {
  const described = new Set<string>();
  const multi = new Set<string>();
  if (profile) {
    for (const [name, h] of Object.entries(profile.fields)) {
      described.add(name);
      if (h.multivalue) multi.add(name);
    }
    for (const section of Object.values(profile.targets)) {
      for (const [name, it] of Object.entries(section?.fields ?? {})) {
        described.add(name);
        if (it.multivalue) multi.add(name);
      }
    }
  }
  const cache = new Map<string, boolean>();
  return (field) => {
    let r = cache.get(field);
    if (r === undefined) {
      r =
        selfOrAncestor(ECS_ARRAYS, field) ||
        multi.has(field) ||
        (unknown === 'array' && !(field in ECS_FIELDS) && !described.has(field));
      cache.set(field, r);
    }
    return r;
  };
}

/** Every field may hold an array (Elasticsearch's own view: `equiv` decides over it). */
export const anyShape: ShapeLookup = () => true;
