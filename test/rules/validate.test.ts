/** Every validation diagnostic, on rules written the way users write them. */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulePaths, loadRuleText, validateRule, validateRules } from '../../src/rules/index.js';
import type { LoadedRule } from '../../src/rules/index.js';

const NOW = new Date('2024-06-01T12:00:00Z');

function kibana(over: Record<string, unknown>, drop: string[] = []): string {
  const base: Record<string, unknown> = {
    rule_id: 'r-1',
    name: 'rule',
    description: 'd',
    risk_score: 21,
    severity: 'low',
    type: 'query',
    language: 'kuery',
    query: 'event.category: process',
    index: ['logs-*'],
    ...over,
  };
  for (const k of drop) delete base[k];
  return JSON.stringify(base, null, 2);
}

function load(text: string, file = 'rule.json'): LoadedRule {
  const out = loadRuleText(text, file, undefined, { now: NOW });
  expect(out).toHaveLength(1);
  return out[0];
}

const codes = (l: LoadedRule, severity?: string) =>
  l.diagnostics.filter((d) => severity === undefined || d.severity === severity).map((d) => d.code);

describe('validation diagnostics', () => {
  it('a well-formed rule of each supported type is clean and gets its AST', () => {
    for (const over of [
      {},
      { type: 'new_terms', new_terms_fields: ['user.name'], history_window_start: 'now-7d' },
      { type: 'threshold', threshold: { field: [], value: 3 } },
      {
        type: 'threshold',
        threshold: {
          field: 'source.ip',
          value: 1,
          cardinality: [{ field: 'user.name', value: 0 }],
        },
      },
    ]) {
      const l = load(kibana(over));
      expect(l.diagnostics, JSON.stringify(over)).toEqual([]);
      expect(l.rule?.ast).toBeDefined();
    }
  });

  it('applies Kibana defaults: from now-6m, interval 5m, language kuery', () => {
    const l = load(kibana({}, ['language']));
    expect(l.rule).toMatchObject({ from: 'now-6m', interval: '5m', language: 'kuery' });
  });

  it.each([
    ['missing query', kibana({}, ['query']), 'RULE010', 'has no query'],
    ['unknown type', kibana({ type: 'sql_magic' }), 'RULE011', "unknown rule type 'sql_magic'"],
    ['unknown language', kibana({ language: 'sql' }), 'RULE033', "unknown query language 'sql'"],
    [
      'new_terms without fields',
      kibana({ type: 'new_terms', history_window_start: 'now-7d' }),
      'RULE014',
      'needs 1 to 3',
    ],
    [
      'new_terms with an empty field list',
      kibana({ type: 'new_terms', new_terms_fields: [], history_window_start: 'now-7d' }),
      'RULE014',
      'got none',
    ],
    [
      'new_terms with 4 fields',
      kibana({
        type: 'new_terms',
        new_terms_fields: ['a', 'b', 'c', 'd'],
        history_window_start: 'now-7d',
      }),
      'RULE015',
      'at most 3 new_terms_fields, got 4',
    ],
    [
      'new_terms without history_window_start',
      kibana({ type: 'new_terms', new_terms_fields: ['a'] }),
      'RULE016',
      'needs a history_window_start',
    ],
    [
      'history window inside the look-back',
      kibana({
        type: 'new_terms',
        new_terms_fields: ['a'],
        history_window_start: 'now-5m',
        from: 'now-9m',
      }),
      'RULE017',
      'history_window_start (now-5m) must be earlier than from (now-9m)',
    ],
    [
      'history window equal to from (Kibana: same or after is an error)',
      kibana({
        type: 'new_terms',
        new_terms_fields: ['a'],
        history_window_start: 'now-9m',
        from: 'now-9m',
      }),
      'RULE017',
      'must be earlier than from',
    ],
    [
      'threshold value 0',
      kibana({ type: 'threshold', threshold: { field: ['a'], value: 0 } }),
      'RULE018',
      'whole number >= 1, got 0',
    ],
    [
      'threshold value 2.5',
      kibana({ type: 'threshold', threshold: { field: ['a'], value: 2.5 } }),
      'RULE018',
      'got 2.5',
    ],
    [
      'threshold without a value',
      kibana({ type: 'threshold', threshold: { field: ['a'] } }),
      'RULE018',
      "has no 'value'",
    ],
    [
      'threshold rule without threshold',
      kibana({ type: 'threshold' }),
      'RULE019',
      'needs a threshold',
    ],
    [
      'negative cardinality',
      kibana({
        type: 'threshold',
        threshold: { field: ['a'], value: 5, cardinality: [{ field: 'b', value: -1 }] },
      }),
      'RULE026',
      '>= 0, got -1',
    ],
    [
      'malformed from',
      kibana({ from: 'now-5 minutes' }),
      'RULE020',
      "'from': malformed date math 'now-5 minutes'",
    ],
    ['malformed to', kibana({ to: 'later' }), 'RULE020', "'to'"],
    [
      'malformed history_window_start',
      kibana({ type: 'new_terms', new_terms_fields: ['a'], history_window_start: 'now-7x' }),
      'RULE020',
      "unknown unit 'x'",
    ],
    [
      'malformed interval',
      kibana({ interval: 'five minutes' }),
      'RULE021',
      "malformed duration 'five minutes'",
    ],
    ['interval in months', kibana({ interval: '1M' }), 'RULE021', 'no fixed length'],
    [
      'from after to',
      kibana({ from: 'now-1m', to: 'now-5m' }),
      'RULE030',
      'from (now-1m) must be earlier than to (now-5m)',
    ],
    ['missing rule_id', kibana({}, ['rule_id']), 'RULE023', "no 'rule_id'"],
    ['missing type', kibana({}, ['type']), 'RULE032', "the rule has no 'type'"],
    [
      'empty threshold field name',
      kibana({ type: 'threshold', threshold: { field: ['a', ' '], value: 2 } }),
      'RULE027',
      'threshold.field contains an empty field name',
    ],
    [
      'index is not a list',
      kibana({ index: 'logs-*' }),
      'RULE028',
      "'index' must be a list of strings",
    ],
    [
      'risk_score is text',
      kibana({ risk_score: 'high' }),
      'RULE028',
      "'risk_score' must be a number",
    ],
  ])('%s → %s', (_what, text, code, message) => {
    const l = load(text);
    const d = l.diagnostics.find((x) => x.code === code);
    expect(d, JSON.stringify(l.diagnostics)).toBeDefined();
    expect(d!.severity).toBe('error');
    expect(d!.message).toContain(message);
    expect(d!.file).toBe('rule.json');
    expect(d!.line).toBeGreaterThan(0);
    expect(d!.column).toBeGreaterThan(0);
    expect(l.rule?.ast).toBeUndefined();
  });

  it('points at the offending field of the file', () => {
    const text = kibana({ type: 'threshold', threshold: { field: ['a'], value: 0 } });
    const d = load(text).diagnostics.find((x) => x.code === 'RULE018')!;
    const lines = text.split('\n');
    expect(lines[d.line! - 1].slice(d.column! - 1)).toMatch(/^"value": 0/);
  });

  it.each(['eql', 'esql', 'threat_match', 'machine_learning', 'saved_query'])(
    'type %s is reported unsupported (warning), never parsed',
    (type) => {
      const l = load(
        kibana({
          type,
          language: type === 'esql' || type === 'eql' ? type : 'kuery',
          query: 'process where true',
        }),
      );
      expect(codes(l)).toEqual(['RULE012']);
      expect(l.diagnostics[0].severity).toBe('warning');
      expect(l.diagnostics[0].message).toContain(`unsupported rule type '${type}'`);
      expect(l.rule?.ast).toBeUndefined();
    },
  );

  it('a lucene query rule is reported as an unsupported language', () => {
    const l = load(
      kibana({ language: 'lucene', query: 'process.name:cmd.exe AND NOT user.name:admin*' }),
    );
    expect(codes(l)).toEqual(['RULE013']);
    expect(l.diagnostics[0].severity).toBe('warning');
    expect(l.diagnostics[0].message).toContain("unsupported query language 'lucene'");
  });

  it('warnings and notes that do not make a rule invalid', () => {
    expect(codes(load(kibana({ query: '   ' })))).toEqual(['RULE010']);
    expect(load(kibana({ query: '   ' })).diagnostics[0].severity).toBe('warning');
    expect(
      codes(
        load(
          kibana({
            type: 'new_terms',
            new_terms_fields: ['a', 'a'],
            history_window_start: 'now-7d',
          }),
        ),
        'warning',
      ),
    ).toEqual(['RULE014']);
    const ex = load(
      kibana({
        exceptions_list: [
          { id: 'x', list_id: 'allow', namespace_type: 'single', type: 'detection' },
        ],
      }),
    );
    expect(ex.diagnostics.map((d) => [d.code, d.severity])).toEqual([['RULE025', 'info']]);
    expect(ex.rule?.ast).toBeDefined();
    expect(codes(load(kibana({ severity: 'urgent' })))).toEqual(['RULE028']);
  });

  it('warnings on rule settings that are odd but keep their meaning', () => {
    const warn = (over: Record<string, unknown>, drop: string[] = []) =>
      load(kibana(over, drop)).diagnostics.map((d) => [d.code, d.severity, d.message]);
    expect(warn({}, ['name'])).toEqual([['RULE032', 'warning', "the rule has no 'name'"]]);
    expect(warn({ type: 'threshold', threshold: { field: ['a', 'a'], value: 2 } })).toEqual([
      ['RULE027', 'warning', "threshold.field lists 'a' more than once"],
    ]);
    expect(warn({ threshold: { field: ['a'], value: 2 } })).toEqual([
      ['RULE027', 'warning', 'threshold settings are ignored on a query rule'],
    ]);
    expect(
      warn({
        type: 'threshold',
        threshold: {
          field: ['a'],
          value: 2,
          cardinality: [
            { field: 'b', value: 1 },
            { field: 'c', value: 1 },
          ],
        },
      }),
    ).toEqual([['RULE026', 'warning', 'Kibana evaluates one cardinality condition; got 2']]);
  });

  it('validateRule can be called on a rule again, at another time', () => {
    const l = load(
      kibana({
        type: 'new_terms',
        new_terms_fields: ['a'],
        history_window_start: '2024-05-01T00:00:00Z',
        from: 'now-6m',
      }),
    );
    expect(l.diagnostics).toEqual([]);
    // A year later, an absolute history start is still earlier; an absolute start in the future is not.
    expect(validateRule(l.rule!, { now: new Date('2025-06-01T00:00:00Z') })).toEqual([]);
    expect(
      validateRule(l.rule!, { now: new Date('2024-04-01T00:00:00Z') }).map((d) => d.code),
    ).toEqual(['RULE017']);
  });
});

