/** A rule's time windows in absolute terms at a given `now` (Kibana's semantics). */
import { DateMathError, resolveDateMath, parseDuration } from '../time/datemath.js';
import type { Rule } from './model.js';

export interface RuleWindows {
  now: Date;
  /** Start of the search window (`from`). */
  from: Date;
  /** End of the search window (`to`, default `now`). */
  to: Date;
  /** Schedule interval in ms. */
  intervalMs: number;
  /** Extra look-back beyond the interval (`to - from - interval`), as Kibana shows it. */
  additionalLookbackMs: number;
  /** new_terms: history window [historyStart, from). */
  historyStart?: Date;
}

/** Resolve `from`, `to`, `interval` and `history_window_start`; throws DateMathError if malformed. */
export function ruleWindows(rule: Rule, now: Date): RuleWindows {
  const from = resolveDateMath(rule.from, now);
  const to = resolveDateMath(rule.to ?? 'now', now);
  const intervalMs = parseDuration(rule.interval);
  const w: RuleWindows = {
    now,
    from,
    to,
    intervalMs,
    additionalLookbackMs: Math.max(0, to.getTime() - from.getTime() - intervalMs),
  };
  if (rule.newTerms && rule.newTerms.historyWindowStart !== '') {
    w.historyStart = resolveDateMath(rule.newTerms.historyWindowStart, now);
  }
  return w;
}

export { DateMathError };
