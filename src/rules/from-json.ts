/**
 * Kibana detection-engine rules as JSON: one rule object, an array of rules, a `_find` response
 * (`{data: [...]}`), or an NDJSON export (one rule per line; the export summary line, exception
 * lists and action connectors are skipped).
 */
import { type Diagnostic, lineColumn } from '../diagnostics.js';
import type { Rule } from './model.js';
import { normalizeRule } from './normalize.js';
import { scanJsonArray, scanJsonObject } from './json-scan.js';
import { decodeJsonString } from './strings.js';
import { attachQueryPosition } from './from-toml.js';
import { RuleCode } from './codes.js';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface JsonLoad {
  rule?: Rule;
  diagnostics: Diagnostic[];
}

/** The position JSON.parse's message names, if any. */
function jsonErrorOffset(e: unknown, base: number): number {
  const m = /position (\d+)/.exec(e instanceof Error ? e.message : '');
  return base + (m ? Number(m[1]) : 0);
}

function jsonError(text: string, file: string, e: unknown, base: number, what: string): Diagnostic {
  const offset = jsonErrorOffset(e, base);
  const { line, column } = lineColumn(text, offset);
  const msg = (e instanceof Error ? e.message : String(e)).replace(
    /\s+in JSON at position \d+.*$/,
    '',
  );
  return {
    severity: 'error',
    code: RuleCode.BAD_JSON,
    message: `malformed ${what}: ${msg}`,
    file,
    offset,
    line,
    column,
  };
}

/** What a non-rule line of an export is, or undefined when it looks like a rule. */
function nonRuleKind(o: Record<string, unknown>): string | undefined {
  if ('exported_count' in o || 'exported_rules_count' in o) return 'export summary';
  if ('list_id' in o && ('item_id' in o || 'entries' in o)) return 'exception list item';
  if ('list_id' in o) return 'exception list';
  if (o.type === 'action' && isRecord(o.attributes)) return 'action connector';
  return undefined;
}

/** One rule object at `start` in `text`. */
function ruleFromObject(
  text: string,
  file: string,
  obj: Record<string, unknown>,
  start: number,
  line: number | undefined,
): JsonLoad {
  const keys = scanJsonObject(text, start);
  const fieldOffsets: Record<string, number> = {};
  for (const [k, pos] of keys) fieldOffsets[k] = pos.keyStart;
  const source: Rule['source'] = {
    file,
    text,
    format: line !== undefined ? 'ndjson' : 'json',
    ruleOffset: start,
    fieldOffsets,
  };
  if (line !== undefined) source.line = line;
  const fields = { ...obj };
  // The saved-object id of an exported rule is not its rule_id.
  const metadata: Record<string, unknown> = {};
  const { rule, diagnostics } = normalizeRule({
    fields,
    metadata,
    source,
    at: (f) => fieldOffsets[f],
    ruleOffset: start,
    requireIdentity: true,
  });
  if (typeof rule.query === 'string')
    attachQueryPosition(source, text, rule.query, () => keys.get('query'), decodeJsonString);
  return { rule, diagnostics };
}

export function loadKibanaJson(text: string, file: string): JsonLoad[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return [{ diagnostics: [jsonError(text, file, e, 0, 'JSON')] }];
  }
  const start = text.search(/\S/);
  if (Array.isArray(doc)) return arrayOfRules(text, file, doc, start);
  if (isRecord(doc) && Array.isArray(doc.data) && !('rule_id' in doc)) {
    const dataAt = scanJsonObject(text, start).get('data');
    return arrayOfRules(text, file, doc.data, dataAt?.valueStart ?? start);
  }
  if (isRecord(doc)) {
    const kind = nonRuleKind(doc);
    if (kind) return [{ diagnostics: [skipped(text, file, kind, start, undefined)] }];
    return [ruleFromObject(text, file, doc, start, undefined)];
  }
  return [
    {
      diagnostics: [
        {
          severity: 'error',
          code: RuleCode.BAD_JSON,
          message: 'a JSON rule file must hold a rule object or a list of them',
          file,
          line: 1,
          column: 1,
        },
      ],
    },
  ];
}

function arrayOfRules(text: string, file: string, arr: unknown[], at: number): JsonLoad[] {
  const starts = scanJsonArray(text, at);
  return arr.map((el, i) => {
    const s = starts[i] ?? at;
    if (!isRecord(el)) {
      const { line, column } = lineColumn(text, s);
      return {
        diagnostics: [
          {
            severity: 'error',
            code: RuleCode.BAD_JSON,
            message: `element ${i + 1} is not a rule object`,
            file,
            offset: s,
            line,
            column,
          },
        ],
      };
    }
    const kind = nonRuleKind(el);
    if (kind) return { diagnostics: [skipped(text, file, kind, s, undefined)] };
    return ruleFromObject(text, file, el, s, undefined);
  });
}

function skipped(
  text: string,
  file: string,
  kind: string,
  offset: number,
  lineNo: number | undefined,
): Diagnostic {
  const { line, column } = lineColumn(text, offset);
  return {
    severity: 'info',
    code: RuleCode.SKIPPED,
    message: `skipped ${lineNo !== undefined ? `line ${lineNo}: ` : ''}${kind}, not a rule`,
    file,
    offset,
    line,
    column,
  };
}

export function loadNdjson(text: string, file: string): JsonLoad[] {
  const out: JsonLoad[] = [];
  let pos = 0;
  let lineNo = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    const raw = text.slice(pos, end);
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const lead = lineText.search(/\S/);
    if (lead >= 0) {
      const start = pos + lead;
      let obj: unknown;
      try {
        obj = JSON.parse(lineText);
      } catch (e) {
        out.push({ diagnostics: [jsonError(text, file, e, pos, `JSON on line ${lineNo}`)] });
        pos = end + 1;
        continue;
      }
      if (!isRecord(obj)) {
        out.push({
          diagnostics: [
            {
              severity: 'error',
              code: RuleCode.BAD_JSON,
              message: `line ${lineNo} is not a JSON object`,
              file,
              offset: start,
              line: lineNo,
              column: lead + 1,
            },
          ],
        });
      } else {
        const kind = nonRuleKind(obj);
        if (kind) {
          // The export summary line is expected; other non-rule lines are worth a note.
          if (kind !== 'export summary')
            out.push({ diagnostics: [skipped(text, file, kind, start, lineNo)] });
        } else out.push(ruleFromObject(text, file, obj, start, lineNo));
      }
    }
    pos = end + 1;
  }
  return out;
}
