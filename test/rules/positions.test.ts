/**
 * A syntax error in a rule's query is reported at the line and column of the *file*, through
 * every string form the query can be written in (TOML ''' """ ' ", JSON, NDJSON, YAML).
 */
import { describe, expect, it } from 'vitest';
import { lineColumn, renderDiagnostic, sourceLine } from '../../src/diagnostics.js';
import { loadRuleText } from '../../src/rules/index.js';
import type { RuleFileFormat } from '../../src/rules/index.js';

function toml(queryLine: string, extra = ''): string {
  return [
    '[metadata]',
    'maturity = "development"',
    '',
    '[rule]',
    'author = ["t"]',
    'description = """',
    "query = '''not the query: a decoy in another string'''",
    '[rule]',
    '"""',
    'name = "positions"',
    'risk_score = 21',
    'rule_id = "00000000-0000-4000-8000-00000000aaaa"',
    'severity = "low"',
    'type = "query"',
    extra,
    queryLine,
    '',
    '[[transform.osquery]]',
    'query = "SELECT 1"',
    '',
  ].join('\n');
}

/** Load `text`, expect exactly one error, at the last " )" of the file (the stray parenthesis). */
function expectErrorAtStrayParen(text: string, file: string, format?: RuleFileFormat) {
  const [loaded] = loadRuleText(text, file, format);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  expect(errors, JSON.stringify(loaded.diagnostics)).toHaveLength(1);
  const want = lineColumn(text, text.lastIndexOf(' )') + 1);
  expect({ line: errors[0].line, column: errors[0].column }).toEqual(want);
  expect(errors[0].file).toBe(file);
  expect(errors[0].offset).toBe(text.lastIndexOf(' )') + 1);
  // The rendered diagnostic shows the file's line with a caret under the parenthesis.
  const shown = renderDiagnostic(errors[0], text).split('\n');
  expect(shown[0]).toMatch(new RegExp(`^${file}:${want.line}:${want.column} error KQL\\d+ `));
  expect(shown[1]).toBe('  ' + sourceLine(text, want.line).replace(/\t/g, ' '));
  expect(shown[2]).toBe('  ' + ' '.repeat(want.column - 1) + '^');
  expect(loaded.rule?.ast).toBeUndefined();
  return errors[0];
}

