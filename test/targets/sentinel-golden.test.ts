/**
 * Sentinel golden tests: the Kusto text of every KQL construct (keyword equality and lists,
 * wildcards as startswith/endswith/contains/matches regex, escapes, CIDR and IP equality, exists,
 * ranges on numbers / dates / strings, booleans, nested boolean structure, arrays through
 * mv-apply, text fields as token regexes, lowercase-normalized multi-fields, odd field names,
 * free text), each checked by the Kusto language service and by meaning: the Kusto interpreter
 * agrees with the native evaluator on boundary events generated for the query.
 */
import { describe, expect, it } from 'vitest';
import { generateEvents } from '../../src/equiv/generate/index.js';
import { getTarget } from '../../targets/registry.js';
import { sentinelTarget } from '../../targets/sentinel/index.js';
import {
  NOW,
  compareMeaning,
  expectDeclared,
  kustoSelects,
  ruleOf,
  toKusto,
} from './sentinel-helpers.js';

function where(query: string): string {
  return toKusto(ruleOf(query)).text;
}

/** [KQL, expected Kusto fragment, why the meaning check is skipped] */
const cases: [string, string, string?][] = [
  ['process.name: "cmd.exe"', 'where tostring(process.name) == "cmd.exe"'],
  [
    'process.name: (cmd.exe or "pwsh.exe")',
    'where tostring(process.name) in ("cmd.exe", "pwsh.exe")',
  ],
  [
    'process.name: cmd*',
    'where (strlen(tostring(process.name)) <= 1024 and tostring(process.name) startswith_cs "cmd")',
  ],
  [
    'process.name: *.exe',
    'where (strlen(tostring(process.name)) <= 1024 and tostring(process.name) endswith_cs ".exe")',
  ],
  [
    'process.command_line: *\\\\AppData\\\\*',
    'where tostring(process.command_line) contains_cs "\\\\AppData\\\\"',
  ],
  [
    'process.name: a*b*c',
    'where (strlen(tostring(process.name)) <= 1024 and tostring(process.name) matches regex @"(?s)^a.*b.*c$")',
  ],
  ['process.name: a*b?c', 'matches regex @"(?s)^a.*b\\?c$"'],
  ['process.name: "a*b"', 'where tostring(process.name) == "a*b"'],
  ['process.name: a\\*b', 'where tostring(process.name) == "a*b"'],
  ['process.name: "a\\"b"', 'where tostring(process.name) == "a\\"b"'],
  ['process.name: "tab\\there"', 'where tostring(process.name) == "tab\\there"'],
  [
    'file.path: C\\:\\\\Windows\\\\*',
    'where (strlen(tostring(file.path)) <= 1024 and tostring(file.path) startswith_cs "C:\\\\Windows\\\\")',
  ],
  [
    'file.path: a*\\\\*x',
    'where (strlen(tostring(file.path)) <= 1024 and tostring(file.path) matches regex @"(?s)^a.*\\\\.*x$")',
  ],
  ['process.name: ""', 'where (isnotnull(process.name) and tostring(process.name) == "")'],
  ['source.ip: "10.0.0.0/8"', 'where ipv4_is_in_range(tostring(source.ip), "10.0.0.0/8")'],
  ['source.ip: "2001:db8::/32"', 'where ipv6_is_in_range(tostring(source.ip), "2001:db8::/32")'],
  ['source.ip: "10.1.2.3"', 'where ipv6_compare(tostring(source.ip), "10.1.2.3") == 0'],
  [
    'user.name: *',
    'where (strlen(tostring(user.name)) <= 1024 and (isnotnull(user.name) and not(gettype(user.name) == "array" and tostring(user.name) matches regex @"^(\\[|\\]|,|null)*$")))',
  ],
  ['not user.name: *', 'where not((strlen(tostring(user.name)) <= 1024 and (isnotnull(user.name)'],
  ['destination.port >= 1024', 'where todouble(destination.port) >= 1024'],
  ['destination.port: 445', 'where todouble(destination.port) == 445'],
  ['not destination.port: 445', 'where not(coalesce(todouble(destination.port) == 445, false))'],
  [
    'user.name > "m"',
    'where (strlen(tostring(user.name)) <= 1024 and (isnotnull(user.name) and strcmp(tostring(user.name), "m") > 0))',
  ],
  ['event.created < "now-5m"', 'where todatetime(event.created) < ago(5m)'],
  [
    'event.created >= "2024-01-01T00:00:00Z"',
    'where todatetime(event.created) >= datetime(2024-01-01T00:00:00Z)',
  ],
  [
    '@timestamp > "now-1d"',
    'where TimeGenerated > ago(1d)',
    'the comparison restamps events inside the window; the window test covers TimeGenerated',
  ],
  ['dll.code_signature.trusted: true', 'where tostring(dll.code_signature.trusted) == "true"'],
  [
    'dll.code_signature.trusted: false',
    'where (isnotnull(dll.code_signature.trusted) and tostring(dll.code_signature.trusted) in ("false", ""))',
  ],
  [
    // fields of unknown shape (neither ECS nor the table schema describes them) may hold arrays
    'aws.a.b: x and not (aws.c.d: y or aws.e.f: z)',
    '| mv-apply __e1 = iff(gettype(aws.a.b) == "array", aws.a.b, pack_array(aws.a.b)) on (summarize __m1 = countif(tostring(__e1) == "x") > 0)\n| mv-apply __e2 = iff(gettype(aws.c.d) == "array", aws.c.d, pack_array(aws.c.d)) on (summarize __m2 = countif(tostring(__e2) == "y") > 0)\n| mv-apply __e3 = iff(gettype(aws.e.f) == "array", aws.e.f, pack_array(aws.e.f)) on (summarize __m3 = countif(tostring(__e3) == "z") > 0)\n| where __m1 and not(__m2 or __m3)\n| project-away __m1, __m2, __m3',
  ],
  [
    '(process.name: a or process.name: b) and (user.name: c or host.name: d)',
    'where tostring(process.name) in ("a", "b") and (tostring(user.name) == "c" or tostring(host.name) == "d")',
  ],
  [
    '"winlog.event_data.Service Name": evil',
    "mv-apply __e1 = iff(gettype(winlog.event_data['Service Name']) == \"array\", winlog.event_data['Service Name'], pack_array(winlog.event_data['Service Name'])) on (summarize __m1 = countif(tostring(__e1) == \"evil\") > 0)",
  ],
  ['source.as.number: 5', "where todouble(source['as'].number) == 5"],
  ['process.title: x', 'where tostring(process[\'title\']) == "x"'],
  [
    'event.category: process',
    'mv-apply __e1 = iff(gettype(event.category) == "array", event.category, pack_array(event.category)) on (summarize __m1 = countif(tostring(__e1) == "process") > 0)',
  ],
  [
    'process.args: ("-enc" or -e*) and not process.args: "/c"',
    'countif(tostring(__e1) == "-enc" or (strlen(tostring(__e1)) <= 1024 and tostring(__e1) startswith_cs "-e")) > 0)\n| mv-apply __e2 = iff(gettype(process.args) == "array", process.args, pack_array(process.args)) on (summarize __m2 = countif(tostring(__e2) == "/c") > 0)\n| where __m1 and not(__m2)\n| project-away __m1, __m2',
  ],
  [
    'tags: malware',
    'mv-apply __e1 = iff(gettype(tags) == "array", tags, pack_array(tags)) on (summarize __m1 = countif(tostring(__e1) == "malware") > 0)',
  ],
  ['process.name.caseless: CMD.exe', 'where tostring(process.name) =~ "CMD.exe"'],
  ['process.name.caseless: (a or B)', 'where tostring(process.name) in~ ("a", "B")'],
  ['process.name.caseless: *Cmd*', 'where tostring(process.name) contains "Cmd"'],
  ['process.name.caseless: a*b*c', 'matches regex @"(?is)^a.*b.*c$"'],
  [
    'message: "hello world"',
    `where message matches regex @"(?i)(?:^|[^\\p{L}\\p{M}\\p{N}_'’.]|(?:^|[^\\p{L}\\p{M}\\p{N}_])['’.])hello(?:[^\\p{L}\\p{M}\\p{N}_'’.]|[^\\p{L}\\p{M}\\p{N}_]{2,})world(?:$|[^\\p{L}\\p{M}\\p{N}_'’.]|['’.](?:$|[^\\p{L}\\p{M}\\p{N}_]))"`,
  ],
  ['message: hello world', '(?:hello|world)'],
  ['message: hel*', "hel(?:(?:[\\p{L}\\p{M}\\p{N}_]|['’.][\\p{L}\\p{M}\\p{N}_])*)?"],
  [
    'powershell.file.script_block_text: *Invoke-Mimi*',
    '(?:^|[^A-Za-z0-9_-])(?:[A-Za-z0-9_-]*invoke-mimi[A-Za-z0-9_-]*)(?:$|[^A-Za-z0-9_-])',
  ],
  ['message: "!!!"', 'where false'],
];

