/**
 * Batch conversion over any set of registered targets: translate every loaded rule to every
 * target, continue past failures, name output files, bundle per-target files, and build the
 * report (JSON and Markdown) with totals per target.
 */
import { basename, extname } from 'node:path';
import type { Diagnostic } from '../../src/diagnostics.js';
import type { LoadedRule, Rule } from '../../src/rules/model.js';
import { isSupportedRule } from '../../src/rules/model.js';
import type {
  OutputFile,
  TargetName,
  Translation,
  TranslationDiagnostic,
  Verdict,
} from '../types.js';
import type { BundleEntry, Target, TranslateOptions } from './target.js';
import { translateRule } from './translate.js';

/** Outcome of one rule for one target. */
export type ItemStatus = Verdict | 'failed' | 'skipped';

export interface BatchItem {
  file: string;
  ruleId?: string;
  ruleName?: string;
  /** Output file stem (unique within the batch). */
  stem: string;
  target: TargetName;
  status: ItemStatus;
  translation?: Translation;
  /** Loader / parser diagnostics when the rule could not be translated. */
  loadDiagnostics: Diagnostic[];
  /** Target checker errors (the emitted text does not pass the target's own checker). */
  checkDiagnostics: Diagnostic[];
  rule?: Rule;
}

export type Totals = Record<ItemStatus, number>;

export interface BatchReport {
  targets: TargetName[];
  items: BatchItem[];
  totals: Record<string, Totals>;
}

export function emptyTotals(): Totals {
  return { exact: 0, wider: 0, narrower: 0, different: 0, unsupported: 0, failed: 0, skipped: 0 };
}

