/**
 * Case / spec YAML files (`../shared/cases/*.yaml`): a query, an optional `rule:` block (type,
 * new_terms_fields, history_window_start, from, now, threshold, ...), test events and expectations.
 * `loadCaseSpec` returns all of it typed; as a rule file it loads as a `Rule` (id = the case id).
 */
import { parseDocument, isScalar, isMap, Scalar } from 'yaml';
import { type Diagnostic, lineColumn } from '../diagnostics.js';
import type { Rule } from './model.js';
import { normalizeRule, describe } from './normalize.js';
import { parseIsoTimestamp } from '../time/datemath.js';
import { RuleCode } from './codes.js';

export interface CaseEvent {
  doc: Record<string, unknown>;
  /** Whether the document satisfies the query. */
  match?: boolean;
}

export interface TargetExpect {
  must_match_regex?: string[];
  must_not_match_regex?: string[];
  note?: string;
  [key: string]: unknown;
}

export interface CaseExpect {
  /** The input must be rejected: "parse error ..." or "rule validation error: ...". */
  error?: string;
  alerts?: Record<string, unknown>[];
  parse?: { ast?: string; [key: string]: unknown };
  compile_error?: unknown;
  note?: string;
  spl?: TargetExpect;
  kusto?: TargetExpect;
  sigma?: TargetExpect;
  [key: string]: unknown;
}

export interface CaseSpec {
  id: string;
  source?: string;
  area?: string;
  title?: string;
  why?: string;
  query: string;
  /** `rule.now`, as written and as a time. */
  nowText?: string;
  now?: Date;
  events: CaseEvent[];
  expect: CaseExpect;
}

export interface CaseLoad {
  spec?: CaseSpec;
  rule?: Rule;
  diagnostics: Diagnostic[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Map each decoded unit of a YAML scalar to the offset of the text it came from. */
function alignScalar(text: string, node: Scalar, value: string): number[] | undefined {
  const [start, end] = node.range ?? [0, 0];
  const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE';
  let i = quoted ? start + 1 : start;
  const stop = quoted ? end - 1 : end;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    i = text.indexOf('\n', start) + 1; // content starts on the line after the header
  }
  const map: number[] = [];
  let k = 0;
  while (k < value.length) {
    if (i >= stop) return undefined;
    const c = text[i];
    if (node.type === 'QUOTE_SINGLE' && c === "'" && text[i + 1] === "'" && value[k] === "'") {
      map.push(i);
      k++;
      i += 2;
      continue;
    }
    if (node.type === 'QUOTE_DOUBLE' && c === '\\') {
      const e = text[i + 1];
      const n = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (e === '\n' || e === '\r') {
        i += 2;
        while (i < stop && /[ \t\r\n]/.test(text[i])) i++;
        continue;
      }
      const units =
        n > 0 ? String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + n), 16) || 0).length : 1;
      for (let u = 0; u < units; u++) map.push(i);
      k += units;
      i += 2 + n;
      continue;
    }
    if (c === value[k]) {
      map.push(i);
      k++;
      i++;
      continue;
    }
    // Folded line breaks become a space or newline; indentation disappears.
    if ((value[k] === ' ' || value[k] === '\n') && (c === '\n' || c === '\r')) {
      map.push(i);
      k++;
      i++;
      while (i < stop && (text[i] === ' ' || text[i] === '\t')) i++;
      continue;
    }
    i++;
  }
  map.push(Math.min(i, stop));
  return map;
}

