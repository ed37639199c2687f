/**
 * The typed AST: structure, spans, literal typing and decoding, lint warnings.
 */
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/kql/parse.js';
import type { Node } from '../../src/kql/ast.js';

function ast(q: string): Node {
  const r = parse(q);
  if (!r.ast) throw new Error(r.diagnostics[0].message);
  return r.ast;
}

describe('AST', () => {
  it('binds not > and > or', () => {
    expect(ast('a:1 or b:2 and not c:3')).toMatchObject({
      kind: 'or',
      children: [
        { kind: 'is' },
        { kind: 'and', children: [{ kind: 'is' }, { kind: 'not', child: { kind: 'is' } }] },
      ],
    });
  });

  it('keeps values structured: wildcard chunks, literal stars, quoted flag', () => {
    expect(ast('f:ab\\*c*d')).toMatchObject({
      kind: 'is',
      value: { kind: 'wildcard', chunks: ['ab*c', 'd'] },
    });
    expect(ast('f:"a*b"')).toMatchObject({
      value: { kind: 'literal', value: 'a*b', quoted: true },
    });
    expect(ast('f:"C:\\Windows\\n"')).toMatchObject({ value: { value: 'C:\\Windows\n' } });
  });

  it('types only unquoted true/false/null; numbers stay text', () => {
    expect(ast('f:true')).toMatchObject({ value: { value: true, quoted: false } });
    expect(ast('f:"true"')).toMatchObject({ value: { value: 'true', quoted: true } });
    expect(ast('f:TRUE')).toMatchObject({ value: { value: 'TRUE' } });
    expect(ast('f:007')).toMatchObject({ value: { value: '007' } });
    expect(ast('f:\\u0074rue')).toMatchObject({ value: { value: true } });
  });

  it('distributes value lists over the field and remembers the list', () => {
    const n = ast('event.code:(4624 or not 4625)');
    expect(n).toMatchObject({
      kind: 'or',
      list: { name: 'event.code' },
      children: [
        { kind: 'is', field: { name: 'event.code' }, value: { value: '4624' } },
        { kind: 'not', child: { kind: 'is', value: { value: '4625' } } },
      ],
    });
  });

  it('makes f:* exists, *:* and the empty query all, free text a field-less is', () => {
    expect(ast('f:*')).toMatchObject({ kind: 'exists', field: { name: 'f' } });
    expect(ast('*:*')).toMatchObject({ kind: 'all' });
    expect(ast('  \u00a0')).toMatchObject({ kind: 'all' });
    expect(ast('"some text"')).toMatchObject({ kind: 'is', field: null });
    expect(ast('f:**')).toMatchObject({ kind: 'is', value: { chunks: ['', '', ''] } });
  });

  it('builds ranges and nested queries', () => {
    expect(ast('bytes >= "10"')).toMatchObject({
      kind: 'range',
      op: 'gte',
      value: { value: '10', quoted: true },
    });
    expect(ast('a:{ b:c and d:* }')).toMatchObject({
      kind: 'nested',
      path: { name: 'a' },
      query: { kind: 'and', children: [{ kind: 'is' }, { kind: 'exists' }] },
    });
  });

  it('puts a span on every node, covering its text', () => {
    const q = 'a:b and not (c:d or e:*)';
    const n = ast(q);
    expect(n.span).toEqual({ start: 0, end: q.length });
    if (n.kind !== 'and') throw new Error('and expected');
    expect(q.slice(n.children[0].span.start, n.children[0].span.end)).toBe('a:b');
    expect(q.slice(n.children[1].span.start, n.children[1].span.end)).toBe('not (c:d or e:*)');
    const field = (n.children[0] as Extract<Node, { kind: 'is' }>).field!;
    expect(q.slice(field.span.start, field.span.end)).toBe('a');
  });

  it('trims unquoted values (also whitespace from escapes) but never quoted ones', () => {
    expect(ast('a:  b c  ')).toMatchObject({ value: { value: 'b c' } });
    expect(ast('a:\\u0020b')).toMatchObject({ value: { value: 'b' } });
    expect(ast('a:" b "')).toMatchObject({ value: { value: ' b ' } });
  });
});

describe('lint warnings for what Kibana accepts but is probably a mistake', () => {
  it('warns when a value swallows a dangling keyword', () => {
    const r = parse('a:b or');
    expect(r.ast).not.toBeNull();
    expect(r.diagnostics).toMatchObject([{ severity: 'warning', code: 'KQLW01' }]);
  });

  it('warns when a value runs over a line break', () => {
    const r = parse('a:(x*\n  y* or z)');
    expect(r.diagnostics.map((d) => d.code)).toContain('KQLW02');
  });

  it('warns on a wildcard range value', () => {
    expect(parse('a > b*').diagnostics.map((d) => d.code)).toEqual(['KQLW03']);
  });

  it('says nothing about clean queries', () => {
    expect(parse('process.name:"cmd.exe" and not user.name:(root or admin*)').diagnostics).toEqual(
      [],
    );
  });
});
