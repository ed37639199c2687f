/**
 * Loading rules from text, files, directories, globs and stdin. Every loader returns
 * `LoadedRule[]` and never throws for bad input: problems are diagnostics with file, line, column.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Diagnostic, hasErrors, locate } from '../diagnostics.js';
import { isSupportedRule, type LoadedRule, type Rule, type RuleFileFormat } from './model.js';
import { loadTomlRule } from './from-toml.js';
import { loadKibanaJson, loadNdjson } from './from-json.js';
import { loadCaseSpec } from './case-spec.js';
import { normalizeRule } from './normalize.js';
import { findDuplicateIds, validateRule } from './validate.js';
import { ruleAst } from './ast.js';
import { expandGlob, hasGlob } from './glob.js';
import { RuleCode } from './codes.js';

/** Files larger than this are refused with a clear error instead of exhausting memory. */
export const MAX_RULE_FILE_BYTES = 256 * 1024 * 1024;

export interface LoadOptions {
  /** Force the format instead of guessing it from the extension / content. */
  format?: RuleFileFormat;
  /** Time for date-math checks (history window vs from); default: now. */
  now?: Date;
}

const EXT: Record<string, RuleFileFormat> = {
  toml: 'toml',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  kql: 'kql',
  kuery: 'kql',
  yaml: 'yaml',
  yml: 'yaml',
};

export function formatFromPath(file: string): RuleFileFormat | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(file);
  return m ? EXT[m[1].toLowerCase()] : undefined;
}

/** Guess the format of text without a telling extension (stdin, `.txt`). */
export function sniffFormat(text: string): RuleFileFormat {
  const t = text.replace(/^\ufeff/, '').trimStart();
  if (t.startsWith('[') && /^\s*\[(metadata|rule)\]\s*$/m.test(text)) return 'toml';
  if (/^\s*\[(metadata|rule)\]\s*$/m.test(text) || /^\s*rule_id\s*=/m.test(text)) return 'toml';
  if (t.startsWith('{') || t.startsWith('[')) {
    const lines = t.split('\n').filter((l) => l.trim() !== '');
    if (
      lines.length > 1 &&
      lines.every((l) => l.trimStart().startsWith('{') && l.trimEnd().endsWith('}'))
    )
      return 'ndjson';
    return 'json';
  }
  if (/^query\s*:/m.test(text) && /^(id|rule|events|expect)\s*:/m.test(text)) return 'yaml';
  return 'kql';
}

function fileDiag(file: string, code: string, message: string, hint?: string): LoadedRule {
  const d: Diagnostic = { severity: 'error', code, message, file, line: 1, column: 1 };
  if (hint) d.hint = hint;
  return { file, diagnostics: [d] };
}

/** Validate a freshly loaded rule and attach its AST when everything is clean. */
export function finishRule(
  rule: Rule,
  loadDiagnostics: Diagnostic[],
  opts: LoadOptions = {},
): LoadedRule {
  const text = rule.source.text;
  const diagnostics = loadDiagnostics.map((d) =>
    text !== undefined && d.line === undefined ? locate(d, text) : d,
  );
  diagnostics.push(...validateRule(rule, opts.now ? { now: opts.now } : {}));
  const unsupported = diagnostics.some(
    (d) => d.code === RuleCode.UNSUPPORTED_TYPE || d.code === RuleCode.UNSUPPORTED_LANGUAGE,
  );
  if (!unsupported && isSupportedRule(rule) && rule.query !== undefined) {
    const r = ruleAst(rule);
    diagnostics.push(...r.diagnostics);
    const lossy = r.diagnostics.some((d) => d.code === RuleCode.FILTER_UNSUPPORTED);
    if (r.ast && !lossy && !hasErrors(diagnostics)) rule.ast = r.ast;
  }
  return { rule, diagnostics, file: rule.source.file };
}

function loadKql(text: string, file: string): { rule: Rule; diagnostics: Diagnostic[] } {
  const base = (file.split(/[\\/]/).pop() ?? file).replace(/\.(kql|kuery)$/i, '');
  const source: Rule['source'] = {
    file,
    text,
    format: 'kql',
    ruleOffset: 0,
    queryOffset: 0,
    fieldOffsets: { query: 0 },
  };
  return normalizeRule({
    fields: { type: 'query', language: 'kuery', query: text },
    metadata: {},
    source,
    at: () => 0,
    ruleOffset: 0,
    defaultId: base,
    defaultName: base,
    requireIdentity: false,
  });
}

