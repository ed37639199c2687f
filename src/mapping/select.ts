/**
 * Choosing a mapping profile for a rule: `--mapping` wins; else a bundled profile that serves
 * every one of the rule's index patterns (a rule that also reads other indexes would lose those
 * events under a profile that routes to one source); else the pass-through `ecs` profile.
 */
import type { Rule } from '../rules/model.js';
import { loadBuiltinMapping, loadBuiltinMappings, loadMapping } from './load.js';
import type { MappingProfile, ProfileChoice } from './types.js';

/** Name of the pass-through profile (ECS names kept). */
export const DEFAULT_PROFILE = 'ecs';

/**
 * Does the index pattern `served` (a glob with `*`) serve the rule's index pattern `wanted`?
 * The rule's own `*` must be covered by a `*` of the profile: `logs-o365.audit-*` serves
 * `logs-o365.audit-*` and `logs-o365.audit-default`, not `logs-*`.
 */
export function servesPattern(served: string, wanted: string): boolean {
  // A `*` in `served` matches any run of characters of `wanted`, including its `*`s;
  // a `*` in `wanted` must be matched by a `*` in `served`.
  const s = served;
  const w = wanted;
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (w.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === s.length) r = j === w.length;
    else if (s[i] === '*') r = go(i + 1, j) || (j < w.length && go(i, j + 1));
    else r = j < w.length && w[j] !== '*' && s[i] === w[j] && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

export interface SelectOptions {
  /** `--mapping` value: a bundled profile name or a file path, or an already loaded profile. */
  mapping?: string | MappingProfile;
  cwd?: string;
  /** Candidate profiles for index-based selection (default: all bundled ones). */
  candidates?: MappingProfile[];
}

/** Pick the profile for a rule. Throws `MappingError` for a bad `--mapping`. */
export function selectProfile(rule: Pick<Rule, 'index'>, opts: SelectOptions = {}): ProfileChoice {
  if (opts.mapping !== undefined) {
    const profile =
      typeof opts.mapping === 'string' ? loadMapping(opts.mapping, opts.cwd) : opts.mapping;
    return { profile, reason: 'option' };
  }
  const candidates = opts.candidates ?? loadBuiltinMappings();
  let best: ProfileChoice | undefined;
  for (const profile of candidates) {
    if (profile.serves.length === 0) continue;
    const matched = rule.index.filter((idx) => profile.serves.some((p) => servesPattern(p, idx)));
    if (matched.length === 0 || matched.length < rule.index.length) continue;
    if (!best || matched.length > (best.matched?.length ?? 0))
      best = { profile, reason: 'index', matched };
  }
  return best ?? { profile: loadBuiltinMapping(DEFAULT_PROFILE), reason: 'default' };
}
