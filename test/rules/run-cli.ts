/** Run one command's Register in-process with a fake CliIO (main.ts pulls in every command). */
import { Command, CommanderError } from 'commander';
import type { CliIO } from '../../src/cli/io.js';
import { UsageError } from '../../src/cli/io.js';
import type { Register } from '../../src/cli/main.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function fakeIO(
  over: Partial<CliIO> & { stdin?: string } = {},
): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => over.stdin ?? '',
    isTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: process.cwd(),
    ...over,
  };
}

export async function runCommand(
  register: Register,
  args: string[],
  over: Partial<CliIO> & { stdin?: string } = {},
): Promise<Run> {
  const io = fakeIO(over);
  let code = 0;
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  register(program, io, (c) => {
    code = Math.max(code, c);
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2;
    else if (e instanceof UsageError) {
      io.stderr(`siemc: ${e.message}\n`);
      code = 2;
    } else throw e;
  }
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}
