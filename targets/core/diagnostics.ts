/**
 * Per-translation diagnostics collector. Every lossy or impossible point becomes a structured
 * `TranslationDiagnostic` with its effect on meaning; the verdict is computed from them.
 */
import type { Span } from '../../src/kql/ast.js';
import type { Severity } from '../../src/diagnostics.js';
import type {
  Effect,
  MappingTraceEntry,
  TargetName,
  TranslationDiagnostic,
  Verdict,
} from '../types.js';
import { verdictOf } from '../types.js';

export interface DiagnosticInput {
  code: string;
  message: string;
  effect: Effect;
  severity?: Severity;
  span?: Span;
  hint?: string;
}

export class DiagnosticsCollector {
  readonly items: TranslationDiagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly target: TargetName,
    readonly rule?: string,
  ) {}

  /** Record a diagnostic (identical code+message+span only once). Severity defaults by effect. */
  add(d: DiagnosticInput): void {
    const key = `${d.code}\u0000${d.message}\u0000${d.span?.start ?? ''}:${d.span?.end ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const severity: Severity =
      d.severity ??
      (d.effect === 'unsupported' ? 'error' : d.effect === 'exact' ? 'info' : 'warning');
    const out: TranslationDiagnostic = {
      severity,
      code: d.code,
      message: d.message,
      effect: d.effect,
      target: this.target,
    };
    if (d.span) out.span = d.span;
    if (this.rule !== undefined) out.rule = this.rule;
    if (d.hint) out.hint = d.hint;
    this.items.push(out);
  }

  /** The construct cannot be translated. */
  unsupported(span: Span | undefined, code: string, message: string, hint?: string): void {
    this.add({ code, message, effect: 'unsupported', span, hint });
  }

  /** A meaning change: `wider` or `narrower`. */
  lossy(
    effect: 'wider' | 'narrower',
    span: Span | undefined,
    code: string,
    message: string,
    hint?: string,
  ): void {
    this.add({ code, message, effect, span, hint });
  }

  info(code: string, message: string, span?: Span): void {
    this.add({ code, message, effect: 'exact', span });
  }

  verdict(): Verdict {
    return verdictOf(this.items.map((d) => d.effect));
  }

  hasUnsupported(): boolean {
    return this.items.some((d) => d.effect === 'unsupported');
  }
}

/** Records which mapping item touched which part of the rule (each distinct entry once). */
export class TraceRecorder {
  readonly entries: MappingTraceEntry[] = [];
  private readonly seen = new Set<string>();

  record(e: MappingTraceEntry): void {
    const key = `${e.item}\u0000${e.from}\u0000${e.to}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.entries.push(e);
  }
}

/** Flip an effect for a clause under negation (a wider clause makes `not clause` narrower). */
export function flipEffect(e: Effect, negated: boolean): Effect {
  if (!negated) return e;
  if (e === 'wider') return 'narrower';
  if (e === 'narrower') return 'wider';
  return e;
}
