/**
 * One block per matching-semantics point of ../shared/design/KQL.md and ../shared/cases/README.md,
 * each with documents that must match and documents that must not.
 */
import { describe, expect, it } from 'vitest';
import { m, diags } from './helpers.js';
import { Schema, defaultSchema, parseSchemaOverrides } from '../../src/schema/index.js';

const NOW = new Date('2026-06-20T12:00:00Z');

describe('keyword fields: exact, case-sensitive, whole value', () => {
  it('matches the exact value only', () => {
    expect(m('process.name: cmd.exe', { process: { name: 'cmd.exe' } })).toBe(true);
    expect(m('process.name: cmd.exe', { process: { name: 'CMD.EXE' } })).toBe(false);
    expect(m('process.name: cmd.exe', { process: { name: 'cmd.exe ' } })).toBe(false);
    expect(m('process.name: cmd', { process: { name: 'cmd.exe' } })).toBe(false);
  });
  it('quoted and unquoted values are the same term on keyword', () => {
    expect(m('user.name: "Alice Smith"', { user: { name: 'Alice Smith' } })).toBe(true);
    expect(m('user.name: Alice Smith', { user: { name: 'Alice Smith' } })).toBe(true);
    expect(m('user.name: "Alice Smith"', { user: { name: 'alice smith' } })).toBe(false);
  });
  it('JSON numbers and booleans compare as their string form; numbers in queries are text', () => {
    expect(m('event.code: 4688', { event: { code: 4688 } })).toBe(true);
    expect(m('event.code: 4688', { event: { code: '4688' } })).toBe(true);
    expect(m('event.code: 4688', { event: { code: '04688' } })).toBe(false);
    expect(m('event.code: 007', { event: { code: 7 } })).toBe(false);
    expect(m('labels.flag: true', { labels: { flag: true } })).toBe(true);
    expect(m('labels.flag: true', { labels: { flag: 'True' } })).toBe(false);
  });
});

describe('wildcards', () => {
  it('* matches any sequence, anchored at both ends', () => {
    expect(m('process.name: *shell*', { process: { name: 'powershell.exe' } })).toBe(true);
    expect(m('process.name: power*', { process: { name: 'powershell.exe' } })).toBe(true);
    expect(m('process.name: *.exe', { process: { name: 'powershell.exe' } })).toBe(true);
    expect(m('process.name: *.exe', { process: { name: 'powershell.exe.bak' } })).toBe(false);
    expect(m('process.name: p*l*l.exe', { process: { name: 'powershell.exe' } })).toBe(true);
    expect(m('process.name: p*x*l.exe', { process: { name: 'powershell.exe' } })).toBe(false);
  });
  it('is case-sensitive on keyword', () => {
    expect(m('user_agent.original: *terraform*', { user_agent: { original: 'TERRAFORM/1' } })).toBe(
      false,
    );
    expect(
      m('user_agent.original: *terraform*', { user_agent: { original: 'x terraform/1' } }),
    ).toBe(true);
  });
  it('matches across line breaks', () => {
    expect(m('process.command_line: a*b', { process: { command_line: 'a\nline\nb' } })).toBe(true);
  });
  it('? is a literal character', () => {
    expect(m('file.name: *invoice?.pdf', { file: { name: 'x_invoice?.pdf' } })).toBe(true);
    expect(m('file.name: *invoice?.pdf', { file: { name: 'x_invoice1.pdf' } })).toBe(false);
  });
  it('a quoted * and an escaped \\* are literal', () => {
    expect(m('process.args: "a*"', { process: { args: 'a*' } })).toBe(true);
    expect(m('process.args: "a*"', { process: { args: 'abc' } })).toBe(false);
    expect(m('process.args: a\\*', { process: { args: 'a*' } })).toBe(true);
    expect(m('process.args: a\\*', { process: { args: 'ab' } })).toBe(false);
  });
  it('chunks must not overlap (prefix + suffix longer than the value)', () => {
    expect(m('file.name: ab*ba', { file: { name: 'aba' } })).toBe(false);
    expect(m('file.name: ab*ba', { file: { name: 'abba' } })).toBe(true);
  });
  it('runs in linear time on long values with many stars', () => {
    const value = 'a'.repeat(200_000);
    const pattern = Array.from({ length: 60 }, () => 'a').join('*') + '*b';
    // process.command_line is an ECS `wildcard` field: no ignore_above, long values are indexed.
    expect(m(`process.command_line: ${pattern}`, { process: { command_line: value } })).toBe(false);
    expect(
      m(`process.command_line: ${pattern.slice(0, -2)}`, { process: { command_line: value } }),
    ).toBe(true);
  });
});

