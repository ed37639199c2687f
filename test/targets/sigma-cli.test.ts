/**
 * `siemc convert --to sigma` end to end, in-process: printed output, `--out` files
 * (`<out>/sigma/<stem>.yml`), `--strict`, and the examples of docs/sigma.md.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { loadSigma } from '../../src/equiv/sigma/index.js';
import { officialValidator } from './sigma-helpers.js';

function fakeIO(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
    readStdin: async () => '',
    isTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: process.cwd(),
  };
  return io;
}

const OKTA =
  '../shared/corpus/detection-rules/rules/integrations/okta/credential_access_attempts_to_brute_force_okta_user_account.toml';
const O365 =
  '../shared/corpus/detection-rules/rules/integrations/o365/initial_access_identity_oauth_device_code_grant_unusual_source_asn.toml';
const tmp = mkdtempSync(join(tmpdir(), 'siemc-sigma-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('siemc convert --to sigma', () => {
  it('prints the Sigma file and its diagnostics', async () => {
    const io = fakeIO();
    const code = await main(['convert', OKTA, '--to', 'sigma'], io);
    expect(code).toBe(0);
    expect(io.out).toContain('correlation:\n    type: event_count\n');
    expect(io.out + io.err).toContain('SIGMA-CORRELATION-WINDOW');
  });

  it('writes <out>/sigma/<stem>.yml files that pass the official schemas', async () => {
    const io = fakeIO();
    const code = await main(['convert', OKTA, O365, '--to', 'sigma', '--out', tmp], io);
    expect(code).toBe(0);
    const files = readdirSync(join(tmp, 'sigma')).sort();
    expect(files).toEqual([
      'credential_access_attempts_to_brute_force_okta_user_account.yml',
      'initial_access_identity_oauth_device_code_grant_unusual_source_asn.yml',
    ]);
    for (const f of files) {
      const text = readFileSync(join(tmp, 'sigma', f), 'utf8');
      expect(officialValidator.validateText(text)).toEqual([]);
      expect(loadSigma(text).rules.length).toBe(1);
    }
  });

  it('--strict fails on the new_terms rule (not exact in Sigma)', async () => {
    const io = fakeIO();
    expect(await main(['convert', O365, '--to', 'sigma', '--strict'], io)).toBe(1);
  });
});
