/**
 * Golden tests for the Sigma target: KQL → expected `detection:` block, one per KQL construct,
 * each with an event truth table run through both the native evaluator and siemc's Sigma
 * evaluator (same answers when exact; superset when declared wider). Every output is validated
 * against the official Sigma schemas.
 */
import { describe, expect, it } from 'vitest';
import {
  checkMeaning,
  detectionText,
  nativePredicate,
  ruleFromKql,
  sigmaPredicate,
  toSigma,
} from './sigma-helpers.js';
import type { Verdict } from '../../targets/types.js';

interface Golden {
  name: string;
  kql: string;
  detection: string;
  verdict?: Verdict;
  codes?: string[];
  /** Events and whether the *source* rule matches them. */
  events?: [object, boolean][];
  /**
   * A declared non-exact translation that is still exact on some events: `ascii` (text only in
   * ASCII), `short` (no string longer than the keyword fields' ignore_above of 1024).
   */
  exactOn?: 'ascii' | 'short';
}

const isAscii = (doc: object): boolean => /^[\x00-\x7f]*$/.test(JSON.stringify(doc));
const isShort = (doc: object): boolean => !/"[^"]{1025,}"/.test(JSON.stringify(doc));

const d = (...lines: string[]): string => ['detection:', ...lines].join('\n');

