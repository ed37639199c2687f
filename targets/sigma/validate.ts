/**
 * Validation of Sigma output: every YAML document is checked against the official Sigma JSON
 * schemas (draft 2020-12, with ajv) and by structural checks a schema cannot express: the
 * condition parses and names only existing search identifiers, `1 of x*` patterns match
 * something, modifiers are known and their values have the right type, regexes and CIDR
 * networks are valid, correlation `rules` refer to rules of the same file, `timespan` is well
 * formed.
 *
 * The schemas ship with siemc in `rules/schemas/sigma/` (copied unchanged from the Sigma
 * specification, which is public domain), so an installed siemc validates without the
 * repository's test material. Tests pass `../shared/sigma` to validate against the originals.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { conditionReferences, expandPattern, parseCondition } from './condition.js';

export interface SigmaIssue {
  /** 1-based document number in the YAML stream. */
  document: number;
  /** JSON-pointer-like path inside the document, e.g. `/detection/condition`. */
  path: string;
  message: string;
  /**
   * `schema` for JSON-schema failures, `structure` for the structural checks, `yaml` for syntax,
   * `regex` for a regex outside the specification's regex subset (a portability warning).
   */
  kind: 'yaml' | 'schema' | 'structure' | 'regex';
}

/**
 * The Sigma specification's regex flavor (modifiers appendix, "Regular Expression"): PCRE with
 * `.`, `^ $`, `* + ? {n,m}`, `[a-z]` / `[^a-z]`, groups and `|`; "other metacharacters are
 * unsupported". Escaped literals (`\.`, `\\`) and escapes of characters YAML cannot hold (`\n`,
 * `\r`, `\t`, `\xHH`) are characters, not metacharacters. Returns the first unsupported piece.
 */
export function outsideSigmaRegexSubset(re: string): string | undefined {
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      const n = re[i + 1] ?? '';
      if (/[sSdDwWbBpPkKAzZGQE0-9]/.test(n)) return `\\${n}`;
      i += n === 'x' ? 3 : 1;
    } else if (c === '(' && re[i + 1] === '?') return '(?';
    else if ((c === '*' || c === '+' || c === '?' || c === '}') && /[*+?]/.test(re[i + 1] ?? ''))
      return c + re[i + 1];
  }
  return undefined;
}

const SCHEMA_FILES = {
  rule: 'sigma-detection-rule-schema.json',
  correlation: 'sigma-correlation-rules-schema.json',
  filter: 'sigma-filters-schema.json',
} as const;

type DocKind = keyof typeof SCHEMA_FILES;

/** The shipped schema directory (`rules/schemas/sigma` at the package root). */
export function shippedSchemaDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'rules', 'schemas', 'sigma');
    if (existsSync(join(candidate, SCHEMA_FILES.rule))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error(
    'siemc installation is incomplete: rules/schemas/sigma/ (the Sigma JSON schemas) was not found',
  );
}

