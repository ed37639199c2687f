/**
 * Streaming NDJSON reader: constant memory (one chunk plus one partial line at a time), gzip input
 * recognised by its magic bytes, `\n` or `\r\n` line ends, blank lines skipped. An invalid line is
 * reported with file:line and skipped, or stops the run with `strict`.
 */
import { createReadStream, openSync, readSync, closeSync, statSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { Diagnostic } from '../diagnostics.js';
import type { EventRecord } from './types.js';

export interface NdjsonOptions {
  /** Stop at the first invalid line (throws `NdjsonError`). */
  strict?: boolean;
  /** Called for each invalid line (when not strict). */
  onInvalid?: (d: Diagnostic) => void;
  /** Called with the number of (compressed) bytes read so far. */
  onBytes?: (bytes: number) => void;
  /** Chunk size in bytes (default 1 MiB). */
  chunkSize?: number;
  /** The file name to put in records and diagnostics (default: the path read). */
  label?: string;
}

export class NdjsonError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(`${diagnostic.file}:${diagnostic.line}: ${diagnostic.message}`);
    this.name = 'NdjsonError';
  }
}

export function isGzipFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(2);
    const n = readSync(fd, b, 0, 2, 0);
    return n === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Parses lines into records; shared by file, stream and in-memory readers. */
export class LineParser {
  private line = 0;
  /** Lines read so far. */
  get lineNumber(): number {
    return this.line;
  }
  private rest = '';
  readonly invalid: Diagnostic[] = [];
  constructor(
    private readonly file: string,
    private readonly opts: NdjsonOptions = {},
  ) {}

  /** Feed decoded text; returns the complete records in it. */
  feed(text: string, out: EventRecord[] = []): EventRecord[] {
    // A line longer than a chunk: only the new text can hold its end, so do not rescan the rest
    // (keeps a huge one-line event linear instead of quadratic in the number of chunks).
    if (this.rest !== '' && text.indexOf('\n') < 0) {
      this.rest += text;
      return out;
    }
    let s = this.rest === '' ? text : this.rest + text;
    let start = 0;
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl < 0) break;
      this.one(s, start, nl, out);
      start = nl + 1;
    }
    this.rest = start === 0 ? s : s.slice(start);
    s = '';
    return out;
  }

  /** End of input: the last line without a newline. */
  end(out: EventRecord[] = []): EventRecord[] {
    if (this.rest !== '') {
      const s = this.rest;
      this.rest = '';
      this.one(s, 0, s.length, out);
    }
    return out;
  }

  private one(s: string, start: number, end: number, out: EventRecord[]): void {
    this.line++;
    if (end > start && s.charCodeAt(end - 1) === 13) end--;
    // Skip blank lines quickly.
    let i = start;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c !== 32 && c !== 9) break;
      i++;
    }
    if (i === end) return;
    const text = s.slice(start, end);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      this.bad(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      this.bad(
        `not a JSON object (an event must be one object per line, got ${Array.isArray(doc) ? 'an array' : typeof doc})`,
      );
      return;
    }
    out.push({ doc, file: this.file, line: this.line });
  }

  private bad(message: string): void {
    const d: Diagnostic = {
      severity: this.opts.strict ? 'error' : 'warning',
      code: 'EVT001',
      message: message + (this.opts.strict ? '' : '; line skipped'),
      file: this.file,
      line: this.line,
      column: 1,
    };
    if (this.opts.strict) throw new NdjsonError(d);
    this.invalid.push(d);
    this.opts.onInvalid?.(d);
  }
}

/** Parse NDJSON text already in memory (stdin, inline specs). */
export function parseNdjsonText(
  text: string,
  file: string,
  opts: NdjsonOptions = {},
): EventRecord[] {
  const p = new LineParser(file, opts);
  const out = p.feed(text);
  return p.end(out);
}

/** Read an NDJSON file (gzip or plain) as batches of records, one batch per chunk. */
export async function* readNdjsonBatches(
  path: string,
  opts: NdjsonOptions = {},
): AsyncGenerator<EventRecord[]> {
  const gz = isGzipFile(path);
  const raw = createReadStream(path, { highWaterMark: opts.chunkSize ?? 1 << 20 });
  let bytes = 0;
  if (opts.onBytes) {
    raw.on('data', (b: Buffer | string) => {
      bytes += b.length;
      opts.onBytes?.(bytes);
    });
  }
  const stream: Readable = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  const dec = new StringDecoder('utf8');
  const parser = new LineParser(opts.label ?? path, opts);
  try {
    try {
      for await (const chunk of stream) {
        const batch = parser.feed(dec.write(chunk as Buffer));
        if (batch.length > 0) yield batch;
      }
    } catch (e) {
      // A truncated or corrupt gzip file, or a read error: a located error, not a crash.
      if (e instanceof NdjsonError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new NdjsonError({
        severity: 'error',
        code: 'EVT004',
        message: `cannot read ${gz ? 'the gzip file' : 'the file'}: ${why} (after ${parser.lineNumber} lines)`,
        hint: gz ? 'the file is truncated or not valid gzip; check it with gzip -t' : undefined,
        file: opts.label ?? path,
        line: Math.max(1, parser.lineNumber),
        column: 1,
      });
    }
    const last = parser.end(parser.feed(dec.end()));
    if (last.length > 0) yield last;
  } finally {
    raw.destroy();
  }
}

/** Read an NDJSON file record by record. */
export async function* readNdjson(
  path: string,
  opts: NdjsonOptions = {},
): AsyncGenerator<EventRecord> {
  for await (const batch of readNdjsonBatches(path, opts)) yield* batch;
}

const EVENT_FILE = /\.(ndjson|jsonl|json)(\.gz)?$|\.gz$/i;

export interface EventFile {
  /** Path to read (resolved against cwd), or '-' for stdin. */
  path: string;
  /** Path as the user wrote it (joined for files found in a directory). */
  display: string;
}

/**
 * Expand `--events` arguments: files as given, directories recursively (sorted; *.ndjson, *.jsonl,
 * *.json, and their .gz). Missing paths are returned as errors.
 */
export function expandEventPaths(
  paths: string[],
  cwd = process.cwd(),
): { files: EventFile[]; errors: Diagnostic[] } {
  const files: EventFile[] = [];
  const errors: Diagnostic[] = [];
  const walk = (dir: string, display: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      const d = display.endsWith('/') ? display + name : `${display}/${name}`;
      const st = statSync(p);
      if (st.isDirectory()) walk(p, d);
      else if (EVENT_FILE.test(name)) files.push({ path: p, display: d });
    }
  };
  for (const p of paths) {
    if (p === '-') {
      files.push({ path: '-', display: '<stdin>' });
      continue;
    }
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      errors.push({
        severity: 'error',
        code: 'EVT002',
        message: 'cannot read events: no such file or directory',
        file: p,
      });
      continue;
    }
    if (st.isDirectory()) {
      const before = files.length;
      walk(abs, p);
      if (files.length === before) {
        errors.push({
          severity: 'warning',
          code: 'EVT003',
          message: 'no event files (*.ndjson, *.jsonl, *.json, *.gz) in this directory',
          file: p,
        });
      }
    } else files.push({ path: abs, display: p });
  }
  return { files, errors };
}

/** Total size in bytes of the files (for progress). */
export function totalBytes(files: EventFile[]): number {
  let n = 0;
  for (const f of files) {
    if (f.path === '-') continue;
    try {
      n += statSync(f.path).size;
    } catch {
      /* reported elsewhere */
    }
  }
  return n;
}