const GOLDENS: Golden[] = [
  {
    name: 'keyword equality is case-sensitive (cased)',
    kql: 'process.name: cmd.exe',
    detection: d(
      '    selection:',
      '        process.name|cased: cmd.exe',
      '    condition: selection',
    ),
    events: [
      [{ process: { name: 'cmd.exe' } }, true],
      [{ process: { name: 'CMD.EXE' } }, false],
      [{ process: { name: ['x', 'cmd.exe'] } }, true],
      [{}, false],
    ],
  },
  {
    name: 'quoted phrase with spaces stays one value',
    kql: 'process.command_line: "net user /add"',
    detection: d(
      '    selection:',
      '        process.command_line|cased: net user /add',
      '    condition: selection',
    ),
    events: [
      [{ process: { command_line: 'net user /add' } }, true],
      [{ process: { command_line: 'net user /add x' } }, false],
    ],
  },
  {
    name: 'numeric-looking keyword keeps its text (quoted, leading zeros kept)',
    kql: 'event.code: 4688 or event.code: 007',
    detection: d(
      '    selection:',
      '        event.code:',
      "            - '4688'",
      "            - '007'",
      '    condition: selection',
    ),
    events: [
      [{ event: { code: 4688 } }, true],
      [{ event: { code: '4688' } }, true],
      [{ event: { code: '04688' } }, false],
      [{ event: { code: '7' } }, false],
      [{ event: { code: '007' } }, true],
    ],
  },
  {
    name: 'value list becomes a value list',
    kql: 'process.name: (a.exe or B.exe or c.exe)',
    detection: d(
      '    selection:',
      '        process.name|cased:',
      '            - a.exe',
      '            - B.exe',
      '            - c.exe',
      '    condition: selection',
    ),
    events: [
      [{ process: { name: 'B.exe' } }, true],
      [{ process: { name: 'b.exe' } }, false],
    ],
  },
  {
    name: 'value list with and: two selections on the same field',
    kql: 'process.args: (a and b)',
    detection: d(
      '    selection_1:',
      '        process.args|cased: a',
      '    selection_2:',
      '        process.args|cased: b',
      '    condition: selection_1 and selection_2',
    ),
    events: [
      [{ process: { args: ['a', 'b'] } }, true],
      [{ process: { args: ['a'] } }, false],
    ],
  },
  {
    name: 'prefix wildcard → startswith',
    kql: 'process.name: cmd*',
    detection: d(
      '    selection:',
      '        process.name|startswith|cased: cmd',
      '    condition: selection',
    ),
    verdict: 'wider',
    codes: ['SIGMA-IGNORE-ABOVE'],
    exactOn: 'short',
    events: [
      [{ process: { name: 'cmd.exe' } }, true],
      [{ process: { name: 'Cmd.exe' } }, false],
    ],
  },
  {
    name: 'suffix wildcard → endswith',
    kql: 'process.name: *.exe',
    detection: d(
      '    selection:',
      "        process.name|endswith|cased: '.exe'",
      '    condition: selection',
    ),
    verdict: 'wider',
    codes: ['SIGMA-IGNORE-ABOVE'],
    exactOn: 'short',
    events: [
      [{ process: { name: 'a.exe' } }, true],
      [{ process: { name: 'a.EXE' } }, false],
    ],
  },
  {
    name: 'contains wildcard → contains',
    kql: 'process.name: *cmd*',
    detection: d(
      '    selection:',
      '        process.name|contains|cased: cmd',
      '    condition: selection',
    ),
    verdict: 'wider',
    codes: ['SIGMA-IGNORE-ABOVE'],
    exactOn: 'short',
    events: [
      [{ process: { name: 'xcmdy' } }, true],
      [{ process: { name: 'xCMDy' } }, false],
    ],
  },
  {
    name: 'inner wildcards stay wildcards',
    kql: 'process.name: c*m*d',
    detection: d(
      '    selection:',
      "        process.name|cased: 'c*m*d'",
      '    condition: selection',
    ),
    verdict: 'wider',
    codes: ['SIGMA-IGNORE-ABOVE'],
    exactOn: 'short',
    events: [
      [{ process: { name: 'c1m2d' } }, true],
      [{ process: { name: 'c\nm\nd' } }, true],
      [{ process: { name: 'cm' } }, false],
    ],
  },
  {
    name: 'escaped star and quoted star are literal: \\*',
    kql: 'process.name: a\\*b or process.title: "x*y"',
    detection: d(
      '    selection:',
      "        - process.name|cased: 'a\\*b'",
      "        - process.title|cased: 'x\\*y'",
      '    condition: selection',
    ),
    events: [
      [{ process: { name: 'a*b' } }, true],
      [{ process: { name: 'axb' } }, false],
      [{ process: { title: 'x*y' } }, true],
      [{ process: { title: 'xzy' } }, false],
    ],
  },
  {
    name: 'question mark is literal: \\?',
    kql: 'file.name: *invoice?.pdf',
    detection: d(
      '    selection:',
      "        file.name|endswith|cased: 'invoice\\?.pdf'",
      '    condition: selection',
    ),
    verdict: 'wider',
    codes: ['SIGMA-IGNORE-ABOVE'],
    exactOn: 'short',
    events: [
      [{ file: { name: 'Q3_invoice?.pdf' } }, true],
      [{ file: { name: 'invoice1.pdf' } }, false],
    ],
  },
  {
    name: 'backslash before a wildcard is doubled, others stay single',
    kql: 'file.path: C\\:\\\\Users\\\\*\\\\Desktop\\\\*',
    detection: d(
      '    selection:',
      "        file.path|cased: 'C:\\Users\\\\*\\Desktop\\\\*'",
      '    condition: selection',
    ),
    verdict: 'wider',
    codes: ['SIGMA-IGNORE-ABOVE'],
    exactOn: 'short',
    events: [
      [{ file: { path: 'C:\\Users\\bob\\Desktop\\run.lnk' } }, true],
      [{ file: { path: 'C:\\Users\\bob\\Documents\\run.lnk' } }, false],
      [{ file: { path: 'C:\\Users\\Desktop\\x' } }, false],
    ],
  },
  {
    name: 'contains with a trailing backslash',
    kql: 'process.command_line: *\\\\AppData\\\\*',
    detection: d(
      '    selection:',
      "        process.command_line|contains|cased: '\\AppData\\\\'",
      '    condition: selection',
    ),
    events: [
      [{ process: { command_line: 'C:\\Users\\bob\\AppData\\Local\\x.exe' } }, true],
      [{ process: { command_line: 'C:\\Users\\bob\\AppData' } }, false],
    ],
  },
  {
    name: 'exists and not exists',
    kql: 'user.name: * and not process.parent.executable: *',
    detection: d(
      '    selection:',
      '        user.name|exists: true',
      '        process.parent.executable|exists: false',
      '    condition: selection',
    ),
    verdict: 'different',
    codes: ['SIGMA-IGNORE-ABOVE'],
    exactOn: 'short',
    events: [
      [{ user: { name: '' } }, true],
      [{ user: { name: null } }, false],
      [{ user: { name: 'bob' }, process: { parent: { executable: '' } } }, false],
      [{ user: { name: 'bob' }, process: { parent: { executable: null } } }, true],
    ],
  },
  {
    name: 'not over a group stays one negated selection (no De Morgan split)',
    kql: 'event.action: logon and not (user.name: svc_backup and host.name: db01)',
    detection: d(
      '    selection:',
      '        event.action|cased: logon',
      '    filter:',
      '        user.name|cased: svc_backup',
      '        host.name|cased: db01',
      '    condition: selection and not filter',
    ),
    events: [
      [{ event: { action: 'logon' }, user: { name: 'svc_backup' }, host: { name: 'db01' } }, false],
      [{ event: { action: 'logon' }, user: { name: 'svc_backup' }, host: { name: 'web01' } }, true],
      [{ event: { action: 'logon' }, user: { name: 'alice' }, host: { name: 'db01' } }, true],
    ],
  },
  {
    name: 'negation keeps events without the field, arrays exclude on any element',
    kql: 'event.category: process and not process.args: "-enc"',
    detection: d(
      '    selection:',
      '        event.category|cased: process',
      '    filter:',
      "        process.args|cased: '-enc'",
      '    condition: selection and not filter',
    ),
    events: [
      [{ event: { category: 'process' }, process: { args: ['powershell.exe', '-enc'] } }, false],
      [{ event: { category: 'process' }, process: { name: 'x' } }, true],
      [{ event: { category: ['process', 'start'] }, process: { args: ['-ENC'] } }, true],
    ],
  },
  {
    name: 'nested or / and / not at three depths keep their precedence',
    kql: 'a:1 or (b:2 and not (c:3 or d:4))',
    detection: d(
      '    selection_1:',
      "        a: '1'",
      '    selection_2:',
      "        b: '2'",
      '    filter:',
      "        - c: '3'",
      "        - d: '4'",
      '    condition: selection_1 or selection_2 and not filter',
    ),
    events: [
      [{ a: '1' }, true],
      [{ b: '2' }, true],
      [{ b: '2', c: '3' }, false],
      [{ b: '2', d: '4' }, false],
      [{ a: '1', b: '2', c: '3' }, true],
      [{}, false],
    ],
  },
  {
    name: 'negated or group, then and',
    kql: 'not (a:x or b:y) and c:z',
    detection: d(
      '    filter:',
      '        - a|cased: x',
      "        - b|cased: 'y'",
      '    selection:',
      '        c|cased: z',
      '    condition: not filter and selection',
    ),
    events: [
      [{ c: 'z' }, true],
      [{ c: 'z', b: 'y' }, false],
      [{ c: 'z', a: 'X' }, true],
    ],
  },
  {
    name: 'and of ors: two list-of-maps selections',
    kql: '(a:1 or b:2) and (c:3 or d:4)',
    detection: d(
      '    selection_1:',
      "        - a: '1'",
      "        - b: '2'",
      '    selection_2:',
      "        - c: '3'",
      "        - d: '4'",
      '    condition: selection_1 and selection_2',
    ),
    events: [
      [{ a: '1', d: '4' }, true],
      [{ a: '1' }, false],
    ],
  },
  {
    name: 'deep nesting: or inside and inside not inside or',
    kql: 'x:1 or not (y:2 and (z:3 or w:4))',
    detection: d(
      '    selection:',
      "        x: '1'",
      '    filter_1:',
      "        'y': '2'",
      '    filter_2:',
      "        - z: '3'",
      "        - w: '4'",
      '    condition: selection or not (filter_1 and filter_2)',
    ),
    events: [
      [{ y: '2', z: '3' }, false],
      [{ y: '2', z: '3', x: '1' }, true],
      [{ y: '2' }, true],
      [{ z: '3' }, true],
    ],
  },
  {
    name: 'numeric ranges on numeric fields',
    kql: 'process.pid >= 1 and process.pid < 10',
    detection: d(
      '    selection:',
      '        process.pid|gte: 1',
      '        process.pid|lt: 10',
      '    condition: selection',
    ),
    events: [
      [{ process: { pid: 1 } }, true],
      [{ process: { pid: 10 } }, false],
      [{ process: { pid: 0 } }, false],
    ],
  },
  {
    name: 'CIDR on ip fields (IPv4 and IPv6, any textual form)',
    kql: 'source.ip: "10.0.0.0/8" or source.ip: "2001:db8::/64"',
    detection: d(
      '    selection:',
      '        source.ip|cidr:',
      "            - '10.0.0.0/8'",
      "            - '2001:db8::/64'",
      '    condition: selection',
    ),
    events: [
      [{ source: { ip: '10.20.30.40' } }, true],
      [{ source: { ip: '11.0.0.1' } }, false],
      [{ source: { ip: '2001:0db8:0000::7' } }, true],
      [{ source: { ip: '2001:db8:0:1::5' } }, false],
    ],
  },
  {
    name: 'an IPv6 address compares by value (cidr /128)',
    kql: 'source.ip: "2001:db8::1"',
    detection: d(
      '    selection:',
      "        source.ip|cidr: '2001:db8::1/128'",
      '    condition: selection',
    ),
    events: [
      [{ source: { ip: '2001:0db8:0:0::1' } }, true],
      [{ source: { ip: '2001:db8::2' } }, false],
    ],
  },
  {
    name: 'an IPv4 address on an ip field compares by value (cidr /32)',
    kql: 'source.ip: 192.0.2.1',
    detection: d(
      '    selection:',
      "        source.ip|cidr: '192.0.2.1/32'",
      '    condition: selection',
    ),
    events: [
      [{ source: { ip: '192.0.2.1' } }, true],
      [{ source: { ip: '::ffff:192.0.2.1' } }, true],
      [{ source: { ip: '192.0.2.10' } }, false],
    ],
  },
  {
    name: 'boolean field',
    kql: 'dll.code_signature.trusted: false',
    detection: d(
      '    selection:',
      '        dll.code_signature.trusted: false',
      '    condition: selection',
    ),
    events: [
      [{ dll: { code_signature: { trusted: false } } }, true],
      [{ dll: { code_signature: { trusted: 'false' } } }, true],
      [{ dll: { code_signature: { trusted: true } } }, false],
      [{ dll: { code_signature: { trusted: 'FALSE' } } }, false],
      [{ dll: { code_signature: { trusted: '' } } }, true],
    ],
  },
  {
    name: 'YAML 1.1 specials are quoted',
    kql: 'user.name: (yes or null or on or "a: b" or "#x" or ~)',
    detection: d(
      '    selection:',
      '        user.name|cased:',
      "            - 'yes'",
      "            - 'null'",
      "            - 'on'",
      "            - 'a: b'",
      "            - '#x'",
      "            - '~'",
      '    condition: selection',
    ),
    events: [
      [{ user: { name: 'yes' } }, true],
      [{ user: { name: 'null' } }, true],
      [{ user: { name: 'Yes' } }, false],
      [{ user: { name: '~' } }, true],
    ],
  },
  {
    name: 'a value with a line break becomes an anchored regex',
    kql: 'process.name: "a\\nb*"',
    detection: d(
      '    selection:',
      "        process.name|re: '^a\\nb\\*$'",
      '    condition: selection',
    ),
    codes: ['SIGMA-VALUE-AS-REGEX'],
    events: [
      [{ process: { name: 'a\nb*' } }, true],
      [{ process: { name: 'a\nbc' } }, false],
      [{ process: { name: 'A\nb*' } }, false],
    ],
  },
  {
    name: 'free text becomes a keyword search (declared wider)',
    kql: 'mimikatz',
    detection: d('    keywords:', '        - mimikatz', '    condition: keywords'),
    verdict: 'wider',
    codes: ['SIGMA-FREE-TEXT'],
    events: [
      [{ process: { name: 'mimikatz' } }, true],
      [{ process: { name: 'other' } }, false],
    ],
  },
  {
    name: 'nested query is flattened (declared wider)',
    kql: 'a.b:{ c: x and d: y }',
    detection: d(
      '    selection:',
      '        a.b.c|cased: x',
      "        a.b.d|cased: 'y'",
      '    condition: selection',
    ),
    verdict: 'wider',
    codes: ['SIGMA-NESTED'],
  },
  {
    name: 'text field (standard analyzer): phrase as a token regex, exact on ASCII, declared wider',
    kql: 'message: "hello world"',
    detection: d(
      '    selection:',
      "        message|re|i|s: '^(.*[^A-Za-z0-9_''’.]|(.*[^A-Za-z0-9_])?[''’.])?hello([^A-Za-z0-9_''’.]|[^A-Za-z0-9_][^A-Za-z0-9_]+)world([^A-Za-z0-9_''’.].*|[''’.]([^A-Za-z0-9_].*)?)?$'",
      '    condition: selection',
    ),
    verdict: 'wider',
    codes: ['SIGMA-TEXT-FIELD'],
    exactOn: 'ascii',
    events: [
      [{ message: 'Hello, World!' }, true],
      [{ message: 'say hello-world.' }, true],
      [{ message: 'hello\n\tworld' }, true],
      [{ message: 'hello.. world' }, true],
      [{ message: "hello' world" }, true],
      [{ message: ['x', 'HELLO WORLD'] }, true],
      [{ message: 'hello.world' }, false],
      [{ message: "hello'world" }, false],
      [{ message: 'helloworld' }, false],
      [{ message: 'xhello world' }, false],
      [{ message: 'hello worlds' }, false],
      [{ message: 'a.hello world' }, false],
      [{ message: 'hello world.b' }, false],
      [{ message: 'world hello' }, false],
      [{ message: 'hello_world' }, false],
      [{}, false],
      // Elasticsearch sees one token `éhello`; the ASCII regex takes `é` for a separator
      [{ message: 'éhello world' }, false],
    ],
  },
  {
    name: 'text field (standard analyzer): unquoted words match any token',
    kql: 'message: (segfault or beacon-chain)',
    detection: d(
      '    selection:',
      "        message|re|i|s: '^(.*[^A-Za-z0-9_''’.]|(.*[^A-Za-z0-9_])?[''’.])?(segfault|beacon|chain)([^A-Za-z0-9_''’.].*|[''’.]([^A-Za-z0-9_].*)?)?$'",
      '    condition: selection',
    ),
    verdict: 'wider',
    codes: ['SIGMA-TEXT-FIELD'],
    exactOn: 'ascii',
    events: [
      [{ message: 'kernel: SEGFAULT at 0' }, true],
      [{ message: 'chain' }, true],
      [{ message: 'beacon-x' }, true],
      [{ message: 'segfaults' }, false],
      [{ message: 'x.segfault' }, false],
      [{ message: 'beaconchain' }, false],
    ],
  },
  {
    name: 'text field with an ASCII pattern analyzer (script blocks): exact token regex',
    kql: 'powershell.file.script_block_text: ("Set-PSBreakpoint" or "winmm.dll" or Invoke*Mimikatz)',
    detection: d(
      '    selection:',
      "        powershell.file.script_block_text|re|i|s: '^(.*[^A-Za-z0-9_-])?(Set-PSBreakpoint|winmm[^A-Za-z0-9_-]+dll|Invoke[A-Za-z0-9_-]*Mimikatz)([^A-Za-z0-9_-].*)?$'",
      '    condition: selection',
    ),
    codes: ['SIGMA-TEXT-FIELD-REGEX'],
    events: [
      [{ powershell: { file: { script_block_text: 'Set-PSBreakpoint -Line 1' } } }, true],
      [{ powershell: { file: { script_block_text: 'x.set-psbreakpoint(' } } }, true],
      [{ powershell: { file: { script_block_text: 'éSet-PSBreakpoint' } } }, true],
      [{ powershell: { file: { script_block_text: 'XSet-PSBreakpoint' } } }, false],
      [{ powershell: { file: { script_block_text: 'Set-PSBreakpoints' } } }, false],
      [{ powershell: { file: { script_block_text: 'Set PSBreakpoint' } } }, false],
      [{ powershell: { file: { script_block_text: 'load winmm.dll' } } }, true],
      [{ powershell: { file: { script_block_text: 'winmm\n\ndll' } } }, true],
      [{ powershell: { file: { script_block_text: 'winmm_dll' } } }, false],
      [{ powershell: { file: { script_block_text: 'winmm-dll' } } }, false],
      [{ powershell: { file: { script_block_text: 'Invoke-Mimikatz' } } }, true],
      [{ powershell: { file: { script_block_text: 'invoke-x_y-MIMIKATZ;' } } }, true],
      [{ powershell: { file: { script_block_text: 'Invoke Mimikatz' } } }, false],
      [{ powershell: { file: { script_block_text: 'Invoke.Mimikatz' } } }, false],
    ],
  },
  {
    name: 'text field: a value without words never matches',
    kql: 'event.action: x and not message: "--"',
    detection: d('    selection:', '        event.action|cased: x', '    condition: selection'),
    codes: ['SIGMA-TEXT-NO-TOKENS'],
    events: [
      [{ event: { action: 'x' }, message: '--' }, true],
      [{ event: { action: 'y' } }, false],
    ],
  },
  {
    name: 'keyword multi-field with a lowercase normalizer: the parent field, case-insensitive',
    kql: 'process.name.caseless: ("PING.exe" or tracert.exe)',
    detection: d(
      '    selection:',
      '        process.name:',
      '            - PING.exe',
      '            - tracert.exe',
      '    condition: selection',
    ),
    events: [
      [{ process: { name: 'ping.EXE' } }, true],
      [{ process: { name: 'TRACERT.exe' } }, true],
      [{ process: { name: 'xping.exe' } }, false],
      [{ process: { name: ['a', 'Ping.Exe'] } }, true],
      [{}, false],
    ],
  },
  {
    name: 'text multi-field: the parent field, as a token regex',
    kql: 'process.command_line.text: whoami',
    detection: d(
      '    selection:',
      "        process.command_line|re|i|s: '^(.*[^A-Za-z0-9_''’.]|(.*[^A-Za-z0-9_])?[''’.])?whoami([^A-Za-z0-9_''’.].*|[''’.]([^A-Za-z0-9_].*)?)?$'",
      '    condition: selection',
    ),
    verdict: 'wider',
    exactOn: 'ascii',
    events: [
      [{ process: { command_line: 'cmd /c WHOAMI /all' } }, true],
      [{ process: { command_line: 'whoami.exe' } }, false],
      [{ process: { command_line: 'c:\\whoami' } }, true],
    ],
  },
  {
    name: 'field group with its own and / not: exists and a negated value',
    kql: 'user.name:(* and not "Not Available")',
    detection: d(
      '    selection:',
      '        user.name|exists: true',
      '    filter:',
      '        user.name|cased: Not Available',
      '    condition: selection and not filter',
    ),
    verdict: 'wider',
    codes: ['SIGMA-IGNORE-ABOVE'],
    exactOn: 'short',
    events: [
      [{ user: { name: 'x' } }, true],
      [{ user: { name: '' } }, true],
      [{ user: { name: 'Not Available' } }, false],
      [{ user: { name: 'not available' } }, true],
      [{ user: { name: ['Not Available', 'x'] } }, false],
      [{ user: { name: null } }, false],
      [{}, false],
    ],
  },
  {
    name: 'empty string value, and its negation keeps missing fields',
    kql: 'event.action: "" or not user.name: ""',
    detection: d(
      '    selection:',
      "        event.action: ''",
      '    filter:',
      "        user.name: ''",
      '    condition: selection or not filter',
    ),
    events: [
      [{ event: { action: '' }, user: { name: '' } }, true],
      [{ event: { action: 'a' }, user: { name: '' } }, false],
      [{ event: { action: 'a' }, user: { name: 'b' } }, true],
      [{ event: { action: 'a' } }, true],
      [{ user: { name: ['', 'b'] } }, false],
    ],
  },
  {
    name: 'typed literals on a keyword field are their text (null, true)',
    kql: 'user.name: null or user.domain: true',
    detection: d(
      '    selection:',
      "        - user.name|cased: 'null'",
      "        - user.domain|cased: 'true'",
      '    condition: selection',
    ),
    events: [
      [{ user: { name: 'null' } }, true],
      [{ user: { name: 'NULL' } }, false],
      [{ user: { name: null } }, false],
      [{ user: { domain: 'true' } }, true],
      [{ user: { domain: true } }, true],
      [{ user: { domain: 'True' } }, false],
    ],
  },
  {
    name: 'unquoted escapes decode before writing (\\( \\: \\) \\or)',
    kql: 'process.args: \\(x\\:y\\) and process.name: \\or',
    detection: d(
      '    selection:',
      "        process.args|cased: '(x:y)'",
      '        process.name|cased: or',
      '    condition: selection',
    ),
    events: [
      [{ process: { args: ['-a', '(x:y)'], name: 'or' } }, true],
      [{ process: { args: '(X:Y)', name: 'or' } }, false],
      [{ process: { args: '(x:y)', name: 'OR' } }, false],
    ],
  },
  {
    name: 'quoted bound of a numeric range is a number',
    kql: 'process.pid > "10" and process.pid <= 20',
    detection: d(
      '    selection:',
      '        process.pid|gt: 10',
      '        process.pid|lte: 20',
      '    condition: selection',
    ),
    events: [
      [{ process: { pid: 11 } }, true],
      [{ process: { pid: 10 } }, false],
      [{ process: { pid: 20 } }, true],
      [{ process: { pid: '15' } }, true],
      [{ process: { pid: 21 } }, false],
    ],
  },
  {
    name: 'integer fields round fractional bounds as Elasticsearch does; float fields keep them',
    kql: 'process.pid >= 1.5 and process.pid < 9.5 and not process.pid: 4.5 and ml_is_dga.malicious_probability > 0.98',
    detection: d(
      '    selection:',
      '        process.pid|gte: 2',
      '        process.pid|lt: 10',
      '        ml_is_dga.malicious_probability|gt: 0.98',
      '    condition: selection',
    ),
    codes: ['SIGMA-NUMBER-NEVER'],
    events: [
      [{ process: { pid: 2 }, ml_is_dga: { malicious_probability: 0.99 } }, true],
      [{ process: { pid: 1 }, ml_is_dga: { malicious_probability: 0.99 } }, false],
      [{ process: { pid: 9 }, ml_is_dga: { malicious_probability: 0.99 } }, true],
      [{ process: { pid: 10 }, ml_is_dga: { malicious_probability: 0.99 } }, false],
      [{ process: { pid: 4 }, ml_is_dga: { malicious_probability: 0.98 } }, false],
      [{ process: { pid: '5' }, ml_is_dga: { malicious_probability: '0.985' } }, true],
    ],
  },
  {
    name: 'date ranges are unsupported (dropped soundly)',
    kql: 'event.action: x and @timestamp > now-1d',
    detection: d('    selection:', '        event.action|cased: x', '    condition: selection'),
    verdict: 'unsupported',
    codes: ['SIGMA-RANGE'],
  },
  {
    name: 'wildcard field names are unsupported (the clause is dropped, widening)',
    kql: 'event.action: x and process.*: foo',
    detection: d('    selection:', '        event.action|cased: x', '    condition: selection'),
    verdict: 'unsupported',
    codes: ['SIGMA-FIELD-WILDCARD'],
  },
  {
    name: 'keyword ranges compare bytes: a regex that accepts exactly those strings',
    kql: 'event.action: x and my.code > "m"',
    detection: d(
      '    selection:',
      '        event.action|cased: x',
      "        my.code|re|s: '^([^\\x00-m].*$|m.+$)'",
      '    condition: selection',
    ),
    codes: ['SIGMA-RANGE-REGEX'],
    events: [
      [{ event: { action: 'x' }, my: { code: 'n' } }, true],
      [{ event: { action: 'x' }, my: { code: 'ma' } }, true],
      [{ event: { action: 'x' }, my: { code: 'm' } }, false],
      [{ event: { action: 'x' }, my: { code: 'M' } }, false],
      [{ event: { action: 'x' }, my: { code: 'é' } }, true],
      [{ event: { action: 'x' }, my: { code: ['a', 'z\n'] } }, true],
      [{ event: { action: 'x' } }, false],
    ],
  },
  {
    name: "field names Sigma cannot write are unsupported ('|' would read as a modifier)",
    kql: 'event.action: x and "a|b": y',
    detection: d('    selection:', '        event.action|cased: x', '    condition: selection'),
    verdict: 'unsupported',
    codes: ['SIGMA-FIELD-NAME'],
  },
  {
    name: 'match everything',
    kql: '*:*',
    detection: d('    keywords:', "        - '*'", '    condition: keywords or not keywords'),
    codes: ['SIGMA-CONSTANT-QUERY'],
    events: [
      [{ a: 'x' }, true],
      [{}, true],
    ],
  },
  {
    name: 'field name with a space is kept intact',
    kql: '"winlog.event_data.Service Name": "evilsvc"',
    detection: d(
      '    selection:',
      "        'winlog.event_data.Service Name|cased': evilsvc",
      '    condition: selection',
    ),
    events: [
      [{ winlog: { event_data: { 'Service Name': 'evilsvc' } } }, true],
      [{ winlog: { event_data: { ServiceName: 'evilsvc' } } }, false],
    ],
  },
];

