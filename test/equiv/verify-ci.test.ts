/**
 * The CI recipe in examples/: the GitHub Actions workflow parses, its changed-files script lists
 * the changed rules of a real git history, and every siemc command it and the pre-commit hooks
 * run exists with those options — run here on real rule files: exit 0 for a clean rule, exit 1
 * from `verify` when a translation has an undeclared difference (a bug planted into the SPL
 * emitter's range handler for the test), exit 1 from `lint` for a broken rule.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { searchDialect } from '../../targets/spl/dialects.js';

const WORKFLOW = 'examples/github-actions/siemc.yml';
const PRECOMMIT = 'examples/pre-commit/.pre-commit-config.yaml';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
}

const workflow = parseYaml(readFileSync(WORKFLOW, 'utf8')) as {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
};
const steps = workflow.jobs.rules.steps;
const precommit = parseYaml(readFileSync(PRECOMMIT, 'utf8')) as {
  repos: {
    repo: string;
    hooks: { id: string; entry: string; files: string; language: string }[];
  }[];
};

const tmp = mkdtempSync(join(tmpdir(), 'siemc-ci-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (out += t),
    readStdin: async () => '',
    isTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd,
  };
  const code = await main(args, io);
  return { code, out };
}

/** Shell words of one command line (quotes; `"${files[@]}"` and `"$VAR"` substituted). */
function words(line: string, vars: Record<string, string>, files: string[]): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) {
    const w = m[1] ?? m[2] ?? m[3];
    if (w === '${files[@]}') out.push(...files);
    else out.push(w.replace(/\$(\w+)/g, (_, v: string) => vars[v] ?? ''));
  }
  return out;
}

/** The siemc command lines of a `run:` script (up to a pipe or redirection). */
function siemcLines(run: string): string[] {
  return run
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('siemc '))
    .map((l) => l.split(/\s[|>]/)[0]);
}

const CLEAN = `[metadata]
creation_date = "2024/01/01"
updated_date = "2024/01/01"
maturity = "production"

[rule]
author = ["siemc"]
description = "Privileged port opened"
from = "now-9m"
index = ["logs-*"]
language = "kuery"
license = "Apache-2.0"
name = "Privileged port"
risk_score = 21
rule_id = "0c0c0c0c-0000-4000-8000-000000000001"
severity = "low"
type = "query"
query = '''
event.category:network and source.port >= 1024 and not process.name:"svchost.exe"
'''
`;