/** Every modifier of the Sigma specification v2 (appendix "Modifiers"). */
export const SIGMA_MODIFIERS = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  'exists',
  'cased',
  'windash',
  're',
  'i',
  'm',
  's',
  'lt',
  'lte',
  'gt',
  'gte',
  'cidr',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'wide',
  'utf16',
  'expand',
  'fieldref',
]);

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export class SigmaValidator {
  private readonly validators: Record<DocKind, ValidateFunction>;

  constructor(schemaDir: string = shippedSchemaDir()) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const load = (k: DocKind): ValidateFunction =>
      ajv.compile(JSON.parse(readFileSync(join(schemaDir, SCHEMA_FILES[k]), 'utf8')) as object);
    this.validators = {
      rule: load('rule'),
      correlation: load('correlation'),
      filter: load('filter'),
    };
  }

  /** Validate a Sigma YAML text (one or more documents). An empty list means valid. */
  validateText(text: string): SigmaIssue[] {
    const docs = parseAllDocuments(text, { version: '1.1' });
    const list = Array.isArray(docs) ? docs : [docs];
    const issues: SigmaIssue[] = [];
    const values: unknown[] = [];
    list.forEach((d, i) => {
      for (const e of d.errors)
        issues.push({ document: i + 1, path: '', message: e.message, kind: 'yaml' });
      values.push(d.toJS());
    });
    if (issues.length > 0) return issues;
    return this.validateDocuments(values);
  }

  /** Validate already-loaded documents (the objects a YAML loader returns). */
  validateDocuments(docs: readonly unknown[]): SigmaIssue[] {
    const issues: SigmaIssue[] = [];
    const names = new Set<string>();
    for (const d of docs) {
      if (d && typeof d === 'object' && !Array.isArray(d)) {
        const o = d as Record<string, unknown>;
        if (typeof o.name === 'string') names.add(o.name);
        if (typeof o.id === 'string') names.add(o.id);
      }
    }
    if (docs.length === 0)
      issues.push({ document: 1, path: '', message: 'no YAML document', kind: 'yaml' });
    docs.forEach((d, i) => {
      const n = i + 1;
      if (d === null || typeof d !== 'object' || Array.isArray(d)) {
        issues.push({
          document: n,
          path: '',
          message: 'a Sigma document must be a map',
          kind: 'structure',
        });
        return;
      }
      const o = d as Record<string, unknown>;
      const kind: DocKind | undefined =
        'correlation' in o
          ? 'correlation'
          : 'filter' in o
            ? 'filter'
            : 'detection' in o
              ? 'rule'
              : undefined;
      if (!kind) {
        issues.push({
          document: n,
          path: '',
          message: 'document has none of detection, correlation, filter',
          kind: 'structure',
        });
        return;
      }
      const v = this.validators[kind];
      if (!v(o)) {
        for (const e of v.errors ?? []) {
          issues.push({
            document: n,
            path: e.instancePath || '/',
            message: `${e.message ?? 'invalid'}${e.params ? ' ' + JSON.stringify(e.params) : ''}`,
            kind: 'schema',
          });
        }
      }
      if (kind === 'rule') issues.push(...checkDetection(o.detection, n));
      if (kind === 'correlation') issues.push(...checkCorrelation(o.correlation, n, names));
    });
    return issues;
  }
}

let defaultValidator: SigmaValidator | undefined;

/** Validate with the shipped schemas (the validator is built once per process). */
export function validateSigma(text: string): SigmaIssue[] {
  defaultValidator ??= new SigmaValidator();
  return defaultValidator.validateText(text);
}

function checkDetection(det: unknown, n: number): SigmaIssue[] {
  const issues: SigmaIssue[] = [];
  const add = (path: string, message: string, kind: SigmaIssue['kind'] = 'structure'): void =>
    void issues.push({ document: n, path, message, kind });
  if (!det || typeof det !== 'object' || Array.isArray(det)) return issues; // the schema reports it
  const d = det as Record<string, unknown>;
  const idents = Object.keys(d).filter((k) => k !== 'condition' && k !== 'timeframe');
  if (idents.length === 0) add('/detection', 'detection defines no search identifier');
  for (const name of idents) checkSearchIdentifier(d[name], `/detection/${name}`, add);
  const conds = Array.isArray(d.condition) ? d.condition : [d.condition];
  conds.forEach((c, i) => {
    const path = Array.isArray(d.condition) ? `/detection/condition/${i}` : '/detection/condition';
    if (typeof c !== 'string') return add(path, 'condition must be a string');
    try {
      const { refs, patterns } = conditionReferences(parseCondition(c));
      for (const r of refs)
        if (!idents.includes(r))
          add(path, `condition names '${r}', which is not a search identifier of this detection`);
      for (const p of patterns)
        if (expandPattern(p, idents).length === 0)
          add(path, `'${p === 'them' ? 'them' : p}' matches no search identifier`);
    } catch (e) {
      add(path, `condition does not parse: ${(e as Error).message}`);
    }
  });
  return issues;
}

