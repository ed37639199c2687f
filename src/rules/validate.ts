/**
 * Rule validation: the checks Kibana's detection engine makes before it runs a rule (and a few it
 * should), as diagnostics that point at the offending field of the file.
 */
import { type Diagnostic, type Severity, locate } from '../diagnostics.js';
import { evaluateDateMath, parseDateMath, tryParseDuration } from '../time/datemath.js';
import {
  KNOWN_LANGUAGES,
  KNOWN_RULE_TYPES,
  SUPPORTED_RULE_TYPES,
  type LoadedRule,
  type Rule,
} from './model.js';
import { RuleCode } from './codes.js';

export interface ValidateOptions {
  /** The time relative date math is evaluated at (history window vs from); default: now. */
  now?: Date;
}

function diagFor(rule: Rule, out: Diagnostic[]) {
  return (severity: Severity, code: string, message: string, field?: string, hint?: string) => {
    const offs = rule.source.fieldOffsets ?? {};
    const offset = (field !== undefined ? offs[field] : undefined) ?? rule.source.ruleOffset ?? 0;
    let d: Diagnostic = { severity, code, message, file: rule.source.file, offset };
    if (rule.id) d.rule = rule.id;
    if (hint) d.hint = hint;
    if (rule.source.text !== undefined) d = locate(d, rule.source.text);
    out.push(d);
  };
}

const SUPPORTED_WORDS = 'siemc compiles KQL (kuery) rules of type query, new_terms and threshold';

