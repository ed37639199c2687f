/**
 * The Sigma validator: schema (official JSON schemas, ajv 2020) and structural checks, and the
 * shipped copy of the schemas.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SigmaValidator, shippedSchemaDir, validateSigma } from '../../targets/sigma/validate.js';
import { checkSigma } from '../../targets/sigma/index.js';

const official = new SigmaValidator('../shared/sigma');

const GOOD = `title: Good rule
id: 5b1a3d4e-0000-4000-8000-000000000001
status: test
logsource:
    product: windows
detection:
    selection:
        process.name|cased: cmd.exe
    filter_1:
        user.name: svc
    filter_2:
        - host.name|startswith: db
        - host.ip|cidr: '10.0.0.0/8'
    condition: selection and not 1 of filter_*
level: high
tags:
    - attack.t1059
`;

const messages = (text: string): string[] =>
  official.validateText(text).map((i) => `${i.kind}: ${i.path} ${i.message}`);

describe('Sigma validator', () => {
  it('ships byte-identical copies of the official schemas', () => {
    for (const f of [
      'sigma-detection-rule-schema.json',
      'sigma-correlation-rules-schema.json',
      'sigma-filters-schema.json',
    ]) {
      expect(readFileSync(join(shippedSchemaDir(), f), 'utf8')).toBe(
        readFileSync(join('../shared/sigma', f), 'utf8'),
      );
    }
    expect(validateSigma(GOOD)).toEqual([]);
  });

  it('accepts a valid rule', () => {
    expect(messages(GOOD)).toEqual([]);
  });

  it('reports schema violations', () => {
    expect(messages(GOOD.replace('level: high', 'level: severe')).join('\n')).toMatch(
      /schema: \/level/,
    );
    expect(
      messages(GOOD.replace('id: 5b1a3d4e-0000-4000-8000-000000000001', 'id: not-a-uuid')).join(
        '\n',
      ),
    ).toMatch(/schema: \/id .*format/);
    expect(messages(GOOD.replace('    - attack.t1059', '    - Attack T1059')).join('\n')).toMatch(
      /schema: \/tags\/0/,
    );
    expect(messages(GOOD.replace(/logsource:\n {4}product: windows\n/, '')).join('\n')).toMatch(
      /logsource/,
    );
    expect(
      messages('title: x\nlogsource: {}\ndetection:\n    sel:\n        a: 1\n').join('\n'),
    ).toMatch(/condition/);
    // a YAML 1.1 date is not a string: the schema rejects an unquoted date
    expect(
      messages(GOOD.replace('status: test', 'status: test\ndate: 2024-01-02')).join('\n'),
    ).toMatch(/\/date/);
  });

  it('reports conditions that name missing selections or do not parse', () => {
    expect(
      messages(GOOD.replace('selection and not', 'selection and missing and not')).join('\n'),
    ).toMatch(/names 'missing'/);
    expect(messages(GOOD.replace('1 of filter_*', '1 of nothing_*')).join('\n')).toMatch(
      /'nothing_\*' matches no search identifier/,
    );
    expect(
      messages(
        GOOD.replace(
          'condition: selection and not 1 of filter_*',
          'condition: selection and (filter_1',
        ),
      ).join('\n'),
    ).toMatch(/does not parse: expected '\)'/);
    expect(
      messages(
        GOOD.replace('condition: selection and not 1 of filter_*', 'condition: selection filter_1'),
      ).join('\n'),
    ).toMatch(/does not parse/);
  });

  it('reports unknown modifiers and badly typed modifier values', () => {
    expect(
      messages(GOOD.replace('process.name|cased', 'process.name|caseless')).join('\n'),
    ).toMatch(/unknown modifier 'caseless'/);
    expect(
      messages(GOOD.replace("host.ip|cidr: '10.0.0.0/8'", 'host.ip|cidr: ten')).join('\n'),
    ).toMatch(/CIDR/);
    expect(messages(GOOD.replace('user.name: svc', 'user.name|exists: maybe')).join('\n')).toMatch(
      /exists/,
    );
    expect(messages(GOOD.replace('user.name: svc', "user.name|re: '(a'")).join('\n')).toMatch(
      /invalid regular expression/,
    );
    expect(messages(GOOD.replace('user.name: svc', 'user.name|gt: many')).join('\n')).toMatch(
      /number/,
    );
    expect(messages(GOOD.replace('user.name: svc', 'user.name|all: one')).join('\n')).toMatch(
      /'all'/,
    );
  });

  it('warns about regexes outside the Sigma regex subset (a portability warning, not an error)', () => {
    for (const [re, piece] of [
      ["'^\\s+x$'", '\\s'],
      ["'(?<=a)b'", '(?'],
      ["'(?:a)bc'", '(?'],
      ["'a.*?b'", '*?'],
      ["'\\d{3}'", '\\d'],
    ] as const) {
      const text = GOOD.replace('user.name: svc', () => `user.name|re: ${re}`);
      const issues = official.validateText(text);
      expect(
        issues.map((i) => i.kind),
        re,
      ).toEqual(['regex']);
      expect(issues[0].message).toContain(`'${piece}'`);
      const diags = checkSigma(text);
      expect(diags.map((d) => [d.severity, d.code])).toEqual([['warning', 'SIGMA-REGEX']]);
    }
    for (const re of ["'^a\\.b[^A-Za-z0-9_-]+(x|y){1,2}$'", "'^a\\nb$'", "'^[''’.]?x$'"])
      expect(
        official.validateText(GOOD.replace('user.name: svc', () => `user.name|re: ${re}`)),
      ).toEqual([]);
  });

  it('checks correlation rules: schema, references, timespan, value_count field', () => {
    const corr = (c: string) =>
      `${GOOD.replace('status: test', 'name: base\nstatus: test')}---\ntitle: corr\ncorrelation:\n${c}`;
    const ok =
      '    type: event_count\n    rules:\n        - base\n    group-by:\n        - user.name\n    timespan: 10m\n    condition:\n        gte: 3\n';
    expect(messages(corr(ok))).toEqual([]);
    expect(messages(corr(ok.replace('- base', '- other'))).join('\n')).toMatch(
      /'other' is not the name or id/,
    );
    expect(messages(corr(ok.replace('timespan: 10m', 'timespan: 10 min'))).join('\n')).toMatch(
      /timespan/,
    );
    expect(messages(corr(ok.replace('type: event_count', 'type: value_count'))).join('\n')).toMatch(
      /field/,
    );
    expect(messages(corr(ok.replace(/ {4}group-by:\n {8}- user.name\n/, ''))).join('\n')).toMatch(
      /group-by/,
    );
  });

  it('reports YAML syntax errors, and the target check returns them as error diagnostics', () => {
    expect(messages('title: [unclosed\n')[0]).toMatch(/^yaml:/);
    const d = checkSigma(GOOD.replace('level: high', 'level: severe'));
    expect(d.length).toBeGreaterThan(0);
    expect(d.every((x) => x.severity === 'error')).toBe(true);
    expect(d[0].code).toBe('SIGMA-SCHEMA');
  });
});
