/**
 * What a target is: a name with aliases, a translate function over a prepared context, and
 * optional batch bundling (e.g. one savedsearches.conf for many rules) and an output checker.
 */
import type { Diagnostic } from '../../src/diagnostics.js';
import type { MappingProfile, ProfileChoice } from '../../src/mapping/types.js';
import type { Rule } from '../../src/rules/model.js';
import type { OutputFile, TargetName, Translation } from '../types.js';
import type { DiagnosticsCollector, TraceRecorder } from './diagnostics.js';

export type CaseMode = 'exact' | 'loose';

export interface TranslateOptions {
  /** Profile name, file path, or loaded profile; default: chosen by the rule's index patterns. */
  mapping?: string | MappingProfile;
  /** `exact`: keep Elastic's case-sensitive keyword matching; `loose`: match case-insensitively and say so. */
  case?: CaseMode;
  /** Directory relative paths are resolved against. */
  cwd?: string;
  /** Candidate profiles for index-based selection (default: the bundled ones). */
  candidates?: MappingProfile[];
}

/** Everything a target needs for one rule. One object per translation; no module state. */
export interface TargetContext {
  rule: Rule;
  ast: NonNullable<Rule['ast']>;
  profile: MappingProfile;
  choice: ProfileChoice;
  target: TargetName;
  diags: DiagnosticsCollector;
  trace: TraceRecorder;
  options: Required<Pick<TranslateOptions, 'case'>> & TranslateOptions;
}

export interface TargetOutput {
  text: string;
  artifacts?: OutputFile[];
}

/** One translated rule, for batch bundling. */
export interface BundleEntry {
  rule: Rule;
  /** Output file stem (rule file name without extension, made unique). */
  stem: string;
  translation: Translation;
}

export interface Target {
  name: TargetName;
  /** Other accepted names (`splunk` for `spl`). */
  aliases: string[];
  title: string;
  /** Sub-directory of `--out` (e.g. `splunk`). */
  outDir: string;
  /** Extension of the main per-rule file, with the dot (e.g. `.spl`). */
  extension: string;
  translate(ctx: TargetContext): TargetOutput;
  /** Files written once per batch from all translations (e.g. `splunk/savedsearches.conf`). */
  bundle?(entries: BundleEntry[]): OutputFile[];
  /** Check emitted text with the target's own checker; errors mean the output is broken. */
  check?(text: string): Diagnostic[];
}
