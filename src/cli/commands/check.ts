/**
 * `siemc check --target sentinel|kusto|spl|sigma <file|->`: check a target query with the target's
 * own checker and print every problem as `file:line:col severity code message` with the source
 * line and a caret (or JSON with --format json).
 *
 * - sentinel / kusto: Microsoft's Kusto language service against the bundled table schemas
 *   (rules/schemas/sentinel), on a `.kql` file or on the `query` of a Sentinel analytic rule
 *   `.yaml` (positions point into the YAML file);
 * - spl: the SPL checker of the SPL target (the emitted subset);
 * - sigma: the Sigma JSON schemas and the structural checks of the Sigma target.
 *
 * Exit 0 clean (warnings allowed), 1 errors (warnings too with --strict), 2 usage.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, parseDocument, Scalar, type Node } from 'yaml';
import { type CliIO, UsageError, useColour } from '../io.js';
import type { Register } from '../main.js';
import { type Diagnostic, type Severity, lineColumn, renderDiagnostic } from '../../diagnostics.js';
import { checkKusto } from '../../../targets/sentinel/check.js';
import {
  SchemaError,
  bundledSchemas,
  loadSchemaDir,
  type TableSchema,
} from '../../../targets/sentinel/schema.js';
import { checkSpl } from '../../../targets/spl/check/index.js';
import { validateSigma } from '../../../targets/sigma/validate.js';

interface CheckOptions {
  target?: string;
  /** Extra table schema directory (sentinel): your own tables next to the bundled ones. */
  schemas?: string;
  format: string;
  strict?: boolean;
}

const TARGETS: Record<string, 'kusto' | 'spl' | 'sigma'> = {
  sentinel: 'kusto',
  kusto: 'kusto',
  spl: 'spl',
  splunk: 'spl',
  sigma: 'sigma',
};

/** A query inside a file: its text and how its offsets map to the file's. */
interface Embedded {
  query: string;
  /** File offset of a query offset, or undefined when the query text is not verbatim in the file. */
  toFile(offset: number): number | undefined;
}

/**
 * The `query` of a Sentinel analytic rule. A literal block (`query: |`) or a one-line scalar
 * written without escapes maps back to file positions; other styles report positions in the query.
 */
function analyticQuery(text: string): Embedded | Diagnostic {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    return {
      severity: 'error',
      code: 'CHECK-YAML',
      message: `not valid YAML: ${e.message.split('\n')[0]}`,
      span: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1) },
    };
  }
  const found: unknown = isMap(doc.contents) ? doc.contents.get('query', true) : undefined;
  const node = isScalar(found) ? found : undefined;
  const value: unknown = node?.value;
  if (!node || typeof value !== 'string') {
    return {
      severity: 'error',
      code: 'CHECK-NO-QUERY',
      message: 'the YAML file has no `query` string (a Sentinel analytic rule keeps its KQL there)',
      span: { start: 0, end: 1 },
      hint: 'check a .kql file with the query alone, or a Sentinel scheduled analytic rule .yaml',
    };
  }
  const query = value;
  const [start, valueEnd] = node.range ?? [0, 0];
  if (node.type === Scalar.BLOCK_LITERAL) {
    // header line (`|`, `|-`, `|2`), then every line indented by the block's indentation
    const body = text.indexOf('\n', start) + 1;
    const lines = query.split('\n');
    const fileLines: number[] = [];
    let at = body;
    let indent = -1;
    for (let i = 0; i < lines.length && at <= valueEnd; i++) {
      const nl = text.indexOf('\n', at);
      const line = text.slice(at, nl < 0 ? text.length : nl);
      if (indent < 0 && line.trim() !== '') indent = line.length - line.trimStart().length;
      fileLines.push(at + Math.max(indent, 0));
      at = nl < 0 ? text.length : nl + 1;
    }
    const lineStarts = [0];
    for (let i = 0; i < query.length; i++) if (query[i] === '\n') lineStarts.push(i + 1);
    return {
      query,
      toFile(offset) {
        let l = lineStarts.length - 1;
        while (l > 0 && lineStarts[l] > offset) l--;
        const base = fileLines[l];
        return base === undefined ? undefined : base + offset - lineStarts[l];
      },
    };
  }
  const raw = text.slice(start, valueEnd);
  const inner = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0;
  const verbatim = raw.slice(inner, raw.length - inner) === query;
  return { query, toFile: (o) => (verbatim ? start + inner + o : undefined) };
}

function looksLikeAnalyticRule(text: string): boolean {
  try {
    const d = parseDocument(text);
    return !d.errors.length && isMap(d.contents) && d.contents.has('query');
  } catch {
    return false;
  }
}

/** File position of a Sigma issue path (`/detection/condition`) in a multi-document YAML file. */
function sigmaOffset(text: string, document: number, path: string): number {
  const docs = parseAllDocuments(text);
  const d = Array.isArray(docs) ? docs[document - 1] : undefined;
  if (!d) return 0;
  let node: unknown = d.contents;
  let at = (d.contents as Node | null)?.range?.[0] ?? 0;
  for (const seg of path.split('/').filter(Boolean)) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (!pair) break;
      at = (pair.key as Node).range?.[0] ?? at;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)];
      if (!item) break;
      at = (item as Node).range?.[0] ?? at;
      node = item;
    } else break;
  }
  return at;
}

function severityOf(s: string): Severity | undefined {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : undefined;
}

