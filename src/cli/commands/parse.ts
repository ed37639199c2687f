/**
 * `siemc parse` and `siemc fmt`: the KQL front end on the command line.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Register } from '../main.js';
import { type CliIO, UsageError } from '../io.js';
import { parse } from '../../kql/parse.js';
import { toCanonical } from '../../kql/canonical.js';
import { format } from '../../kql/print.js';
import type { Node } from '../../kql/ast.js';
import { type Diagnostic, hasErrors, renderDiagnostic } from '../../diagnostics.js';
import {
  formatFromPath,
  loadRuleText,
  ReplaceQueryError,
  replaceQueryInFile,
  sniffFormat,
} from '../../rules/index.js';

/** One query to work on: its text and where diagnostics about it point. */
interface QueryInput {
  /** Label for messages: file path, `<stdin>`, or `file#rule-id`. */
  label: string;
  query: string;
  /** Parse result, with diagnostics already located in `fileText`. */
  ast: Node | null;
  diagnostics: Diagnostic[];
  fileText: string;
  ruleId?: string;
  /** Position of the rule among the rules of its file (for rewriting multi-rule files). */
  ruleIndex?: number;
}

async function readInput(
  io: CliIO,
  file: string | undefined,
): Promise<{ label: string; text: string }> {
  if (file === undefined || file === '-') return { label: '<stdin>', text: await io.readStdin() };
  try {
    return { label: file, text: readFileSync(file, 'utf8') };
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Queries in a file: a bare query (.kql / stdin text) or every rule of a rule file. */
function queriesOf(label: string, text: string): QueryInput[] {
  const fmt = formatFromPath(label) ?? sniffFormat(text);
  if (fmt === 'kql') {
    // Trailing white space (a file's final newline) cannot change the query; without it, an
    // error at the end of the query is shown on the query's last line, not on an empty one.
    const r = parse(text.replace(/[\s\u00a0]+$/, ''));
    return [
      {
        label,
        query: text,
        ast: r.ast,
        diagnostics: r.diagnostics.map((d) => ({ ...d, file: label })),
        fileText: text,
      },
    ];
  }
  const out: QueryInput[] = [];
  for (const [ruleIndex, loaded] of loadRuleText(text, label, fmt).entries()) {
    const rule = loaded.rule;
    const syntax = loaded.diagnostics.filter((d) => d.code.startsWith('KQL'));
    const other = loaded.diagnostics.filter(
      (d) => !d.code.startsWith('KQL') && d.severity === 'error',
    );
    if (!rule || rule.query === undefined) {
      out.push({
        label,
        query: '',
        ast: null,
        diagnostics: other.length ? other : loaded.diagnostics,
        fileText: text,
      });
      continue;
    }
    const r = parse(rule.query);
    out.push({
      label: `${label}#${rule.id}`,
      query: rule.query,
      ast: r.ast,
      diagnostics: syntax,
      fileText: text,
      ruleId: rule.id,
      ruleIndex,
    });
  }
  return out;
}

function report(io: CliIO, q: QueryInput): void {
  for (const d of q.diagnostics) io.stderr(renderDiagnostic(d, q.fileText) + '\n');
}

function parseJsonl(io: CliIO, text: string, label: string): number {
  let failed = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let query: unknown;
    try {
      query = (JSON.parse(line) as { query?: unknown }).query;
    } catch (e) {
      failed++;
      io.stderr(`${label}:${i + 1}: invalid JSON: ${(e as Error).message}\n`);
      io.stdout(
        JSON.stringify({ ok: false, error: { message: 'invalid JSON line', line: i + 1 } }) + '\n',
      );
      return;
    }
    if (typeof query !== 'string') {
      failed++;
      io.stdout(
        JSON.stringify({ ok: false, error: { message: 'line has no string "query" field' } }) +
          '\n',
      );
      return;
    }
    const r = parse(query);
    if (r.ast) {
      io.stdout(JSON.stringify({ ok: true, ast: toCanonical(r.ast) }) + '\n');
    } else {
      failed++;
      const d = r.diagnostics[0];
      io.stdout(
        JSON.stringify({
          ok: false,
          error: { message: d.message, line: d.line, column: d.column, offset: d.offset },
        }) + '\n',
      );
    }
  });
  return failed > 0 ? 1 : 0;
}

