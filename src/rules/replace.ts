/**
 * Rewrite only the query of a rule file (for `siemc fmt --write`): everything outside the query
 * string token stays byte-for-byte. The new string form is checked to round-trip exactly.
 */
import { parse as parseToml } from 'smol-toml';
import { parseDocument, isScalar } from 'yaml';
import type { RuleFileFormat } from './model.js';
import { scanTomlKeys } from './toml-scan.js';
import { scanJsonArray, scanJsonObject } from './json-scan.js';
import { decodeJsonString, decodeTomlString, encodeTomlString, isStringError } from './strings.js';

export interface ReplaceOptions {
  /**
   * Keep the white space the old query had at its start and end (e.g. the newline before the
   * closing `'''`) around the new one; KQL ignores it. Default true.
   */
  keepEdgeWhitespace?: boolean;
  /** Which rule of a multi-rule JSON / NDJSON file (0-based, in file order). Default 0. */
  ruleIndex?: number;
}

export class ReplaceQueryError extends Error {}

function edges(old: string, q: string, keep: boolean): string {
  if (!keep) return q;
  const lead = /^\s*/.exec(old)?.[0] ?? '';
  const trail = /\s*$/.exec(old)?.[0] ?? '';
  return lead + q.trim() + trail;
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

export function replaceQueryInFile(
  text: string,
  format: RuleFileFormat,
  newQuery: string,
  opts: ReplaceOptions = {},
): string {
  const keep = opts.keepEdgeWhitespace ?? true;
  switch (format) {
    case 'kql':
      return edges(text, newQuery, keep);
    case 'toml': {
      const pos = scanTomlKeys(text).get('rule.query');
      if (!pos) throw new ReplaceQueryError('no [rule] query in this TOML file');
      const old = decodeTomlString(text, pos.valueStart);
      if (isStringError(old))
        throw new ReplaceQueryError(`the query is not a TOML string: ${old.error}`);
      const value = edges(old.value, newQuery, keep);
      const leadingNewline = /^\r?\n/.test(text.slice(old.tokenStart + 3, old.tokenStart + 5));
      for (const form of [old.form, 'ml-basic', 'basic'] as const) {
        const token = encodeTomlString(value, form, { leadingNewline });
        const out = splice(text, old.tokenStart, old.tokenEnd, token);
        try {
          const doc = parseToml(out) as { rule?: { query?: unknown } };
          if (doc.rule?.query === value) return out;
        } catch {
          // try the next form
        }
      }
      throw new ReplaceQueryError(
        'could not write the query as a TOML string that reads back exactly',
      );
    }
    case 'json':
    case 'ndjson': {
      const starts: number[] = [];
      if (format === 'ndjson') {
        let p = 0;
        for (const line of text.split('\n')) {
          const lead = line.search(/\S/);
          if (lead >= 0 && line.includes('"query"')) starts.push(p + lead);
          p += line.length + 1;
        }
      } else {
        const first = text.search(/\S/);
        if (text[first] === '[') starts.push(...scanJsonArray(text, first));
        else {
          const data = scanJsonObject(text, first).get('data');
          if (data && text[data.valueStart] === '[')
            starts.push(...scanJsonArray(text, data.valueStart));
          else starts.push(first);
        }
      }
      const at = starts[opts.ruleIndex ?? 0];
      const pos = at === undefined ? undefined : scanJsonObject(text, at).get('query');
      if (!pos) throw new ReplaceQueryError('no "query" in this JSON rule');
      const old = decodeJsonString(text, pos.valueStart);
      if (isStringError(old))
        throw new ReplaceQueryError(`the query is not a JSON string: ${old.error}`);
      const value = edges(old.value, newQuery, keep);
      return splice(text, old.tokenStart, old.tokenEnd, JSON.stringify(value));
    }
    case 'yaml': {
      const doc = parseDocument(text);
      const node = doc.get('query', true);
      if (!isScalar(node) || !node.range || typeof node.value !== 'string')
        throw new ReplaceQueryError('no string `query` in this YAML file');
      const value = edges(
        node.value,
        newQuery,
        keep &&
          node.type !== 'PLAIN' &&
          node.type !== 'QUOTE_SINGLE' &&
          node.type !== 'QUOTE_DOUBLE',
      );
      const token = /[\n\r\t\x00-\x1f\x7f\u0085\u2028\u2029\ufeff]/.test(value)
        ? JSON.stringify(value)
        : `'${value.replace(/'/g, "''")}'`;
      const out = splice(text, node.range[0], node.range[1], token);
      const check = parseDocument(out).get('query');
      if (check !== value)
        throw new ReplaceQueryError(
          'could not write the query as a YAML string that reads back exactly',
        );
      return out;
    }
  }
}
