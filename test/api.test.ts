/**
 * The public API (src/index.ts) end to end, as a library user would call it: a rule file is
 * loaded, its query evaluated on events, translated to every target and verified.
 */
import { describe, expect, it } from 'vitest';
import {
  allTargets,
  compileQuery,
  decideEquivalence,
  format,
  getTarget,
  loadRuleText,
  parse,
  runRuleSync,
  toCanonical,
  translateRule,
} from '../src/index.js';

describe('public API', () => {
  it('parse never throws and locates errors', () => {
    const bad = parse('a:b and (c:d');
    expect(bad.ast).toBeNull();
    expect(bad.diagnostics[0]).toMatchObject({ severity: 'error', line: 1 });
    const ok = parse('a:b or c:d and e:f');
    // `and` binds tighter than `or`
    expect(ok.ast && toCanonical(ok.ast)).toMatchObject({ or: [{ is: {} }, { and: [{}, {}] }] });
  });

  it('format is canonical and re-parses to the same tree', () => {
    const src = 'NOT  a : ( "x"  OR y* )  and b >= 3';
    const ast = parse(src).ast!;
    const text = format(ast);
    expect(text).toBe('not a:("x" or y*) and b >= 3');
    expect(toCanonical(parse(text).ast!)).toEqual(toCanonical(ast));
  });

  it('evaluates a query with Elastic semantics', () => {
    const match = compileQuery(parse('process.name:cmd.exe and not user.name:SYSTEM').ast!);
    expect(match({ process: { name: 'cmd.exe' } })).toBe(true); // not on a missing field
    expect(match({ 'process.name': ['a', 'cmd.exe'], user: { name: 'bob' } })).toBe(true);
    expect(match({ process: { name: 'CMD.EXE' } })).toBe(false); // keyword: exact
    expect(match({ process: { name: 'cmd.exe' }, user: { name: 'SYSTEM' } })).toBe(false);
  });

  it('loads, runs and translates a rule', () => {
    const toml = [
      '[metadata]',
      'creation_date = "2024/01/01"',
      '[rule]',
      'rule_id = "0f7f2a55-5a0e-4c4c-9d4b-4c5e0f6d3a01"',
      'name = "Whoami"',
      'description = "d"',
      'risk_score = 21',
      'severity = "low"',
      'type = "query"',
      'language = "kuery"',
      'index = ["logs-endpoint.events.process-*"]',
      "query = '''process.name:\"whoami.exe\" and event.type:start'''",
    ].join('\n');
    const loaded = loadRuleText(toml, { file: 'r.toml' });
    const rule = loaded[0].rule!;
    expect(rule.type).toBe('query');
    const events = [
      {
        '@timestamp': '2024-01-01T00:00:00Z',
        process: { name: 'whoami.exe' },
        event: { type: ['start'] },
      },
      {
        '@timestamp': '2024-01-01T00:00:00Z',
        process: { name: 'whoami.exe' },
        event: { type: ['end'] },
      },
    ].map((doc, i) => ({ doc, file: 'e.ndjson', line: i + 1 }));
    const run = runRuleSync(rule, events, { now: new Date('2024-01-01T00:03:00Z') });
    expect(run.alerts.map((a) => a.line)).toEqual([1]);
    for (const target of allTargets()) {
      const t = translateRule(rule, target);
      expect(t.text.length, target.name).toBeGreaterThan(0);
      expect(t.verdict, target.name).toBe('exact');
    }
    expect(translateRule(rule, getTarget('splunk')).text).toContain('whoami.exe');
  });

  it('decides equivalence of two queries', () => {
    const a = parse('not (a:1 or b:2)').ast!;
    const b = parse('not a:1 and not b:2').ast!;
    expect(decideEquivalence(a, b)).toMatchObject({ result: 'equivalent', method: 'exact' });
    const c = parse('not a:1 or not b:2').ast!;
    const d = decideEquivalence(a, c);
    expect(d.result).toBe('different');
    // the counterexample really separates them
    const ev = d.counterexample!.doc;
    expect(compileQuery(a)(ev)).not.toBe(compileQuery(c)(ev));
  });
});