describe('query error positions in the file', () => {
  it("TOML multi-line literal '''...''' (first newline trimmed)", () => {
    const text = toml(
      "query = '''\nevent.category: process\n  and process.name: \"a\\\\b\" )\n'''",
    );
    expectErrorAtStrayParen(text, 'r.toml');
  });

  it('TOML multi-line basic """...""" with escapes and a line-ending backslash', () => {
    const text = toml(
      'query = """\nprocess.name: \\"cmd\\u002Eexe\\" and \\\n    process.args: \\"\\tx\\\\y\\" and c: \\U0001F600 )\n"""',
    );
    const [loaded] = loadRuleText(text, 'r.toml');
    expect(loaded.rule?.query).toBe(
      'process.name: "cmd.exe" and process.args: "\tx\\y" and c: \u{1F600} )\n',
    );
    expectErrorAtStrayParen(text, 'r.toml');
  });

  it('TOML basic "..." with escapes', () => {
    const text = toml('query = "a: \\"x\\ty\\" and b: \\\\\\"c\\\\\\" )"');
    expectErrorAtStrayParen(text, 'r.toml');
  });

  it("TOML literal '...'", () => {
    const text = toml('query = \'a: "x\\\\y" and b: c )\'');
    expectErrorAtStrayParen(text, 'r.toml');
  });

  it('TOML with CRLF line ends and a dotted key before the query', () => {
    const text = toml(
      "query = '''\r\nevent.category: process\r\n  and b: c )\r\n'''",
      'new_terms.value = []',
    )
      .replace(/\n/g, '\r\n')
      .replace(/\r\r\n/g, '\r\n');
    expectErrorAtStrayParen(text, 'crlf.toml');
  });

  it('Kibana JSON with \\n, \\" and \\u escapes', () => {
    const text = JSON.stringify(
      {
        rule_id: 'j1',
        name: 'j',
        type: 'query',
        language: 'kuery',
        risk_score: 1,
        severity: 'low',
        description: 'd',
        query: 'a: "q\\"x"\n  and b: \u00e9t\u00e9 and c: d )',
      },
      null,
      2,
    ).replace('\u00e9t\u00e9', '\\u00e9t\\u00e9');
    expectErrorAtStrayParen(text, 'r.json');
  });

  it('NDJSON export: the error is on the rule’s own line', () => {
    const good = JSON.stringify({
      rule_id: 'n1',
      name: 'n',
      type: 'query',
      language: 'kuery',
      risk_score: 1,
      severity: 'low',
      description: 'd',
      query: 'a: b',
    });
    const bad = JSON.stringify({
      rule_id: 'n2',
      name: 'n',
      type: 'query',
      language: 'kuery',
      risk_score: 1,
      severity: 'low',
      description: 'd',
      query: 'a: "\\\\" and\tc: d )',
    });
    const text = `${good}\n${bad}\n{"exported_count":2,"exported_rules_count":2,"missing_rules":[],"missing_rules_count":0}\n`;
    const loaded = loadRuleText(text, 'x.ndjson');
    expect(loaded).toHaveLength(2);
    expect(loaded[0].rule?.ast).toBeDefined();
    const e = loaded[1].diagnostics.find((d) => d.severity === 'error')!;
    const want = lineColumn(text, text.lastIndexOf(' )') + 1);
    expect([e.line, e.column]).toEqual([want.line, want.column]);
    expect(e.line).toBe(2);
    expect(loaded[1].rule?.source.line).toBe(2);
  });

  it("case YAML, single-quoted with ''", () => {
    const text = "id: y1\ntitle: t\nquery: 'a: \"it''s\" and b: c )'\nevents: []\n";
    expectErrorAtStrayParen(text, 'c.yaml');
  });

  it('case YAML, double-quoted with escapes, and a block literal', () => {
    expectErrorAtStrayParen('id: y2\nquery: "a: \\"x\\" and\\tb: c )"\n', 'd.yaml');
    expectErrorAtStrayParen('id: y3\nquery: |\n  a: b\n    and c: d )\nevents: []\n', 'e.yaml');
  });

  it('.kql: the file is the query', () => {
    expectErrorAtStrayParen('a: b\n  and c: d )\n', 'q.kql');
  });

  it('the unterminated quote of a real case is reported at the opening quote, in the file', () => {
    const text = 'id: q\nquery: \'file.path: "C:\\Temp\\"\'\n';
    const [loaded] = loadRuleText(text, 'q.yaml');
    const e = loaded.diagnostics.find((d) => d.severity === 'error')!;
    expect(e.line).toBe(2);
    expect(e.column).toBe("query: 'file.path: ".length + 1);
  });
});

describe('long source lines', () => {
  it('an error deep in a one-line export is shown as a window around its column, caret on the spot', () => {
    const rule = {
      rule_id: 'long-1',
      name: 'long',
      description: 'x'.repeat(3000),
      risk_score: 21,
      severity: 'low',
      type: 'query',
      language: 'kuery',
      query: 'process.name: cmd.exe and )',
    };
    const text = JSON.stringify(rule) + '\n';
    const [l] = loadRuleText(text, 'export.ndjson');
    const d = l.diagnostics.find((x) => x.severity === 'error')!;
    expect(d.column).toBe(text.indexOf(' )') + 2);
    const [, excerpt, caret] = renderDiagnostic(d, text).split('\n');
    expect(excerpt.length).toBeLessThanOrEqual(2 + 122);
    expect(excerpt.startsWith('  …')).toBe(true);
    expect(excerpt[caret.indexOf('^')]).toBe(')');
  });

  it('short lines are shown whole', () => {
    const text = 'a: b and )';
    const r = renderDiagnostic(
      { severity: 'error', code: 'X', message: 'm', line: 1, column: 10 },
      text,
    ).split('\n');
    expect(r[1]).toBe('  a: b and )');
    expect(r[2]).toBe('           ^');
  });
});