function stemOf(file: string): string {
  const b = basename(file);
  const s = b.slice(0, b.length - extname(b).length) || 'rule';
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export interface BatchOptions extends TranslateOptions {
  /** Run each target's output checker and count checker errors as failures (default true). */
  check?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** The target checker's errors; a checker that crashes is an error too (the batch goes on). */
function runCheck(target: Target, text: string): Diagnostic[] {
  try {
    return target.check!(text).filter((d) => d.severity === 'error');
  } catch (e) {
    return [
      {
        severity: 'error',
        code: 'CHECK-INTERNAL',
        message: `the ${target.name} output checker failed: ${(e as Error).message}`,
        hint: 'this is a bug in siemc; please report it with the rule',
      },
    ];
  }
}

/** Translate every rule to every target. Never throws for bad rules. */
export function convertBatch(
  loaded: LoadedRule[],
  targets: readonly Target[],
  opts: BatchOptions = {},
): BatchReport {
  const items: BatchItem[] = [];
  const usedStems = new Set<string>();
  const perFile = new Map<string, number>();
  for (const l of loaded) perFile.set(l.file, (perFile.get(l.file) ?? 0) + 1);
  const total = loaded.length * targets.length;
  let done = 0;
  for (const l of loaded) {
    let stem = stemOf(l.file);
    if ((perFile.get(l.file) ?? 1) > 1 && l.rule?.id)
      stem = `${stem}-${l.rule.id.replace(/[^A-Za-z0-9._-]+/g, '_')}`;
    let unique = stem;
    for (let n = 2; usedStems.has(unique); n++) unique = `${stem}-${n}`;
    usedStems.add(unique);
    const loadErrors = l.diagnostics.filter((d) => d.severity === 'error');
    for (const target of targets) {
      const base = {
        file: l.file,
        stem: unique,
        target: target.name,
        loadDiagnostics: l.diagnostics,
        checkDiagnostics: [] as Diagnostic[],
      };
      const rule = l.rule;
      if (!rule) {
        items.push({ ...base, status: 'failed' });
      } else if (!isSupportedRule(rule)) {
        items.push({ ...base, rule, ruleId: rule.id, ruleName: rule.name, status: 'skipped' });
      } else if (loadErrors.length > 0) {
        items.push({ ...base, rule, ruleId: rule.id, ruleName: rule.name, status: 'failed' });
      } else {
        const translation = translateRule(rule, target, opts);
        const checkDiagnostics =
          opts.check !== false && target.check && translation.text !== ''
            ? runCheck(target, translation.text)
            : [];
        const internal = translation.diagnostics.some((d) => d.code === 'INTERNAL');
        items.push({
          ...base,
          rule,
          ruleId: rule.id,
          ruleName: rule.name,
          translation,
          checkDiagnostics,
          status: internal || checkDiagnostics.length > 0 ? 'failed' : translation.verdict,
        });
      }
      done++;
      opts.onProgress?.(done, total);
    }
  }
  const totals: Record<string, Totals> = {};
  for (const t of targets) totals[t.name] = emptyTotals();
  for (const it of items) totals[it.target][it.status]++;
  return { targets: targets.map((t) => t.name), items, totals };
}

/** Files to write for a batch: one per rule and target, plus each target's bundle. */
export function batchFiles(report: BatchReport, targets: readonly Target[]): OutputFile[] {
  const files: OutputFile[] = [];
  for (const target of targets) {
    const mine = report.items.filter(
      (i) =>
        i.target === target.name &&
        i.translation &&
        i.translation.text !== '' &&
        i.status !== 'failed',
    );
    for (const it of mine) {
      files.push({
        path: `${target.outDir}/${it.stem}${target.extension}`,
        content: it.translation!.text.replace(/\n?$/, '\n'),
      });
      for (const a of it.translation!.artifacts ?? []) {
        // `{stem}.yaml` is a per-rule file; any other artifact is for the target's bundler
        if (!a.path.startsWith('{stem}')) continue;
        files.push({
          path: `${target.outDir}/${it.stem}${a.path.slice('{stem}'.length)}`,
          content: a.content,
        });
      }
    }
    if (target.bundle && mine.length > 0) {
      const entries: BundleEntry[] = mine.map((it) => ({
        rule: it.rule!,
        stem: it.stem,
        translation: it.translation!,
      }));
      for (const f of target.bundle(entries))
        files.push({ path: `${target.outDir}/${f.path}`, content: f.content });
    }
  }
  return files;
}

function diagJson(d: TranslationDiagnostic | Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = { severity: d.severity, code: d.code, message: d.message };
  if ('effect' in d) out.effect = d.effect;
  if (d.span) out.span = d.span;
  if ('line' in d && d.line !== undefined) out.line = d.line;
  if ('column' in d && d.column !== undefined) out.column = d.column;
  if (d.hint) out.hint = d.hint;
  return out;
}

/** The machine-readable report (`report.json`). */
export function reportJson(report: BatchReport): Record<string, unknown> {
  return {
    targets: report.targets,
    totals: report.totals,
    rules: report.items.map((it) => ({
      file: it.file,
      rule_id: it.ruleId ?? null,
      name: it.ruleName ?? null,
      target: it.target,
      status: it.status,
      output: it.translation && it.status !== 'failed' && it.translation.text ? it.stem : null,
      verdict: it.translation?.verdict ?? null,
      text:
        it.translation && it.status !== 'failed' && it.translation.text
          ? it.translation.text
          : null,
      diagnostics: [
        ...it.loadDiagnostics.filter((d) => d.severity !== 'info').map(diagJson),
        ...(it.translation?.diagnostics ?? []).map(diagJson),
        ...it.checkDiagnostics.map(diagJson),
      ],
      mapping_trace: it.translation?.mappingTrace ?? [],
    })),
  };
}

const STATUSES: ItemStatus[] = [
  'exact',
  'wider',
  'narrower',
  'different',
  'unsupported',
  'failed',
  'skipped',
];

/** One line per target: `spl: 700 exact, 20 wider, ...`. */
export function totalsText(report: BatchReport): string {
  return report.targets
    .map((t) => {
      const tot = report.totals[t];
      const parts = STATUSES.filter(
        (s) => tot[s] > 0 || ['exact', 'wider', 'narrower', 'unsupported'].includes(s),
      ).map((s) => `${tot[s]} ${s}`);
      return `${t}: ${parts.join(', ')}`;
    })
    .join('\n');
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The readable report (`report.md`). */
export function reportMarkdown(report: BatchReport): string {
  const out: string[] = ['# siemc conversion report', ''];
  out.push('| target | ' + STATUSES.join(' | ') + ' |');
  out.push('|---|' + STATUSES.map(() => '---:').join('|') + '|');
  for (const t of report.targets)
    out.push(`| ${t} | ${STATUSES.map((s) => report.totals[t][s]).join(' | ')} |`);
  out.push('');
  const byFile = new Map<string, BatchItem[]>();
  for (const it of report.items) {
    const k = `${it.file}\u0000${it.ruleId ?? ''}`;
    byFile.set(k, [...(byFile.get(k) ?? []), it]);
  }
  for (const group of byFile.values()) {
    const first = group[0];
    out.push(`## ${mdCell(first.ruleName ?? first.file)}`, '');
    out.push(`\`${first.file}\`${first.ruleId ? ` — rule_id \`${first.ruleId}\`` : ''}`, '');
    out.push('| target | result | diagnostics |', '|---|---|---|');
    for (const it of group) {
      const ds = [
        ...it.loadDiagnostics.filter((d) => d.severity === 'error'),
        ...(it.translation?.diagnostics ?? []).filter(
          (d) => d.severity !== 'info' || d.effect !== 'exact',
        ),
        ...it.checkDiagnostics,
      ];
      // one line per distinct diagnostic (the same loss at several places reads once)
      const lines = [
        ...new Set(
          ds.map((d) => `${d.code}${'effect' in d ? ` (${d.effect})` : ''}: ${mdCell(d.message)}`),
        ),
      ];
      const text = lines.length ? lines.join('<br>') : '—';
      out.push(`| ${it.target} | ${it.status} | ${text} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
