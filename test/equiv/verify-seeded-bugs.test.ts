/**
 * The seeded-bug suite: ten classic translation bugs are planted into the real emitters — a
 * dialect handler or a helper of the emitter is overridden for one test (vi.mock wrappers and
 * handler overrides, restored after each test) — and `verify` must catch each one with an
 * undeclared counterexample event on which the planted translation disagrees with the source
 * rule while the real translation agrees (both checked again with the native evaluator and the
 * target's interpreter).
 *
 * | bug                              | target   | planted in                                          |
 * | -------------------------------- | -------- | --------------------------------------------------- |
 * | precedence without parentheses   | spl      | `searchDialect.bool` (where's precedence, no group) |
 * | `!=` instead of NOT              | spl      | `whereDialect.nodes.not`                            |
 * | case-insensitive equality        | spl      | `searchFidelity` (search believed case-sensitive)   |
 * | `has` for equality               | sentinel | `emitNode` for eq leaves                            |
 * | unescaped `*`                    | sigma    | `encodeSigmaPattern` (literal * taken as wildcard)  |
 * | dropped Name/Value pairing       | spl      | the emitter reads the pair's Value field only       |
 * | off-by-one window                | sentinel | `dateMathToKusto` (window start one second late)    |
 * | `>` for `>=`                     | spl      | `searchDialect.nodes.range`                         |
 * | lost array any-match             | sentinel | `emitNode` leaves emitted without array shape       |
 * | missing-field handling           | sentinel | `emitNode` for exists leaves: `isnotempty()`        |
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadRuleText } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/model.js';
import { getTarget } from '../../targets/registry.js';
import type { Target } from '../../targets/core/target.js';
import { ATOM } from '../../targets/core/dialect.js';
import type { LNode } from '../../targets/core/ir.js';
import { translateRule } from '../../targets/core/translate.js';
import type { MappingProfile } from '../../src/mapping/types.js';
import { pipelineName, searchDialect, whereDialect } from '../../targets/spl/dialects.js';
import { evalField, splString } from '../../targets/spl/syntax.js';
import type { EmitContext } from '../../targets/sentinel/emit.js';
import { kstr } from '../../targets/sentinel/text.js';
import { verifyRule, type Disagreement } from '../../src/equiv/verify.js';
import { interpreterFor } from '../../src/equiv/interpreters.js';
import { eventTransform } from '../../src/equiv/transforms.js';
import { runRuleSync } from '../../src/engine/index.js';
import type { EcsEvent } from '../../src/equiv/types.js';

type EmitModule = typeof import('../../targets/sentinel/emit.js');

/** What is planted right now (one bug per test; everything off between tests). */
const plant = vi.hoisted(() => ({
  /** Sentinel: a leaf emitter override (undefined result: the real leaf). */
  sentinelLeaf: undefined as
    undefined | ((n: unknown, ctx: unknown, real: unknown) => string | undefined),
  /** Sentinel: the window start is written one second later than the rule's `from`. */
  windowStartLate: false,
  /** Sigma: the value encoder treats a literal `*` as the wildcard. */
  sigmaStarUnescaped: false,
  /** SPL: the emitter believes `search` compares case-sensitively (no exact `where` for case). */
  splSearchCaseSensitive: false,
}));

vi.mock('../../targets/sentinel/emit.js', async (importOriginal) => {
  const real = await importOriginal<EmitModule>();
  // Boolean structure as the emitter writes it; leaves go to the planted override (or the real
  // emitter). Only used while a leaf override is planted.
  const hooked = (n: LNode, ctx: EmitContext): string => {
    const leaf = plant.sentinelLeaf;
    if (!leaf) return real.emitNode(n, ctx);
    switch (n.kind) {
      case 'and':
      case 'or':
        return n.children
          .map((c) => {
            const s = hooked(c, ctx);
            return (c.kind === 'and' || c.kind === 'or') && c.kind !== n.kind ? `(${s})` : s;
          })
          .join(` ${n.kind} `);
      case 'not':
        return `not(${hooked(n.child, ctx)})`;
      default:
        return leaf(n, ctx, real) ?? real.emitNode(n, ctx);
    }
  };
  return { ...real, emitNode: hooked };
});

vi.mock('../../targets/sentinel/time.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../targets/sentinel/time.js')>();
  return {
    ...real,
    dateMathToKusto: (text: string) => {
      const r = real.dateMathToKusto(text);
      if (!plant.windowStartLate || !r || r.ms === undefined) return r;
      return { ...r, expr: `ago(${r.ms / 1000 - 1}s)`, ms: r.ms - 1000 };
    },
  };
});