export function loadCaseSpec(text: string, file: string): CaseLoad {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      diagnostics: doc.errors.map((e) => {
        const offset = e.pos[0];
        const { line, column } = lineColumn(text, offset);
        return {
          severity: 'error',
          code: RuleCode.BAD_YAML,
          message: `malformed YAML: ${e.message.split('\n')[0]}`,
          file,
          offset,
          line,
          column,
        };
      }),
    };
  }
  const data: unknown = doc.toJS();
  const diagnostics: Diagnostic[] = [];
  const posOf = (key: string, sub?: string): number | undefined => {
    const n = sub === undefined ? doc.get(key, true) : doc.getIn([key, sub], true);
    const r = (n as { range?: [number, number, number] } | undefined)?.range;
    if (r) return r[0];
    // Keys of a map: find the pair's key node.
    const m = doc.contents;
    if (isMap(m)) {
      const pair = m.items.find((p) => isScalar(p.key) && p.key.value === key);
      const kr = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (kr) return kr[0];
    }
    return undefined;
  };
  const err = (message: string, offset = 0) => {
    const { line, column } = lineColumn(text, offset);
    diagnostics.push({
      severity: 'error',
      code: RuleCode.FIELD_TYPE,
      message,
      file,
      offset,
      line,
      column,
    });
  };
  if (!isRecord(data)) {
    err('a case file must be a YAML mapping with at least a `query`');
    return { diagnostics };
  }
  if (typeof data.query !== 'string') {
    err(`'query' must be a string, got ${describe(data.query)}`, posOf('query') ?? 0);
    return { diagnostics };
  }
  const id =
    typeof data.id === 'string' && data.id !== ''
      ? data.id
      : (file.split(/[\\/]/).pop() ?? file).replace(/\.ya?ml$/i, '');
  const ruleBlock = data.rule === undefined || data.rule === null ? {} : data.rule;
  if (!isRecord(ruleBlock)) {
    err(`'rule' must be a mapping, got ${describe(data.rule)}`, posOf('rule') ?? 0);
    return { diagnostics };
  }
  const spec: CaseSpec = {
    id,
    query: data.query,
    events: [],
    expect: isRecord(data.expect) ? (data.expect as CaseExpect) : {},
  };
  for (const k of ['source', 'area', 'title', 'why'] as const)
    if (typeof data[k] === 'string') spec[k] = data[k] as string;
  if (ruleBlock.now !== undefined) {
    const t = typeof ruleBlock.now === 'string' ? parseIsoTimestamp(ruleBlock.now) : undefined;
    if (t === undefined)
      err(
        `'rule.now' must be an ISO 8601 timestamp, got ${describe(ruleBlock.now)}`,
        posOf('rule', 'now') ?? 0,
      );
    else {
      spec.nowText = ruleBlock.now as string;
      spec.now = new Date(t);
    }
  }
  if (data.events !== undefined && data.events !== null) {
    if (!Array.isArray(data.events))
      err(`'events' must be a list, got ${describe(data.events)}`, posOf('events') ?? 0);
    else
      data.events.forEach((ev, i) => {
        if (!isRecord(ev) || !isRecord(ev.doc)) {
          err(`event ${i + 1} must be {doc: {...}, match: true|false}`, posOf('events') ?? 0);
          return;
        }
        const e: CaseEvent = { doc: ev.doc };
        if (typeof ev.match === 'boolean') e.match = ev.match;
        spec.events.push(e);
      });
  }

  const fields: Record<string, unknown> = { ...ruleBlock, rule_id: id, query: data.query };
  delete fields.now;
  if (spec.title && fields.name === undefined) fields.name = spec.title;
  const fieldOffsets: Record<string, number> = {};
  for (const k of Object.keys(ruleBlock)) {
    const p = posOf('rule', k);
    if (p !== undefined) fieldOffsets[k] = p;
  }
  if (ruleBlock.threshold !== undefined) {
    for (const sub of ['value', 'field', 'cardinality']) {
      const n = doc.getIn(['rule', 'threshold', sub], true) as { range?: number[] } | undefined;
      if (n?.range) fieldOffsets[`threshold.${sub}`] = n.range[0];
    }
  }
  const qp = posOf('query');
  if (qp !== undefined) fieldOffsets.query = qp;
  fieldOffsets.rule_id = posOf('id') ?? 0;
  const source: Rule['source'] = { file, text, format: 'yaml', ruleOffset: 0, fieldOffsets };
  const { rule, diagnostics: nd } = normalizeRule({
    fields,
    metadata: { case: id },
    source,
    at: (f) => fieldOffsets[f],
    ruleOffset: 0,
    defaultId: id,
    requireIdentity: false,
  });
  diagnostics.push(...nd);
  const qnode = doc.get('query', true);
  if (isScalar(qnode)) {
    const map = alignScalar(text, qnode, data.query);
    if (map) {
      source.queryOffset = map[0];
      source.queryOffsetMap = (k) => map[Math.max(0, Math.min(k, map.length - 1))];
    } else if (qnode.range) source.queryOffset = qnode.range[0];
  }
  return { spec, rule, diagnostics };
}
