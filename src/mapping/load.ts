/**
 * Loading and validating mapping profiles (YAML). Errors say where (file, line, key path), what is
 * wrong, and how to fix it; they are thrown as `MappingError` carrying a `Diagnostic`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, isMap, isScalar, type Document } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import type { Effect, TargetName } from '../../targets/types.js';
import type {
  FieldHint,
  FieldMapItem,
  FieldType,
  MappingProfile,
  RouteItem,
  TargetSection,
} from './types.js';

export class MappingError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.name = 'MappingError';
  }
}

const TARGETS: readonly TargetName[] = ['spl', 'sentinel', 'sigma'];
const FIELD_TYPES: readonly FieldType[] = [
  'keyword',
  'text',
  'number',
  'ip',
  'boolean',
  'date',
  'object',
];
const EFFECTS: readonly Effect[] = ['exact', 'wider', 'narrower', 'unsupported'];

/** Directory of the bundled profiles (works from the sources and from `dist/`). */
export function builtinMappingDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../rules/mappings', '../../../rules/mappings']) {
    const dir = resolve(here, up);
    if (existsSync(dir)) return dir;
  }
  return resolve(here, '../../rules/mappings');
}

/** Names of the bundled profiles. */
export function builtinMappingNames(): string[] {
  const dir = builtinMappingDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((f) => basename(f, extname(f)))
    .sort();
}

const cache = new Map<string, MappingProfile>();

/** Load a bundled profile by name (`ecs`, `o365`). */
export function loadBuiltinMapping(name: string): MappingProfile {
  const hit = cache.get(name);
  if (hit) return hit;
  const dir = builtinMappingDir();
  for (const ext of ['.yaml', '.yml']) {
    const file = join(dir, name + ext);
    if (existsSync(file)) {
      const p = parseMappingProfile(readFileSync(file, 'utf8'), file, `builtin:${name}`);
      cache.set(name, p);
      return p;
    }
  }
  throw new MappingError({
    severity: 'error',
    code: 'MAP001',
    message: `unknown mapping profile '${name}'`,
    hint: `bundled profiles: ${builtinMappingNames().join(', ')}; or pass a path to a .yaml profile`,
  });
}

/** Load all bundled profiles. */
export function loadBuiltinMappings(): MappingProfile[] {
  return builtinMappingNames().map(loadBuiltinMapping);
}

/**
 * Resolve `--mapping`: a bundled name, or a path (anything with a `/` or a .yaml/.yml ending).
 */
