/**
 * Many rules over many event files in one pass: every event is parsed once and pushed to every
 * rule runner, batch by batch (per-rule time is measured per batch, not per event).
 */
import type { Diagnostic } from '../diagnostics.js';
import {
  parseNdjsonText,
  readNdjsonBatches,
  type EventFile,
  type NdjsonOptions,
} from './ndjson.js';
import type { RuleRunner } from './runner.js';
import type { EventRecord } from './types.js';

export interface ScanStats {
  files: number;
  events: number;
  /** Bytes read from disk (compressed size for .gz). */
  bytes: number;
  invalidLines: number;
  ms: number;
}

export interface ScanOptions extends NdjsonOptions {
  /** Text of standard input, for the file '-'. */
  readStdin?: () => Promise<string>;
  /** Progress: bytes read so far across all files. */
  onProgress?: (bytes: number) => void;
  /** Collected invalid-line diagnostics go here too. */
  diagnostics?: Diagnostic[];
}

export async function scanEvents(
  runners: RuleRunner[],
  files: EventFile[],
  opts: ScanOptions = {},
): Promise<ScanStats> {
  const stats: ScanStats = { files: files.length, events: 0, bytes: 0, invalidLines: 0, ms: 0 };
  const t0 = performance.now();
  const onInvalid = (d: Diagnostic) => {
    stats.invalidLines++;
    opts.diagnostics?.push(d);
    opts.onInvalid?.(d);
  };
  const feed = (batch: EventRecord[]) => {
    stats.events += batch.length;
    for (const r of runners) {
      const s = performance.now();
      for (let i = 0; i < batch.length; i++) r.push(batch[i]);
      r.stats.ms += performance.now() - s;
    }
  };
  let done = 0;
  for (const f of files) {
    if (f.path === '-') {
      const text = opts.readStdin ? await opts.readStdin() : '';
      stats.bytes += Buffer.byteLength(text);
      feed(parseNdjsonText(text, f.display, { ...opts, onInvalid }));
      continue;
    }
    let last = 0;
    for await (const batch of readNdjsonBatches(f.path, {
      ...opts,
      label: f.display,
      onInvalid,
      onBytes: (b) => {
        last = b;
        opts.onProgress?.(done + b);
      },
    })) {
      feed(batch);
    }
    done += last;
    stats.bytes = done;
  }
  stats.ms = performance.now() - t0;
  return stats;
}