vi.mock('../../targets/sigma/escape.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../targets/sigma/escape.js')>();
  return {
    ...real,
    encodeSigmaPattern: (parts: readonly import('../../targets/sigma/escape.js').PatternPart[]) =>
      real.encodeSigmaPattern(
        plant.sigmaStarUnescaped
          ? parts.flatMap((p) =>
              p === real.WILDCARD
                ? [p]
                : p.split('*').flatMap((s, i) => (i === 0 ? [s] : [real.WILDCARD, s])),
            )
          : parts,
      ),
  };
});

vi.mock('../../targets/spl/dialects.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../targets/spl/dialects.js')>();
  return {
    ...real,
    searchFidelity: (mode: 'exact' | 'loose') =>
      real.searchFidelity(plant.splSearchCaseSensitive ? 'loose' : mode),
  };
});

const now = new Date('2026-06-20T12:00:00.000Z');

function rule(query: string): Rule {
  const [l] = loadRuleText(query, 'seeded.kql');
  if (!l.rule?.ast) throw new Error(`bad rule ${query}`);
  return l.rule;
}

/** Replace a property of a dialect object for this test (restored in afterEach). */
const restores: (() => void)[] = [];
function override<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): void {
  const old = obj[key];
  obj[key] = value;
  restores.push(() => {
    obj[key] = old;
  });
}

afterEach(() => {
  while (restores.length) restores.pop()!();
  plant.sentinelLeaf = undefined;
  plant.windowStartLate = false;
  plant.sigmaStarUnescaped = false;
  plant.splSearchCaseSensitive = false;
});

/** The o365 profile with every Name/Value pair item reduced to its Value field. */
function withoutPairs(p: MappingProfile): MappingProfile {
  const spl = p.targets.spl;
  if (!spl) return p;
  const fields = Object.fromEntries(
    Object.entries(spl.fields).map(([k, it]) =>
      it.pair
        ? [k, { id: it.id, field: it.pair.valueField, multivalue: true, type: it.type }]
        : [k, it],
    ),
  );
  return { ...p, targets: { ...p.targets, spl: { ...spl, fields } } };
}

type SentinelLeaf = (n: LNode, ctx: EmitContext, real: EmitModule) => string | undefined;

interface Bug {
  id: string;
  target: 'spl' | 'sentinel' | 'sigma';
  mapping?: string;
  query: string;
  kind: 'wider' | 'narrower';
  /** Plant the bug (the real emitter runs with the override). */
  plant(): void;
  /** A wrapper target, for a bug planted around the emitter's input. */
  wrap?(real: Target): Target;
}