export function loadMapping(nameOrPath: string, cwd = process.cwd()): MappingProfile {
  const looksLikePath = /[\\/]/.test(nameOrPath) || /\.ya?ml$/i.test(nameOrPath);
  if (!looksLikePath) return loadBuiltinMapping(nameOrPath);
  const file = resolve(cwd, nameOrPath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MappingError({
      severity: 'error',
      code: 'MAP002',
      message: `cannot read mapping profile '${nameOrPath}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      file: nameOrPath,
      hint: `bundled profiles: ${builtinMappingNames().join(', ')}`,
    });
  }
  return parseMappingProfile(text, nameOrPath);
}

type Path = (string | number)[];

class Validator {
  constructor(
    readonly doc: Document,
    readonly text: string,
    readonly file: string,
  ) {}

  fail(path: Path, message: string, hint?: string): never {
    const node = path.length ? this.doc.getIn(path, true) : this.doc.contents;
    let offset: number | undefined;
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) offset = range[0];
    else if (path.length) {
      // a missing key: point at its parent
      const parent = this.doc.getIn(path.slice(0, -1), true) as {
        range?: [number, number, number];
      } | null;
      if (parent?.range) offset = parent.range[0];
    }
    const d: Diagnostic = {
      severity: 'error',
      code: 'MAP010',
      message: `${path.length ? path.join('.') + ': ' : ''}${message}`,
      file: this.file,
      hint,
    };
    if (offset !== undefined) {
      d.span = { start: offset, end: offset + 1 };
      const before = this.text.slice(0, offset);
      d.line = before.split('\n').length;
      d.column = offset - before.lastIndexOf('\n');
      d.offset = offset;
    }
    throw new MappingError(d);
  }

  obj(v: unknown, path: Path): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      this.fail(path, `expected a mapping (key: value), got ${kindOf(v)}`);
    return v as Record<string, unknown>;
  }

  str(v: unknown, path: Path): string {
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v !== 'string' || v === '')
      this.fail(path, `expected a non-empty string, got ${kindOf(v)}`);
    return v;
  }

  strList(v: unknown, path: Path): string[] {
    if (typeof v === 'string') return [v];
    if (!Array.isArray(v)) this.fail(path, `expected a list of strings, got ${kindOf(v)}`);
    return v.map((x, i) => this.str(x, [...path, i]));
  }

  keys(o: Record<string, unknown>, allowed: readonly string[], path: Path): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) {
        this.fail(
          [...path, k],
          `unknown key '${k}'`,
          `allowed here: ${allowed.join(', ')} (free-form data goes under 'options')`,
        );
      }
    }
  }

  oneOf<T extends string>(v: unknown, allowed: readonly T[], path: Path): T {
    const s = this.str(v, path);
    if (!allowed.includes(s as T)) this.fail(path, `'${s}' is not one of ${allowed.join(', ')}`);
    return s as T;
  }
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

/** Parse and validate a profile from YAML text. */
export function parseMappingProfile(text: string, file: string, origin = file): MappingProfile {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const d: Diagnostic = {
      severity: 'error',
      code: 'MAP003',
      message: `invalid YAML in mapping profile: ${e.message.split('\n')[0]}`,
      file,
      offset: e.pos[0],
      span: { start: e.pos[0], end: e.pos[1] },
    };
    if (e.linePos) {
      d.line = e.linePos[0].line;
      d.column = e.linePos[0].col;
    }
    throw new MappingError(d);
  }
  const v = new Validator(doc, text, file);
  if (!isMap(doc.contents))
    v.fail([], 'a mapping profile must be a YAML mapping with at least `id`');
  void isScalar;
  const raw = v.obj(doc.toJS(), []);
  v.keys(raw, ['id', 'description', 'serves', 'fields', ...TARGETS], []);
  const id = v.str(raw.id, ['id']);
  if (!/^[A-Za-z0-9_.-]+$/.test(id))
    v.fail(['id'], `profile id '${id}' may only use letters, digits, '_', '.', '-'`);
  const profile: MappingProfile = {
    id,
    description: raw.description === undefined ? '' : v.str(raw.description, ['description']),
    serves: raw.serves === undefined ? [] : v.strList(raw.serves, ['serves']),
    fields: {},
    targets: {},
    origin,
  };
  if (raw.fields !== undefined) {
    const fields = v.obj(raw.fields, ['fields']);
    for (const [name, hintRaw] of Object.entries(fields)) {
      const p: Path = ['fields', name];
      const h = v.obj(hintRaw, p);
      v.keys(h, ['type', 'multivalue'], p);
      const hint: FieldHint = {};
      if (h.type !== undefined) hint.type = v.oneOf(h.type, FIELD_TYPES, [...p, 'type']);
      if (h.multivalue !== undefined) hint.multivalue = bool(v, h.multivalue, [...p, 'multivalue']);
      profile.fields[name] = hint;
    }
  }
  for (const t of TARGETS) {
    if (raw[t] === undefined) continue;
    profile.targets[t] = targetSection(v, raw[t], [t]);
  }
  return profile;
}

function bool(v: Validator, x: unknown, path: Path): boolean {
  if (typeof x !== 'boolean') v.fail(path, `expected true or false, got ${kindOf(x)}`);
  return x;
}

function targetSection(v: Validator, x: unknown, path: Path): TargetSection {
  const o = v.obj(x, path);
  v.keys(o, ['source', 'fields', 'routes', 'options'], path);
  const section: TargetSection = { source: {}, fields: {}, routes: [], options: {} };
  if (o.source !== undefined) {
    const src = v.obj(o.source, [...path, 'source']);
    for (const [k, val] of Object.entries(src)) {
      section.source[k] = Array.isArray(val)
        ? v.strList(val, [...path, 'source', k])
        : v.str(val, [...path, 'source', k]);
    }
  }
  if (o.fields !== undefined) {
    const fields = v.obj(o.fields, [...path, 'fields']);
    for (const [name, item] of Object.entries(fields)) {
      section.fields[name] = fieldItem(v, name, item, [...path, 'fields', name]);
    }
  }
  if (o.routes !== undefined) {
    if (!Array.isArray(o.routes))
      v.fail([...path, 'routes'], `expected a list of routes, got ${kindOf(o.routes)}`);
    o.routes.forEach((r, i) => section.routes.push(routeItem(v, r, [...path, 'routes', i])));
  }
  if (o.options !== undefined) section.options = v.obj(o.options, [...path, 'options']);
  return section;
}

function routeItem(v: Validator, x: unknown, path: Path): RouteItem {
  const o = v.obj(x, path);
  v.keys(o, ['id', 'field', 'values'], path);
  const field = v.str(o.field, [...path, 'field']);
  return {
    id: o.id === undefined ? field : v.str(o.id, [...path, 'id']),
    field,
    values: v.strList(o.values, [...path, 'values']),
  };
}

const ITEM_KEYS = [
  'id',
  'field',
  'pair',
  'lookup',
  'expression',
  'none',
  'type',
  'multivalue',
  'values',
  'effect',
  'warning',
  'options',
] as const;

function fieldItem(v: Validator, name: string, x: unknown, path: Path): FieldMapItem {
  if (typeof x === 'string') return { id: name, field: x };
  const o = v.obj(x, path);
  v.keys(o, ITEM_KEYS, path);
  const item: FieldMapItem = { id: o.id === undefined ? name : v.str(o.id, [...path, 'id']) };
  const sources = ['field', 'pair', 'lookup', 'expression', 'none'].filter(
    (k) => o[k] !== undefined,
  );
  if (sources.length !== 1) {
    v.fail(
      path,
      sources.length === 0
        ? `field '${name}' says nothing about where its value comes from`
        : `field '${name}' has ${sources.join(' and ')}: use exactly one`,
      'give exactly one of: field, pair, lookup, expression, none',
    );
  }
  if (o.field !== undefined) item.field = v.str(o.field, [...path, 'field']);
  if (o.expression !== undefined) item.expression = v.str(o.expression, [...path, 'expression']);
  if (o.none !== undefined) {
    if (o.none !== true)
      v.fail([...path, 'none'], 'none must be true (the field has no equivalent)');
    item.none = true;
  }
  if (o.pair !== undefined) {
    const p = v.obj(o.pair, [...path, 'pair']);
    v.keys(p, ['name_field', 'value_field', 'name'], [...path, 'pair']);
    item.pair = {
      nameField: v.str(p.name_field, [...path, 'pair', 'name_field']),
      valueField: v.str(p.value_field, [...path, 'pair', 'value_field']),
      name: v.str(p.name, [...path, 'pair', 'name']),
    };
  }
  if (o.lookup !== undefined) {
    const l = v.obj(o.lookup, [...path, 'lookup']);
    v.keys(l, ['table', 'input', 'input_field', 'output'], [...path, 'lookup']);
    item.lookup = {
      table: v.str(l.table, [...path, 'lookup', 'table']),
      input: v.str(l.input, [...path, 'lookup', 'input']),
      output: v.str(l.output, [...path, 'lookup', 'output']),
    };
    if (l.input_field !== undefined)
      item.lookup.inputField = v.str(l.input_field, [...path, 'lookup', 'input_field']);
  }
  if (o.type !== undefined) item.type = v.oneOf(o.type, FIELD_TYPES, [...path, 'type']);
  if (o.multivalue !== undefined) item.multivalue = bool(v, o.multivalue, [...path, 'multivalue']);
  if (o.values !== undefined) {
    const vals = v.obj(o.values, [...path, 'values']);
    item.values = {};
    for (const [k, val] of Object.entries(vals))
      item.values[k] = v.str(val, [...path, 'values', k]);
  }
  if (o.effect !== undefined) item.effect = v.oneOf(o.effect, EFFECTS, [...path, 'effect']);
  if (o.warning !== undefined) item.warning = v.str(o.warning, [...path, 'warning']);
  if (o.options !== undefined) item.options = v.obj(o.options, [...path, 'options']);
  return item;
}