describe('text fields: analyzed', () => {
  it('unquoted: any token, case-insensitive (match query, OR)', () => {
    expect(m('message: error', { message: 'Fatal ERROR occurred' })).toBe(true);
    expect(m('message: error', { message: 'errors everywhere' })).toBe(false);
    expect(m('message: disk full', { message: 'the disk is fine' })).toBe(true);
  });
  it('quoted: a phrase, in order', () => {
    expect(m('message: "disk full"', { message: 'Disk FULL on /var' })).toBe(true);
    expect(m('message: "disk full"', { message: 'full disk on /var' })).toBe(false);
    expect(m('message: "disk full"', { message: 'disk is full' })).toBe(false);
  });
  it('multi-fields: process.command_line.text analyzes the keyword field’s values', () => {
    const doc = { process: { command_line: 'C:\\Windows\\System32\\CMD.exe /c whoami' } };
    expect(m('process.command_line.text: whoami', doc)).toBe(true);
    expect(m('process.command_line.text: "system32 cmd.exe"', doc)).toBe(true);
    expect(m('process.command_line: whoami', doc)).toBe(false);
  });
  it('wildcards on text match single lower-cased tokens', () => {
    expect(m('message: fail*', { message: 'Login FAILED' })).toBe(true);
    expect(m('message: fail*', { message: 'Login ok' })).toBe(false);
  });
  it('a pattern analyzer (PowerShell script blocks) keeps - inside tokens', () => {
    expect(
      m('powershell.file.script_block_text: "Invoke-Mimikatz"', {
        powershell: { file: { script_block_text: 'x; invoke-mimikatz -Dump' } },
      }),
    ).toBe(true);
    expect(
      m('powershell.file.script_block_text: "Invoke-Mimikatz"', {
        powershell: { file: { script_block_text: 'Invoke Mimikatz' } },
      }),
    ).toBe(false);
  });
});

