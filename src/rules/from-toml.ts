/** detection-rules TOML (`[metadata]`, `[rule]`, `[rule.new_terms]`, `[rule.threshold]`, ...) → Rule. */
import { parse as parseToml, TomlError } from 'smol-toml';
import type { Diagnostic } from '../diagnostics.js';
import type { Rule } from './model.js';
import { normalizeRule } from './normalize.js';
import { scanTomlKeys, type TomlKeyPos } from './toml-scan.js';
import { decodeTomlString, isStringError } from './strings.js';
import { RuleCode } from './codes.js';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Logical rule field → TOML key path(s), first found wins. */
const TOML_PATHS: Record<string, string[]> = {
  rule_id: ['rule.rule_id'],
  name: ['rule.name'],
  type: ['rule.type'],
  language: ['rule.language'],
  query: ['rule.query'],
  from: ['rule.from'],
  to: ['rule.to'],
  interval: ['rule.interval'],
  index: ['rule.index'],
  severity: ['rule.severity'],
  risk_score: ['rule.risk_score'],
  tags: ['rule.tags'],
  threat: ['rule.threat[]', 'rule.threat'],
  filters: ['rule.filters[]', 'rule.filters'],
  exceptions_list: ['rule.exceptions_list[]', 'rule.exceptions_list'],
  new_terms_fields: ['rule.new_terms.value', 'rule.new_terms'],
  history_window_start: [
    'rule.new_terms.history_window_start[].value',
    'rule.new_terms.history_window_start',
    'rule.new_terms',
  ],
  threshold: ['rule.threshold'],
  'threshold.value': ['rule.threshold.value', 'rule.threshold'],
  'threshold.field': ['rule.threshold.field', 'rule.threshold'],
  'threshold.cardinality': [
    'rule.threshold.cardinality[].value',
    'rule.threshold.cardinality',
    'rule.threshold',
  ],
};

export interface TomlLoad {
  rule?: Rule;
  diagnostics: Diagnostic[];
}

export function loadTomlRule(text: string, file: string): TomlLoad {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const message = e.message.replace(/^Invalid TOML document: /, '').split('\n')[0];
      return {
        diagnostics: [
          {
            severity: 'error',
            code: RuleCode.BAD_TOML,
            message: `malformed TOML: ${message}`,
            file,
            line: e.line,
            column: e.column,
          },
        ],
      };
    }
    return {
      diagnostics: [
        {
          severity: 'error',
          code: RuleCode.BAD_TOML,
          message: `malformed TOML: ${String(e)}`,
          file,
          line: 1,
          column: 1,
        },
      ],
    };
  }
  // Positions are only needed for diagnostics: scan the text for them on first use.
  let keysCache: Map<string, TomlKeyPos> | undefined;
  const keys = () => (keysCache ??= scanTomlKeys(text));
  let offsetsCache: Record<string, number> | undefined;
  const fieldOffsets = (): Record<string, number> => {
    if (offsetsCache) return offsetsCache;
    const offs: Record<string, number> = {};
    for (const [logical, paths] of Object.entries(TOML_PATHS)) {
      for (const p of paths) {
        const pos = keys().get(p);
        if (pos) {
          offs[logical] = pos.keyStart;
          break;
        }
      }
    }
    for (let k = 0; keys().has(`rule.filters[]#${k}`); k++)
      offs[`filters.${k}`] = keys().get(`rule.filters[]#${k}`)!.keyStart;
    return (offsetsCache = offs);
  };
  const r = doc.rule;
  if (!isRecord(r)) {
    return {
      diagnostics: [
        {
          severity: 'error',
          code: RuleCode.MISSING_FIELD,
          message: 'not a detection rule: the TOML file has no [rule] table',
          file,
          line: 1,
          column: 1,
          hint: 'a detection-rules file has [metadata] and [rule] tables',
        },
      ],
    };
  }
  const fields: Record<string, unknown> = { ...r };
  // [rule.new_terms]: field = "new_terms_fields", value = [...], [[history_window_start]] field/value.
  if (isRecord(r.new_terms)) {
    const nt = r.new_terms;
    delete fields.new_terms;
    fields.new_terms_fields = nt.value;
    const hws = nt.history_window_start;
    if (Array.isArray(hws)) {
      const entry = hws.find(
        (h) => isRecord(h) && (h.field === undefined || h.field === 'history_window_start'),
      );
      if (isRecord(entry)) fields.history_window_start = entry.value;
    } else if (hws !== undefined) fields.history_window_start = hws;
  }
  const source: Rule['source'] = { file, text, format: 'toml', ruleOffset: 0 };
  Object.defineProperty(source, 'fieldOffsets', {
    get: fieldOffsets,
    enumerable: true,
    configurable: true,
  });
  const { rule, diagnostics } = normalizeRule({
    fields,
    metadata: isRecord(doc.metadata) ? doc.metadata : {},
    source,
    at: (f) => fieldOffsets()[f],
    ruleOffset: 0,
    requireIdentity: true,
  });
  if (typeof rule.query === 'string')
    attachQueryPosition(source, text, rule.query, () => keys().get('rule.query'));
  return { rule, diagnostics };
}

/**
 * Give `source` lazy `queryOffset` / `queryOffsetMap` for the query string at `pos()`: the string
 * is decoded with its offset map only when a diagnostic needs a position.
 */
export function attachQueryPosition(
  source: Rule['source'],
  text: string,
  query: string,
  pos: () => { valueStart: number } | undefined,
  decode: (text: string, at: number) => ReturnType<typeof decodeTomlString> = decodeTomlString,
): void {
  let map: number[] | null | undefined;
  let start: number | undefined;
  const compute = () => {
    if (map !== undefined) return;
    const p = pos();
    if (!p) {
      map = null;
      return;
    }
    const s = decode(text, p.valueStart);
    if (!isStringError(s) && s.value === query) {
      map = s.map;
      start = s.map[0];
    } else {
      map = null;
      start = p.valueStart;
    }
  };
  Object.defineProperty(source, 'queryOffset', {
    get: () => {
      compute();
      return start;
    },
    enumerable: true,
    configurable: true,
  });
  Object.defineProperty(source, 'queryOffsetMap', {
    get: () => {
      compute();
      const m = map;
      if (!m) return undefined;
      return (k: number) => m[Math.max(0, Math.min(k, m.length - 1))];
    },
    enumerable: true,
    configurable: true,
  });
}
