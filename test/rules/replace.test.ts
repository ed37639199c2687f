/** replaceQueryInFile: only the query changes, the rest of the file stays byte-for-byte. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { loadRuleText, replaceQueryInFile } from '../../src/rules/index.js';

const REFERENCE =
  '../shared/corpus/detection-rules/rules/integrations/o365/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml';

/** The text outside the changed region is identical. */
function onlyQueryChanged(before: string, after: string, oldQueryAt: number) {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && before[before.length - 1 - s] === after[after.length - 1 - s])
    s++;
  expect(p).toBeGreaterThanOrEqual(oldQueryAt - 3);
  return { prefix: p, suffix: s };
}

describe('replaceQueryInFile', () => {
  it("TOML '''...''': keeps the layout and every other byte", () => {
    const text = readFileSync(REFERENCE, 'utf8');
    const q = 'event.dataset: "o365.audit" and o365.audit.Actor.Type: (0 or 2)';
    const out = replaceQueryInFile(text, 'toml', q);
    const at = text.indexOf("query = '''");
    onlyQueryChanged(text, out, at);
    expect(out.slice(0, at)).toBe(text.slice(0, at));
    expect(out.slice(out.indexOf("'''\n\n\n[[rule.threat]]"))).toBe(
      text.slice(text.indexOf("'''\n\n\n[[rule.threat]]")),
    );
    expect(out).toContain(`query = '''\n${q}\n'''`);
    const [l] = loadRuleText(out, 'x.toml');
    expect(l.rule!.query).toBe(`${q}\n`);
    expect(l.diagnostics).toEqual([]);
  });

  it('falls back to a basic string when the query cannot be a literal string', () => {
    const text = "[rule]\nrule_id = \"a\"\nquery = '''\na: b\n'''\nname = \"n\"\n";
    for (const q of ["a: \"x'''y\"", 'a: "tab\there"', 'a: "cr\rlf"', 'a: "\u0001"']) {
      const out = replaceQueryInFile(text, 'toml', q, { keepEdgeWhitespace: false });
      expect((parseToml(out) as { rule: { query: string } }).rule.query).toBe(q);
      expect(out.startsWith('[rule]\nrule_id = "a"\nquery = ')).toBe(true);
      expect(out.endsWith('\nname = "n"\n')).toBe(true);
    }
  });

  it('writing back the same query leaves each of the 729 kuery corpus files unchanged (all string forms)', () => {
    const paths = readFileSync('../shared/corpus/detection-rules-kuery.jsonl', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((x) => JSON.parse(x).path as string);
    const forms = new Set<string>();
    for (const p of paths) {
      const text = readFileSync(`../shared/corpus/detection-rules/${p}`, 'utf8');
      const [l] = loadRuleText(text, p);
      forms.add(/\nquery = ('''|"""|"|')/.exec(text)![1]);
      expect(
        replaceQueryInFile(text, 'toml', l.rule!.query!, { keepEdgeWhitespace: false }),
        p,
      ).toBe(text);
    }
    expect([...forms].sort()).toEqual(['"', '"""', "'''"]);
  });

  it('JSON, NDJSON (by rule index), YAML and .kql', () => {
    const json = '{\n  "rule_id": "a",\n  "query": "a: \\"b\\"",\n  "name": "n"\n}\n';
    expect(replaceQueryInFile(json, 'json', 'x: "y\\\\z"')).toBe(
      '{\n  "rule_id": "a",\n  "query": "x: \\"y\\\\\\\\z\\"",\n  "name": "n"\n}\n',
    );
    const nd =
      '{"rule_id":"a","query":"a: b"}\n{"rule_id":"b","query":"c: d"}\n{"exported_count":2}\n';
    expect(replaceQueryInFile(nd, 'ndjson', 'e: f', { ruleIndex: 1 })).toBe(
      '{"rule_id":"a","query":"a: b"}\n{"rule_id":"b","query":"e: f"}\n{"exported_count":2}\n',
    );
    const yaml = "id: c\nquery: 'a: b'\nevents: []\n";
    expect(replaceQueryInFile(yaml, 'yaml', 'x: "it\'s"')).toBe(
      "id: c\nquery: 'x: \"it''s\"'\nevents: []\n",
    );
    expect(replaceQueryInFile(yaml, 'yaml', 'x: y\n  and z: w')).toBe(
      'id: c\nquery: "x: y\\n  and z: w"\nevents: []\n',
    );
    expect(replaceQueryInFile('a:b\n', 'kql', 'a: b')).toBe('a: b\n');
  });

  it('throws when there is no query to replace', () => {
    expect(() => replaceQueryInFile('[rule]\nname = "x"\n', 'toml', 'a: b')).toThrow(
      'no [rule] query',
    );
    expect(() => replaceQueryInFile('{"name": "x"}', 'json', 'a: b')).toThrow('no "query"');
  });
});