/**
 * Load every rule in `text` (the content of `file`). Also callable as
 * `loadRuleText(text, { file, format, now })` (file defaults to `<input>`).
 */
export function loadRuleText(
  text: string,
  file: string,
  format?: RuleFileFormat,
  opts?: LoadOptions,
): LoadedRule[];
export function loadRuleText(text: string, opts?: LoadOptions & { file?: string }): LoadedRule[];
export function loadRuleText(
  text: string,
  fileOrOpts: string | (LoadOptions & { file?: string }) = {},
  format?: RuleFileFormat,
  opts: LoadOptions = {},
): LoadedRule[] {
  if (typeof fileOrOpts !== 'string') {
    const { file: f, ...rest } = fileOrOpts;
    return loadRuleText(text, f ?? '<input>', rest.format, rest);
  }
  const file = fileOrOpts;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) {
    return [
      fileDiag(
        file,
        RuleCode.BINARY,
        'binary file: not a rule file (it contains NUL bytes)',
        'rule files are UTF-8 text: .toml, .json, .ndjson, .kql, .yaml',
      ),
    ];
  }
  if (text.trim() === '') {
    return [
      fileDiag(
        file,
        RuleCode.EMPTY,
        'empty file: no rule in it',
        'a rule file holds a KQL query (.kql) or a rule (.toml, .json, .ndjson, .yaml)',
      ),
    ];
  }
  const fmt = format ?? formatFromPath(file) ?? sniffFormat(text);
  const out: LoadedRule[] = [];
  switch (fmt) {
    case 'toml': {
      const r = loadTomlRule(text, file);
      out.push(
        r.rule ? finishRule(r.rule, r.diagnostics, opts) : { file, diagnostics: r.diagnostics },
      );
      break;
    }
    case 'json':
    case 'ndjson': {
      // A `.json` file holding one object per line is an NDJSON export.
      let loads = fmt === 'json' ? loadKibanaJson(text, file) : loadNdjson(text, file);
      if (
        fmt === 'json' &&
        loads.length === 1 &&
        !loads[0].rule &&
        loads[0].diagnostics[0]?.code === RuleCode.BAD_JSON &&
        sniffFormat(text) === 'ndjson'
      ) {
        loads = loadNdjson(text, file);
      }
      for (const r of loads)
        out.push(
          r.rule ? finishRule(r.rule, r.diagnostics, opts) : { file, diagnostics: r.diagnostics },
        );
      if (!loads.some((l) => l.rule) && !loads.some((l) => hasErrors(l.diagnostics))) {
        out.push({
          file,
          diagnostics: [
            {
              severity: 'warning',
              code: RuleCode.NO_RULES,
              message: 'no rules in this file',
              file,
              line: 1,
              column: 1,
            },
          ],
        });
      }
      break;
    }
    case 'yaml': {
      const r = loadCaseSpec(text, file);
      const now = opts.now ?? r.spec?.now;
      out.push(
        r.rule
          ? finishRule(r.rule, r.diagnostics, now ? { ...opts, now } : opts)
          : { file, diagnostics: r.diagnostics },
      );
      break;
    }
    case 'kql': {
      const r = loadKql(text, file);
      out.push(finishRule(r.rule, r.diagnostics, opts));
      break;
    }
  }
  return out;
}

/** Read a file as UTF-8 text, or a diagnostic (missing, directory, too large, binary, not UTF-8). */
export function readRuleFile(path: string): { text: string } | { error: LoadedRule } {
  let buf: Buffer;
  try {
    const st = statSync(path);
    if (st.isDirectory())
      return {
        error: fileDiag(path, RuleCode.IO, 'is a directory', 'pass directories to loadRulePaths'),
      };
    if (st.size > MAX_RULE_FILE_BYTES) {
      return {
        error: fileDiag(
          path,
          RuleCode.TOO_LARGE,
          `file too large (${st.size} bytes; the limit is ${MAX_RULE_FILE_BYTES})`,
        ),
      };
    }
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EACCES'
          ? 'permission denied'
          : String((e as Error).message);
    return { error: fileDiag(path, RuleCode.IO, `cannot read: ${why}`) };
  }
  if (buf.subarray(0, 8192).includes(0)) {
    return {
      error: fileDiag(
        path,
        RuleCode.BINARY,
        'binary file: not a rule file (it contains NUL bytes)',
      ),
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf) };
  } catch {
    return {
      error: fileDiag(
        path,
        RuleCode.BINARY,
        'not UTF-8 text: not a rule file',
        'rule files are UTF-8 text',
      ),
    };
  }
}

