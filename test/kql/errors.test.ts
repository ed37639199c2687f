/**
 * Syntax errors: message, line and column pinned for many distinct bad inputs, plus the
 * properties every error has (plain words, a caret under the right place, what was expected).
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/kql/parse.js';
import { renderDiagnostic } from '../../src/diagnostics.js';

// [query, line, column, code, message]
const CASES: [string, number, number, string, string][] = [
  ['(', 1, 2, 'KQL007', "expected an expression after '(' but found the end of the query"],
  [')', 1, 1, 'KQL009', "unexpected ')' without a matching '('"],
  ['(a:b', 1, 5, 'KQL009', "missing ')' to close the '(' at line 1, column 1"],
  ['a:b)', 1, 4, 'KQL009', "unexpected ')' without a matching '('"],
  ['()', 1, 2, 'KQL009', 'empty parentheses'],
  ['a:()', 1, 4, 'KQL009', 'empty parentheses'],
  ['a:b or ', 1, 8, 'KQL007', "expected an expression after 'or' but found the end of the query"],
  ['a:b and ', 1, 9, 'KQL007', "expected an expression after 'and' but found the end of the query"],
  ['not ', 1, 5, 'KQL008', "expected an expression after 'not' but found the end of the query"],
  ['a:', 1, 3, 'KQL002', "expected a value after ':' but found the end of the query"],
  [':b', 1, 1, 'KQL001', "expected a field name before ':'"],
  ['a:b:c', 1, 4, 'KQL013', "unexpected ':' after a value"],
  ['a::b', 1, 3, 'KQL002', "expected a value after ':' but found ':'"],
  [
    'a:b c:d',
    1,
    6,
    'KQL013',
    "unexpected ':' after 'b c': KQL has no implicit 'and' between clauses",
  ],
  [
    'a:b (c:d)',
    1,
    5,
    'KQL014',
    "expected 'and', 'or' or the end of the query after an expression, but found '('",
  ],
  ['not not a:b', 1, 5, 'KQL008', "'not not' is not allowed"],
  ['not(a:b)', 1, 4, 'KQL008', "'not' must be followed by whitespace"],
  ['a:not b', 1, 3, 'KQL002', "a value cannot start with 'not'"],
  [
    'a:cannot be',
    1,
    6,
    'KQL012',
    "the letters 'not' followed by a space end a value, even inside a word",
  ],
  ['a:b not c:d', 1, 5, 'KQL012', "unexpected 'not' after an expression"],
  ['a:"b', 1, 3, 'KQL003', 'unterminated quoted string'],
  [
    '"a" "b"',
    1,
    5,
    'KQL014',
    "expected 'and', 'or' or the end of the query after an expression, but found '\"b\"'",
  ],
  ['a:\\q', 1, 3, 'KQL004', "unknown escape '\\q' in an unquoted value"],
  ['a:b\\', 1, 4, 'KQL004', 'a value cannot end with a lone backslash'],
  ['a\\ b:c', 1, 2, 'KQL004', "unknown escape '\\ ' in an unquoted value"],
  ['a:{}', 1, 4, 'KQL009', 'empty nested query'],
  ['{b:c}', 1, 1, 'KQL011', 'a nested query needs a field: field:{ ... }'],
  ['a:{b:c', 1, 7, 'KQL009', "missing '}' to close the '{' at line 1, column 3"],
  ['a:{b:c}}', 1, 8, 'KQL009', "unexpected '}' without a matching '{'"],
  ['a >', 1, 4, 'KQL006', "expected a value after '>' but found the end of the query"],
  ['a >> 1', 1, 4, 'KQL006', "expected a value after '>' but found '>'"],
  ['a:>1', 1, 3, 'KQL002', "expected a value after ':' but found '>'"],
  ['a > (1)', 1, 5, 'KQL006', "expected a value after '>' but found '('"],
  ['a > 1 > 2', 1, 7, 'KQL006', "unexpected '>' after an expression"],
  ['a:(b or )', 1, 9, 'KQL007', "expected an expression after 'or' but found ')'"],
  ['a:b and :c', 1, 9, 'KQL007', "expected an expression after 'and' but found ':'"],
  ['a:(not not b)', 1, 8, 'KQL008', "'not not' is not allowed"],
  ['a:b\n  and\n  c:"d', 3, 5, 'KQL003', 'unterminated quoted string'],
  ['x:1 and\n(y:2 or z:3', 2, 12, 'KQL009', "missing ')' to close the '(' at line 2, column 1"],
  ['a:\\u12', 1, 3, 'KQL004', "invalid unicode escape '\\u12': \\u needs four hex digits"],
  ['a:({b:c})', 1, 4, 'KQL011', 'a nested query needs a field: field:{ ... }'],
  ['a < ', 1, 5, 'KQL006', "expected a value after '<' but found the end of the query"],
  [
    'a <= "x" b',
    1,
    10,
    'KQL014',
    "expected 'and', 'or' or the end of the query after an expression, but found 'b'",
  ],
];

describe('syntax errors', () => {
  it('pins at least 30 distinct bad inputs', () => {
    expect(new Set(CASES.map((c) => c[0])).size).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('%j → %i:%i %s %s', (query, line, column, code, message) => {
    const r = parse(query);
    expect(r.ast).toBeNull();
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0];
    expect(d).toMatchObject({ severity: 'error', line, column, code, message });
    expect(d.expected === undefined || d.expected.length > 0).toBe(true);
  });

  it('renders the source line with a caret under the error', () => {
    const q = 'process.name:evil.exe and\nuser.name:"root';
    const d = parse(q).diagnostics[0];
    const text = renderDiagnostic({ ...d, file: 'rule.kql' }, q);
    expect(text.split('\n')).toEqual([
      'rule.kql:2:11 error KQL003 unterminated quoted string',
      '  user.name:"root',
      '            ^^^^^',
      `  expected: closing '"'`,
      '  hint: close the string with " (inside quotes, write a quote as \\" and a backslash as \\\\)',
    ]);
  });

  it('says what was expected after a field', () => {
    const d = parse('a:').diagnostics[0];
    expect(d.expected).toEqual(['a value', "'('", "'{'"]);
  });

  it('counts offsets in UTF-16 code units, like Kibana', () => {
    const d = parse('a:"😀" b:c').diagnostics[0];
    expect(d.offset).toBe(7);
    expect(d.column).toBe(8);
  });
});

describe('never throws, never overflows', () => {
  it('parses 1,000 levels of parentheses', () => {
    const q = '('.repeat(1000) + 'a:b' + ')'.repeat(1000);
    expect(parse(q).ast).toMatchObject({ kind: 'is' });
  });

  it('parses 1,000 levels of value-list parentheses', () => {
    const q = 'a:' + '('.repeat(1000) + 'b or c' + ')'.repeat(1000);
    expect(parse(q).ast).toMatchObject({ kind: 'or' });
  });

  it('gives a clean, located error for deep structure beyond the stack', () => {
    const q = 'x:y and ' + 'not ('.repeat(3000) + 'a:b' + ')'.repeat(3000);
    const r = parse(q);
    expect(r.ast).toBeNull();
    expect(r.diagnostics[0]).toMatchObject({ code: 'KQL010', line: 1, column: 13 });
  });

  it('rejects absurd nesting up front', () => {
    const r = parse('('.repeat(20000));
    expect(r.diagnostics[0]).toMatchObject({ code: 'KQL010' });
  });

  it('handles hostile inputs without throwing', () => {
    const inputs = [
      '\\',
      '"',
      '\u0000',
      '\ud800',
      '*'.repeat(10000),
      'a:' + 'b or '.repeat(5000) + 'c',
      '\u00a0',
    ];
    for (const q of inputs) expect(() => parse(q)).not.toThrow();
  });
});
