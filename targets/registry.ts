/**
 * Target registry: every target by name and aliases (`spl|splunk`, `sentinel|kusto`, `sigma`).
 * To add a target: import it here and add it to `TARGETS` (one line each).
 */
import type { Target } from './core/target.js';
import { splTarget } from './spl/index.js';
import { sentinelTarget } from './sentinel/index.js';
import { sigmaTarget } from './sigma/index.js';

const TARGETS: Target[] = [splTarget, sentinelTarget, sigmaTarget];

export class UnknownTargetError extends Error {
  constructor(readonly requested: string) {
    super(`unknown target '${requested}' (known: ${targetNames().join(', ')})`);
    this.name = 'UnknownTargetError';
  }
}

/** All registered targets, in registration order. */
export function allTargets(): readonly Target[] {
  return TARGETS;
}

/** Canonical names and aliases, e.g. `spl (splunk)`. */
export function targetNames(): string[] {
  return TARGETS.map((t) => (t.aliases.length ? `${t.name} (${t.aliases.join(', ')})` : t.name));
}

/** Look a target up by name or alias (case-insensitive). Throws `UnknownTargetError`. */
export function getTarget(name: string): Target {
  const n = name.trim().toLowerCase();
  const t = TARGETS.find((x) => x.name === n || x.aliases.includes(n));
  if (!t) throw new UnknownTargetError(name);
  return t;
}

/** Parse `spl,sentinel` (also repeated options); duplicates are removed. */
export function parseTargetList(spec: string | string[]): Target[] {
  const parts = (Array.isArray(spec) ? spec : [spec])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim());
  const out: Target[] = [];
  for (const p of parts) {
    if (p === '') continue;
    const t = getTarget(p);
    if (!out.includes(t)) out.push(t);
  }
  if (out.length === 0) throw new UnknownTargetError(Array.isArray(spec) ? spec.join(',') : spec);
  return out;
}

/** Register a target at run time (plugins, tests). Replaces one with the same name. */
export function registerTarget(t: Target): void {
  const i = TARGETS.findIndex((x) => x.name === t.name);
  if (i >= 0) TARGETS[i] = t;
  else TARGETS.push(t);
}