export async function loadRuleFile(path: string, opts: LoadOptions = {}): Promise<LoadedRule[]> {
  const r = readRuleFile(path);
  if ('error' in r) return [r.error];
  return loadRuleText(r.text, path, opts.format, opts);
}

export interface PathsIO {
  readStdin?: () => Promise<string>;
  cwd?: string;
}

export interface PathsOptions extends LoadOptions {
  /** Called after each file with the count done and the total (for progress bars). */
  onProgress?: (done: number, total: number) => void;
}

/** Rule files in a directory tree, sorted; non-rule JSON / YAML files are left out. */
function walkDir(dirAbs: string, display: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dirAbs).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const abs = join(dirAbs, name);
    const disp = display === '.' ? name : `${display.replace(/\/$/, '')}/${name}`;
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      continue;
    }
    if (isDir) walkDir(abs, disp, out);
    else if (formatFromPath(name)) out.push(disp);
  }
}

/** JSON / YAML files met while walking a directory are rules only if they look like rules. */
function looksLikeRule(text: string, fmt: RuleFileFormat): boolean {
  if (fmt === 'json' || fmt === 'ndjson') return /"rule_id"\s*:|"query"\s*:/.test(text);
  if (fmt === 'yaml') return /^query\s*:/m.test(text);
  return true;
}

/**
 * Load rules from files, directories (recursive), globs and `-` (stdin). Order is deterministic:
 * arguments in order, each directory / glob sorted by path. Duplicate rule ids across the batch
 * are reported on the later rule.
 */
export async function loadRulePaths(
  paths: string[],
  io: PathsIO = {},
  opts: PathsOptions = {},
): Promise<LoadedRule[]> {
  const cwd = io.cwd ?? process.cwd();
  type Item =
    | { kind: 'file'; path: string; fromWalk: boolean }
    | { kind: 'stdin' }
    | { kind: 'error'; loaded: LoadedRule };
  const items: Item[] = [];
  const seen = new Set<string>();
  const addFile = (p: string, fromWalk: boolean) => {
    const key = resolve(cwd, p);
    if (seen.has(key)) return;
    seen.add(key);
    items.push({ kind: 'file', path: p, fromWalk });
  };
  for (const p of paths) {
    if (p === '-') {
      items.push({ kind: 'stdin' });
      continue;
    }
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) {
      const files: string[] = [];
      walkDir(abs, p, files);
      if (files.length === 0) {
        items.push({
          kind: 'error',
          loaded: {
            file: p,
            diagnostics: [
              {
                severity: 'warning',
                code: RuleCode.NO_RULES,
                message: 'no rule files in this directory',
                file: p,
                line: 1,
                column: 1,
              },
            ],
          },
        });
      }
      for (const f of files) addFile(f, true);
    } else if (st) addFile(p, false);
    else if (hasGlob(p)) {
      const files = expandGlob(p, cwd).filter((f) => formatFromPath(f));
      if (files.length === 0) {
        items.push({
          kind: 'error',
          loaded: fileDiag(p, RuleCode.IO, 'no rule files match this pattern'),
        });
      }
      for (const f of files) addFile(f, true);
    } else
      items.push({
        kind: 'error',
        loaded: fileDiag(p, RuleCode.IO, 'cannot read: no such file or directory'),
      });
  }
  const out: LoadedRule[] = [];
  let done = 0;
  for (const it of items) {
    if (it.kind === 'error') out.push(it.loaded);
    else if (it.kind === 'stdin') {
      const text = io.readStdin ? await io.readStdin() : readFileSync(0, 'utf8');
      out.push(...loadRuleText(text, '<stdin>', opts.format, opts));
    } else {
      const abs = resolve(cwd, it.path);
      const r = readRuleFile(abs);
      if ('error' in r)
        out.push({
          ...r.error,
          file: it.path,
          diagnostics: r.error.diagnostics.map((d) => ({ ...d, file: it.path })),
        });
      else {
        const fmt = opts.format ?? formatFromPath(it.path) ?? sniffFormat(r.text);
        if (!it.fromWalk || looksLikeRule(r.text, fmt))
          out.push(...loadRuleText(r.text, it.path, opts.format, opts));
      }
    }
    opts.onProgress?.(++done, items.length);
  }
  for (const { index, diagnostic } of findDuplicateIds(out))
    out[index].diagnostics.push(diagnostic);
  return out;
}
