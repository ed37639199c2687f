/**
 * Kibana-shaped rule fields (snake_case, as in the detection engine API, an NDJSON export or the
 * `[rule]` table of a detection-rules TOML once its new_terms block is flattened) → the typed `Rule`.
 * Wrongly typed fields give RULE028 errors; defaults are Kibana's (`from = now-6m`, `interval = 5m`,
 * `to = now`, language `kuery`).
 */
import type { Diagnostic, Severity } from '../diagnostics.js';
import type { NewTermsSpec, Rule, SourceRef, ThreatEntry, ThresholdSpec } from './model.js';
import { RuleCode } from './codes.js';

export interface RuleInput {
  fields: Record<string, unknown>;
  metadata: Record<string, unknown>;
  source: SourceRef;
  /** File offset of a field (`from`, `threshold.value`, ...) for diagnostics, when known. */
  at: (field: string) => number | undefined;
  /** Offset of the rule itself (start of its NDJSON line, 0 for a file). */
  ruleOffset: number;
  /** Used when the input has no `rule_id` (bare .kql files, case specs). */
  defaultId?: string;
  defaultName?: string;
  /** Missing `rule_id` / `name` is an error (TOML, Kibana JSON) rather than silently defaulted. */
  requireIdentity: boolean;
}

export type Diag = (
  severity: Severity,
  code: string,
  message: string,
  field?: string,
  hint?: string,
) => void;

export function makeDiag(
  out: Diagnostic[],
  input: Pick<RuleInput, 'at' | 'ruleOffset' | 'source'>,
  rule?: () => string | undefined,
): Diag {
  return (severity, code, message, field, hint) => {
    const offset = (field !== undefined ? input.at(field) : undefined) ?? input.ruleOffset;
    const d: Diagnostic = { severity, code, message, offset, file: input.source.file };
    const id = rule?.();
    if (id) d.rule = id;
    if (hint) d.hint = hint;
    out.push(d);
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function normalizeRule(input: RuleInput): { rule: Rule; diagnostics: Diagnostic[] } {
  const f = input.fields;
  const diagnostics: Diagnostic[] = [];
  let ruleId: string | undefined;
  const diag = makeDiag(diagnostics, input, () => ruleId);

  const typeErr = (field: string, want: string) =>
    diag(
      'error',
      RuleCode.FIELD_TYPE,
      `'${field}' must be ${want}, got ${describe(f[field])}`,
      field,
    );
  const str = (field: string): string | undefined => {
    const v = f[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      typeErr(field, 'a string');
      return undefined;
    }
    return v;
  };
  const strArr = (field: string, v: unknown = f[field]): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      typeErr(field, 'a list of strings');
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    }
    return v as string[];
  };

  ruleId = str('rule_id') ?? undefined;
  if (ruleId === undefined || ruleId === '') {
    if (input.requireIdentity)
      diag('error', RuleCode.MISSING_ID, "the rule has no 'rule_id'", 'rule_id');
    ruleId = input.defaultId ?? '';
  }
  let name = str('name');
  if (name === undefined || name === '') {
    if (input.requireIdentity)
      diag('warning', RuleCode.MISSING_FIELD, "the rule has no 'name'", 'name');
    name = input.defaultName ?? ruleId;
  }
  const type = str('type') ?? 'query';
  if (f.type === undefined && input.requireIdentity) {
    diag(
      'error',
      RuleCode.MISSING_FIELD,
      "the rule has no 'type'",
      undefined,
      'add e.g. type = "query"',
    );
  }
  const query = str('query');
  let language = str('language');
  if (
    language === undefined &&
    query !== undefined &&
    ['query', 'new_terms', 'threshold', 'threat_match', 'saved_query'].includes(type)
  ) {
    language = 'kuery'; // Kibana's default for KQL-capable rule types
  }

  const riskScore = f.risk_score;
  if (riskScore !== undefined && (typeof riskScore !== 'number' || !Number.isFinite(riskScore)))
    typeErr('risk_score', 'a number');

  const rule: Rule = {
    id: ruleId,
    name,
    description: str('description') ?? '',
    type,
    tags: strArr('tags'),
    threat: threatOf(f.threat, diag),
    references: strArr('references'),
    falsePositives: strArr('false_positives'),
    author: strArr('author'),
    index: strArr('index'),
    from: str('from') ?? 'now-6m',
    interval: str('interval') ?? '5m',
    metadata: { ...input.metadata },
    source: input.source,
  };
  if (language !== undefined) rule.language = language;
  if (query !== undefined) rule.query = query;
  const severity = str('severity');
  if (severity !== undefined) rule.severity = severity;
  if (typeof riskScore === 'number') rule.riskScore = riskScore;
  const license = str('license');
  if (license !== undefined) rule.license = license;
  const to = str('to');
  if (to !== undefined) rule.to = to;
  const tso = str('timestamp_override');
  if (tso !== undefined) rule.timestampOverride = tso;

  if (f.filters !== undefined && f.filters !== null) {
    if (!Array.isArray(f.filters)) typeErr('filters', 'a list of filter objects');
    else if (f.filters.length > 0) rule.filters = f.filters;
  }
  if (f.exceptions_list !== undefined && f.exceptions_list !== null) {
    if (!Array.isArray(f.exceptions_list)) typeErr('exceptions_list', 'a list');
    else if (f.exceptions_list.length > 0) rule.exceptionsList = f.exceptions_list;
  }

  if (
    type === 'new_terms' ||
    f.new_terms_fields !== undefined ||
    f.history_window_start !== undefined
  ) {
    const nt = newTermsOf(f, strArr, str);
    if (nt) rule.newTerms = nt;
  }
  if (type === 'threshold' || f.threshold !== undefined) {
    const th = thresholdOf(f.threshold, diag);
    if (th) rule.threshold = th;
  }

  // Everything else Kibana knows about the rule is kept as metadata.
  const modelled = new Set([
    'rule_id',
    'name',
    'description',
    'type',
    'language',
    'query',
    'severity',
    'risk_score',
    'tags',
    'threat',
    'references',
    'false_positives',
    'author',
    'license',
    'index',
    'from',
    'interval',
    'to',
    'timestamp_override',
    'filters',
    'exceptions_list',
    'new_terms_fields',
    'history_window_start',
    'threshold',
  ]);
  for (const [k, v] of Object.entries(f)) if (!modelled.has(k)) rule.metadata[k] = v;
  return { rule, diagnostics };
}

