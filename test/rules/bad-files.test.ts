/** Malformed, binary, empty and huge files: a clear diagnostic or a result, never a crash. */
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFile, loadRuleText, MAX_RULE_FILE_BYTES } from '../../src/rules/index.js';

const dir = mkdtempSync(join(tmpdir(), 'siemc-bad-'));
const MB = 1024 * 1024;

describe('bad input files', () => {
  it('malformed TOML: error at the line and column smol-toml reports', async () => {
    const p = join(dir, 'bad.toml');
    writeFileSync(p, "[rule]\nname = \"x\"\nquery = '''a: b\nrisk_score = 1\n");
    const [l] = await loadRuleFile(p);
    expect(l.rule).toBeUndefined();
    expect(l.diagnostics).toHaveLength(1);
    expect(l.diagnostics[0]).toMatchObject({ severity: 'error', code: 'RULE002', file: p });
    expect(l.diagnostics[0].message).toMatch(/^malformed TOML: /);
    expect(l.diagnostics[0].line).toBeGreaterThanOrEqual(3);
    const dup = loadRuleText('[rule]\nname = "a"\nname = "b"\n', 'dup.toml')[0].diagnostics[0];
    expect(dup).toMatchObject({ code: 'RULE002', line: 3 });
  });

  it('TOML that is not a rule', () => {
    const [l] = loadRuleText('[tool]\nname = "x"\n', 'pyproject.toml');
    expect(l.diagnostics[0].message).toBe(
      'not a detection rule: the TOML file has no [rule] table',
    );
  });

  it('malformed JSON and NDJSON lines', () => {
    const [j] = loadRuleText('{"rule_id": "a", "query": }', 'x.json');
    expect(j.diagnostics[0]).toMatchObject({ code: 'RULE003', line: 1 });
    const nd = loadRuleText(
      '{"rule_id":"a","name":"a","type":"query","query":"a: b"}\n{oops\n[1]\n',
      'x.ndjson',
    );
    expect(nd).toHaveLength(3);
    expect(nd[1].diagnostics.map((d) => [d.code, d.line])).toEqual([['RULE003', 2]]);
    expect(nd[2].diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['RULE003', 3, 'line 3 is not a JSON object'],
    ]);
    expect(nd[0].rule?.id).toBe('a');
  });

  it('binary file', async () => {
    const p = join(dir, 'x.toml');
    writeFileSync(p, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe]));
    const [l] = await loadRuleFile(p);
    expect(l.diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'RULE004',
      line: 1,
      column: 1,
    });
    expect(l.diagnostics[0].message).toContain('binary file');
    const q = join(dir, 'latin1.kql');
    writeFileSync(q, Buffer.from('process.name: caf\xe9', 'latin1'));
    expect((await loadRuleFile(q))[0].diagnostics[0]).toMatchObject({
      code: 'RULE004',
      message: 'not UTF-8 text: not a rule file',
    });
  });

  it('empty and blank files', async () => {
    for (const [name, content] of [
      ['empty.toml', ''],
      ['blank.kql', '  \n\t\n'],
      ['empty.ndjson', '\n\n'],
    ]) {
      const p = join(dir, name);
      writeFileSync(p, content);
      const [l] = await loadRuleFile(p);
      expect(l.diagnostics[0], name).toMatchObject({
        severity: 'error',
        code: 'RULE005',
        message: 'empty file: no rule in it',
      });
    }
    // An export with only its summary line has no rules: a warning.
    const [s] = loadRuleText(
      '{"exported_count":0,"exported_rules_count":0,"missing_rules":[],"missing_rules_count":0}\n',
      'x.ndjson',
    );
    expect(s.diagnostics[0]).toMatchObject({ severity: 'warning', code: 'RULE031' });
  });

  it('a 50 MB TOML rule loads (its description is huge)', async () => {
    const p = join(dir, 'big.toml');
    const desc = 'lorem ipsum '.repeat(Math.ceil((50 * MB) / 12));
    writeFileSync(
      p,
      `[rule]\nrule_id = "big"\nname = "big"\ntype = "query"\nrisk_score = 1\nseverity = "low"\ndescription = """${desc}"""\nquery = 'event.category: process'\n`,
    );
    const [l] = await loadRuleFile(p);
    expect(l.diagnostics).toEqual([]);
    expect(l.rule!.description.length).toBe(desc.length);
    expect(l.rule!.ast).toBeDefined();
  });

  it('a 50 MB .kql query gives a clear error instead of exhausting memory', async () => {
    const p = join(dir, 'big.kql');
    writeFileSync(p, 'a:b or '.repeat(Math.ceil((50 * MB) / 7)) + 'c:d');
    const [l] = await loadRuleFile(p);
    expect(l.diagnostics).toHaveLength(1);
    expect(l.diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'RULE034',
      line: 1,
      column: 1,
    });
    expect(l.diagnostics[0].message).toContain('the query is too long to compile');
  });

  it('a file over the size limit is refused before it is read (RULE006)', async () => {
    const p = join(dir, 'huge.toml');
    writeFileSync(p, '');
    truncateSync(p, MAX_RULE_FILE_BYTES + 1); // sparse: no disk used
    const [l] = await loadRuleFile(p);
    expect(l.rule).toBeUndefined();
    expect(l.diagnostics).toMatchObject([
      { severity: 'error', code: 'RULE006', line: 1, column: 1 },
    ]);
    expect(l.diagnostics[0].message).toBe(
      `file too large (${MAX_RULE_FILE_BYTES + 1} bytes; the limit is ${MAX_RULE_FILE_BYTES})`,
    );
  });
});
