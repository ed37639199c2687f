/**
 * The reference rule (M365 device code grant, new_terms) with the o365 profile: golden SPL,
 * checker, mapping trace and diagnostics, and the SPL interpreter on the scenario's raw
 * Management Activity records (as the Splunk add-on indexes them) raising the expected alerts.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuleFile } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { runSpl, splunkEventFromJson, type SplEvent } from '../../src/equiv/spl/index.js';
import { parseIsoTimestamp } from '../../src/time/index.js';
import { translateRule } from '../../targets/core/index.js';
import { splTarget } from '../../targets/spl/index.js';
import { checkSpl } from '../../targets/spl/check/index.js';
import type { Translation } from '../../targets/types.js';

const RULE =
  '../shared/corpus/detection-rules/rules/integrations/o365/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml';
const DIR = '../shared/fixtures/o365-device-code/';

const GOLDEN = [
  'search sourcetype="o365:management:activity" _index_earliest=-7d _index_latest=now earliest=0' +
    ' (ExtendedProperties{}.Name="RequestType" AND ExtendedProperties{}.Value="Cmsi:Cmsi")' +
    ' Actor{}.Type IN ("0", "2", "3", "5", "10")' +
    ' ApplicationId="29d9ed98-a469-4536-ade2-f981bc1d605e"' +
    ' Target{}.ID="00000003-0000-0000-c000-000000000000"' +
    ' DeviceProperties{}.Value="False"',
  `| eval 'o365.audit.ExtendedProperties.RequestType'=mvindex('ExtendedProperties{}.Value', mvfind('ExtendedProperties{}.Name', "^RequestType\\\\z"))`,
  `| where isnotnull(mvfind('o365.audit.ExtendedProperties.RequestType', "^Cmsi:Cmsi\\\\z"))` +
    ` AND isnotnull(mvfind(ApplicationId, "^29d9ed98-a469-4536-ade2-f981bc1d605e\\\\z"))` +
    ` AND isnotnull(mvfind('Target{}.ID', "^00000003-0000-0000-c000-000000000000\\\\z"))` +
    ` AND isnotnull(mvfind('DeviceProperties{}.Value', "^False\\\\z"))`,
  '| lookup asn_lookup ip AS ClientIP OUTPUT asn AS source.as.number',
  '| stats min(_indextime) AS firstTime BY UserId, source.as.number',
  '| where firstTime > relative_time(now(), "-9m")',
].join('\n');

interface Expected {
  now: string;
  alerts: { new_terms: [string, number] }[];
  cases: { case: string; 'event.id': string; matches_query: boolean; in_raw: boolean }[];
}

let rule: Rule;
let t: Translation;
let events: SplEvent[];
let ids: string[];
let asnTable: { ip: string; asn: string }[];
const expected = JSON.parse(readFileSync(DIR + 'expected.json', 'utf8')) as Expected;

beforeAll(async () => {
  const [l] = await loadRuleFile(RULE);
  rule = l.rule!;
  t = translateRule(rule, splTarget, { mapping: 'o365' });
  const ecs = readFileSync(DIR + 'ecs.ndjson', 'utf8')
    .trim()
    .split('\n')
    .map((x) => JSON.parse(x));
  const byId = new Map(ecs.map((d) => [d.event.id as string, d]));
  // The ASN lookup table, derived from the scenario's ECS events (what GeoLite2-ASN returned).
  const asn = new Map<string, string>();
  for (const d of ecs)
    if (d.source?.ip && d.source?.as?.number !== undefined)
      asn.set(d.source.ip, String(d.source.as.number));
  asnTable = [...asn].map(([ip, a]) => ({ ip, asn: a }));
  const raw = readFileSync(DIR + 'raw.ndjson', 'utf8')
    .trim()
    .split('\n')
    .map((x) => JSON.parse(x));
  ids = raw.map((r) => r.Id);
  events = raw.map((r) => {
    const d = byId.get(r.Id);
    // index time = event.ingested of the ECS document with the same id (@timestamp fallback)
    const idx = d?.event?.ingested ?? d?.['@timestamp'];
    return splunkEventFromJson(r, {
      timeMs: parseIsoTimestamp(r.CreationTime),
      indexTimeMs: parseIsoTimestamp(idx),
      sourcetype: 'o365:management:activity',
    });
  });
});

describe('reference rule → SPL (o365 profile)', () => {
  it('is the golden SPL and passes the checker', () => {
    expect(t.text).toBe(GOLDEN);
    expect(checkSpl(t.text).diagnostics).toEqual([]);
    // exact but for an empty UserId: a new term of its own in Elastic, never extracted by Splunk
    expect(t.verdict).toBe('narrower');
    expect(
      t.diagnostics.filter((d) => d.effect !== 'exact').map((d) => [d.code, d.effect]),
    ).toEqual([['SPL-KEY-EMPTY', 'narrower']]);
  });

  it('is chosen by the rule index pattern without --mapping', () => {
    const auto = translateRule(rule, splTarget);
    expect(auto.text).toBe(GOLDEN);
    expect(auto.mappingTrace[0]).toMatchObject({ item: 'o365/serves', to: 'profile o365' });
  });

  it('records every mapping item and warns about the ASN lookup', () => {
    const items = t.mappingTrace.map((e) => e.item);
    for (const f of [
      'o365/spl/routes/dataset',
      'o365/spl/fields/o365.audit.ExtendedProperties.RequestType',
      'o365/spl/fields/o365.audit.Actor.Type',
      'o365/spl/fields/o365.audit.ApplicationId',
      'o365/spl/fields/o365.audit.Target.ID',
      'o365/spl/fields/o365.audit.DeviceProperties.Value',
      'o365/spl/fields/o365.audit.UserId',
      'o365/spl/fields/source.as.number',
      'o365/spl/source/sourcetype',
    ]) {
      expect(items).toContain(f);
    }
    const asn = t.diagnostics.find((d) => d.code === 'MAP-ITEM');
    expect(asn?.severity).toBe('warning');
    expect(asn?.message).toMatch(/lookup 'asn_lookup' on ClientIP/);
  });

  it('the query part selects exactly the scenario query matches (case-sensitive, any-element, pairing)', () => {
    const byId = new Map(expected.cases.map((c) => [c['event.id'], c]));
    const perEvent = events.map(
      (ev) =>
        runSpl(t.text, [ev], {
          now: Date.parse(expected.now),
          ignoreTime: true,
          queryOnly: true,
          lookups: { asn_lookup: asnTable },
        }).rows.length > 0,
    );
    const wrong = ids
      .filter((id, i) => perEvent[i] !== byId.get(id)!.matches_query)
      .map((id) => byId.get(id)!.case);
    expect(wrong).toEqual([]);
    // the near misses that only differ by case do not match
    for (const c of ['N09', 'N10', 'N11']) {
      const i = ids.indexOf(expected.cases.find((x) => x.case === c)!['event.id']);
      expect(perEvent[i]).toBe(false);
    }
  });

  it('raises exactly the expected alerts on raw.ndjson', () => {
    const rows = runSpl(t.text, events, {
      now: Date.parse(expected.now),
      lookups: { asn_lookup: asnTable },
    }).rows;
    const got = rows.map((r) => `${r.UserId[0]} ${r['source.as.number'][0]}`).sort();
    const want = expected.alerts.map((a) => `${a.new_terms[0]} ${a.new_terms[1]}`).sort();
    expect(want.length).toBe(11);
    expect(got).toEqual(want);
  });

  it('without the lookup table the run fails loudly instead of alerting on nothing', () => {
    expect(() => runSpl(t.text, events, { now: Date.parse(expected.now) })).toThrow(
      /lookup table 'asn_lookup' is not defined/,
    );
  });

  it('savedsearches.conf stanza is deployable', () => {
    const conf = t.artifacts!.find((a) => a.path === 'savedsearches.conf')!.content;
    expect(conf).toMatch(/^\[M365 Identity Device Code Grant with Unusual User and ASN\]$/m);
    expect(conf).toMatch(/^cron_schedule = \*\/5 \* \* \* \*$/m);
    expect(conf).toMatch(/^alert\.severity = 5$/m);
    expect(conf).toMatch(
      /^search = search sourcetype="o365:management:activity" .* \| where firstTime > relative_time\(now\(\), "-9m"\)$/m,
    );
    expect(conf).toMatch(/^enableSched = 1$/m);
  });
});
