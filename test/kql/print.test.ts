/**
 * The formatter: one style, minimal but correct escapes, readable wrapping; meaning preserved.
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/kql/parse.js';
import { toCanonical } from '../../src/kql/canonical.js';
import { format } from '../../src/kql/print.js';
import type { Node } from '../../src/kql/ast.js';

function fmt(q: string, width?: number): string {
  const r = parse(q);
  if (!r.ast) throw new Error(r.diagnostics[0].message);
  return format(r.ast, { width });
}

const span: Node['span'] = { start: 0, end: 0 };

describe('format', () => {
  it.each([
    ['A:b   AND   c:d', 'A:b and c:d'],
    ['a:b OR (c:d AND e:f)', 'a:b or c:d and e:f'],
    ['(a:b or c:d) and e:f', '(a:b or c:d) and e:f'],
    ['(a:b or c:d) or e:f', '(a:b or c:d) or e:f'],
    ['not (not a:b)', 'not (not a:b)'],
    ['NOT a:(b OR c)', 'not a:(b or c)'],
    ['a:(b or (c and d))', 'a:(b or c and d)'],
    ['a:((b or c) or d)', 'a:((b or c) or d)'],
    ['a : *', 'a:*'],
    ['a:(b or *)', 'a:(b or *)'],
    ['x >= 5', 'x >= 5'],
    ['a:{ b:c }', 'a:{ b:c }'],
    ['', '*:*'],
  ])('%j → %j', (q, want) => {
    expect(fmt(q)).toBe(want);
  });

  it.each([
    ['special characters', 'a:b\\:c\\(d\\)\\<\\>\\{\\}\\"', 'a:b\\:c\\(d\\)\\<\\>\\{\\}\\"'],
    ['literal star next to a wildcard', 'a:\\**', 'a:\\**'],
    ['escaped keywords', 'a:x \\or y \\AND z', 'a:x \\or y \\AND z'],
    ['escaped not (\\n would win over \\not)', 'a:b \\u006eot c', 'a:b \\u006eot c'],
    ['control characters', 'a:x\\ty', 'a:x\\ty'],
    ['quoted backslashes and quotes', 'a:"C:\\\\Win \\"x\\""', 'a:"C:\\\\Win \\"x\\""'],
    ['a quoted backslash Kibana keeps as is', 'a:"C:\\Windows"', 'a:"C:\\\\Windows"'],
    ['field names needing quotes', '"true":x and "a\\"b":c', '"true":x and a\\"b:c'],
  ])('escapes %s', (_what, q, want) => {
    const out = fmt(q);
    expect(out).toBe(want);
    expect(toCanonical(parse(out).ast!)).toEqual(toCanonical(parse(q).ast!));
  });

  it('quotes hand-built values that cannot be written unquoted', () => {
    const n: Node = {
      kind: 'is',
      field: { kind: 'field', name: 'f', span },
      value: { kind: 'literal', value: ' padded', quoted: false, span },
      span,
    };
    expect(format(n)).toBe('f:" padded"');
  });

  it('wraps long queries with the operator leading, one list value a line when a list is too long', () => {
    const q =
      'event.category:process and process.name:(powershell.exe or pwsh.exe or cmd.exe or wscript.exe or cscript.exe) and not user.name:SYSTEM';
    expect(fmt(q, 60)).toBe(
      [
        'event.category:process',
        'and process.name:(',
        '  powershell.exe',
        '  or pwsh.exe',
        '  or cmd.exe',
        '  or wscript.exe',
        '  or cscript.exe',
        ')',
        'and not user.name:SYSTEM',
      ].join('\n'),
    );
  });
});