function newTermsOf(
  f: Record<string, unknown>,
  strArr: (field: string, v?: unknown) => string[],
  str: (field: string) => string | undefined,
): NewTermsSpec | undefined {
  const fields = strArr('new_terms_fields');
  const hws = str('history_window_start');
  if (f.new_terms_fields === undefined && f.history_window_start === undefined) return undefined;
  return { fields, historyWindowStart: hws ?? '' };
}

function thresholdOf(v: unknown, diag: Diag): ThresholdSpec | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) {
    diag(
      'error',
      RuleCode.FIELD_TYPE,
      `'threshold' must be an object {field, value, cardinality?}, got ${describe(v)}`,
      'threshold',
    );
    return undefined;
  }
  let field: string[] = [];
  // Before Kibana 7.12 `field` was a single string; '' meant no grouping.
  if (typeof v.field === 'string') field = v.field === '' ? [] : [v.field];
  else if (Array.isArray(v.field) && v.field.every((x) => typeof x === 'string'))
    field = v.field as string[];
  else if (v.field !== undefined && v.field !== null)
    diag(
      'error',
      RuleCode.FIELD_TYPE,
      `'threshold.field' must be a list of field names, got ${describe(v.field)}`,
      'threshold.field',
    );
  let value = NaN;
  if (typeof v.value === 'number') value = v.value;
  else if (v.value === undefined)
    diag(
      'error',
      RuleCode.THRESHOLD_VALUE,
      "the threshold has no 'value'",
      'threshold',
      'add e.g. value = 10',
    );
  else
    diag(
      'error',
      RuleCode.FIELD_TYPE,
      `'threshold.value' must be a number, got ${describe(v.value)}`,
      'threshold.value',
    );
  const spec: ThresholdSpec = { field, value };
  if (v.cardinality !== undefined && v.cardinality !== null) {
    const raw = Array.isArray(v.cardinality) ? v.cardinality : [v.cardinality];
    const card: { field: string; value: number }[] = [];
    for (const c of raw) {
      if (isRecord(c) && typeof c.field === 'string' && typeof c.value === 'number')
        card.push({ field: c.field, value: c.value });
      else
        diag(
          'error',
          RuleCode.CARDINALITY,
          `'threshold.cardinality' entries must be {field: string, value: number}, got ${describe(c)}`,
          'threshold.cardinality',
        );
    }
    if (card.length > 0) spec.cardinality = card;
  }
  return spec;
}

function threatOf(v: unknown, diag: Diag): ThreatEntry[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    diag(
      'error',
      RuleCode.FIELD_TYPE,
      `'threat' must be a list of MITRE ATT&CK entries, got ${describe(v)}`,
      'threat',
    );
    return [];
  }
  const out: ThreatEntry[] = [];
  for (const t of v) {
    if (!isRecord(t) || !isRecord(t.tactic)) {
      diag(
        'warning',
        RuleCode.FIELD_TYPE,
        `a 'threat' entry has no tactic: ${describe(t)}`,
        'threat',
      );
      continue;
    }
    const tactic = {
      id: String(t.tactic.id ?? ''),
      name: String(t.tactic.name ?? ''),
    } as ThreatEntry['tactic'];
    if (typeof t.tactic.reference === 'string') tactic.reference = t.tactic.reference;
    const technique: ThreatEntry['technique'] = [];
    for (const te of Array.isArray(t.technique) ? t.technique : []) {
      if (!isRecord(te)) continue;
      const tech: ThreatEntry['technique'][number] = { id: String(te.id ?? '') };
      if (typeof te.name === 'string') tech.name = te.name;
      if (typeof te.reference === 'string') tech.reference = te.reference;
      if (Array.isArray(te.subtechnique)) {
        tech.subtechnique = te.subtechnique.filter(isRecord).map((s) => {
          const sub: { id: string; name?: string; reference?: string } = { id: String(s.id ?? '') };
          if (typeof s.name === 'string') sub.name = s.name;
          if (typeof s.reference === 'string') sub.reference = s.reference;
          return sub;
        });
      }
      technique.push(tech);
    }
    out.push({ framework: String(t.framework ?? 'MITRE ATT&CK'), tactic, technique });
  }
  return out;
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 40 ? s.slice(0, 37) + '...' : s}`;
}
