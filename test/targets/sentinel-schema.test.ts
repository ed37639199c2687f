/**
 * Sentinel table schemas (rules/schemas/sentinel): every bundled table loads, every table a
 * bundled profile names has a schema, and a bad schema file is rejected with the file and cause.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinMappings } from '../../src/mapping/load.js';
import { SchemaError, bundledSchemas, parseTableSchema } from '../../targets/sentinel/schema.js';

describe('Sentinel table schemas', () => {
  it('the bundled tables', () => {
    const names = [...bundledSchemas().keys()].sort();
    expect(names).toEqual([
      'AADNonInteractiveUserSignInLogs',
      'AWSCloudTrail',
      'EcsEvents',
      'OfficeActivity',
      'Okta_CL',
      'SigninLogs',
    ]);
    const s = bundledSchemas().get('SigninLogs')!;
    expect(s.timestamp).toEqual({ eventTime: 'TimeGenerated', ingestTime: '_TimeReceived' });
    expect(s.connector).toBe('AzureActiveDirectory');
    expect(s.columns.UserPrincipalName).toBe('string');
    const ecs = bundledSchemas().get('EcsEvents')!;
    expect(ecs.fields['process.args']).toEqual({ type: 'string', array: true });
    expect(ecs.columns.icmp).toBe('dynamic');
  });

  it('every table a bundled profile names has a schema', () => {
    const profiles = loadBuiltinMappings();
    expect(profiles.length).toBeGreaterThanOrEqual(2);
    for (const p of profiles) {
      const t = p.targets.sentinel?.source.table ?? 'EcsEvents';
      for (const name of Array.isArray(t) ? t : [t])
        expect(bundledSchemas().has(name), name).toBe(true);
    }
  });

  it('bad schema files are rejected with the file and the cause', () => {
    const bad: [string, RegExp][] = [
      ['table: [', /x\.yaml: not valid YAML/],
      ['columns: {}', /'table' must be a Kusto table name/],
      ['table: T', /'columns' must map column names/],
      ['table: T\ncolumns: { a: varchar }', /column 'a' has type 'varchar'; expected one of/],
      [
        'table: T\ncolumns: { a: string }\ntimestamp: { "@timestamp": b }',
        /timestamp column 'b' is not a column/,
      ],
      [
        'table: T\ncolumns: { a: string }\nconnector: ""',
        /'connector' must be a Sentinel data connector id/,
      ],
      ['table: T\ncolumns: { a: dynamic }\nfields: { a.b: 3 }', /field 'a.b' needs a type string/],
    ];
    for (const [text, re] of bad) {
      expect(() => parseTableSchema(text, 'x.yaml')).toThrow(SchemaError);
      expect(() => parseTableSchema(text, 'x.yaml')).toThrow(re);
    }
  });
});