describe('arrays and objects', () => {
  it('a field matches if any element does', () => {
    expect(m('event.category: process', { event: { category: ['network', 'process'] } })).toBe(
      true,
    );
    expect(m('event.category: process', { event: { category: ['network', 'file'] } })).toBe(false);
  });
  it('arrays of objects are flattened (any element, across elements)', () => {
    const doc = {
      o: {
        Actor: [
          { ID: 'a', Type: '0' },
          { ID: 'b', Type: '5' },
        ],
      },
    };
    expect(m('o.Actor.Type: 5', doc)).toBe(true);
    expect(m('o.Actor.ID: a and o.Actor.Type: 5', doc)).toBe(true); // conditions on different elements
    expect(m('o.Actor.Type: 3', doc)).toBe(false);
  });
  it('dotted keys and nested objects are the same field, mixes included', () => {
    expect(m('a.b.c: 1', { 'a.b.c': 1 })).toBe(true);
    expect(m('a.b.c: 1', { a: { 'b.c': 1 } })).toBe(true);
    expect(m('a.b.c: 1', { 'a.b': { c: 1 } })).toBe(true);
    expect(m('a.b.c: 1', { a: { b: { c: 2 } }, 'a.b.c': 1 })).toBe(true);
    expect(m('a.b.c: 1', { a: { bc: 1 } })).toBe(false);
  });
  it('an object field itself has no value to match', () => {
    expect(m('a: x', { a: { b: 'x' } })).toBe(false);
  });
  it('nested mapping scopes the conditions to one element; otherwise flattened', () => {
    const schema = defaultSchema().with(parseSchemaOverrides('fields: {o.items: nested}').defs);
    const doc = {
      o: {
        items: [
          { k: 'a', v: '1' },
          { k: 'b', v: '2' },
        ],
      },
    };
    expect(m('o.items:{ k: a and v: 1 }', doc, { schema })).toBe(true);
    expect(m('o.items:{ k: a and v: 2 }', doc, { schema })).toBe(false);
    // Without the nested mapping: flattened semantics, with a warning.
    expect(m('o.items:{ k: a and v: 2 }', doc)).toBe(true);
    expect(diags('o.items:{ k: a }').map((d) => d.code)).toContain('EVAL010');
  });
  it('a field under a nested mapping outside a nested group is an error, as in Kibana', () => {
    const schema = defaultSchema().with(parseSchemaOverrides('fields: {o.items: nested}').defs);
    const ds = diags('o.items.k: a', { schema });
    expect(ds.map((d) => d.code)).toEqual(['EVAL002']);
    expect(ds[0].message).toContain('is a nested field');
  });
});

describe('exists (f:*)', () => {
  it('true for any indexed value, including ""', () => {
    expect(m('user.name: *', { user: { name: '' } })).toBe(true);
    expect(m('user.name: *', { user: { name: 'x' } })).toBe(true);
    expect(m('user.name: *', { user: { name: [null, ''] } })).toBe(true);
    expect(m('a.b: *', { a: { b: 0 } })).toBe(true);
    expect(m('a.b: *', { a: { b: false } })).toBe(true);
  });
  it('false for absent, null, [] and [null]', () => {
    expect(m('user.name: *', {})).toBe(false);
    expect(m('user.name: *', { user: { name: null } })).toBe(false);
    expect(m('user.name: *', { user: { name: [] } })).toBe(false);
    expect(m('user.name: *', { user: { name: [null] } })).toBe(false);
  });
  it('an object exists when it holds a value', () => {
    expect(m('a: *', { a: { b: 1 } })).toBe(true);
    expect(m('a: *', { a: { b: null } })).toBe(false);
  });
  it('f:** is a wildcard, not exists: it does not match a missing field either', () => {
    expect(m('user.name: **', { user: { name: '' } })).toBe(true);
    expect(m('user.name: **', {})).toBe(false);
  });
});

describe('not', () => {
  it('includes documents without the field', () => {
    expect(m('not user.name: bob', {})).toBe(true);
    expect(m('not user.name: bob', { user: { name: 'alice' } })).toBe(true);
    expect(m('not user.name: bob', { user: { name: 'bob' } })).toBe(false);
  });
  it('excludes arrays containing the value', () => {
    expect(m('not process.args: -enc', { process: { args: ['a', '-enc'] } })).toBe(false);
    expect(m('not process.args: -enc', { process: { args: ['a', '-ENC'] } })).toBe(true);
  });
  it('negates a group as a whole (no De Morgan split)', () => {
    const q = 'not (user.name: a and host.name: h)';
    expect(m(q, { user: { name: 'a' }, host: { name: 'h' } })).toBe(false);
    expect(m(q, { user: { name: 'a' }, host: { name: 'x' } })).toBe(true);
  });
  it('not f:* keeps missing, null and [] but drops ""', () => {
    expect(m('not a.b: *', { a: { b: null } })).toBe(true);
    expect(m('not a.b: *', { a: { b: [] } })).toBe(true);
    expect(m('not a.b: *', { a: { b: '' } })).toBe(false);
  });
});

