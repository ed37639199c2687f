/**
 * `siemc convert` end to end through the CLI (runCli): single-rule output, batch conversion of a
 * folder to all three targets (per-rule files, savedsearches.conf, Sentinel query + analytic rule,
 * Sigma file, report.json / report.md with totals), continuing past failing rules, exit codes
 * (failure, --strict), the TTY-only progress bar, atomic writes, --case and --mapping.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { checkSpl } from '../../targets/spl/check/index.js';
import { parse as parseYaml } from 'yaml';

const EX = 'rules/examples';
const REF = `${EX}/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml`;
const OKTA = `${EX}/credential_access_attempts_to_brute_force_okta_user_account.toml`;
const AWS = `${EX}/persistence_iam_login_profile_created_or_modified.toml`;
const CORPUS = '../shared/corpus/detection-rules/rules';
const FILTERS = `${CORPUS}/windows/collection_posh_clipboard_capture.toml`; // filters KQL cannot say
const EQL = `${CORPUS}/windows/collection_email_outlook_mailbox_via_com.toml`;
// source.ip:* also matches "" in Elastic; Splunk does not extract empty values (SPL-EXISTS-EMPTY)
const NARROWER = `${CORPUS}/integrations/aws/impact_cloudwatch_log_stream_deletion.toml`;
const BAD = 'test/fixtures/rules/bad-query-ml-basic.toml';

const tmp = mkdtempSync(join(tmpdir(), 'siemc-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A folder of rules: the three examples, an untranslatable one, an EQL one, a broken one. */
function ruleDir(name: string, withBad: boolean): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  for (const f of [REF, OKTA, AWS, FILTERS, EQL]) copyFileSync(f, join(d, f.split('/').pop()!));
  if (withBad) copyFileSync(BAD, join(d, 'bad-query-ml-basic.toml'));
  return d;
}

function listAll(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  walk(dir, '');
  return out.sort();
}