describe('Sigma golden translations', () => {
  for (const g of GOLDENS) {
    it(g.name, () => {
      const rule = ruleFromKql(g.kql);
      const t = toSigma(rule);
      expect(detectionText(t.text)).toBe(g.detection);
      expect(t.verdict).toBe(g.verdict ?? 'exact');
      for (const code of g.codes ?? []) expect(t.diagnostics.map((x) => x.code)).toContain(code);
      if (g.events) {
        const sigma = sigmaPredicate(t.text);
        const native = nativePredicate(rule);
        for (const [doc, match] of g.events) {
          // the truth table is the source meaning: the native evaluator must agree with it
          expect(native(doc), `native: ${g.name}: ${JSON.stringify(doc)}`).toBe(match);
          checkMeaning(rule, t, [doc], g.name);
          if (
            t.verdict === 'exact' ||
            (g.exactOn === 'ascii' && isAscii(doc)) ||
            (g.exactOn === 'short' && isShort(doc))
          )
            expect(sigma(doc), `${g.name}: ${JSON.stringify(doc)}`).toBe(match);
          if (t.verdict === 'wider' && match) expect(sigma(doc)).toBe(true);
        }
      }
    });
  }

  it('the declared widening of the standard analyzer is real: a non-ASCII letter next to the words', () => {
    const rule = ruleFromKql('message: "hello world"');
    const t = toSigma(rule);
    const doc = { message: 'éhello world' };
    expect(nativePredicate(rule)(doc)).toBe(false);
    expect(sigmaPredicate(t.text)(doc)).toBe(true);
    const d = t.diagnostics.find((x) => x.code === 'SIGMA-TEXT-FIELD');
    expect(d?.effect).toBe('wider');
    expect(d?.message).toMatch(/non-ASCII letter/);
  });

  it('ignore_above: the declared difference is real, on values over 1024 characters', () => {
    const long = 'cmd' + 'x'.repeat(1030);
    const prefix = ruleFromKql('process.name: cmd*');
    const t1 = toSigma(prefix);
    expect(nativePredicate(prefix)({ process: { name: long } })).toBe(false);
    expect(sigmaPredicate(t1.text)({ process: { name: long } })).toBe(true);
    const d1 = t1.diagnostics.filter((x) => x.code === 'SIGMA-IGNORE-ABOVE');
    expect(d1.map((x) => x.effect)).toEqual(['wider']);
    expect(d1[0].message).toMatch(/process\.name values longer than 1024 characters/);
    const notExists = ruleFromKql('event.action: x and not user.name: *');
    const t2 = toSigma(notExists);
    const doc = { event: { action: 'x' }, user: { name: long } };
    expect(nativePredicate(notExists)(doc)).toBe(true);
    expect(sigmaPredicate(t2.text)(doc)).toBe(false);
    expect(t2.verdict).toBe('narrower');
    // one diagnostic per field and effect, however many clauses
    const many = toSigma(ruleFromKql('process.name: (a* or *b or *c*) and not process.name: d*'));
    expect(
      many.diagnostics.filter((x) => x.code === 'SIGMA-IGNORE-ABOVE').map((x) => x.effect),
    ).toEqual(['wider', 'narrower']);
    expect(many.verdict).toBe('different');
  });

  it('ignore_above: an equality value longer than it never matches (exact)', () => {
    const long = 'a'.repeat(1100);
    const rule = ruleFromKql(`event.action: x and not user.name: "${long}"`);
    const t = toSigma(rule);
    expect(t.verdict).toBe('exact');
    expect(detectionText(t.text)).toBe(
      d('    selection:', '        event.action|cased: x', '    condition: selection'),
    );
    expect(t.diagnostics.map((x) => x.code)).toContain('SIGMA-IGNORE-ABOVE-VALUE');
    const doc = { event: { action: 'x' }, user: { name: long } };
    expect(nativePredicate(rule)(doc)).toBe(true);
    expect(sigmaPredicate(t.text)(doc)).toBe(true);
  });

  it('o365 profile: raw keys by raw_prefix, other ECS fields dropped soundly, user agent unpaired', () => {
    const rule = ruleFromKql(
      'o365.audit.ParticipantInfo.HasForeignTenantUsers: true and event.code: x and not user_agent.original: *node*',
    );
    const t = toSigma(rule, { mapping: 'o365' });
    expect(detectionText(t.text)).toBe(
      d(
        '    selection:',
        "        ParticipantInfo.HasForeignTenantUsers|cased: 'true'",
        '    filter:',
        '        ExtendedProperties.Value|contains|cased: node',
        '    condition: selection and not filter',
      ),
    );
    const codes = t.diagnostics.map((x) => `${x.code} ${x.effect}`);
    expect(codes).toContain('MAP-DROPPED wider');
    expect(codes).toContain('MAP-ITEM narrower');
    expect(t.verdict).toBe('different');
    const sigma = sigmaPredicate(t.text);
    expect(
      sigma({
        ParticipantInfo: { HasForeignTenantUsers: 'true' },
        ExtendedProperties: [{ Name: 'UserAgent', Value: 'Mozilla' }],
      }),
    ).toBe(true);
  });

  it('--case loose drops cased and declares the widening', () => {
    const t = toSigma(ruleFromKql('process.name: cmd.exe'), { case: 'loose' });
    expect(detectionText(t.text)).toContain('process.name: cmd.exe');
    expect(t.verdict).toBe('wider');
    expect(t.diagnostics.map((x) => x.code)).toContain('SIGMA-CASE-LOOSE');
  });
});
