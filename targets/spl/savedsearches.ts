/**
 * savedsearches.conf stanzas: deployable scheduled searches (cron from the rule's interval,
 * dispatch window from its time window, description and severity).
 */
import type { Rule } from '../../src/rules/model.js';
import { tryParseDuration } from '../../src/time/index.js';
import type { DiagnosticsCollector } from '../core/diagnostics.js';
import type { SplPlan } from './emit.js';

const SEVERITY: Record<string, number> = { low: 3, medium: 4, high: 5, critical: 6 };

/** Cron schedule for an Elastic interval (`5m`, `1h`, `1d`); undefined when it has no cron form. */
export function cronFor(interval: string): { cron: string; exact: boolean } | undefined {
  const d = tryParseDuration(interval);
  if (!d.ok) return undefined;
  const minutes = d.ms / 60_000;
  if (minutes <= 0) return undefined;
  if (!Number.isInteger(minutes))
    return { cron: `*/${Math.max(1, Math.round(minutes))} * * * *`, exact: false };
  if (minutes < 60)
    return {
      cron: minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`,
      exact: 60 % minutes === 0,
    };
  const hours = minutes / 60;
  if (Number.isInteger(hours) && hours < 24)
    return { cron: hours === 1 ? '0 * * * *' : `0 */${hours} * * *`, exact: 24 % hours === 0 };
  const days = minutes / 1440;
  if (Number.isInteger(days))
    return { cron: days === 1 ? '0 0 * * *' : `0 0 */${days} * *`, exact: days === 1 };
  return { cron: `*/${minutes} * * * *`, exact: false };
}

/** A conf value on one line (line breaks would end the value). */
function confValue(text: string): string {
  return text.replace(/\r?\n\s*/g, ' ').trim();
}

/** Stanza names cannot contain `]` or line breaks. */
export function stanzaName(rule: Rule): string {
  return confValue(rule.name || rule.id).replace(/[[\]]/g, '');
}

export function savedSearchStanza(rule: Rule, plan: SplPlan, diags: DiagnosticsCollector): string {
  const cron = cronFor(rule.interval || '5m');
  if (!cron) {
    diags.add({
      code: 'SPL-SCHEDULE',
      effect: 'exact',
      severity: 'warning',
      message: `interval '${rule.interval}' has no cron form; scheduled every 5 minutes`,
    });
  } else if (!cron.exact) {
    diags.add({
      code: 'SPL-SCHEDULE',
      effect: 'exact',
      severity: 'warning',
      message: `interval '${rule.interval}' does not divide the hour/day evenly; cron '${cron.cron}' runs at slightly different gaps`,
    });
  }
  const lines = [
    `# siemc: rule_id ${rule.id}`,
    `[${stanzaName(rule)}]`,
    `search = ${plan.lines.map(confValue).join(' ')}`,
    `description = ${confValue(rule.description || rule.name)}`,
    `enableSched = 1`,
    `cron_schedule = ${cron?.cron ?? '*/5 * * * *'}`,
    `dispatch.earliest_time = ${plan.indexTime ? '0' : plan.earliest}`,
    `dispatch.latest_time = ${plan.latest}`,
    `alert.severity = ${SEVERITY[(rule.severity ?? '').toLowerCase()] ?? 3}`,
    `alert.track = 1`,
    `counttype = number of events`,
    `relation = greater than`,
    `quantity = 0`,
  ];
  if (plan.lines.some((l) => /[\r\n]/.test(l))) {
    // A value with a line break cannot be held on one conf line: flattening it would deploy a
    // search that never matches, so the stanza is written commented out and the .spl file stands.
    diags.add({
      code: 'SPL-CONF-LINEBREAK',
      effect: 'exact',
      severity: 'warning',
      message:
        'the search holds a line break inside a value, which savedsearches.conf cannot carry on one line; its stanza is written commented out',
      hint: 'deploy the .spl file through the Splunk UI or REST API instead',
    });
    return (
      ['# siemc: not deployable as a conf line (line break inside a value)', ...lines]
        .map((l) => (l.startsWith('#') ? l : `# ${l.replace(/[\r\n]+/g, ' ')}`))
        .join('\n') + '\n'
    );
  }
  return lines.join('\n') + '\n';
}