describe('precedence and structure', () => {
  it('not > and > or; keywords in any case', () => {
    const q = 'a: 1 AND b: 2 Or c: 3';
    expect(m(q, { c: 3 })).toBe(true);
    expect(m(q, { a: 1 })).toBe(false);
    expect(m(q, { a: 1, b: 2 })).toBe(true);
    expect(m('not a: 1 and b: 2', { b: 2 })).toBe(true);
    expect(m('not a: 1 and b: 2', { a: 1, b: 2 })).toBe(false);
  });
  it('value lists distribute over the field', () => {
    expect(m('a: (x or y)', { a: 'y' })).toBe(true);
    expect(m('a: (x or y)', { a: 'z' })).toBe(false);
    expect(m('a: (x and y)', { a: ['x', 'y'] })).toBe(true);
    expect(m('a: (x and y)', { a: ['x'] })).toBe(false);
    expect(m('a: (x or not y)', { a: 'z' })).toBe(true);
    expect(m('a: (x or not y)', { a: 'y' })).toBe(false);
  });
  it('empty query and *:* match everything', () => {
    expect(m('', {})).toBe(true);
    expect(m('   ', { a: 1 })).toBe(true);
    expect(m('*:*', {})).toBe(true);
  });
});

describe('numeric fields', () => {
  it('compare numbers: 5 matches 5, 5.0 and "5"', () => {
    expect(m('destination.port: 443', { destination: { port: 443 } })).toBe(true);
    expect(m('destination.port: 443', { destination: { port: '443' } })).toBe(true);
    expect(m('source.bytes: 5', { source: { bytes: 5.0 } })).toBe(true);
    expect(m('destination.port: 0443', { destination: { port: 443 } })).toBe(true);
    expect(m('destination.port: 443', { destination: { port: 4430 } })).toBe(false);
  });
  it('ranges compare numerically (not as strings)', () => {
    expect(m('destination.port >= 1024', { destination: { port: 8080 } })).toBe(true);
    expect(m('destination.port >= 1024', { destination: { port: 999 } })).toBe(false);
    expect(m('destination.port < 10', { destination: { port: 9 } })).toBe(true);
    expect(m('destination.port < 10', { destination: { port: 10 } })).toBe(false);
    expect(m('destination.port <= 10', { destination: { port: 10 } })).toBe(true);
    expect(m('destination.port > 10', { destination: { port: 10 } })).toBe(false);
  });
  it('a non-number on a numeric field is an error (Elasticsearch rejects it)', () => {
    expect(diags('destination.port: abc').map((d) => d.code)).toEqual(['EVAL001']);
    expect(diags('destination.port: 44*').map((d) => d.code)).toEqual(['EVAL003']);
  });
});

describe('keyword ranges compare strings in UTF-8 byte order', () => {
  it('"10" < "9" as strings', () => {
    expect(m('event.code > 9', { event: { code: '10' } })).toBe(false);
    expect(m('event.code > 10', { event: { code: '9' } })).toBe(true);
  });
  it('code points above U+FFFF sort after U+E000–U+FFFF (UTF-16 order would differ)', () => {
    expect(m('user.name > \uffff', { user: { name: '\u{1F600}' } })).toBe(true);
    expect(m('user.name < \uffff', { user: { name: '\u{1F600}' } })).toBe(false);
  });
});

