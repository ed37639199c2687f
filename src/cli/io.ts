/**
 * The CLI's window on the world, injectable so tests run commands in-process.
 */
import { readFileSync } from 'node:fs';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whole standard input as text. */
  readStdin(): Promise<string>;
  /** stdout / stderr are terminals (colours, progress bars). */
  isTTY: boolean;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => readFileSync(0, 'utf8'),
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Colours only on a TTY and never with NO_COLOR. */
export function useColour(io: CliIO): boolean {
  return io.isTTY && io.env.NO_COLOR === undefined;
}

/** A usage error: exit code 2. */
export class UsageError extends Error {}