describe('sentinel golden', () => {
  it('is registered as sentinel and kusto', () => {
    expect(getTarget('kusto')).toBe(sentinelTarget);
    expect(getTarget('Sentinel')).toBe(sentinelTarget);
  });

  for (const [q, expected, noMeaning] of cases)
    it(q, () => {
      const rule = ruleOf(q);
      const t = toKusto(rule);
      expect(t.text).toContain(expected);
      expect(t.verdict).toBe('exact');
      if (noMeaning) return;
      // meaning on generated boundary events
      const docs = generateEvents([rule.ast!], { seed: 3, maxEvents: 60, now: new Date(NOW) }).map(
        (g) => g.doc as Record<string, unknown>,
      );
      const m = compareMeaning(rule, t, docs, { shape: true });
      expect(m.wider).toEqual([]);
      expect(m.narrower).toEqual([]);
      expect(m.compared).toBeGreaterThan(0);
    });

  it('the rule window: query rules filter TimeGenerated from `from` to now', () => {
    const t = toKusto(ruleOf('a.b: c', { from: 'now-9m' }));
    expect(t.text.split('\n').slice(0, 2)).toEqual([
      'EcsEvents',
      '| where TimeGenerated between (ago(9m) .. now())',
    ]);
    const ing = toKusto(ruleOf('a.b: c', { from: 'now-9m', timestampOverride: 'event.ingested' }));
    expect(ing.text).toContain('| where _TimeReceived between (ago(9m) .. now())');
    expect(ing.diagnostics.map((d) => d.code)).toContain('KUSTO-QUERY-PERIOD-TIMEGENERATED');
  });

  it('text fields: phrase, any token and wildcard terms follow the analyzer', () => {
    const sel = (q: string) => kustoSelects(toKusto(ruleOf(q)).text);
    const phrase = sel('message: "hello world"');
    expect(phrase({ message: 'Say HELLO, world!' })).toBe(true);
    expect(phrase({ message: 'hello brave world' })).toBe(false);
    expect(phrase({ message: 'hello.world' })).toBe(false); // one token
    expect(phrase({ message: 'othello world' })).toBe(false);
    const any = sel('message: hello world');
    expect(any({ message: 'a world apart' })).toBe(true);
    expect(any({ message: 'worldly' })).toBe(false);
    const wc = sel('message: hel*');
    expect(wc({ message: 'x Help me' })).toBe(true);
    expect(wc({ message: 'x.help' })).toBe(false); // token x.help
    expect(wc({ message: "dog's help" })).toBe(true);
  });

  it('a top-level key that is no column: never a value, declared by polarity', () => {
    const t = toKusto(ruleOf('nosuch.b: x'));
    expect(t.text).toContain('column_ifexists("nosuch", dynamic(null)).b');
    expect(t.diagnostics.map((d) => [d.code, d.effect])).toContainEqual([
      'KUSTO-NO-COLUMN-KEY',
      'narrower',
    ]);
    expect(t.verdict).toBe('narrower');
    const n = toKusto(ruleOf('not nosuch.b: x'));
    expect(n.verdict).toBe('wider');
  });

  it('an array inside the elements of an array of objects is flattened (mv-expand per element)', () => {
    const rule = ruleOf('kubernetes.audit.requestObject.spec.containers.image: ubuntu*');
    const t = toKusto(rule);
    expect(t.text).toContain(
      'on (mv-expand __l1 = iff(gettype(__e1.image) == "array", __e1.image, pack_array(__e1.image)) | summarize __m1 = countif(tostring(__l1) startswith_cs "ubuntu") > 0)',
    );
    const sel = kustoSelects(t.text);
    const doc = (image: unknown) => ({
      kubernetes: {
        audit: { requestObject: { spec: { containers: [{ image: 'x' }, { image }] } } },
      },
    });
    expect(sel(doc(['zzz', 'ubuntu:22']))).toBe(true);
    expect(sel(doc('ubuntu:22'))).toBe(true);
    expect(sel(doc(['zzz']))).toBe(false);
  });

  it('ignore_above: keyword values longer than the limit are not indexed, so nothing matches them', () => {
    const long = 'a'.repeat(1025);
    const sel = (q: string) => kustoSelects(toKusto(ruleOf(q)).text);
    expect(sel('process.name: *')({ process: { name: long } })).toBe(false);
    expect(sel('process.name: *')({ process: { name: long.slice(1) } })).toBe(true);
    expect(sel('process.name: a*')({ process: { name: long } })).toBe(false);
    expect(sel('not process.name: a*')({ process: { name: long } })).toBe(true);
    expect(toKusto(ruleOf(`process.name: "${long}"`)).text).toContain('| where false');
  });

  it('free text is declared (different): every field, term search', () => {
    const t = toKusto(ruleOf('foo'));
    expect(t.text).toContain('where * has "foo"');
    expect(t.verdict).toBe('different');
    expect(t.diagnostics.map((d) => [d.code, d.effect])).toEqual(
      expect.arrayContaining([
        ['KUSTO-FREE-TEXT', 'wider'],
        ['KUSTO-FREE-TEXT-TERMS', 'narrower'],
      ]),
    );
  });

  it('wildcard field names are unsupported with a hint', () => {
    const t = toKusto(ruleOf('process.*: x'));
    expect(t.verdict).toBe('unsupported');
    const d = t.diagnostics.find((x) => x.code === 'KUSTO-FIELD-WILDCARD')!;
    expect(d.message).toMatch(/process\.\*/);
    expect(d.span).toBeDefined();
  });

  it('declared differences are the only ones found on generated events', () => {
    const rule = ruleOf('process.*: x or foo');
    const t = toKusto(rule);
    const docs = generateEvents([rule.ast!], { seed: 5, maxEvents: 60, now: new Date(NOW) }).map(
      (g) => g.doc as Record<string, unknown>,
    );
    expectDeclared(t, compareMeaning(rule, t, docs));
  });
});