function checkSearchIdentifier(
  def: unknown,
  path: string,
  add: (p: string, m: string, kind?: SigmaIssue['kind']) => void,
): void {
  if (Array.isArray(def)) {
    if (def.length === 0) add(path, 'empty list');
    def.forEach((item, i) => {
      if (item && typeof item === 'object' && !Array.isArray(item))
        checkMap(item as Record<string, unknown>, `${path}/${i}`, add);
      else if (typeof item !== 'string' && typeof item !== 'number')
        add(`${path}/${i}`, 'list items must be strings, numbers or maps');
    });
  } else if (def && typeof def === 'object') {
    checkMap(def as Record<string, unknown>, path, add);
  } else {
    add(path, 'a search identifier must be a map or a list');
  }
}

function checkMap(
  map: Record<string, unknown>,
  path: string,
  add: (p: string, m: string, kind?: SigmaIssue['kind']) => void,
): void {
  if (Object.keys(map).length === 0) add(path, 'empty map');
  for (const [key, raw] of Object.entries(map)) {
    const p = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const [, ...mods] = key.split('|');
    for (const m of mods) if (!SIGMA_MODIFIERS.has(m)) add(p, `unknown modifier '${m}'`);
    const values = Array.isArray(raw) ? raw : [raw];
    if (Array.isArray(raw) && raw.length === 0) add(p, 'empty value list');
    if (mods.includes('all') && values.length < 2)
      add(p, "'all' needs a list of two or more values");
    for (const v of values) {
      if (v !== null && typeof v === 'object') add(p, 'values must be scalars');
      if (mods.includes('exists') && typeof v !== 'boolean') add(p, "'exists' takes true or false");
      if (['gt', 'gte', 'lt', 'lte'].some((m) => mods.includes(m)) && typeof v !== 'number')
        add(p, 'numeric comparison needs a number');
      if (mods.includes('re')) {
        if (typeof v !== 'string') add(p, "'re' needs a string");
        else {
          try {
            new RegExp(v);
            const piece = outsideSigmaRegexSubset(v);
            if (piece)
              add(
                p,
                `'${piece}' is outside the Sigma regex subset (. ^ $ * + ? {n,m} [...] ( ) |), so backends may reject or misread it`,
                'regex',
              );
          } catch (e) {
            add(p, `invalid regular expression: ${(e as Error).message}`);
          }
        }
      }
      if (mods.includes('cidr') && (typeof v !== 'string' || !/^[0-9A-Fa-f.:]+\/\d{1,3}$/.test(v)))
        add(p, "'cidr' needs a network in CIDR notation");
    }
  }
}

function checkCorrelation(corr: unknown, n: number, names: Set<string>): SigmaIssue[] {
  const issues: SigmaIssue[] = [];
  if (!corr || typeof corr !== 'object') return issues;
  const c = corr as Record<string, unknown>;
  const add = (path: string, message: string): void =>
    void issues.push({ document: n, path, message, kind: 'structure' });
  if (Array.isArray(c.rules)) {
    for (const r of c.rules)
      if (typeof r === 'string' && !names.has(r))
        add('/correlation/rules', `'${r}' is not the name or id of a rule in this file`);
  }
  if (typeof c.timespan === 'string' && !/^\d+[smhd]$/.test(c.timespan))
    add('/correlation/timespan', "timespan must be a number followed by s, m, h or d (e.g. '10m')");
  const cond = c.condition as Record<string, unknown> | undefined;
  if (cond && typeof cond === 'object') {
    const ops = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'].filter((k) => k in cond);
    if (ops.length === 0)
      add('/correlation/condition', 'condition needs gt, gte, lt, lte, eq or neq');
    for (const k of ops)
      if (!Number.isInteger(cond[k])) add(`/correlation/condition/${k}`, 'must be an integer');
    if (c.type === 'value_count' && typeof cond.field !== 'string')
      add('/correlation/condition/field', "value_count needs the condition's field");
  }
  return issues;
}
