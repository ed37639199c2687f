import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { parse, parseAllDocuments } from 'yaml';
import {
  canSingleQuote,
  formatString,
  writeYaml,
  writeYamlDocuments,
  ymap,
  yseq,
  type YamlValue,
} from '../../targets/sigma/yaml.js';
import { encodeSigmaPattern, patternFromChunks, WILDCARD } from '../../targets/sigma/escape.js';
import { decodeSigmaString } from '../../src/equiv/sigma/strings.js';

const TRICKY = [
  'yes',
  'no',
  'Yes',
  'NO',
  'on',
  'Off',
  'y',
  'n',
  'Y',
  'N',
  'true',
  'False',
  'TRUE',
  'null',
  'Null',
  '~',
  '',
  '007',
  '0777',
  '0x1F',
  '0b101',
  '0o17',
  '1_000',
  '1e3',
  '1E3',
  '.5',
  '-1',
  '+1',
  '1.5',
  '1:20',
  '190:20:30',
  '-1:20',
  '3h',
  '10m',
  '1h30m',
  '0o17x',
  '1_0h',
  '12h00',
  '2024-01-01T10h',
  '0x1g',
  '.inf',
  '-.Inf',
  '.NaN',
  '2024-01-01',
  '2001-12-14t21:59:43.10-05:00',
  '2024-1-1',
  '<<',
  '=',
  '-',
  '--',
  '---',
  '...',
  'a: b',
  'a:b',
  'a #b',
  'a#b',
  '#x',
  'key:',
  ' leading',
  'trailing ',
  ' both ',
  '\ttab',
  'x\ty',
  '*',
  '*x',
  'x*',
  '&anchor',
  '!tag',
  '!!str',
  '|',
  '>',
  "'",
  '"',
  "it's",
  'say "hi"',
  '%',
  '@x',
  '`x',
  '[a]',
  '{a}',
  'a,b',
  '?',
  '? x',
  '- x',
  '-x',
  ':x',
  'C:\\Windows\\System32',
  '\\\\server\\share',
  '\\',
  'a\\',
  'ä€😀',
  'DWSNET OÜ',
  '\u00a0x',
  'x\u00a0',
  '\ufeffbom',
  'a b  c',
  'process.name',
  'cmd.exe',
  '/usr/bin/id',
  '_x',
  'Cmsi:Cmsi',
  '29d9ed98-a469-4536-ade2-f981bc1d605e',
];

function roundTrips(value: string): void {
  const text = writeYaml(
    ymap([
      ['v', value],
      ['l', yseq([value])],
      [value === '' ? 'empty' : value, 'k'],
    ]),
  );
  for (const version of ['1.1', '1.2'] as const) {
    const back = parse(text, { version }) as Record<string, unknown>;
    expect(back.v, `${version}: ${JSON.stringify(value)} written as ${text}`).toBe(value);
    expect((back.l as unknown[])[0]).toBe(value);
    if (value !== '') expect(back[value]).toBe('k');
  }
}

function pythonYaml(): boolean {
  const r = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  return r.status === 0;
}