describe('sentinel golden: rule types', () => {
  it('new_terms: history set, inclusive boundary, anti-join, keys without missing values', () => {
    const r = ruleOf('event.category: authentication', {
      type: 'new_terms',
      newTerms: { fields: ['user.name', 'source.ip'], historyWindowStart: 'now-7d' },
      from: 'now-10m',
      timestampOverride: 'event.ingested',
    });
    const t = toKusto(r);
    expect(t.text).toContain(
      'let _events = EcsEvents\n    | where _TimeReceived between (ago(7d) .. now())',
    );
    expect(t.text).toContain(
      'let _history = _events\n    | where _TimeReceived between (ago(7d) .. ago(10m))\n    | distinct user_name, source_ip;',
    );
    expect(t.text).toContain('\n_events\n| where _TimeReceived between (ago(10m) .. now())');
    expect(t.text).toContain(
      '| mv-expand user_name = iff(gettype(user.name) == "array", user.name, pack_array(user.name))',
    );
    expect(t.text).toContain('| where isnotnull(user_name) and isnotnull(source_ip)');
    expect(t.text).toContain(
      '| extend user_name = tostring(user_name), source_ip = tostring(source_ip)',
    );
    expect(t.text).toContain('| join kind=leftanti _history on user_name, source_ip');
    expect(t.text).toContain('| summarize arg_min(_TimeReceived, *) by user_name, source_ip');
    expect(t.diagnostics.map((d) => d.code)).toContain('KUSTO-NEW-TERMS-BOUNDARY');
  });

  it('threshold: summarize count by keys, >=; cardinality counts every element of JSON values', () => {
    const r = ruleOf('event.action: lock', {
      type: 'threshold',
      threshold: {
        field: ['user.name'],
        value: 3,
        cardinality: [{ field: 'source.ip', value: 2 }],
      },
    });
    const t = toKusto(r);
    expect(t.text).toContain(
      '| summarize Count = count(), __d1 = make_list(iff(gettype(source.ip) == "array", source.ip, pack_array(source.ip))) by user_name\n' +
        '| mv-apply __x1 = __d1 on (mv-expand __y1 = __x1 | summarize Distinct = dcountif(strcat("=", tostring(__y1)), isnotnull(__y1)))\n' +
        '| where Count >= 3 and Distinct >= 2\n| project-away __d1\n',
    );
    expect(t.verdict).toBe('exact');
  });

  it('threshold cardinality on a typed column: dcountif without the empty value', () => {
    const t = toKusto(
      ruleOf('o365.audit.UserId: *', {
        type: 'threshold',
        index: ['logs-o365.audit-*'],
        threshold: {
          field: ['o365.audit.UserId'],
          value: 3,
          cardinality: [{ field: 'source.ip', value: 2 }],
        },
      }),
      { mapping: 'o365' },
    );
    expect(t.text).toContain(
      '| summarize Count = count(), Distinct = dcountif(tostring(IPAddress), isnotempty(tostring(IPAddress))) by UserPrincipalName',
    );
  });

  it('threshold without group-by: one summarize over all matches', () => {
    const t = toKusto(
      ruleOf('event.action: lock', { type: 'threshold', threshold: { field: [], value: 5 } }),
    );
    expect(t.text).toMatch(/\| summarize Count = count\(\)\n\| where Count >= 5\n$/);
  });
});