export function validateRule(rule: Rule, opts: ValidateOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const diag = diagFor(rule, out);
  const now = opts.now ?? new Date();
  const lang = rule.language ?? '(none)';

  if (!KNOWN_RULE_TYPES.includes(rule.type)) {
    diag(
      'error',
      RuleCode.UNKNOWN_TYPE,
      `unknown rule type '${rule.type}'`,
      'type',
      `known types: ${KNOWN_RULE_TYPES.join(', ')}`,
    );
    return out;
  }
  if (rule.language !== undefined && !KNOWN_LANGUAGES.includes(rule.language)) {
    diag(
      'error',
      RuleCode.UNKNOWN_LANGUAGE,
      `unknown query language '${rule.language}'`,
      'language',
      `known languages: ${KNOWN_LANGUAGES.join(', ')}`,
    );
    return out;
  }
  if (!SUPPORTED_RULE_TYPES.includes(rule.type)) {
    diag(
      'warning',
      RuleCode.UNSUPPORTED_TYPE,
      `unsupported rule type '${rule.type}' (language ${lang}): ${SUPPORTED_WORDS}`,
      'type',
    );
    return out;
  }
  if (rule.language !== undefined && rule.language !== 'kuery') {
    diag(
      'warning',
      RuleCode.UNSUPPORTED_LANGUAGE,
      `unsupported query language '${rule.language}' (rule type ${rule.type}): ${SUPPORTED_WORDS}`,
      'language',
    );
    return out;
  }

  if (rule.query === undefined) {
    diag(
      'error',
      RuleCode.MISSING_QUERY,
      `the ${rule.type} rule has no query`,
      undefined,
      "add a KQL query, e.g. query = 'event.category: process'",
    );
  } else if (rule.query.trim() === '') {
    diag('warning', RuleCode.MISSING_QUERY, 'the query is empty: it matches every event', 'query');
  }

  const dm = (field: 'from' | 'to' | 'history_window_start', text: string) => {
    const r = parseDateMath(text);
    if (!r.ok) {
      diag(
        'error',
        RuleCode.DATE_MATH,
        `'${field}': ${r.diagnostic.message}`,
        field,
        r.diagnostic.hint,
      );
      return undefined;
    }
    return evaluateDateMath(r.value, now);
  };
  const from = dm('from', rule.from);
  const to = rule.to !== undefined ? dm('to', rule.to) : now;
  if (from && to && from.getTime() >= to.getTime()) {
    diag(
      'error',
      RuleCode.FROM_TO_ORDER,
      `from (${rule.from}) must be earlier than to (${rule.to ?? 'now'})`,
      'from',
    );
  }
  const iv = tryParseDuration(rule.interval);
  if (!iv.ok)
    diag(
      'error',
      RuleCode.INTERVAL,
      `'interval': ${iv.diagnostic.message}`,
      'interval',
      iv.diagnostic.hint,
    );
  else if (iv.ms <= 0)
    diag(
      'error',
      RuleCode.INTERVAL,
      `'interval' must be longer than 0, got '${rule.interval}'`,
      'interval',
    );

  if (rule.type === 'new_terms') {
    const nt = rule.newTerms;
    if (!nt || nt.fields.length === 0) {
      diag(
        'error',
        RuleCode.NEW_TERMS_FIELDS,
        'a new_terms rule needs 1 to 3 new_terms_fields, got none',
        'new_terms_fields',
        'e.g. new_terms_fields: [user.name]',
      );
    } else {
      if (nt.fields.length > 3) {
        diag(
          'error',
          RuleCode.NEW_TERMS_TOO_MANY,
          `a new_terms rule takes at most 3 new_terms_fields, got ${nt.fields.length} (${nt.fields.join(', ')})`,
          'new_terms_fields',
        );
      }
      if (nt.fields.some((f) => f.trim() === ''))
        diag(
          'error',
          RuleCode.NEW_TERMS_FIELDS,
          'new_terms_fields contains an empty field name',
          'new_terms_fields',
        );
      const dup = nt.fields.filter((f, i) => nt.fields.indexOf(f) !== i);
      if (dup.length > 0)
        diag(
          'warning',
          RuleCode.NEW_TERMS_FIELDS,
          `new_terms_fields lists '${dup[0]}' more than once`,
          'new_terms_fields',
        );
    }
    if (!nt || nt.historyWindowStart === '') {
      diag(
        'error',
        RuleCode.HISTORY_MISSING,
        'a new_terms rule needs a history_window_start',
        'history_window_start',
        'e.g. history_window_start: now-7d',
      );
    } else {
      const hws = dm('history_window_start', nt.historyWindowStart);
      if (hws && from && hws.getTime() >= from.getTime()) {
        diag(
          'error',
          RuleCode.HISTORY_ORDER,
          `history_window_start (${nt.historyWindowStart}) must be earlier than from (${rule.from})`,
          'history_window_start',
          'the history window runs from history_window_start to from; make it start earlier, e.g. now-7d',
        );
      }
    }
  } else if (rule.newTerms) {
    diag(
      'warning',
      RuleCode.NEW_TERMS_FIELDS,
      `new_terms settings are ignored on a ${rule.type} rule`,
      'new_terms_fields',
    );
  }

  if (rule.type === 'threshold') {
    const th = rule.threshold;
    if (!th) {
      diag(
        'error',
        RuleCode.THRESHOLD_MISSING,
        'a threshold rule needs a threshold {field, value}',
        'threshold',
        'e.g. threshold: {field: [user.name], value: 10}',
      );
    } else {
      if (Number.isFinite(th.value) && (!Number.isInteger(th.value) || th.value < 1)) {
        diag(
          'error',
          RuleCode.THRESHOLD_VALUE,
          `the threshold value must be a whole number >= 1, got ${th.value}`,
          'threshold.value',
        );
      }
      if (th.field.some((f) => f.trim() === ''))
        diag(
          'error',
          RuleCode.THRESHOLD_FIELDS,
          'threshold.field contains an empty field name',
          'threshold.field',
        );
      const dup = th.field.filter((f, i) => th.field.indexOf(f) !== i);
      if (dup.length > 0)
        diag(
          'warning',
          RuleCode.THRESHOLD_FIELDS,
          `threshold.field lists '${dup[0]}' more than once`,
          'threshold.field',
        );
      for (const c of th.cardinality ?? []) {
        if (c.field.trim() === '')
          diag(
            'error',
            RuleCode.CARDINALITY,
            'threshold.cardinality needs a field name',
            'threshold.cardinality',
          );
        if (!Number.isInteger(c.value) || c.value < 0) {
          diag(
            'error',
            RuleCode.CARDINALITY,
            `the threshold cardinality value must be a whole number >= 0, got ${c.value}`,
            'threshold.cardinality',
          );
        }
      }
      if ((th.cardinality?.length ?? 0) > 1) {
        diag(
          'warning',
          RuleCode.CARDINALITY,
          `Kibana evaluates one cardinality condition; got ${th.cardinality?.length}`,
          'threshold.cardinality',
        );
      }
    }
  } else if (rule.threshold) {
    diag(
      'warning',
      RuleCode.THRESHOLD_FIELDS,
      `threshold settings are ignored on a ${rule.type} rule`,
      'threshold',
    );
  }

  if (
    rule.severity !== undefined &&
    !['low', 'medium', 'high', 'critical'].includes(rule.severity)
  ) {
    diag(
      'warning',
      RuleCode.FIELD_TYPE,
      `severity '${rule.severity}' is not one of low, medium, high, critical`,
      'severity',
    );
  }
  if (rule.riskScore !== undefined && (rule.riskScore < 0 || rule.riskScore > 100)) {
    diag(
      'warning',
      RuleCode.FIELD_TYPE,
      `risk_score ${rule.riskScore} is outside 0-100`,
      'risk_score',
    );
  }
  if (rule.exceptionsList && rule.exceptionsList.length > 0) {
    const names = rule.exceptionsList.map((e) =>
      typeof e === 'object' && e && 'list_id' in e
        ? String((e as { list_id: unknown }).list_id)
        : '?',
    );
    diag(
      'info',
      RuleCode.EXCEPTIONS,
      `exception list(s) ${names.join(', ')} are not applied by siemc: its results may include events Kibana would except`,
      'exceptions_list',
    );
  }
  return out;
}

/** Duplicate rule ids in a batch: one error per later occurrence, with the index it belongs to. */
export function findDuplicateIds(
  rules: readonly (LoadedRule | Rule | undefined)[],
): { index: number; diagnostic: Diagnostic }[] {
  const out: { index: number; diagnostic: Diagnostic }[] = [];
  const seen = new Map<string, Rule>();
  rules.forEach((x, index) => {
    const rule = x === undefined ? undefined : 'diagnostics' in x ? x.rule : x;
    if (!rule || !rule.id) return;
    const first = seen.get(rule.id);
    if (!first) {
      seen.set(rule.id, rule);
      return;
    }
    const where =
      first.source.file + (first.source.line !== undefined ? `:${first.source.line}` : '');
    const ds: Diagnostic[] = [];
    diagFor(rule, ds)(
      'error',
      RuleCode.DUPLICATE_ID,
      `duplicate rule_id '${rule.id}': also used by ${where}`,
      'rule_id',
      'every rule needs its own rule_id',
    );
    out.push({ index, diagnostic: ds[0] });
  });
  return out;
}

/** Cross-rule checks over a batch (a folder): duplicate rule ids. */
export function validateRules(rules: readonly (LoadedRule | Rule)[]): Diagnostic[] {
  return findDuplicateIds(rules).map((d) => d.diagnostic);
}
