/**
 * siemc command line. Each command lives in ./commands/<name>.ts and registers itself here.
 * `main` never calls process.exit: it returns the exit code (0 ok, 1 diagnostics, 2 usage).
 */
import { Command, CommanderError } from 'commander';
import { type CliIO, UsageError, processIO } from './io.js';
import { registerParse } from './commands/parse.js';
import { registerEquiv } from './commands/equiv.js';
import { registerVerify } from './commands/verify.js';
import { registerTest } from './commands/test.js';
import { registerBacktest } from './commands/backtest.js';
import { registerConvert } from './commands/convert.js';
import { registerLint } from './commands/lint.js';
import { registerInfo } from './commands/info.js';
import { registerCheck } from './commands/check.js';

export type Register = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

const commands: Register[] = [
  registerParse,
  registerLint,
  registerInfo,
  registerTest,
  registerBacktest,
  registerConvert,
  registerVerify,
  registerEquiv,
  registerCheck,
];

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command();
  program
    .name('siemc')
    .description('Compile Elastic KQL detection rules to Splunk SPL, Sentinel KQL and Sigma')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError();
  for (const register of commands) register(program, io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UsageError) {
      io.stderr(`siemc: ${e.message}\n`);
      return 2;
    }
    io.stderr(
      `siemc: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 3;
  }
  return exitCode;
}