describe('Sigma YAML writer', () => {
  it('round-trips tricky scalars through YAML 1.1 and 1.2 loaders', () => {
    for (const v of TRICKY) roundTrips(v);
  });

  it('round-trips random printable strings', () => {
    const alphabet = 'abcehkmxoXYZ019 .:-_#*?\\/\'"&!|>%@`,[]{}~=+<\t\u00e9\u20ac';
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const len = rnd(8);
      for (let j = 0; j < len; j++) s += alphabet[rnd(alphabet.length)];
      roundTrips(s);
    }
  });

  it('uses plain scalars where unambiguous and single quotes otherwise, never double quotes', () => {
    expect(formatString('cmd.exe')).toBe('cmd.exe');
    expect(formatString('yes')).toBe("'yes'");
    expect(formatString('0777')).toBe("'0777'");
    expect(formatString('3h')).toBe('3h');
    expect(formatString('1e3')).toBe("'1e3'");
    expect(formatString('0x1F')).toBe("'0x1F'");
    expect(formatString('*\\cmd.exe')).toBe("'*\\cmd.exe'");
    expect(formatString("it's")).toBe("'it''s'");
    expect(formatString('a: b')).toBe("'a: b'");
    for (const v of TRICKY.filter(canSingleQuote))
      expect(formatString(v).startsWith('"'), v).toBe(false);
  });

  it('refuses characters that only double-quoted escapes could carry', () => {
    for (const s of ['a\nb', 'a\rb', '\u0000', 'x\u0085', '\u2028', '\ud800'])
      expect(canSingleQuote(s)).toBe(false);
    expect(() => formatString('a\nb')).toThrow(/escapes/);
  });

  it('writes literal blocks for multi-line prose that load back exactly', () => {
    for (const text of [
      'line one\nline two',
      'ends with newline\n',
      'two trailing\n\n',
      '  indented first\nsecond',
      '\nleading blank',
      'a\n\n\nb  ',
    ]) {
      const y = writeYaml(
        ymap([
          ['description', { kind: 'block', text }],
          ['after', 'x'],
        ]),
      );
      expect((parse(y, { version: '1.1' }) as Record<string, unknown>).description).toBe(text);
    }
  });

  it('writes nested maps, lists of maps, empty lists and multi-document streams', () => {
    const doc = ymap([
      [
        'detection',
        ymap([
          [
            'selection',
            yseq([
              ymap([
                ['a', 'x'],
                ['b|contains', yseq(['1', '2'])],
              ]),
              ymap([['c', 5]]),
            ]),
          ],
          ['condition', 'selection'],
        ]),
      ],
      ['empty', yseq([])],
      ['num', 1.5],
      ['bool', false],
      ['nul', null],
    ]);
    const text = writeYamlDocuments([doc, ymap([['title', 'second']])]);
    const docs = parseAllDocuments(text, { version: '1.1' });
    expect(Array.isArray(docs) && docs.length).toBe(2);
    const first = (docs as { toJS(): unknown }[])[0].toJS();
    expect(first).toEqual({
      detection: {
        selection: [{ a: 'x', 'b|contains': ['1', '2'] }, { c: 5 }],
        condition: 'selection',
      },
      empty: [],
      num: 1.5,
      bool: false,
      nul: null,
    });
  });

  it.skipIf(!pythonYaml())('loads identically with PyYAML (a YAML 1.1 loader)', () => {
    const values: YamlValue[] = TRICKY.filter(canSingleQuote);
    const text = writeYaml(ymap([['values', yseq(values)]]));
    const out = execFileSync(
      'python3',
      [
        '-c',
        'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin.read())["values"]))',
      ],
      { input: text, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual(values);
  });
});

describe('Sigma value escaping', () => {
  const decodeToKql = (s: string): string =>
    decodeSigmaString(s)
      .map((p) => ('lit' in p ? p.lit.replace(/[*\\]/g, '\\$&') : 'any' in p ? '*' : '?'))
      .join('');

  it('writes a backslash before a wildcard as \\\\ and keeps other backslashes single', () => {
    expect(encodeSigmaPattern(patternFromChunks(['C:\\Users\\', '\\Desktop\\', '']))).toBe(
      'C:\\Users\\\\*\\Desktop\\\\*',
    );
    expect(encodeSigmaPattern(['invoice?.pdf'])).toBe('invoice\\?.pdf');
    expect(encodeSigmaPattern(['schtasks /delete /tn * /f'])).toBe('schtasks /delete /tn \\* /f');
    expect(encodeSigmaPattern(['a\\\\b'])).toBe('a\\\\\\b');
    expect(encodeSigmaPattern(['ends\\'])).toBe('ends\\\\');
    expect(encodeSigmaPattern(['\\*'])).toBe('\\\\\\*');
  });

  it('decodes back to the same pattern for random inputs (spec escaping rules)', () => {
    const alphabet = ['a', '\\', '*', '?', WILDCARD] as const;
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      const parts: (string | typeof WILDCARD)[] = [];
      const len = rnd(7);
      for (let j = 0; j < len; j++) parts.push(alphabet[rnd(alphabet.length)]);
      // normalise: merge adjacent literal characters
      const merged: (string | typeof WILDCARD)[] = [];
      for (const p of parts) {
        const last = merged[merged.length - 1];
        if (p !== WILDCARD && typeof last === 'string') merged[merged.length - 1] = last + p;
        else merged.push(p);
      }
      const expected = merged
        .map((p) => (p === WILDCARD ? '*' : p.replace(/[*\\]/g, '\\$&')))
        .join('');
      expect(decodeToKql(encodeSigmaPattern(merged)), JSON.stringify(merged)).toBe(expected);
    }
  });
});
