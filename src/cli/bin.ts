#!/usr/bin/env node
import { main } from './main.js';

// A closed pipe (`siemc parse big.kql | head`) is the reader's choice, not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`siemc: internal error: ${String(e)}\n`);
    process.exitCode = 3;
  },
);