const BUGS: Bug[] = [
  {
    id: 'precedence without parentheses',
    target: 'spl',
    // SPL search binds OR tighter than AND: `a AND b OR c` is `a AND (b OR c)`.
    query: '(event.category:process and process.name:cmd.exe) or process.name:powershell.exe',
    kind: 'narrower',
    plant: () =>
      override(searchDialect, 'bool', {
        ...searchDialect.bool,
        alwaysGroup: false,
        precedence: { or: 1, and: 2, not: 3 },
      }),
  },
  {
    id: '!= instead of NOT',
    target: 'spl',
    // `F!="v"` is null (dropped) where F is missing, and true for [v, other]; `NOT F="v"` is not.
    query: 'event.category:process and not process.name:cmd.exe',
    kind: 'narrower',
    plant: () => {
      const real = whereDialect.nodes.not;
      override(whereDialect.nodes, 'not', (n, d, c) => {
        const k = n.child;
        if (k.kind === 'match' && k.field && !k.field.wildcard && k.pattern.kind === 'eq')
          return {
            text: `${evalField(pipelineName(k.field))}!=${splString(k.pattern.text)}`,
            prec: ATOM,
          };
        return real(n, d, c);
      });
    },
  },
  {
    id: 'case-insensitive equality',
    target: 'spl',
    query: 'process.name:"VaultCmd.exe"',
    kind: 'wider',
    plant: () => {
      plant.splSearchCaseSensitive = true;
    },
  },
  {
    id: 'has for equality',
    target: 'sentinel',
    query: 'process.name:"cmd.exe"',
    kind: 'wider',
    plant: () => {
      const leaf: SentinelLeaf = (n, ctx, real) => {
        if (n.kind !== 'match' || !n.field || n.pattern.kind !== 'eq') return undefined;
        const a = real.resolveAccess(n.field, ctx);
        if (!a || a.cat !== 'keyword') return undefined;
        const s = a.ktype === 'string' ? a.expr : `tostring(${a.expr})`;
        return `${s} has ${kstr(n.pattern.text)}`;
      };
      plant.sentinelLeaf = leaf as typeof plant.sentinelLeaf;
    },
  },
  {
    id: 'unescaped *',
    target: 'sigma',
    query: 'process.command_line:"schtasks /delete /tn * /f"',
    kind: 'wider',
    plant: () => {
      plant.sigmaStarUnescaped = true;
    },
  },
  {
    id: 'dropped Name/Value pairing',
    target: 'spl',
    mapping: 'o365',
    query: 'o365.audit.ExtendedProperties.RequestType:"Cmsi:Cmsi"',
    kind: 'wider',
    plant: () => {},
    // The emitter reads the Value field of every entry instead of the entry named RequestType.
    wrap: (real) => ({
      ...real,
      translate: (ctx) => real.translate({ ...ctx, profile: withoutPairs(ctx.profile) }),
    }),
  },
  {
    id: 'off-by-one window start',
    target: 'sentinel',
    query: 'process.name:"cmd.exe"',
    kind: 'narrower',
    plant: () => {
      plant.windowStartLate = true;
    },
  },
  {
    id: '> for >=',
    target: 'spl',
    query: 'source.port >= 1024',
    kind: 'narrower',
    plant: () => {
      const real = searchDialect.nodes.range;
      override(searchDialect.nodes, 'range', (n, d, c) =>
        real({ ...n, op: n.op === 'gte' ? 'gt' : n.op === 'lte' ? 'lt' : n.op }, d, c),
      );
    },
  },
  {
    id: 'lost array any-match',
    target: 'sentinel',
    query: 'event.category:process',
    kind: 'narrower',
    plant: () => {
      // Leaves are emitted as if no field were an array (no mv-apply any-element flag).
      const leaf: SentinelLeaf = (n, ctx, real) => {
        const fields = Object.fromEntries(
          Object.entries(ctx.table.fields).map(([k, s]) => [k, { ...s, array: false }]),
        );
        const scalar = { ...ctx, table: { ...ctx.table, fields } };
        if ((n.kind === 'match' || n.kind === 'in') && n.field)
          return real.emitNode({ ...n, field: { ...n.field, multivalue: false } } as LNode, scalar);
        return real.emitNode(n, scalar);
      };
      plant.sentinelLeaf = leaf as typeof plant.sentinelLeaf;
    },
  },
  {
    id: 'missing-field handling ("" taken for a missing field)',
    target: 'sentinel',
    // Elasticsearch indexes "" (it exists); isnotempty() treats it as missing.
    query: 'event.category:process and process.parent.name:*',
    kind: 'narrower',
    plant: () => {
      const leaf: SentinelLeaf = (n, ctx, real) => {
        if (n.kind !== 'exists' && !(n.kind === 'match' && n.pattern.kind === 'any')) return;
        const a = n.field && real.resolveAccess(n.field, ctx);
        if (!a || a.array) return undefined;
        return `isnotempty(${a.ktype === 'string' ? a.expr : `tostring(${a.expr})`})`;
      };
      plant.sentinelLeaf = leaf as typeof plant.sentinelLeaf;
    },
  },
];

function nativeMatch(r: Rule, doc: EcsEvent): boolean {
  const res = runRuleSync({ ...r, type: 'query' }, [{ doc, file: 'x', line: 1 }], {
    now,
    collectMatches: true,
    window: true,
  });
  return res.matches.length === 1;
}

function targetMatch(r: Rule, target: Target, doc: EcsEvent, mapping?: string): boolean {
  const interp = interpreterFor(target.name)!;
  const tr = translateRule(r, target, { mapping });
  const t = eventTransform(mapping ?? 'ecs', target.name)!;
  let events: Record<string, unknown>[];
  if (t === 'interpreter') events = interp.transform ? interp.transform([doc], r, tr) : [doc];
  else {
    const rec = t(doc);
    if (rec === undefined) return false; // not in the target's source at all
    events = [rec];
  }
  return interp.run(tr, events, { now: now.toISOString(), rule: r }).matches.length === 1;
}

