/**
 * Resolving ECS field names against a profile's target section. Pure: the caller records the
 * returned trace entries and diagnostics.
 */
import type { TargetName } from '../../targets/types.js';
import { defaultSchema, matchKindOf } from '../schema/index.js';
import { isIntegerType } from '../schema/types.js';
import type { Analyzer } from '../schema/types.js';
import type {
  FieldHint,
  FieldMapItem,
  FieldType,
  MappingProfile,
  RouteItem,
  TargetSection,
} from './types.js';

const EMPTY: TargetSection = { source: {}, fields: {}, routes: [], options: {} };

/** The profile's section for `target` (an empty pass-through section when absent). */
export function sectionFor(profile: MappingProfile, target: TargetName): TargetSection {
  return profile.targets[target] ?? EMPTY;
}

/** A field as the target sees it. */
export interface MappedField {
  /** ECS name as written in the rule (with a nested path joined in). */
  source: string;
  /** Target field name (the ECS name when passed through). */
  name: string;
  /** The applied mapping item, if any. */
  item?: FieldMapItem;
  /** Provenance id `<profile>/<target>/fields/<item>`, when an item applied. */
  traceId?: string;
  type?: FieldType;
  multivalue?: boolean;
  /** Matching ignores case (keyword with a lowercase normalizer). */
  caseInsensitive?: boolean;
  /** Text fields: Elasticsearch's analyzer (default `standard`). */
  analyzer?: Analyzer;
  /** Integer-typed number field (decimals truncated). */
  integer?: boolean;
  /** Keyword field whose values longer than this are not indexed. */
  ignoreAbove?: number;
}

/** Well-known ECS `ip` fields, used when the profile has no type hint. */
const ECS_IP =
  /(^|\.)(ip|ips)$|^(client|destination|host|observer|related|server|source)\.nat\.ip$/;

const schemaCache = new Map<string, FieldHint>();

/** What the evaluator's schema (ECS + integrations) says about a field, as a hint. */
export function schemaHint(ecsName: string): FieldHint {
  const hit = schemaCache.get(ecsName);
  if (hit) return hit;
  const r = defaultSchema().resolve(ecsName);
  const h: FieldHint = {};
  if (r.known) {
    const kind = matchKindOf(r.type);
    const t: FieldType | undefined =
      kind === 'keyword' ||
      kind === 'text' ||
      kind === 'number' ||
      kind === 'ip' ||
      kind === 'boolean' ||
      kind === 'date'
        ? kind
        : kind === 'object'
          ? 'object'
          : undefined;
    if (t) h.type = t;
    if (r.normalizer === 'lowercase') h.caseInsensitive = true;
    if (r.valuePath && r.valuePath !== ecsName) h.valuePath = r.valuePath;
    if (t === 'text' && r.analyzer !== undefined) h.analyzer = r.analyzer;
    if (t === 'number') h.integer = isIntegerType(r.type);
    if (t === 'keyword' && r.ignoreAbove !== undefined) h.ignoreAbove = r.ignoreAbove;
  } else if (ECS_IP.test(ecsName)) h.type = 'ip';
  schemaCache.set(ecsName, h);
  return h;
}

/** Facts about an ECS field: the profile's hint over the schema's. */
export function fieldHint(profile: MappingProfile, ecsName: string): FieldHint {
  const h = profile.fields[ecsName];
  return h ? { ...schemaHint(ecsName), ...h } : schemaHint(ecsName);
}

/** A field name as SPL eval/where needs it: single-quoted unless a plain word. */
function evalName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name.replace(/'/g, "\\'")}'`;
}

/**
 * A field of the raw vendor record the profile's source holds (`options.raw_prefix`, e.g.
 * `o365.audit.` for the O365 records the Splunk add-on indexes): `o365.audit.A.B` is the raw key
 * path `A.B`, where any object on the way may be a JSON array, which Splunk names `A{}.B`. The
 * item gathers every spelling (`mvappend` of `A.B`, `A{}.B`, `A.B{}`, `A{}.B{}`). Paths deeper
 * than 3 keys are not expanded.
 */
function rawRecordItem(section: TargetSection, ecsName: string): FieldMapItem | undefined {
  const prefix = section.options.raw_prefix;
  if (typeof prefix !== 'string' || !ecsName.startsWith(prefix)) return undefined;
  const keys = ecsName.slice(prefix.length).split('.');
  if (keys.length === 0 || keys.length > 3 || keys.some((k) => k === '' || k.includes('*')))
    return undefined;
  let names = [''];
  keys.forEach((k, i) => {
    const sep = i === 0 ? '' : '.';
    names = names.flatMap((n) => [`${n}${sep}${k}`, `${n}${sep}${k}{}`]);
  });
  return {
    id: `raw_prefix ${prefix}`,
    expression: `mvappend(${names.map(evalName).join(', ')})`,
  };
}

/** Map one ECS field for `target`. */
export function mapField(
  profile: MappingProfile,
  target: TargetName,
  ecsName: string,
): MappedField {
  const section = sectionFor(profile, target);
  const hint = fieldHint(profile, ecsName);
  let item: FieldMapItem | undefined = section.fields[ecsName];
  if (!item && target === 'spl') item = rawRecordItem(section, ecsName);
  // Sigma names a raw key path with dots (any object on the way may be an array)
  const raw = section.options.raw_prefix;
  if (!item && target === 'sigma' && typeof raw === 'string' && ecsName.startsWith(raw))
    item = { id: `raw_prefix ${raw}`, field: ecsName.slice(raw.length) };
  if (!item && section.options.unmapped === 'none')
    item = {
      id: 'unmapped',
      none: true,
    };
  if (!item)
    return {
      source: ecsName,
      // a multi-field (`process.name.caseless`, `x.text`) is not in the event: its parent is
      name: hint.valuePath ?? ecsName,
      type: hint.type,
      multivalue: hint.multivalue,
      caseInsensitive: hint.caseInsensitive,
      analyzer: hint.analyzer,
      integer: hint.integer,
      ignoreAbove: hint.ignoreAbove,
    };
  return {
    source: ecsName,
    name: item.field ?? item.pair?.valueField ?? item.lookup?.output ?? ecsName,
    item,
    traceId: `${profile.id}/${target}/fields/${item.id}`,
    type: item.type ?? hint.type,
    multivalue: item.multivalue ?? hint.multivalue,
    caseInsensitive: hint.caseInsensitive,
    analyzer: hint.analyzer,
    integer: hint.integer,
    ignoreAbove: hint.ignoreAbove,
  };
}

/** The routing item for an ECS field, if the target's source selection decides it. */
export function routeFor(
  profile: MappingProfile,
  target: TargetName,
  ecsName: string,
): RouteItem | undefined {
  return sectionFor(profile, target).routes.find((r) => r.field === ecsName);
}

/** Map a KQL literal through the item's value map. */
export function mapValue(item: FieldMapItem | undefined, value: string): string {
  return item?.values?.[value] ?? value;
}