function registerParseCommand(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('parse')
    .description('parse a KQL query or the queries of a rule file and print the AST as JSON')
    .argument('[file]', 'a .kql file, a rule file (.toml, .json, .ndjson, .yaml) or - for stdin')
    .option(
      '--canonical',
      "print the neutral canonical tree (the corpus's form) instead of the AST",
    )
    .option('--jsonl', 'read JSON lines with a "query" field; write one result line per input line')
    .action(async (file: string | undefined, opts: { canonical?: boolean; jsonl?: boolean }) => {
      const input = await readInput(io, file);
      if (opts.jsonl) {
        setExit(parseJsonl(io, input.text, input.label));
        return;
      }
      const qs = queriesOf(input.label, input.text);
      const many = qs.length > 1 || qs.some((q) => q.ruleId !== undefined);
      for (const q of qs) {
        report(io, q);
        if (hasErrors(q.diagnostics) || !q.ast) {
          setExit(1);
          continue;
        }
        const tree = opts.canonical ? toCanonical(q.ast) : q.ast;
        if (many)
          io.stdout(JSON.stringify({ file: input.label, rule: q.ruleId, ast: tree }) + '\n');
        else io.stdout(JSON.stringify(tree, null, 2) + '\n');
      }
    });
}

/** Write `text` to `path` through a temporary file, so a failure leaves the original intact. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.siemc-${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function registerFmtCommand(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('fmt')
    .description('print KQL in canonical style (a rule file: only its query is rewritten)')
    .argument('[files...]', '.kql or rule files; stdin when none')
    .option('--check', 'exit 1 and list the files that are not formatted; change nothing')
    .option('--write', 'rewrite the files in place')
    .option('--width <n>', 'break expressions longer than this', '100')
    .action(async (files: string[], opts: { check?: boolean; write?: boolean; width: string }) => {
      const width = Number(opts.width);
      if (!Number.isInteger(width) || width < 20)
        throw new UsageError('--width takes a whole number >= 20');
      if (opts.check && opts.write) throw new UsageError('--check and --write cannot be combined');
      const inputs = files.length === 0 ? [undefined] : files;
      if (opts.write && files.length === 0) throw new UsageError('--write needs file arguments');
      let unformatted = 0;
      for (const file of inputs) {
        const input = await readInput(io, file);
        const kind = formatFromPath(input.label) ?? sniffFormat(input.text);
        const qs = queriesOf(input.label, input.text);
        let out = input.text;
        let ok = true;
        for (const q of qs) {
          report(io, q);
          if (hasErrors(q.diagnostics) || !q.ast) {
            ok = false;
            continue;
          }
          const pretty = format(q.ast, { width });
          if (kind === 'kql') {
            // Keep the file's final newline convention.
            out = pretty + (input.text.endsWith('\n') ? '\n' : '');
          } else if (pretty !== q.query.trim()) {
            try {
              out = replaceQueryInFile(out, kind, pretty, { ruleIndex: q.ruleIndex });
            } catch (e) {
              if (!(e instanceof ReplaceQueryError)) throw e;
              ok = false;
              io.stderr(
                `${input.label}: cannot rewrite the query of rule ${q.ruleId}: ${e.message}\n`,
              );
            }
          }
        }
        if (!ok) {
          setExit(1);
          continue;
        }
        const changed = out !== input.text;
        if (opts.check) {
          if (changed) {
            unformatted++;
            io.stdout(`${input.label}\n`);
          }
        } else if (opts.write) {
          if (changed) writeAtomically(input.label, out);
        } else {
          io.stdout(out.endsWith('\n') ? out : out + '\n');
        }
      }
      if (unformatted > 0) {
        io.stderr(`${unformatted} file(s) not formatted; run siemc fmt --write\n`);
        setExit(1);
      }
    });
}

export const registerParse: Register = (program, io, setExit) => {
  registerParseCommand(program, io, setExit);
  registerFmtCommand(program, io, setExit);
};