describe('siemc convert: one rule', () => {
  it('prints the SPL on stdout and the diagnostics with the verdict on stderr', async () => {
    const r = await runCli(['convert', REF, '--to', 'spl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^search sourcetype="o365:management:activity" /);
    expect(checkSpl(r.stdout).ok).toBe(true);
    // the ASN lookup is an environment dependency: a warning naming the lookup, not a loss
    expect(r.stderr).toMatch(/warning MAP-ITEM \[spl\] source\.as\.number .*'asn_lookup'/);
    // narrower only for an empty UserId (Splunk does not extract empty values)
    expect(r.stderr).toContain('info SPL-KEY-EMPTY');
    expect(r.stderr).toMatch(/\nspl: narrower\n$/);
  });

  it('--strict turns a non-exact translation into exit 1; exact stays 0', async () => {
    const aws = await runCli(['convert', AWS, '--to', 'spl', '--strict']);
    expect(aws.stderr).toMatch(/spl: exact/);
    expect(aws.code).toBe(0);
    const loose = ['convert', AWS, '--to', 'spl', '--case', 'loose'];
    expect((await runCli(loose)).code).toBe(0);
    expect((await runCli([...loose, '--strict'])).code).toBe(1);
  });

  it('--case loose drops the case-sensitive where clause and says so', async () => {
    const exact = await runCli(['convert', AWS, '--to', 'spl']);
    const loose = await runCli(['convert', AWS, '--to', 'spl', '--case', 'loose']);
    expect(exact.stdout).toContain('| where ');
    // only the length caps of ignore_above stay in where; no case-sensitive equality
    expect(loose.stdout).not.toContain("mvfind('event.provider'");
    expect(exact.stdout).toContain("mvfind('event.provider'");
    expect(loose.stderr).toContain('SPL-CASE');
    // wider on the positive clauses, narrower under `not`
    expect(loose.stderr).toMatch(/SPL-CASE .*\(wider\)/);
    expect(loose.stderr).toMatch(/SPL-CASE .*\(narrower\)/);
    expect(loose.stderr).toMatch(/spl: different/);
    const bad = await runCli(['convert', AWS, '--to', 'spl', '--case', 'upper']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--case must be exact or loose');
  });

  it('--mapping file.yml: a user profile maps fields and the source', async () => {
    const f = join(tmp, 'my-profile.yml');
    writeFileSync(
      f,
      [
        'id: mycorp',
        'description: test profile',
        'spl:',
        '  source:',
        '    index: cloudtrail',
        '    sourcetype: aws:cloudtrail',
        '  fields:',
        '    event.provider: eventSource',
        '    event.action: eventName',
        '',
      ].join('\n'),
    );
    const r = await runCli(['convert', AWS, '--to', 'spl', '--mapping', f]);
    expect(r.stderr).not.toContain('MAPPING');
    expect(r.stdout).toMatch(/^search index="cloudtrail" sourcetype="aws:cloudtrail" /);
    expect(r.stdout).toContain('eventSource="iam.amazonaws.com"');
    expect(r.stdout).toContain('eventName IN (');
    expect(checkSpl(r.stdout).ok).toBe(true);
  });

  it('an unknown target or profile is a usage error with the known names', async () => {
    const t = await runCli(['convert', AWS, '--to', 'qradar']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/unknown target 'qradar' \(known: spl \(splunk\), sentinel/);
    const m = await runCli(['convert', AWS, '--mapping', join(tmp, 'missing.yml')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/missing\.yml: error MAP002 cannot read mapping profile/);
    expect(m.stderr).toContain('hint: bundled profiles: ecs, o365');
    expect(m.stderr).not.toContain('?:?');
    const bad = join(tmp, 'bad-profile.yml');
    writeFileSync(bad, 'id: x\nspl:\n  fields:\n    a.b: {pair: {name: x}}\n');
    const b = await runCli(['convert', AWS, '--mapping', bad]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(
      /bad-profile\.yml:4:17 error MAP010 spl\.fields\.a\.b\.pair\.name_field/,
    );
  });
});

describe('siemc convert: a folder to all three targets', () => {
  let out: string;
  let run: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    out = join(tmp, 'out-all');
    run = await runCli([
      'convert',
      ruleDir('rules-all', true),
      '--to',
      'spl,sentinel,sigma',
      '--out',
      out,
    ]);
  }, 120_000);

  it('writes one file per rule and target plus the bundles and reports', () => {
    const stems = [REF, OKTA, AWS]
      .map((f) =>
        f
          .split('/')
          .pop()!
          .replace(/\.toml$/, ''),
      )
      .sort();
    const files = listAll(out);
    expect(files).toEqual(
      [
        'report.json',
        'report.md',
        ...stems.map((s) => `sentinel/${s}.kql`),
        ...stems.map((s) => `sentinel/${s}.yaml`),
        ...stems.map((s) => `sigma/${s}.yml`),
        ...stems.map((s) => `splunk/${s}.spl`),
        'splunk/savedsearches.conf',
      ].sort(),
    );
    for (const s of stems) {
      const spl = readFileSync(join(out, 'splunk', `${s}.spl`), 'utf8');
      expect(checkSpl(spl).ok, s).toBe(true);
    }
    const conf = readFileSync(join(out, 'splunk', 'savedsearches.conf'), 'utf8');
    expect(conf.match(/^\[[^\]]+\]$/gm)).toHaveLength(3);
    expect(conf).toMatch(/^cron_schedule = /m);
    expect(conf).toMatch(/^dispatch\.earliest_time = /m);
    const analytic = parseYaml(
      readFileSync(join(out, 'sentinel', `${stems[0]}.yaml`), 'utf8'),
    ) as Record<string, unknown>;
    expect(analytic.queryFrequency).toBeDefined();
    expect(String(analytic.query).trimEnd()).toBe(
      readFileSync(join(out, 'sentinel', `${stems[0]}.kql`), 'utf8').trimEnd(),
    );
  });

  it('continues past the failing rule and exits 1 because one failed outright', () => {
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad-query-ml-basic.toml');
    // 3 rules x (spl + sentinel .kql/.yaml + sigma) + savedsearches.conf + 2 reports
    expect(run.stdout).toMatch(/^wrote 15 files to /);
  });

  it('report.json has a status per rule and target, and totals that add up', () => {
    const rep = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      targets: string[];
      totals: Record<string, Record<string, number>>;
      rules: { file: string; target: string; status: string; diagnostics: unknown[] }[];
    };
    expect(rep.targets).toEqual(['spl', 'sentinel', 'sigma']);
    expect(rep.rules).toHaveLength(6 * 3);
    for (const t of rep.targets) {
      const mine = rep.rules.filter((r) => r.target === t);
      const tot = rep.totals[t];
      expect(Object.values(tot).reduce((a, b) => a + b, 0)).toBe(6);
      for (const [status, n] of Object.entries(tot))
        expect(mine.filter((r) => r.status === status).length, `${t} ${status}`).toBe(n);
      expect(tot.failed).toBe(1);
      expect(tot.skipped).toBe(1); // the EQL rule
      expect(tot.unsupported).toBe(1); // the filters KQL cannot express
      const bad = mine.find((r) => r.file.endsWith('bad-query-ml-basic.toml'))!;
      expect(bad.status).toBe('failed');
      expect(bad.diagnostics.length).toBeGreaterThan(0);
    }
    expect(
      rep.rules.find((r) => r.target === 'spl' && r.file.endsWith(AWS.split('/').pop()!))!.status,
    ).toBe('exact');
  });

  it('report.md has the totals table and a section per rule with its diagnostics', () => {
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^# siemc conversion report\n/);
    expect(md).toContain(
      '| target | exact | wider | narrower | different | unsupported | failed | skipped |',
    );
    expect(md).toMatch(/^\| spl \| \d+ \| \d+ \| \d+ \| \d+ \| 1 \| 1 \| 1 \|$/m);
    expect(md).toContain('## M365 Identity Device Code Grant with Unusual User and ASN');
    expect(md).toContain('SIGMA-NEW-TERMS');
  });

  it('prints the totals per target', () => {
    expect(run.stdout).toMatch(
      /\nspl: \d+ exact, \d+ wider, \d+ narrower, 1 unsupported, 1 failed, 1 skipped\n/,
    );
    expect(run.stdout).toMatch(/\nsentinel: /);
    expect(run.stdout).toMatch(/\nsigma: /);
  });
});

describe('siemc convert: exit codes, progress and atomic output', () => {
  it('without failures the batch exits 0 even with non-exact rules; --strict makes it 1', async () => {
    const dir = join(tmp, 'rules-ok');
    mkdirSync(dir);
    for (const f of [REF, OKTA, AWS, NARROWER]) copyFileSync(f, join(dir, f.split('/').pop()!));
    const ok = await runCli(['convert', dir, '--to', 'spl', '--out', join(tmp, 'out-ok')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/spl: 1 exact, 0 wider, 3 narrower, 0 unsupported\n/);
    const strict = await runCli([
      'convert',
      dir,
      '--to',
      'spl',
      '--out',
      join(tmp, 'out-strict'),
      '--strict',
    ]);
    expect(strict.code).toBe(1);
  });

  it('draws a progress bar on a terminal only', async () => {
    const tty = await runCli(['convert', AWS, OKTA, '--to', 'spl', '--out', join(tmp, 'p1')], {
      isTTY: true,
    });
    expect(tty.stderr).toMatch(/\r\[#+\.*\] 1\/2/);
    expect(tty.stderr).toMatch(/\r\[#{30}\] 2\/2/);
    const pipe = await runCli(['convert', AWS, OKTA, '--to', 'spl', '--out', join(tmp, 'p2')]);
    expect(pipe.stderr).not.toContain('\r');
    expect(pipe.stderr).not.toContain('[#');
  });

  it('leaves nothing half-written when the output cannot be written', async () => {
    const out = join(tmp, 'out-blocked');
    mkdirSync(join(out, 'report.md'), { recursive: true }); // a directory where a file goes
    const r = await runCli(['convert', AWS, OKTA, '--to', 'spl', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error CONVERT-WRITE cannot write the output: .*report\.md is a directory/,
    );
    // no temporary files, and no file renamed into place
    expect(listAll(out)).toEqual([]);
    expect(existsSync(join(out, 'splunk'))).toBe(true);

    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const r2 = await runCli(['convert', AWS, '--to', 'spl', '--out', file]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('CONVERT-WRITE');
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('rule-level diagnostics name the file instead of an unknown position', async () => {
    const r = await runCli(['convert', FILTERS, '--to', 'spl']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('collection_posh_clipboard_capture.toml: error RULE-QUERY');
    expect(r.stderr).not.toContain('?:?');
  });
});

describe('savedsearches.conf never carries a flattened line break', () => {
  it('a value with a line break: the stanza is commented out with SPL-CONF-LINEBREAK, the .spl keeps it', async () => {
    const dir = mkdtempSync(join(tmp, 'nl-'));
    const rule = join(dir, 'nl.kql');
    writeFileSync(rule, 'host.name:"a\\nb"');
    const out = join(dir, 'out');
    const r = await runCli(['convert', rule, '--to', 'spl', '--out', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toContain('SPL-CONF-LINEBREAK');
    const conf = readFileSync(join(out, 'splunk', 'savedsearches.conf'), 'utf8');
    // no active stanza or search line: every line of it is a comment
    expect(conf.split('\n').filter((l) => l.trim() && !l.startsWith('#'))).toEqual([]);
    expect(readFileSync(join(out, 'splunk', 'nl.spl'), 'utf8')).toContain('a\nb');
  });
});
