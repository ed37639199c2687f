/**
 * The pieces `verify` puts between the ECS events and a target: the o365 event transform (raw
 * Management Activity records from the profile's items), route stamping and the source check,
 * field shapes (where arrays are generated), and lookup tables built from the events — checked
 * on their own and through `verifyRule` on the reference rule.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinMapping } from '../../src/mapping/load.js';
import { inSource, o365RecordFromEcs, eventTransform } from '../../src/equiv/transforms.js';
import { fieldShapes } from '../../src/equiv/shape.js';
import { ECS_ARRAY_FIELDS } from '../../src/equiv/ecs-arrays.generated.js';
import { ecsArrayFieldsFromPackage } from '../../src/equiv/gen-ecs-arrays.js';
import { generateEvents } from '../../src/equiv/generate/index.js';
import { schemaFieldInfo } from '../../src/equiv/native.js';
import { verifyRule } from '../../src/equiv/verify.js';
import { loadRulePaths, loadRuleText } from '../../src/rules/index.js';
import { getTarget } from '../../targets/registry.js';
import { parse } from '../../src/kql/parse.js';

const o365 = loadBuiltinMapping('o365');
const now = new Date('2026-06-20T12:00:00.000Z');

describe('o365 → raw Management Activity record', () => {
  it('o365.audit.* keys at the top level, ExtendedProperties as Name/Value entries', () => {
    const rec = o365RecordFromEcs(
      {
        o365: { audit: { UserId: 'u@x', ExtendedProperties: { RequestType: 'Cmsi:Cmsi' } } },
        'o365.audit.Operation': 'UserLoggedIn',
      },
      o365,
    )!;
    expect(rec.UserId).toBe('u@x');
    expect(rec.Operation).toBe('UserLoggedIn');
    expect(rec.ExtendedProperties).toEqual([{ Name: 'RequestType', Value: 'Cmsi:Cmsi' }]);
  });

  it('applies the profile items in reverse: renames, value maps, pair entries, arrays of objects', () => {
    const rec = o365RecordFromEcs(
      {
        event: { action: 'UserLoggedIn', outcome: 'failure' },
        user_agent: { original: 'node' },
        source: { ip: '192.0.2.7' },
        o365: { audit: { Actor: { Type: ['0', '5'], ID: 'a' } } },
      },
      o365,
    )!;
    expect(rec.Operation).toBe('UserLoggedIn');
    expect(rec.ResultStatus).toBe('Failed');
    expect(rec.ClientIP).toBe('192.0.2.7');
    expect(rec.ExtendedProperties).toEqual([{ Name: 'UserAgent', Value: 'node' }]);
    // Elasticsearch's flattened {Type: [0, 5]} as the array the API sends
    expect(rec.Actor).toEqual([{ Type: '0', ID: 'a' }, { Type: '5' }]);
  });

  it('no raw record for a value outside a value map, none outside the routed dataset', () => {
    expect(o365RecordFromEcs({ event: { outcome: 'Success' } }, o365)).toBeUndefined();
    expect(
      inSource(
        { event: { dataset: 'o365.audit' }, data_stream: { dataset: 'o365.audit' } },
        o365,
        'spl',
      ),
    ).toBe(true);
    expect(inSource({ event: { dataset: 'okta.system' } }, o365, 'spl')).toBe(false);
    const t = eventTransform(o365, 'spl');
    expect(typeof t).toBe('function');
    expect((t as (d: object) => unknown)({ event: { dataset: 'okta.system' } })).toBeUndefined();
    expect(eventTransform('ecs', 'sentinel')).toBe('interpreter');
    expect(eventTransform(o365, 'sentinel')).toBeUndefined();
  });
});

describe('field shapes', () => {
  it('the committed ECS array list is the package one', () => {
    expect([...ECS_ARRAY_FIELDS]).toEqual(ecsArrayFieldsFromPackage().fields);
  });

  it('ECS arrays, fields below them, profile multivalue and unknown fields may hold arrays', () => {
    const s = fieldShapes(o365);
    expect(s('event.category')).toBe(true);
    expect(s('process.args')).toBe(true);
    expect(s('event.provider')).toBe(false);
    expect(s('source.ip')).toBe(false);
    expect(s('o365.audit.Actor.Type')).toBe(true); // profile: multivalue
    expect(s('o365.audit.ExtendedProperties.RequestType')).toBe(false); // a pair: one value
    expect(s('aws.cloudtrail.user_identity.type')).toBe(true); // unknown shape
    expect(fieldShapes(o365, 'scalar')('aws.cloudtrail.user_identity.type')).toBe(false);
  });

  it('the generator makes array events only where the shape allows', () => {
    const q = parse(
      'event.provider:x and event.category:y and aws.cloudtrail.user_identity.type:z',
    ).ast!;
    const docs = generateEvents([q], {
      fieldInfo: schemaFieldInfo(),
      now,
      multiValued: fieldShapes(),
    }).map((g) => g.doc as Record<string, Record<string, unknown>>);
    const arrays = (get: (d: Record<string, Record<string, unknown>>) => unknown) =>
      docs.filter((d) => Array.isArray(get(d))).length;
    expect(arrays((d) => d.event?.provider)).toBe(0);
    expect(arrays((d) => d.event?.category)).toBeGreaterThan(0);
    expect(
      arrays(
        (d) => (d.aws?.cloudtrail as { user_identity?: { type?: unknown } })?.user_identity?.type,
      ),
    ).toBeGreaterThan(0);
    // without shapes (equiv's view: Elasticsearch accepts arrays anywhere)
    const any = generateEvents([q], { fieldInfo: schemaFieldInfo(), now }).map(
      (g) => g.doc as Record<string, Record<string, unknown>>,
    );
    expect(any.filter((d) => Array.isArray(d.event?.provider)).length).toBeGreaterThan(0);
  });
});

describe('verify on the reference rule (o365 profile)', async () => {
  const [l] = await loadRulePaths([
    'rules/examples/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml',
  ]);
  const rule = l.rule!;

  it('SPL: exact, its alerts compared on the history and window streams (asn_lookup built from the events)', () => {
    const t = verifyRule(rule, { targets: [getTarget('spl')], now }).targets[0];
    expect(t.status, JSON.stringify(t.disagreements[0])).toBe('exact');
    expect(t.note).toBe(
      'new_terms: the query part on every event, and the alerts on 8 streams around the history and window edges',
    );
  });

  it('Sigma: the declared Name/Value widening, on the sibling-entry event', () => {
    const t = verifyRule(rule, { targets: [getTarget('sigma')], now }).targets[0];
    expect(t.status).toBe('declared');
    expect(t.disagreements[0]).toMatchObject({
      kind: 'wider',
      clause: 'o365.audit.ExtendedProperties.RequestType:"Cmsi:Cmsi"',
      declared: true,
    });
  });

  it('Sentinel: skipped with the reason (no ECS → SigninLogs transform)', () => {
    const t = verifyRule(rule, { targets: [getTarget('sentinel')], now }).targets[0];
    expect(t.status).toBe('skipped');
    expect(t.note).toContain("no ECS → sentinel event transform for mapping profile 'o365'");
  });

  it('--unknown-fields scalar: no arrays in fields of unknown shape', () => {
    const [r] = loadRuleText('aws.cloudtrail.user_identity.type:AWSService\n', 'x.kql');
    const a = verifyRule(r.rule!, { targets: [getTarget('sigma')], now });
    const s = verifyRule(r.rule!, { targets: [getTarget('sigma')], now, unknownFields: 'scalar' });
    expect(s.events).toBeLessThan(a.events);
  });
});
