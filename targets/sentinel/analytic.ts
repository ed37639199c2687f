/**
 * Sentinel scheduled analytic rule (YAML, the Azure-Sentinel repository's format) for a rule.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { Rule } from '../../src/rules/model.js';

/** Deterministic UUID (v5 layout, SHA-1) from the source rule id. */
export function ruleUuid(sourceId: string): string {
  const h = createHash('sha1')
    .update('siemc/sentinel/' + sourceId)
    .digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const SEVERITY: Record<string, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'High',
  informational: 'Informational',
};

/** MITRE tactic name as Sentinel spells it: `Command and Control` → `CommandAndControl`. */
export function sentinelTactic(name: string): string {
  return name
    .split(/[\s-]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

export interface EntityMapping {
  entityType: string;
  fieldMappings: { identifier: string; columnName: string }[];
}

export interface AnalyticRuleInput {
  rule: Rule;
  query: string;
  queryFrequency: string;
  queryPeriod: string;
  triggerThreshold: number;
  entityMappings: EntityMapping[];
  /** Data connectors and the tables they fill. */
  connectors?: { connectorId: string; dataTypes: string[] }[];
}

export function analyticRuleYaml(a: AnalyticRuleInput): string {
  const r = a.rule;
  const tactics = [
    ...new Set(
      r.threat
        .filter((t) => t.framework.startsWith('MITRE'))
        .map((t) => sentinelTactic(t.tactic.name)),
    ),
  ];
  const techniques = [
    ...new Set(
      r.threat.flatMap((t) =>
        t.technique.flatMap((q) => [q.id, ...(q.subtechnique ?? []).map((s) => s.id)]),
      ),
    ),
  ];
  const doc: Record<string, unknown> = {
    id: ruleUuid(r.id),
    name: r.name,
    description: r.description || r.name,
    severity: SEVERITY[(r.severity ?? 'medium').toLowerCase()] ?? 'Medium',
    requiredDataConnectors: a.connectors ?? [],
    queryFrequency: a.queryFrequency,
    queryPeriod: a.queryPeriod,
    triggerOperator: 'gt',
    triggerThreshold: a.triggerThreshold,
    tactics,
    relevantTechniques: techniques,
    query: a.query.endsWith('\n') ? a.query : a.query + '\n',
  };
  if (a.entityMappings.length) doc.entityMappings = a.entityMappings;
  doc.version = '1.0.0';
  doc.kind = 'Scheduled';
  doc.tags = [`siemc:source-rule-id:${r.id}`];
  return stringify(doc, { lineWidth: 0, blockQuote: 'literal' });
}