describe('seeded translation bugs are caught by verify', () => {
  it('plants ten bugs', () => expect(BUGS.length).toBe(10));

  for (const bug of BUGS) {
    it(`${bug.target}: ${bug.id}`, () => {
      const r = rule(bug.query);
      const real = getTarget(bug.target);
      const translate = { mapping: bug.mapping };
      // Without the bug, the translation is not undeclared-different on this rule.
      const clean = verifyRule(r, { targets: [real], now, translate }).targets[0];
      expect(clean.status, JSON.stringify(clean.disagreements[0])).not.toBe('undeclared');
      const realText = translateRule(r, real, translate).text;

      bug.plant();
      const bad = bug.wrap ? bug.wrap(real) : real;
      const badText = translateRule(r, bad, translate).text;
      // The planted emitter really writes something else.
      expect(badText).not.toBe(realText);
      const report = verifyRule(r, { targets: [bad], now, maxReported: 50, translate });
      const t = report.targets[0];
      expect(t.status, badText).toBe('undeclared');
      // A counterexample of the expected kind: the planted translation disagrees with the
      // native evaluator on it, the real one agrees.
      const caught = t.disagreements.filter(
        (d: Disagreement) =>
          d.kind === bug.kind &&
          !d.declared &&
          nativeMatch(r, d.event) === d.native &&
          targetMatch(r, bad, d.event, bug.mapping) === d.target,
      );
      expect(caught.length, JSON.stringify(t.disagreements.slice(0, 3))).toBeGreaterThan(0);
      // The real emitter (bug removed) gets those events right.
      afterEachRestore();
      for (const d of caught) expect(targetMatch(r, real, d.event, bug.mapping)).toBe(d.native);
    });
  }
});

/** Undo the plant inside a test (afterEach does it again, harmlessly). */
function afterEachRestore(): void {
  while (restores.length) restores.pop()!();
  plant.sentinelLeaf = undefined;
  plant.windowStartLate = false;
  plant.sigmaStarUnescaped = false;
  plant.splSearchCaseSensitive = false;
}

describe('rule-level bugs (new_terms / threshold) are caught on the edge streams', () => {
  function ruleOf(extra: string): Rule {
    const toml = `[metadata]
creation_date = "2024/01/01"

[rule]
name = "seeded"
description = "seeded"
risk_score = 1
severity = "low"
rule_id = "00000000-0000-4000-8000-000000000007"
language = "kuery"
index = ["logs-*"]
from = "now-9m"
query = "event.category:authentication and event.outcome:failure"
${extra}
`;
    const [l] = loadRuleText(toml, 'seeded.toml');
    if (!l.rule?.ast) throw new Error(JSON.stringify(l.diagnostics));
    return l.rule;
  }
  const threshold = ruleOf(
    'type = "threshold"\n\n[rule.threshold]\nfield = ["user.name"]\nvalue = 5\n',
  );
  const newTerms = ruleOf(
    'type = "new_terms"\n\n[rule.new_terms]\nfield = "new_terms_fields"\nvalue = ["user.name"]\n\n[[rule.new_terms.history_window_start]]\nfield = "history_window_start"\nvalue = "now-7d"\n',
  );

  for (const [label, r] of [
    ['threshold', threshold],
    ['new_terms', newTerms],
  ] as const) {
    it(`${label}: exact without the bug, the edges compared for spl and sentinel`, () => {
      const rep = verifyRule(r, { targets: [getTarget('spl'), getTarget('sentinel')], now });
      for (const t of rep.targets) {
        expect(t.status, JSON.stringify(t.disagreements[0])).toBe('exact');
        expect(t.note).toMatch(/the alerts on \d+ streams around the/);
      }
    });
  }

  it('threshold: a window start one second late misses the alert of the stream with an event at the start', () => {
    plant.windowStartLate = true;
    const t = verifyRule(threshold, { targets: [getTarget('sentinel')], now, maxReported: 50 })
      .targets[0];
    expect(t.status).toBe('undeclared');
    const d = t.disagreements.find((x) => x.origin.startsWith('threshold:'));
    expect(d, JSON.stringify(t.disagreements.map((x) => x.origin))).toMatchObject({
      kind: 'narrower',
      declared: false,
      clause: 'threshold: 5 events per user.name in [now-9m, now]',
    });
    expect(d!.origin).toContain('4 events in the window and one exactly at the window start');
  });

  it('new_terms: a history start one second late raises an alert for a term seen exactly at the history start', () => {
    plant.windowStartLate = true;
    const t = verifyRule(newTerms, { targets: [getTarget('sentinel')], now, maxReported: 50 })
      .targets[0];
    expect(t.status).toBe('undeclared');
    const d = t.disagreements.find((x) =>
      x.origin.includes('a term seen exactly at the history start'),
    );
    expect(d, JSON.stringify(t.disagreements.map((x) => x.origin))).toMatchObject({
      kind: 'wider',
      declared: false,
    });
    expect(d!.origin).toContain('0 alert(s) from the source rule, 1 from the translation');
  });
});
