/**
 * Rule metadata → Sigma header fields: deterministic id, status, level, dates, ATT&CK tags,
 * references, false positives, and the log source from the mapping profile.
 */
import { createHash } from 'node:crypto';
import type { Rule } from '../../src/rules/model.js';
import type { TargetContext } from '../core/target.js';
import { sectionFor } from '../../src/mapping/resolve.js';
import { canSingleQuote, yseq, ymap, type YamlMap, type YamlValue } from './yaml.js';

/** RFC 4122 version-5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1')
    .update(Buffer.concat([ns, Buffer.from(name, 'utf8')]))
    .digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The RFC 4122 URL namespace. */
const NS_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
/** siemc's namespace for Sigma rule ids: uuidv5(NS_URL, "https://siemc.dev/sigma"). */
export const SIEMC_SIGMA_NAMESPACE = uuidV5('https://siemc.dev/sigma', NS_URL);

/** Deterministic Sigma id of a source rule (and of its correlation, with a suffix). */
export function sigmaRuleId(ruleId: string, part: 'rule' | 'correlation' = 'rule'): string {
  return uuidV5(part === 'rule' ? ruleId : `${ruleId}#correlation`, SIEMC_SIGMA_NAMESPACE);
}

const LEVELS: Record<string, string> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

export function sigmaLevel(severity: string | undefined): string {
  return LEVELS[(severity ?? '').toLowerCase()] ?? 'informational';
}

/** Elastic maturity → Sigma status (a converted rule is not yet proven in the Sigma world). */
export function sigmaStatus(rule: Rule): string {
  const m = String(rule.metadata.maturity ?? '').toLowerCase();
  if (m === 'deprecated') return 'deprecated';
  if (m === 'production') return 'test';
  return 'experimental';
}

/** `2020/11/19` or `2020-11-19T..` → `2020-11-19`; undefined when not a date. */
export function sigmaDate(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})/.exec(v.trim());
  if (!m) return undefined;
  const [, y, mo, d] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${y}-${mo}-${d}`;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** ATT&CK tags: `attack.<tactic-name>`, `attack.tXXXX`, `attack.tXXXX.YYY`. */
export function attackTags(rule: Rule): string[] {
  const tags: string[] = [];
  for (const t of rule.threat) {
    if (!/att&ck/i.test(t.framework)) continue;
    if (t.tactic?.name) tags.push(`attack.${slug(t.tactic.name)}`);
    for (const tech of t.technique ?? []) {
      if (/^T\d{4}$/i.test(tech.id)) tags.push(`attack.${tech.id.toLowerCase()}`);
      for (const sub of tech.subtechnique ?? [])
        if (/^T\d{4}\.\d{3}$/i.test(sub.id)) tags.push(`attack.${sub.id.toLowerCase()}`);
    }
  }
  return [...new Set(tags)];
}

/** Text for a YAML scalar in metadata: drop what YAML cannot hold, keep line breaks. */
export function cleanText(s: string): string {
  const t = s.replace(/\r\n?/g, '\n');
  let out = '';
  for (const ch of t) if (ch === '\n' || canSingleQuote(ch)) out += ch;
  return out;
}

/** One-line text (list items). */
function lineValue(s: string): string {
  return cleanText(s)
    .replace(/[ \t]*\n\s*/g, ' ')
    .trim();
}

/** SPDX id of a rule licence, when recognised. */
export function spdxLicense(license: string | undefined): string | undefined {
  if (!license) return undefined;
  if (/elastic license v?2(\.0)?/i.test(license) || /^elastic-2\.0$/i.test(license))
    return 'Elastic-2.0';
  if (
    /^(apache-2\.0|mit|drl-1\.1|gpl-[23]\.0(-only|-or-later)?|bsd-[23]-clause)$/i.test(
      license.trim(),
    )
  )
    return license.trim();
  return undefined;
}

function textValue(s: string): YamlValue {
  const t = cleanText(s);
  return t.includes('\n') ? { kind: 'block', text: t } : t;
}

/** The `logsource` from the profile's sigma section, else derived from the index patterns. */
export function logsource(ctx: TargetContext): YamlMap {
  const src = sectionFor(ctx.profile, 'sigma').source;
  const entries: [string, YamlValue | undefined][] = [];
  for (const k of ['category', 'product', 'service', 'definition']) {
    const v = src[k];
    if (typeof v === 'string') entries.push([k, v]);
    else if (Array.isArray(v) && v.length > 0) entries.push([k, v.join(', ')]);
  }
  if (entries.length === 0) {
    // Elastic data streams are `logs-<package>.<dataset>-<namespace>` (`logs-okta*` names only
    // the package).
    const ds = ctx.rule.index
      .map((i) => /^logs-([a-z0-9_]+)(?:\.([a-z0-9_.]+?))?(?:-|\*)/.exec(i))
      .find((m) => m);
    if (ds) {
      entries.push(['product', ds[1]]);
      if (ds[2]) entries.push(['service', ds[2]]);
    }
    if (ctx.rule.index.length > 0)
      entries.push(['definition', `Elastic index patterns: ${ctx.rule.index.join(', ')}`]);
  }
  return ymap(entries);
}

export interface Header {
  title: string;
  description?: YamlValue;
  references?: YamlValue;
  author?: string;
  date?: string;
  modified?: string;
  tags?: YamlValue;
  level: string;
  status: string;
  falsepositives?: YamlValue;
  license?: string;
}

export function header(rule: Rule, ctx: TargetContext): Header {
  let title = cleanText(rule.name).replace(/\n/g, ' ').trim() || rule.id;
  if (title.length > 256) {
    ctx.diags.info(
      'SIGMA-TITLE-LENGTH',
      'the rule name is longer than 256 characters; the Sigma title is shortened',
    );
    title = title.slice(0, 255) + '…';
  }
  const refs = [...new Set(rule.references.map(cleanText).filter((r) => r.trim()))];
  const fps = [
    ...new Set(
      rule.falsePositives
        .map(cleanText)
        .map((s) => s.trim())
        .filter((s) => s.length >= 2),
    ),
  ];
  const tags = attackTags(rule);
  const authors = rule.author.map(cleanText).filter((a) => a.trim());
  return {
    title,
    description: rule.description.trim() ? textValue(rule.description) : undefined,
    references: refs.length ? yseq([...new Set(refs.map(lineValue))]) : undefined,
    author: authors.length ? authors.join(', ').replace(/\n/g, ' ') : undefined,
    date: sigmaDate(rule.metadata.creation_date),
    modified: sigmaDate(rule.metadata.updated_date),
    tags: tags.length ? yseq(tags) : undefined,
    level: sigmaLevel(rule.severity),
    status: sigmaStatus(rule),
    falsepositives: fps.length ? yseq([...new Set(fps.map(lineValue))]) : undefined,
    license: spdxLicense(rule.license),
  };
}