describe('duplicate rule ids across a folder', () => {
  it('reports the later file, naming the first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siemc-dup-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.json'), kibana({ rule_id: 'same' }));
    writeFileSync(join(dir, 'sub', 'b.json'), kibana({ rule_id: 'same', name: 'copy' }));
    writeFileSync(join(dir, 'c.json'), kibana({ rule_id: 'other' }));
    const loaded = await loadRulePaths([dir]);
    expect(loaded.map((l) => l.file.slice(dir.length + 1))).toEqual([
      'a.json',
      'c.json',
      'sub/b.json',
    ]);
    const dup = loaded[2].diagnostics.find((d) => d.code === 'RULE022')!;
    expect(dup.severity).toBe('error');
    expect(dup.message).toBe(`duplicate rule_id 'same': also used by ${join(dir, 'a.json')}`);
    expect(dup.line).toBe(2); // the rule_id line
    expect(loaded[0].diagnostics).toEqual([]);
    expect(validateRules(loaded).map((d) => d.code)).toEqual(['RULE022']);
  });
});

describe('the shared regression cases as rules', () => {
  const dir = '../shared/cases';
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  it.each(files)('%s: rejected exactly when expect.error says so', (f) => {
    const text = readFileSync(join(dir, f), 'utf8');
    const [l] = loadRuleText(text, f);
    const expected = /\n  error: '([^']*)'/.exec(text)?.[1];
    const errors = l.diagnostics.filter((d) => d.severity === 'error');
    if (expected === undefined) {
      expect(errors).toEqual([]);
      expect(l.rule?.ast).toBeDefined();
    } else if (expected.startsWith('parse error')) {
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((e) => e.code.startsWith('KQL'))).toBe(true);
      // The column Kibana reports, counted inside the query, is where the file says it is.
      const col = Number(/column (\d+)/.exec(expected)![1]);
      const qline = text.split('\n').findIndex((x) => x.startsWith('query: ')) + 1;
      expect(errors[0].line).toBe(qline);
      expect(errors[0].column).toBe("query: '".length + col);
    } else {
      expect(expected).toMatch(/^rule validation error: /);
      expect(errors.map((e) => e.message)).toContain(
        expected.replace(/^rule validation error: /, ''),
      );
    }
  });
});