describe('ip fields', () => {
  it('CIDR v4 and v6, any textual form', () => {
    expect(m('source.ip: "10.0.0.0/8"', { source: { ip: '10.1.2.3' } })).toBe(true);
    expect(m('source.ip: "10.0.0.0/8"', { source: { ip: '11.1.2.3' } })).toBe(false);
    expect(m('source.ip: "2001:db8::/64"', { source: { ip: '2001:0db8:0000:0000::7' } })).toBe(
      true,
    );
    expect(m('source.ip: "2001:db8::/64"', { source: { ip: '2001:db8:0:1::7' } })).toBe(false);
    expect(m('source.ip: "10.0.0.0/9"', { source: { ip: '10.127.255.255' } })).toBe(true);
    expect(m('source.ip: "10.0.0.0/9"', { source: { ip: '10.128.0.0' } })).toBe(false);
  });
  it('exact addresses compare as addresses (IPv4-mapped IPv6 is the same address)', () => {
    expect(m('source.ip: 192.0.2.1', { source: { ip: '::ffff:192.0.2.1' } })).toBe(true);
    expect(m('source.ip: "2001:db8::1"', { source: { ip: '2001:DB8:0:0:0:0:0:1' } })).toBe(true);
    expect(m('source.ip: 192.0.2.1', { source: { ip: '192.0.2.10' } })).toBe(false);
  });
  it('ranges compare addresses', () => {
    expect(m('source.ip >= 192.0.2.100', { source: { ip: '192.0.2.200' } })).toBe(true);
    expect(m('source.ip >= 192.0.2.100', { source: { ip: '192.0.2.20' } })).toBe(false);
  });
  it('arrays of addresses match any element', () => {
    expect(m('source.ip: "10.0.0.0/8"', { source: { ip: ['192.0.2.1', '10.9.9.9'] } })).toBe(true);
  });
  it('a non-address is an error; so is a wildcard', () => {
    expect(diags('source.ip: foo').map((d) => d.code)).toEqual(['EVAL001']);
    expect(diags('source.ip: 10.*').map((d) => d.code)).toEqual(['EVAL003']);
  });
});

describe('date fields', () => {
  const doc = { '@timestamp': '2026-06-19T10:00:00.000Z' };
  it('ranges accept ISO dates and date math', () => {
    expect(m('@timestamp >= now-7d', doc, { now: NOW })).toBe(true);
    expect(m('@timestamp >= now-1d', doc, { now: NOW })).toBe(false);
    expect(m('@timestamp >= "2026-06-19T09:00:00Z"', doc)).toBe(true);
    expect(m('@timestamp < "2026-06-19T09:00:00Z"', doc)).toBe(false);
  });
  it('rounding: lte a day includes the whole day, gt a day excludes it, /d rounds', () => {
    expect(m('@timestamp <= 2026-06-19', doc)).toBe(true);
    expect(m('@timestamp < 2026-06-19', doc)).toBe(false);
    expect(m('@timestamp > 2026-06-19', doc)).toBe(false);
    expect(m('@timestamp >= now-1d/d', doc, { now: NOW })).toBe(true);
    expect(m('@timestamp > now-1d/d', doc, { now: NOW })).toBe(false);
  });
  it('a date term matches the whole precision written', () => {
    expect(m('@timestamp: 2026-06-19', doc)).toBe(true);
    expect(m('@timestamp: 2026-06-20', doc)).toBe(false);
  });
  it('epoch milliseconds in documents and queries', () => {
    const t = Date.parse('2026-06-19T10:00:00Z');
    expect(m(`@timestamp >= ${t}`, { '@timestamp': t })).toBe(true);
    expect(m(`@timestamp > ${t}`, { '@timestamp': t })).toBe(false);
  });
  it('a non-date is an error', () => {
    expect(diags('@timestamp > yesterday').map((d) => d.code)).toEqual(['EVAL001']);
  });
});

describe('boolean fields', () => {
  it('true/false match booleans and the strings "true"/"false"', () => {
    const schema = defaultSchema().with([['flag', { type: 'boolean' }]]);
    expect(m('flag: true', { flag: true }, { schema })).toBe(true);
    expect(m('flag: true', { flag: 'true' }, { schema })).toBe(true);
    expect(m('flag: "true"', { flag: true }, { schema })).toBe(true);
    expect(m('flag: false', { flag: true }, { schema })).toBe(false);
    expect(diags('flag: maybe', { schema }).map((d) => d.code)).toEqual(['EVAL001']);
  });
});