describe('GitHub Actions workflow', () => {
  it('parses and has the expected shape', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.jobs.rules['runs-on']).toBe('ubuntu-latest');
    expect(steps.some((s) => s.uses?.startsWith('actions/checkout@'))).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith('actions/setup-node@'))).toBe(true);
    const names = steps.map((s) => s.name ?? s.uses);
    // lint, then convert, then verify
    const at = (n: string) => names.indexOf(n);
    expect(at('siemc lint')).toBeGreaterThan(at('Changed rule files'));
    expect(at('siemc convert')).toBeGreaterThan(at('siemc lint'));
    expect(at('siemc verify')).toBeGreaterThan(at('siemc convert'));
  });

  it('lists the changed rule files of a real history', () => {
    const script = steps.find((s) => s.name === 'Changed rule files')!.run!;
    const repo = join(tmp, 'repo');
    mkdirSync(join(repo, 'rules', 'windows'), { recursive: true });
    const git = (...a: string[]) =>
      execFileSync('git', a, {
        cwd: repo,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@x',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@x',
        },
      })
        .toString()
        .trim();
    git('init', '-q');
    writeFileSync(join(repo, 'rules', 'windows', 'a.toml'), CLEAN);
    writeFileSync(join(repo, 'rules', 'old.kql'), 'a:1\n');
    writeFileSync(join(repo, 'README.md'), 'x\n');
    git('add', '.');
    git('commit', '-qm', 'one');
    const base = git('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'rules', 'windows', 'a.toml'), CLEAN.replace('1024', '1025'));
    writeFileSync(join(repo, 'rules', 'new.kql'), 'b:2\n');
    writeFileSync(join(repo, 'README.md'), 'y\n');
    git('rm', '-q', 'rules/old.kql');
    git('add', '.');
    git('commit', '-qm', 'two');
    const out = join(tmp, 'gh-output');
    const bash = script
      .replace('${{ github.event_name }}', 'push')
      .replace('${{ github.event.pull_request.base.sha }}', '')
      .replace('${{ github.event.before }}', base);
    execFileSync('bash', ['-e', '-c', bash], {
      cwd: repo,
      env: { ...process.env, GITHUB_OUTPUT: out, RULES_PATHSPEC: workflow.env.RULES_PATHSPEC },
    });
    const listed = readFileSync(join(repo, 'changed-rules.txt'), 'utf8').trim().split('\n').sort();
    expect(listed).toEqual(['rules/new.kql', 'rules/windows/a.toml']);
    expect(readFileSync(out, 'utf8')).toContain('count=2');
    // first push of a branch: every rule
    const first = bash.replace(base, '0000000000000000000000000000000000000000');
    execFileSync('bash', ['-e', '-c', first], {
      cwd: repo,
      env: { ...process.env, GITHUB_OUTPUT: out, RULES_PATHSPEC: workflow.env.RULES_PATHSPEC },
    });
    expect(readFileSync(join(repo, 'changed-rules.txt'), 'utf8').trim().split('\n').sort()).toEqual(
      ['rules/new.kql', 'rules/windows/a.toml'],
    );
  });

  it('runs lint, convert and verify as written: exit 0 on a clean rule', async () => {
    const dir = join(tmp, 'clean');
    mkdirSync(join(dir, 'rules'), { recursive: true });
    writeFileSync(join(dir, 'rules', 'a.toml'), CLEAN);
    const lines = steps.flatMap((s) => (s.run ? siemcLines(s.run) : []));
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['lint', 'convert', 'verify']);
    for (const line of lines) {
      const args = words(line, workflow.env, ['rules/a.toml']).slice(1);
      const r = await cli(args, dir);
      expect(r.code, `${line}\n${r.out}`).toBe(0);
    }
    expect(existsSync(join(dir, 'siemc-out', 'splunk'))).toBe(true);
    expect(existsSync(join(dir, 'siemc-out', 'report.md'))).toBe(true);
  });

  it('fails the build: verify exits 1 on an undeclared difference, lint on a broken rule', async () => {
    const dir = join(tmp, 'bad');
    mkdirSync(join(dir, 'rules'), { recursive: true });
    writeFileSync(join(dir, 'rules', 'a.toml'), CLEAN);
    writeFileSync(
      join(dir, 'rules', 'broken.toml'),
      CLEAN.replace('source.port >= 1024', 'source.port >= ('),
    );
    const [lint, , verify] = steps.flatMap((s) => (s.run ? siemcLines(s.run) : []));
    const l = await cli(words(lint, workflow.env, ['rules/broken.toml']).slice(1), dir);
    expect(l.code).toBe(1);
    // A translation bug: the SPL emitter writes > for >=.
    const real = searchDialect.nodes.range;
    searchDialect.nodes.range = (n, d, c) => real({ ...n, op: n.op === 'gte' ? 'gt' : n.op }, d, c);
    try {
      const v = await cli(words(verify, workflow.env, ['rules/a.toml']).slice(1), dir);
      expect(v.code, v.out).toBe(1);
      expect(v.out).toContain('UNDECLARED narrower');
      expect(v.out).toContain('clause: source.port >= 1024');
    } finally {
      searchDialect.nodes.range = real;
    }
  });
});

describe('pre-commit hooks', () => {
  const hooks = precommit.repos.flatMap((r) => r.hooks);

  it('lint, convert and verify the staged rule files', () => {
    expect(hooks.map((h) => h.id)).toEqual(['siemc-lint', 'siemc-convert', 'siemc-verify']);
    for (const h of hooks) {
      expect(h.language).toBe('system');
      const re = new RegExp(h.files);
      expect(re.test('rules/windows/a.toml')).toBe(true);
      expect(re.test('rules/export.ndjson')).toBe(true);
      expect(re.test('docs/a.toml')).toBe(false);
      expect(re.test('rules/README.md')).toBe(false);
    }
  });

  it('runs each entry with the staged files appended: 0 clean, 1 undeclared', async () => {
    const dir = join(tmp, 'hooks');
    mkdirSync(join(dir, 'rules'), { recursive: true });
    writeFileSync(join(dir, 'rules', 'a.toml'), CLEAN);
    for (const h of hooks) {
      const args = [...words(h.entry, {}, []).slice(1), 'rules/a.toml'];
      const r = await cli(args, dir);
      expect(r.code, `${h.entry}\n${r.out}`).toBe(0);
    }
    expect(existsSync(join(dir, '.siemc-out', 'sigma'))).toBe(true);
    const verify = hooks.find((h) => h.id === 'siemc-verify')!;
    const real = searchDialect.nodes.range;
    searchDialect.nodes.range = (n, d, c) => real({ ...n, op: n.op === 'gte' ? 'gt' : n.op }, d, c);
    try {
      const r = await cli([...words(verify.entry, {}, []).slice(1), 'rules/a.toml'], dir);
      expect(r.code, r.out).toBe(1);
    } finally {
      searchDialect.nodes.range = real;
    }
  });
});
