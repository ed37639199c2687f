/**
 * Corpus gate: Kibana's own trees for every detection-rule query and every edge case.
 * No skip list: every query must parse to exactly Kibana's tree; every invalid edge case must be
 * rejected at Kibana's offset.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/kql/parse.js';
import { toCanonical } from '../../src/kql/canonical.js';
import { format } from '../../src/kql/print.js';

const CORPUS = '../shared/corpus';

function jsonl<T>(file: string): T[] {
  return readFileSync(`${CORPUS}/${file}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

interface CorpusRule {
  id: string;
  query: string;
  threat_query?: string;
}
interface KibanaAst {
  id: string;
  ok: boolean;
  ast: unknown;
  threat_query_ast?: unknown;
}
interface EdgeCase {
  query: string;
  group: string;
  note: string;
  ok: boolean;
  ast?: unknown;
  kibana_error_offset?: number;
}

const rules = jsonl<CorpusRule>('detection-rules-kuery.jsonl');
const trees = new Map(
  jsonl<KibanaAst>('detection-rules-kuery.kibana-ast.jsonl').map((t) => [t.id, t]),
);
const edges = jsonl<EdgeCase>('kql-edge-cases.jsonl');

function canonical(q: string): unknown {
  const r = parse(q);
  if (!r.ast)
    throw new Error(`rejected: ${r.diagnostics[0]?.message} in ${JSON.stringify(q.slice(0, 120))}`);
  return toCanonical(r.ast);
}

describe('detection-rules corpus', () => {
  it('has the 729 rules the README announces', () => {
    expect(rules).toHaveLength(729);
    expect(trees.size).toBe(729);
  });

  it('parses every rule query to exactly the tree Kibana builds', () => {
    const mismatches: string[] = [];
    for (const r of rules) {
      const want = trees.get(r.id)!;
      expect(want.ok).toBe(true);
      if (JSON.stringify(canonical(r.query)) !== JSON.stringify(want.ast)) {
        // key order is fixed by toCanonical; fall back to a structural comparison to be sure
        try {
          expect(canonical(r.query)).toEqual(want.ast);
        } catch {
          mismatches.push(r.id);
        }
      }
      if (r.threat_query !== undefined) {
        expect(canonical(r.threat_query)).toEqual(want.threat_query_ast);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('edge cases (Kibana verdicts)', () => {
  const valid = edges.filter((e) => e.ok);
  const invalid = edges.filter((e) => !e.ok);

  it('has 309 accepted and 91 rejected probes', () => {
    expect(valid).toHaveLength(309);
    expect(invalid).toHaveLength(91);
  });

  it.each(valid.map((e) => [e.group, JSON.stringify(e.query), e] as const))(
    'accepts %s %s',
    (_g, _q, e) => {
      expect(canonical(e.query)).toEqual(e.ast);
    },
  );

  it.each(invalid.map((e) => [e.group, JSON.stringify(e.query), e] as const))(
    "rejects %s %s at Kibana's offset",
    (_g, _q, e) => {
      const r = parse(e.query);
      expect(r.ast).toBeNull();
      const d = r.diagnostics[0];
      expect(d.severity).toBe('error');
      expect(d.offset).toBe(e.kibana_error_offset);
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
      expect(d.message.length).toBeGreaterThan(5);
    },
  );
});

describe('format: round trip and idempotence', () => {
  const all = [
    ...rules.flatMap((r) => (r.threat_query ? [r.query, r.threat_query] : [r.query])),
    ...edges.filter((e) => e.ok).map((e) => e.query),
  ];

  it('parse(format(ast)) gives the same tree and format is idempotent, on every valid input', () => {
    const failures: string[] = [];
    for (const q of all) {
      const ast = parse(q).ast!;
      const once = format(ast);
      const again = parse(once);
      if (!again.ast) {
        failures.push(`reparse failed: ${JSON.stringify(q)} -> ${JSON.stringify(once)}`);
        continue;
      }
      if (JSON.stringify(toCanonical(again.ast)) !== JSON.stringify(toCanonical(ast))) {
        failures.push(`tree changed: ${JSON.stringify(q)} -> ${JSON.stringify(once)}`);
      }
      if (format(again.ast) !== once) failures.push(`not idempotent: ${JSON.stringify(q)}`);
    }
    expect(all.length).toBe(729 + 6 + 309);
    expect(failures).toEqual([]);
  });
});