describe('free text', () => {
  it('searches every field with keyword semantics', () => {
    expect(m('evil.exe', { process: { name: 'evil.exe' } })).toBe(true);
    expect(m('evil.exe', { process: { name: 'EVIL.EXE' } })).toBe(false);
    expect(m('*evil*', { a: [{ b: 'x' }, { b: 'the evil one' }] })).toBe(true);
    expect(m('"4688"', { event: { code: 4688 } })).toBe(true);
    expect(m('evil.exe', { process: { name: 'good.exe' } })).toBe(false);
  });
  it('warns that targets treat it differently', () => {
    expect(diags('evil.exe').map((d) => d.code)).toEqual(['EVAL020']);
  });
});

describe('wildcard field names', () => {
  it('match every field whose path matches, each with its own type', () => {
    expect(m('process.*: evil.exe', { process: { parent: { name: 'evil.exe' } } })).toBe(true);
    expect(m('process.*: evil.exe', { file: { name: 'evil.exe' } })).toBe(false);
    expect(m('*.ip: "10.0.0.0/8"', { source: { ip: '10.1.1.1' } })).toBe(true);
    expect(m('*.ip: "10.0.0.0/8"', { source: { ip: '11.1.1.1' } })).toBe(false);
    expect(m('user.*: *', { user: { name: 'x' } })).toBe(true);
    expect(m('user.*: *', { host: { name: 'x' } })).toBe(false);
  });
});

describe('schema: ECS types, ignore_above, normalizers, overrides', () => {
  it('ECS keyword ignore_above 1024: longer values are not indexed', () => {
    const long = 'x'.repeat(1025);
    expect(m('process.args: *x*', { process: { args: long } })).toBe(false);
    expect(m('process.args: *', { process: { args: long } })).toBe(false);
    expect(m('process.args: *x*', { process: { args: long.slice(1) } })).toBe(true);
  });
  it('process.command_line is an ECS wildcard field: no length limit, case-sensitive', () => {
    expect(m('process.command_line: *x*', { process: { command_line: 'x'.repeat(5000) } })).toBe(
      true,
    );
  });
  it('unknown fields behave as keyword', () => {
    expect(defaultSchema().resolve('no.such.field')).toMatchObject({
      type: 'keyword',
      known: false,
    });
    expect(m('no.such.field: 5', { no: { such: { field: 5.0 } } })).toBe(true);
  });
  it('flattened fields make every sub-key a keyword', () => {
    expect(
      defaultSchema().resolve('aws.cloudtrail.flattened.request_parameters.userName'),
    ).toMatchObject({ type: 'keyword' });
  });
  it('.caseless on a keyword field is its lower-cased multi-field', () => {
    expect(m('process.name.caseless: cmd.exe', { process: { name: 'CMD.EXE' } })).toBe(true);
    expect(m('process.name.caseless: CMD*', { process: { name: 'cmd.exe' } })).toBe(true);
    expect(m('process.name.caseless: cmd.exe', { process: { name: 'pwsh.exe' } })).toBe(false);
  });
  it('YAML overrides change types (and report bad entries)', () => {
    const { defs, diagnostics } = parseSchemaOverrides(
      'fields:\n  my.count: long\n  my.name: {type: keyword, normalizer: lowercase}\n  bad: nosuchtype\n',
    );
    expect(diagnostics.map((d) => d.message)).toEqual(["field 'bad': unknown type 'nosuchtype'"]);
    const schema = new Schema(defs);
    expect(m('my.count > 9', { my: { count: 10 } }, { schema })).toBe(true);
    expect(m('my.count > 9', { my: { count: '10' } })).toBe(false); // keyword by default: "10" < "9"
    expect(m('my.name: ALICE', { my: { name: 'alice' } }, { schema })).toBe(true);
  });
});
