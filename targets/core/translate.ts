/**
 * `translateRule(rule, target, opts)`: choose the mapping profile, prepare the context, run the
 * target, and package text + diagnostics + mapping trace + verdict as a `Translation`.
 */
import type { Rule } from '../../src/rules/model.js';
import { selectProfile } from '../../src/mapping/select.js';
import { ruleAst } from '../../src/rules/ast.js';
import type { Translation } from '../types.js';
import { DiagnosticsCollector, TraceRecorder } from './diagnostics.js';
import type { LNode } from './ir.js';
import { foldIn } from './lower/foldIn.js';
import { mapQuery } from './lower/mapFields.js';
import { simplify } from './lower/simplify.js';
import type { Target, TargetContext, TranslateOptions } from './target.js';

/** Rule types every target handles; others are reported unsupported. */
export const SUPPORTED_RULE_TYPES = ['query', 'new_terms', 'threshold'] as const;

/**
 * Translate one rule. Throws `MappingError` only for a bad `opts.mapping`; anything about the
 * rule itself comes back as diagnostics.
 */
export function translateRule(
  rule: Rule,
  target: Target,
  opts: TranslateOptions = {},
): Translation {
  const choice = selectProfile(rule, {
    mapping: opts.mapping,
    cwd: opts.cwd,
    candidates: opts.candidates,
  });
  const diags = new DiagnosticsCollector(target.name, rule.id);
  const trace = new TraceRecorder();
  const done = (text: string, artifacts?: Translation['artifacts']): Translation => {
    const t: Translation = {
      target: target.name,
      text,
      diagnostics: diags.items,
      mappingTrace: trace.entries,
      verdict: diags.verdict(),
    };
    if (artifacts && artifacts.length) t.artifacts = artifacts;
    return t;
  };
  if (!(SUPPORTED_RULE_TYPES as readonly string[]).includes(rule.type)) {
    diags.unsupported(
      undefined,
      'RULE-TYPE',
      `rule type '${rule.type}' cannot be translated (supported: ${SUPPORTED_RULE_TYPES.join(', ')})`,
    );
    return done('');
  }
  if (rule.language !== undefined && rule.language !== 'kuery') {
    diags.unsupported(undefined, 'RULE-LANGUAGE', `rule language '${rule.language}' is not KQL`);
    return done('');
  }
  let ast = rule.ast;
  if (!ast && rule.query !== undefined) {
    // loaders normally attach the AST; parse here for rules built without it
    const r = ruleAst(rule);
    if (r.ast) ast = r.ast;
    else {
      const first = r.diagnostics.find((d) => d.severity === 'error');
      diags.unsupported(
        first?.span,
        'RULE-QUERY',
        `the rule's query cannot be translated: ${first?.message ?? 'its filters cannot be expressed in KQL'}`,
      );
      return done('');
    }
  }
  if (!ast) {
    diags.unsupported(undefined, 'RULE-NO-QUERY', 'the rule has no KQL query');
    return done('');
  }
  if (choice.reason === 'index') {
    trace.record({
      item: `${choice.profile.id}/serves`,
      from: `index ${choice.matched?.join(', ')}`,
      to: `profile ${choice.profile.id}`,
    });
  }
  const ctx: TargetContext = {
    rule,
    ast,
    profile: choice.profile,
    choice,
    target: target.name,
    diags,
    trace,
    options: { ...opts, case: opts.case ?? 'exact' },
  };
  try {
    const out = target.translate(ctx);
    return done(out.text, out.artifacts);
  } catch (e) {
    diags.add({
      code: 'INTERNAL',
      message: `internal error while translating: ${e instanceof Error ? e.message : String(e)}`,
      effect: 'unsupported',
      severity: 'error',
      hint: 'please report this with the rule',
    });
    return done('');
  }
}

/** Standard lowering pipeline: map fields, fold constants, optionally fold value lists to IN. */
export function lowerQuery(ctx: TargetContext, opts: { foldIn?: boolean } = {}): LNode {
  const mapped = simplify(mapQuery(ctx.ast, ctx));
  return opts.foldIn === false ? mapped : foldIn(mapped);
}