function checkText(
  kind: 'kusto' | 'spl' | 'sigma',
  file: string,
  text: string,
  extraTables: readonly TableSchema[] = [],
): { diagnostics: Diagnostic[]; checked: string } {
  const locate = (d: Diagnostic): Diagnostic => {
    if (d.offset === undefined && d.span) d.offset = d.span.start;
    if (d.offset !== undefined && d.line === undefined)
      Object.assign(d, lineColumn(text, d.offset));
    return { ...d, file };
  };
  if (kind === 'spl') {
    const r = checkSpl(text);
    return { diagnostics: r.diagnostics.map(locate), checked: 'SPL checker' };
  }
  if (kind === 'sigma') {
    const issues = validateSigma(text);
    return {
      checked: 'Sigma schemas and structure',
      diagnostics: issues.map((i) => {
        const at = sigmaOffset(text, i.document, i.path);
        return locate({
          severity: i.kind === 'regex' ? 'warning' : 'error',
          code: `SIGMA-${i.kind.toUpperCase()}`,
          message: `${i.path || '/'}: ${i.message}${i.document > 1 ? ` (document ${i.document})` : ''}`,
          span: { start: at, end: at + 1 },
        });
      }),
    };
  }
  // an analytic rule: a .yaml / .yml file, or standard input holding a YAML map with a query
  const yaml = /\.ya?ml$/i.test(file) || (file === '<stdin>' && looksLikeAnalyticRule(text));
  let emb: Embedded = { query: text, toFile: (o) => o };
  if (yaml) {
    const q = analyticQuery(text);
    if ('severity' in q) return { diagnostics: [locate(q)], checked: 'Kusto language service' };
    emb = q;
  }
  const byName = new Map(bundledSchemas());
  for (const t of extraTables) byName.set(t.table, t);
  const tables = [...byName.values()];
  const out: Diagnostic[] = [];
  for (const k of checkKusto(emb.query, tables)) {
    const severity = severityOf(k.severity);
    if (!severity) continue;
    const s = emb.toFile(k.start);
    const e = emb.toFile(k.start + Math.max(k.length, 1));
    if (s !== undefined) {
      out.push(
        locate({
          severity,
          code: k.code,
          message: k.message,
          span: { start: s, end: e !== undefined && e > s ? e : s + 1 },
        }),
      );
    } else {
      // not verbatim in the file: the position is in the query text
      const lc = lineColumn(emb.query, k.start);
      out.push({
        severity,
        code: k.code,
        message: `${k.message} (query line ${lc.line}, column ${lc.column})`,
        file,
      });
    }
  }
  return { diagnostics: out, checked: 'Kusto language service' };
}

export async function runCheck(file: string, opts: CheckOptions, io: CliIO): Promise<number> {
  if (!opts.target)
    throw new UsageError('--target is required: sentinel|kusto, spl|splunk or sigma');
  const kind = TARGETS[opts.target.toLowerCase()];
  if (!kind)
    throw new UsageError(
      `--target: unknown target '${opts.target}' (known: sentinel, kusto, spl, splunk, sigma)`,
    );
  if (opts.format !== 'text' && opts.format !== 'json')
    throw new UsageError(`--format must be text or json, not '${opts.format}'`);
  let text: string;
  let label = file;
  if (file === '-') {
    text = await io.readStdin();
    label = '<stdin>';
  } else {
    const path = resolve(io.cwd, file);
    let size: number;
    try {
      const st = statSync(path);
      if (st.isDirectory()) throw new UsageError(`${file} is a directory; give one query file`);
      size = st.size;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    if (size > 16 * 1024 * 1024) throw new UsageError(`${file} is larger than 16 MB`);
    text = readFileSync(path, 'utf8');
  }
  let extra: TableSchema[] = [];
  if (opts.schemas !== undefined) {
    if (kind !== 'kusto') throw new UsageError('--schemas applies to --target sentinel|kusto');
    try {
      extra = loadSchemaDir(resolve(io.cwd, opts.schemas));
    } catch (e) {
      throw new UsageError(`--schemas: ${e instanceof SchemaError ? e.message : String(e)}`);
    }
  }
  const { diagnostics, checked } = checkText(kind, label, text, extra);
  const shown = diagnostics.map((d) =>
    opts.strict && d.severity === 'warning' ? { ...d, severity: 'error' as const } : d,
  );
  const errors = shown.filter((d) => d.severity === 'error').length;
  const warnings = shown.length - errors;
  if (opts.format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          file: label,
          target: opts.target.toLowerCase(),
          checker: checked,
          errors,
          warnings,
          diagnostics: shown.map((d) => ({
            line: d.line ?? null,
            column: d.column ?? null,
            severity: d.severity,
            code: d.code,
            message: d.message,
            ...(d.span ? { span: d.span } : {}),
            ...(d.hint ? { hint: d.hint } : {}),
          })),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const colour = useColour(io);
    for (const d of shown) {
      const r = renderDiagnostic(d, d.line !== undefined ? text : undefined);
      io.stdout(
        (colour
          ? r.replace(
              / (error|warning) /,
              (m, s) => ` ${s === 'error' ? '\x1b[31m' : '\x1b[33m'}${s}\x1b[0m `,
            )
          : r) + '\n',
      );
    }
    io.stdout(
      `${label}: ${checked}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`,
    );
  }
  return errors > 0 ? 1 : 0;
}

export const registerCheck: Register = (program, io, setExit) => {
  program
    .command('check')
    .description(
      "check a target query with the target's own checker (Kusto language service, SPL checker, Sigma schemas)",
    )
    .argument('<file>', '.kql / Sentinel analytic rule .yaml, .spl, Sigma .yml, or - for stdin')
    .option('-t, --target <target>', 'sentinel|kusto, spl|splunk or sigma')
    .option(
      '--schemas <dir>',
      'sentinel: a directory of table schema .yaml files checked with the bundled ones',
    )
    .option('--format <format>', 'text or json', 'text')
    .option('--strict', 'warnings are errors too (exit 1)')
    .action(async (file: string, opts: CheckOptions) => {
      setExit(await runCheck(file, opts, io));
    });
};
