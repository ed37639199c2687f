/**
 * Golden tests: KQL → SPL for every construct, nested boolean structure, every escape class.
 * Each output must pass the SPL checker (no errors, no lints) and mean what the KQL means on
 * generated boundary events (native evaluator vs SPL interpreter), except where declared.
 */
import { describe, expect, it } from 'vitest';
import { checkSpl } from '../../targets/spl/check/index.js';
import { HEAD, makeRule, meaning, toSpl } from './spl-helpers.js';

// [name, KQL, SPL after the `search index=* earliest=-9m latest=now` head, verdict]
const GOLDEN: [string, string, string, string][] = [
  ['keyword literal without letters', 'event.code: 4688', 'event.code="4688"', 'exact'],
  [
    'keyword literal with letters (case-exact where)',
    'process.name: "cmd.exe"',
    'process.name="cmd.exe"\n| where isnotnull(mvfind(\'process.name\', "^cmd[.]exe\\\\z"))',
    'exact',
  ],
  [
    'unquoted literal with inner spaces',
    'process.title: a b   c',
    'process.title="a b   c"\n| where isnotnull(mvfind(\'process.title\', "^a b   c\\\\z"))',
    'exact',
  ],
  [
    'typed boolean literal',
    'dll.code_signature.trusted: true',
    'dll.code_signature.trusted="true"\n| where isnotnull(mvfind(\'dll.code_signature.trusted\', "^true\\\\z"))',
    'exact',
  ],
  [
    'prefix wildcard',
    'process.name: cmd*',
    'process.name="cmd*"\n| where isnotnull(mvfind(\'process.name\', "^(?=[\\\\s\\\\S]{0,1024}\\\\z)cmd[\\\\s\\\\S]*\\\\z"))',
    'exact',
  ],
  [
    'suffix wildcard with escaped backslash',
    'file.path: *\\\\temp',
    'file.path="*\\\\temp"\n| where isnotnull(mvfind(\'file.path\', "^(?=[\\\\s\\\\S]{0,1024}\\\\z)[\\\\s\\\\S]*\\\\x5ctemp\\\\z"))',
    'exact',
  ],
  [
    'contains wildcard',
    'process.command_line: *-enc*',
    'process.command_line="*-enc*"\n| where isnotnull(mvfind(\'process.command_line\', "^[\\\\s\\\\S]*-enc[\\\\s\\\\S]*\\\\z"))',
    'exact',
  ],
  [
    'general wildcard',
    'file.name: a*b*c',
    'file.name="a*b*c"\n| where isnotnull(mvfind(\'file.name\', "^(?=[\\\\s\\\\S]{0,1024}\\\\z)a[\\\\s\\\\S]*b[\\\\s\\\\S]*c\\\\z"))',
    'exact',
  ],
  [
    'double wildcard collapses',
    'file.name: a**b',
    'file.name="a*b"\n| where isnotnull(mvfind(\'file.name\', "^(?=[\\\\s\\\\S]{0,1024}\\\\z)a[\\\\s\\\\S]*b\\\\z"))',
    'exact',
  ],
  [
    'any value (f:**)',
    'file.name: **',
    'file.name=*\n| where isnotnull(mvfind(\'file.name\', "^[\\\\s\\\\S]{0,1024}\\\\z"))',
    'narrower',
  ],
  [
    'exists',
    'user.name: *',
    'user.name=*\n| where isnotnull(mvfind(\'user.name\', "^[\\\\s\\\\S]{0,1024}\\\\z"))',
    'narrower',
  ],
  ['missing', 'not user.name: *', 'NOT user.name=*', 'different'],
  ['numeric range', 'destination.port >= 5800', 'destination.port>=5800', 'exact'],
  [
    'numeric range pair',
    'http.response.status_code >= 300 and http.response.status_code <= 399',
    'http.response.status_code>=300 http.response.status_code<=399',
    'exact',
  ],
  [
    'string range',
    'user.name > "m"',
    "\n| where isnotnull(mvfilter(len('user.name')<=1024 AND 'user.name'>\"m\"))",
    'exact',
  ],
  ['CIDR on an ip field', 'source.ip: 10.0.0.0/8', 'source.ip="10.0.0.0/8"', 'exact'],
  ['IPv6 CIDR', 'source.ip: "2001:db8::/64"', 'source.ip="2001:db8::/64"', 'exact'],
  [
    'value list folds to IN',
    'event.code: (4624 or 4625)',
    'event.code IN ("4624", "4625")',
    'exact',
  ],
  [
    'value list with letters',
    'host.os.type: (linux or macos)',
    'host.os.type IN ("linux", "macos")\n| where isnotnull(mvfind(\'host.os.type\', "^(?:linux|macos)\\\\z"))',
    'exact',
  ],
  [
    'value list with and/not',
    'process.args: (a and not b)',
    'process.args="a"\n| where isnotnull(mvfind(\'process.args\', "^a\\\\z")) AND NOT isnotnull(mvfind(\'process.args\', "^b\\\\z"))',
    'exact',
  ],
  ['negated value list', 'not event.code: (1 or 2)', 'NOT event.code IN ("1", "2")', 'exact'],
  [
    'nested and/or/not depth 3',
    'a: 1 and (b: 2 or not (c: 3 and d: 4))',
    'a="1" (b="2" OR NOT (c="3" AND d="4"))',
    'exact',
  ],
  ['or of and', 'a: 1 or b: 2 and c: 3', '(a="1" OR (b="2" AND c="3"))', 'exact'],
  ['and of or', '(a: 1 or b: 2) and (c: 3 or d: 4)', '(a="1" OR b="2") (c="3" OR d="4")', 'exact'],
  [
    'not of or of and',
    'not (a: 1 or (b: 2 and not c: 3))',
    'NOT (a="1" OR (b="2" AND NOT c="3"))',
    'exact',
  ],
  [
    'depth 4 mixed with letters',
    'a: x and (b: y or (c: z and not (d: w or e: 1)))',
    'a="x" (b="y" OR (c="z" AND NOT e="1"))\n| where isnotnull(mvfind(a, "^x\\\\z")) AND (isnotnull(mvfind(b, "^y\\\\z")) OR isnotnull(mvfind(c, "^z\\\\z")) AND NOT (isnotnull(mvfind(d, "^w\\\\z")) OR isnotnull(mvfind(e, "^1\\\\z"))))',
    'exact',
  ],
  [
    'where precedence: or of and',
    'a: x or b: y and c: z',
    '(a="x" OR (b="y" AND c="z"))\n| where isnotnull(mvfind(a, "^x\\\\z")) OR isnotnull(mvfind(b, "^y\\\\z")) AND isnotnull(mvfind(c, "^z\\\\z"))',
    'exact',
  ],
  [
    'where precedence: and of or',
    '(a: x or b: y) and c: z',
    '(a="x" OR b="y") c="z"\n| where (isnotnull(mvfind(a, "^x\\\\z")) OR isnotnull(mvfind(b, "^y\\\\z"))) AND isnotnull(mvfind(c, "^z\\\\z"))',
    'exact',
  ],
  [
    'negation keeps missing fields',
    'event.category: process and not process.args: "-enc"',
    'event.category="process"\n| where isnotnull(mvfind(\'event.category\', "^process\\\\z")) AND NOT isnotnull(mvfind(\'process.args\', "^-enc\\\\z"))',
    'exact',
  ],
  [
    'not of a group stays a group',
    'event.action: logon and not (user.name: svc and host.name: db01)',
    'event.action="logon"\n| where isnotnull(mvfind(\'event.action\', "^logon\\\\z")) AND NOT (isnotnull(mvfind(\'user.name\', "^svc\\\\z")) AND isnotnull(mvfind(\'host.name\', "^db01\\\\z")))',
    'exact',
  ],
  [
    'escape: double quote',
    'f: "a\\"b"',
    'f="a\\"b"\n| where isnotnull(mvfind(f, "^a\\"b\\\\z"))',
    'exact',
  ],
  [
    'escape: backslash in quotes',
    'f: "C:\\Windows"',
    'f="C:\\\\Windows"\n| where isnotnull(mvfind(f, "^C:\\\\x5cWindows\\\\z"))',
    'exact',
  ],
  [
    'escape: escaped backslash unquoted',
    'f: C\\:\\\\Windows',
    'f="C:\\\\Windows"\n| where isnotnull(mvfind(f, "^C:\\\\x5cWindows\\\\z"))',
    'exact',
  ],
  [
    'escape: quoted star is literal',
    'f: "a*b"',
    'f="a*b"\n| where isnotnull(mvfind(f, "^a[*]b\\\\z"))',
    'exact',
  ],
  [
    'escape: escaped star before a wildcard',
    'f: a\\*b*',
    'f="a*b*"\n| where isnotnull(mvfind(f, "^a[*]b[\\\\s\\\\S]*\\\\z"))',
    'exact',
  ],
  [
    'escape: pipe inside a value',
    'f: "a|b"',
    'f="a|b"\n| where isnotnull(mvfind(f, "^a[|]b\\\\z"))',
    'exact',
  ],
  [
    'escape: newline',
    'f: "x\\ny"',
    'f="x\ny"\n| where isnotnull(mvfind(f, "^x\\\\ny\\\\z"))',
    'exact',
  ],
  [
    'escape: tab and unicode',
    'f: "\\tä\\u0041"',
    'f="\täA"\n| where isnotnull(mvfind(f, "^\\\\täA\\\\z"))',
    'exact',
  ],
  [
    'escape: parentheses and colon',
    'f: \\(x\\)\\:y',
    'f="(x):y"\n| where isnotnull(mvfind(f, "^[(]x[)]:y\\\\z"))',
    'exact',
  ],
  [
    'escape: regex metacharacters',
    'f: "a.b+c?[d]{e}^$"',
    'f="a.b+c?[d]{e}^$"\n| where isnotnull(mvfind(f, "^a[.]b[+]c[?]\\\\x5bd\\\\x5d[{]e[}]\\\\x5e[$]\\\\z"))',
    'exact',
  ],
  [
    'question mark is literal',
    'file.name: *invoice?.pdf',
    'file.name="*invoice?.pdf"\n| where isnotnull(mvfind(\'file.name\', "^(?=[\\\\s\\\\S]{0,1024}\\\\z)[\\\\s\\\\S]*invoice[?][.]pdf\\\\z"))',
    'exact',
  ],
  [
    'quoted keyword words are values',
    'f: "and" or f: "NOT"',
    'f IN ("and", "NOT")\n| where isnotnull(mvfind(f, "^(?:and|NOT)\\\\z"))',
    'exact',
  ],
  ['empty string value', 'f: ""', '\n| where isnotnull(mvfind(f, "^\\\\z"))', 'narrower'],
  [
    'field name with a space',
    '"winlog.event_data.Service Name": "evilsvc"',
    '"winlog.event_data.Service Name"="evilsvc"\n| where isnotnull(mvfind(\'winlog.event_data.Service Name\', "^evilsvc\\\\z"))',
    'exact',
  ],
  ['field name with @', '@custom.field: 1', '"@custom.field"="1"', 'exact'],
  [
    'field name with a dash',
    'kubernetes.audit.annotations.authorization_k8s_io/decision: allow',
    '"kubernetes.audit.annotations.authorization_k8s_io/decision"="allow"\n| where isnotnull(mvfind(\'kubernetes.audit.annotations.authorization_k8s_io/decision\', "^allow\\\\z"))',
    'exact',
  ],
  [
    'wildcard field name',
    'process.*: cmd',
    'process.*="cmd"\n| where searchmatch("process.*=\\"cmd\\"")',
    'wider',
  ],
  ['free text', 'foo', '"foo"\n| where searchmatch("\\"foo\\"")', 'different'],
  ['match all', '*:*', '', 'exact'],
  ['nested query', 'a: { b: 1 and c: 2 }', 'a.b="1" a.c="2"', 'wider'],
  [
    'text field: unquoted value matches any token, case-insensitively',
    'message: segfault',
    'message="*segfault*"\n| where isnotnull(mvfind(message, "(?i)(?<![\\\\p{L}\\\\p{M}\\\\p{N}_])(?<![\\\\p{L}\\\\p{M}\\\\p{N}_][\'’.])(?:segfault)(?![\\\\p{L}\\\\p{M}\\\\p{N}_])(?![\'’.][\\\\p{L}\\\\p{M}\\\\p{N}_])"))',
    'exact',
  ],
  [
    'text field: quoted value is a phrase',
    'message: "Bad Thing"',
    'message="*bad*thing*"\n| where isnotnull(mvfind(message, "(?i)(?<![\\\\p{L}\\\\p{M}\\\\p{N}_])(?<![\\\\p{L}\\\\p{M}\\\\p{N}_][\'’.])bad(?![\'’.][\\\\p{L}\\\\p{M}\\\\p{N}_])[^\\\\p{L}\\\\p{M}\\\\p{N}_]+thing(?![\\\\p{L}\\\\p{M}\\\\p{N}_])(?![\'’.][\\\\p{L}\\\\p{M}\\\\p{N}_])"))',
    'exact',
  ],
  [
    'text field: value list, one token / phrase match per value',
    'message: (GetAsyncKeyState or "Get-Keystrokes")',
    '(message="*getasynckeystate*" OR message="*get*keystrokes*")\n| where (isnotnull(mvfind(message, "(?i)(?<![\\\\p{L}\\\\p{M}\\\\p{N}_])(?<![\\\\p{L}\\\\p{M}\\\\p{N}_][\'’.])(?:getasynckeystate)(?![\\\\p{L}\\\\p{M}\\\\p{N}_])(?![\'’.][\\\\p{L}\\\\p{M}\\\\p{N}_])")) OR isnotnull(mvfind(message, "(?i)(?<![\\\\p{L}\\\\p{M}\\\\p{N}_])(?<![\\\\p{L}\\\\p{M}\\\\p{N}_][\'’.])get(?![\'’.][\\\\p{L}\\\\p{M}\\\\p{N}_])[^\\\\p{L}\\\\p{M}\\\\p{N}_]+keystrokes(?![\\\\p{L}\\\\p{M}\\\\p{N}_])(?![\'’.][\\\\p{L}\\\\p{M}\\\\p{N}_])")))',
    'exact',
  ],
  [
    'text field: wildcard term matches within one token',
    'message: *segf*',
    'message="*segf*"\n| where isnotnull(mvfind(message, "(?i)(?<![\\\\p{L}\\\\p{M}\\\\p{N}_])(?<![\\\\p{L}\\\\p{M}\\\\p{N}_][\'’.])(?:(?:[\\\\p{L}\\\\p{M}\\\\p{N}_]|(?<=[\\\\p{L}\\\\p{M}\\\\p{N}_])[\'’.](?=[\\\\p{L}\\\\p{M}\\\\p{N}_]))*segf(?:[\\\\p{L}\\\\p{M}\\\\p{N}_]|(?<=[\\\\p{L}\\\\p{M}\\\\p{N}_])[\'’.](?=[\\\\p{L}\\\\p{M}\\\\p{N}_]))*)(?![\\\\p{L}\\\\p{M}\\\\p{N}_])(?![\'’.][\\\\p{L}\\\\p{M}\\\\p{N}_])"))',
    'exact',
  ],
  [
    'text field: negated',
    'not message: error',
    '\n| where NOT isnotnull(mvfind(message, "(?i)(?<![\\\\p{L}\\\\p{M}\\\\p{N}_])(?<![\\\\p{L}\\\\p{M}\\\\p{N}_][\'’.])(?:error)(?![\\\\p{L}\\\\p{M}\\\\p{N}_])(?![\'’.][\\\\p{L}\\\\p{M}\\\\p{N}_])"))',
    'exact',
  ],
];

describe('SPL golden translations', () => {
  for (const [name, kql, spl, verdict] of GOLDEN) {
    it(name, () => {
      const rule = makeRule(kql);
      const t = toSpl(kql);
      const expected = spl === '' ? HEAD : spl.startsWith('\n') ? HEAD + spl : `${HEAD} ${spl}`;
      expect(t.text).toBe(expected);
      expect(t.verdict).toBe(verdict);
      const check = checkSpl(t.text);
      expect(check.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      const m = meaning(rule, t);
      expect(m.undeclared).toEqual([]);
      if (verdict === 'exact') {
        expect(m.wider).toEqual([]);
        expect(m.narrower).toEqual([]);
      }
    });
  }
});
