/**
 * Kibana filter objects → the KQL AST: every exact conversion equals the tree of the KQL a user
 * would write for it; everything KQL cannot express is refused with its reason, never dropped.
 */
import { describe, expect, it } from 'vitest';
import { filterToAst } from '../../src/rules/filters.js';
import { parse } from '../../src/kql/parse.js';
import { toCanonical } from '../../src/kql/canonical.js';
import { compileQuery } from '../../src/eval/compile.js';

const span = { start: 0, end: 0 };

function converted(filter: unknown) {
  const r = filterToAst(filter, span);
  if (!r.ok) throw new Error(`unexpectedly unsupported: ${r.reason}`);
  return r.node;
}

function kql(q: string) {
  const r = parse(q);
  if (!r.ast) throw new Error(`bad test query ${q}`);
  return toCanonical(r.ast);
}

const exact: [string, unknown, string][] = [
  [
    'match_phrase, scalar',
    { query: { match_phrase: { 'user.name': 'alice' } } },
    'user.name:"alice"',
  ],
  [
    'match_phrase, {query}',
    { query: { match_phrase: { 'user.name': { query: 'a b' } } } },
    'user.name:"a b"',
  ],
  [
    'match of type phrase',
    { query: { match: { 'user.name': { query: 'alice', type: 'phrase' } } } },
    'user.name:"alice"',
  ],
  [
    'phrases (bool should of match_phrase)',
    {
      meta: { type: 'phrases' },
      query: {
        bool: {
          should: [
            { match_phrase: { 'event.action': 'a' } },
            { match_phrase: { 'event.action': 'b' } },
          ],
          minimum_should_match: 1,
        },
      },
    },
    'event.action:"a" or event.action:"b"',
  ],
  ['exists', { query: { exists: { field: 'process.pid' } } }, 'process.pid:*'],
  ['legacy top-level exists', { meta: {}, exists: { field: 'process.pid' } }, 'process.pid:*'],
  [
    'negated exists',
    { meta: { negate: true }, query: { exists: { field: 'process.pid' } } },
    'not process.pid:*',
  ],
  [
    'range',
    { query: { range: { 'process.pid': { gte: 10, lt: 20 } } } },
    'process.pid >= 10 and process.pid < 20',
  ],
  ['term', { query: { term: { 'host.id': { value: 'x1' } } } }, 'host.id:"x1"'],
  ['terms', { query: { terms: { 'host.id': ['x1', 'x2'] } } }, 'host.id:"x1" or host.id:"x2"'],
  // The empty KQL query is match_all.
  ['match_all', { query: { match_all: {} } }, ''],
  [
    'bool must / must_not',
    {
      query: {
        bool: {
          filter: [{ match_phrase: { a: '1' } }],
          must_not: [{ exists: { field: 'b' } }],
        },
      },
    },
    'a:"1" and not b:*',
  ],
  [
    'case-sensitive wildcard',
    { query: { wildcard: { 'file.path': { value: 'C:\\\\Temp\\\\*.exe' } } } },
    'file.path:C\\:\\\\Temp\\\\*.exe',
  ],
  [
    'case_insensitive false',
    { query: { wildcard: { 'file.path': { value: '*.exe', case_insensitive: false } } } },
    'file.path:*.exe',
  ],
  [
    'case-insensitive wildcard without a cased character',
    { query: { wildcard: { 'process.args': { value: '*-1234*', case_insensitive: true } } } },
    'process.args:*-1234*',
  ],
];

describe('filters converted exactly', () => {
  it.each(exact)('%s', (_name, filter, query) => {
    expect(toCanonical(converted(filter)!)).toEqual(kql(query));
  });

  it('a disabled filter is ignored, as Kibana ignores it', () => {
    expect(converted({ meta: { disabled: true }, query: { exists: { field: 'x' } } })).toBeNull();
  });

  it('a case-insensitive wildcard without cased characters matches the same events', () => {
    const node = converted({
      meta: { negate: true },
      query: { wildcard: { 'process.args': { value: '*-1234*', case_insensitive: true } } },
    })!;
    const p = compileQuery(node);
    expect(p({ process: { args: ['x', 'a-1234b'] } })).toBe(false);
    expect(p({ process: { args: ['x'] } })).toBe(true);
    expect(p({})).toBe(true);
  });
});

const refused: [string, unknown, RegExp][] = [
  [
    'case-insensitive wildcard with letters',
    { query: { wildcard: { 'file.path': { value: 'C:\\\\Temp\\\\*', case_insensitive: true } } } },
    /case-insensitive wildcard on 'file.path'/,
  ],
  [
    "the single-character wildcard '?'",
    { query: { wildcard: { 'file.path': { value: 'a?c' } } } },
    /single-character wildcard '\?'/,
  ],
  [
    'query_string (Lucene syntax)',
    { query: { query_string: { query: 'a:b' } } },
    /'query_string' filter has no KQL equivalent/,
  ],
  [
    'regexp',
    { query: { regexp: { 'user.name': 'a.*' } } },
    /'regexp' filter has no KQL equivalent/,
  ],
  [
    'a range with a date format',
    { query: { range: { '@timestamp': { gte: '01/01/2024', format: 'dd/MM/yyyy' } } } },
    /range option 'format'/,
  ],
  [
    'match (analysed, not a phrase)',
    { query: { match: { message: { query: 'a b' } } } },
    /not a phrase match/,
  ],
  [
    'minimum_should_match 2',
    {
      query: {
        bool: {
          should: [{ exists: { field: 'a' } }, { exists: { field: 'b' } }],
          minimum_should_match: 2,
        },
      },
    },
    /minimum_should_match 2 is not supported/,
  ],
  [
    'an unsupported clause nested in a negated bool',
    {
      meta: { negate: true },
      query: { bool: { must: [{ exists: { field: 'a' } }, { script: { script: 'x' } }] } },
    },
    /'script' filter has no KQL equivalent/,
  ],
  ['a non-object filter', 'user.name:alice', /a filter must be an object/],
];

describe('filters KQL cannot express are refused with the reason', () => {
  it.each(refused)('%s', (_name, filter, reason) => {
    const r = filterToAst(filter, span);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });
});
