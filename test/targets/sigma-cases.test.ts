/**
 * Every regression case of ../shared/cases/ with a `sigma` expectation holds (regexes on the
 * emitted text, `values_after_yaml_load` through a YAML 1.1 loader). In addition, every case's
 * events are run through the Sigma translation with siemc's Sigma evaluator and must give the
 * case's `match` (exactly, or as a superset when the translation declares itself wider), and
 * threshold cases' alerts must come out of the correlation rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadCaseSpec, loadRuleText } from '../../src/rules/index.js';
import { loadSigma, runCorrelations } from '../../src/equiv/sigma/index.js';
import { decodeSigmaString, type SigmaPiece } from '../../src/equiv/sigma/strings.js';
import type { Translation } from '../../targets/types.js';
import { detectionOf, sigmaPredicate, toSigma } from './sigma-helpers.js';

const DIR = '../shared/cases';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

const cases = files.map((f) => {
  const text = readFileSync(join(DIR, f), 'utf8');
  const { spec } = loadCaseSpec(text, join(DIR, f));
  // As a rule file the case loads with its parsed query (AST) and validation.
  const loaded = loadRuleText(text, join(DIR, f), 'yaml');
  return { file: f, spec, rule: loaded[0]?.rule, diagnostics: loaded[0]?.diagnostics ?? [] };
});

/** Every scalar (string form) of the detection/correlation sections of all documents. */
function loadedScalars(text: string): { values: string[]; entries: Map<string, unknown[]> } {
  const values: string[] = [];
  const entries = new Map<string, unknown[]>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const field = k.split('|')[0];
        entries.set(field, [...(entries.get(field) ?? []), ...(Array.isArray(x) ? x : [x])]);
        walk(x);
      }
    } else if (typeof v === 'string') values.push(v);
  };
  const docs = parseAllDocuments(text, { version: '1.1' });
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    const o = d.toJS() as Record<string, unknown>;
    walk(o.detection);
    walk(o.correlation);
  }
  return { values, entries };
}

/** Expectation keys this test knows how to check; any other key fails the case. */
const HANDLED_KEYS = new Set([
  'must_match_regex',
  'must_not_match_regex',
  'values_after_yaml_load',
  'note',
]);

/** The Sigma value of `field` (any modifiers) decoded with Sigma's escaping, modifiers applied. */
function decodedValues(t: Translation, field: string): SigmaPiece[][] {
  const out: SigmaPiece[][] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const [f, ...mods] = k.split('|');
        if (f !== field) {
          walk(x);
          continue;
        }
        for (const raw of Array.isArray(x) ? x : [x]) {
          if (typeof raw !== 'string') continue;
          const pieces = decodeSigmaString(raw);
          if (mods.includes('contains') || mods.includes('endswith')) pieces.unshift({ any: true });
          if (mods.includes('contains') || mods.includes('startswith')) pieces.push({ any: true });
          out.push(pieces);
        }
      }
  };
  walk(detectionOf(t.text));
  return out;
}

const condition = (t: Translation): string => String(detectionOf(t.text).condition);

/**
 * Checks for what a case's `note` says in prose. A new case with a sigma note and no entry here
 * fails, so every expectation is read by a person and turned into a check.
 */
const NOTE_CHECKS: Record<string, (t: Translation) => void> = {
  'eval-exists-matches-empty-string': (t) => {
    expect(detectionOf(t.text).selection).toEqual({ 'user.name|exists': true });
  },
  'eval-keyword-exact-case': (t) => {
    expect(detectionOf(t.text).selection).toEqual({ 'process.name|cased': 'vaultcmd.exe' });
  },
  'eval-not-group-no-demorgan-split': (t) => {
    expect(condition(t)).toBe('selection and not filter');
    expect(detectionOf(t.text).filter).toEqual({
      'user.name|cased': 'svc_backup',
      'host.name|cased': 'db01',
    });
  },
  'eval-not-keeps-missing-field': (t) => {
    expect(condition(t)).toBe('selection and not filter');
    expect(t.text).not.toMatch(/\|exists/);
  },
  'eval-numeric-looking-keyword': (t) => {
    expect(detectionOf(t.text).selection).toEqual({ 'event.code': '4688' });
  },
  'eval-question-mark-is-literal': (t) => {
    expect(decodedValues(t, 'file.name')).toEqual([[{ any: true }, { lit: 'invoice?.pdf' }]]);
  },
  'eval-quoted-asterisk-is-literal': (t) => {
    expect(decodedValues(t, 'process.command_line')).toEqual([
      [{ lit: 'schtasks /delete /tn * /f' }],
    ]);
  },
  'eval-wildcard-literal-backslash': (t) => {
    expect(decodedValues(t, 'process.command_line')).toEqual([
      [{ any: true }, { lit: '\\' }, { any: true }],
    ]);
  },
  'kusto-backslash-contains-not-endswith': (t) => {
    expect(decodedValues(t, 'process.command_line')).toEqual([
      [{ any: true }, { lit: '\\AppData\\' }, { any: true }],
    ]);
  },
  'kusto-negated-wildcard': (t) => {
    expect(condition(t)).toBe('selection and not filter');
    expect(detectionOf(t.text).filter).toEqual({
      'process.command_line|contains|cased': '-NoProfile',
    });
  },
  'mapping-field-name-with-space': (t) => {
    expect(detectionOf(t.text).selection).toEqual({
      'winlog.event_data.Service Name|cased': 'evilsvc',
    });
  },
  'new-terms-array-combinations': (t) => {
    const d = t.diagnostics.find((x) => x.code === 'SIGMA-NEW-TERMS');
    expect(d?.severity).toBe('warning');
    expect(d?.effect).toBe('wider');
    expect(t.verdict).toBe('wider');
  },
  'parse-keyword-case-insensitive': (t) => {
    expect(condition(t)).toBe('selection');
    expect(detectionOf(t.text).selection).toEqual([
      { 'process.name|cased': 'cmd.exe', 'user.name|cased': 'alice' },
      { 'process.name|cased': 'mshta.exe' },
    ]);
  },
  'sigma-backslash-before-wildcard': (t) => {
    expect(decodedValues(t, 'file.path')).toEqual([
      [{ lit: 'C:\\Users\\' }, { any: true }, { lit: '\\Desktop\\' }, { any: true }],
    ]);
  },
};

describe('every case file is read', () => {
  it('each case loads as a spec', () => {
    for (const c of cases)
      expect(c.spec, `${c.file}: ${JSON.stringify(c.diagnostics)}`).toBeDefined();
  });
  it('each sigma expectation uses only checked keys, and each note has a check', () => {
    for (const c of cases) {
      const exp = c.spec?.expect.sigma;
      if (!exp) continue;
      for (const k of Object.keys(exp))
        expect(HANDLED_KEYS.has(k), `${c.file}: unhandled sigma expectation '${k}'`).toBe(true);
      if (exp.note !== undefined)
        expect(
          NOTE_CHECKS[c.spec!.id],
          `${c.file}: its note has no check in NOTE_CHECKS`,
        ).toBeDefined();
    }
  });
});

describe('shared cases with a sigma expectation', () => {
  const withSigma = cases.filter((c) => c.spec?.expect.sigma);
  it('there are cases to check', () => {
    expect(withSigma.length).toBeGreaterThanOrEqual(16);
  });

  for (const c of withSigma) {
    it(c.file, () => {
      expect(c.rule?.ast, JSON.stringify(c.diagnostics)).toBeDefined();
      const exp = c.spec!.expect.sigma!;
      const t = toSigma(c.rule!);
      expect(t.text.length).toBeGreaterThan(0);
      for (const re of exp.must_match_regex ?? [])
        expect(t.text, `must match /${re}/`).toMatch(new RegExp(re));
      for (const re of exp.must_not_match_regex ?? [])
        expect(t.text, `must not match /${re}/`).not.toMatch(new RegExp(re));
      const wanted = exp.values_after_yaml_load as unknown;
      if (wanted !== undefined) {
        const { values, entries } = loadedScalars(t.text);
        if (Array.isArray(wanted)) {
          for (const w of wanted)
            expect(values, `value ${JSON.stringify(w)} after YAML 1.1 load`).toContain(w);
        } else if (wanted && typeof wanted === 'object') {
          for (const [field, want] of Object.entries(wanted as Record<string, unknown>)) {
            const got = entries.get(field) ?? [];
            for (const w of Array.isArray(want) ? want : [want])
              expect(got, `${field} after YAML 1.1 load`).toContain(w);
          }
        } else {
          expect(values).toContain(wanted);
        }
      }
      NOTE_CHECKS[c.spec!.id]?.(t);
    });
  }
});

describe('every case: the Sigma translation means what the case says', () => {
  for (const c of cases) {
    if (!c.rule?.ast || !c.spec || c.spec.expect.error) continue;
    it(c.file, () => {
      const t = toSigma(c.rule!);
      if (t.verdict === 'unsupported' || t.verdict === 'different') return;
      const sigma = sigmaPredicate(t.text);
      // Losses that only show on values over ignore_above or on non-ASCII text: exact elsewhere.
      const lossy = t.diagnostics.filter((d) => d.effect && d.effect !== 'exact');
      const bounded = lossy.every(
        (d) => d.code === 'SIGMA-IGNORE-ABOVE' || d.code === 'SIGMA-TEXT-FIELD',
      );
      c.spec!.events.forEach((e, i) => {
        if (e.match === undefined) return;
        const got = sigma(e.doc);
        const msg = `${c.file} event ${i}: ${JSON.stringify(e.doc)} (verdict ${t.verdict})\n${t.text}`;
        const json = JSON.stringify(e.doc);
        const plain = !/"[^"]{1025,}"/.test(json) && /^[\x00-\x7f]*$/.test(json);
        if (t.verdict === 'exact' || (bounded && plain)) expect(got, msg).toBe(e.match);
        else if (t.verdict === 'wider' && e.match) expect(got, msg).toBe(true);
        else if (t.verdict === 'narrower' && !e.match) expect(got, msg).toBe(false);
      });
      const alerts = c.spec!.expect.alerts;
      if (c.rule!.type === 'threshold' && alerts && c.spec!.now) {
        const docs = c.spec!.events.map((e) => e.doc);
        const got = runCorrelations(loadSigma(t.text), docs, {
          now: c.spec!.now,
          timeFields: c.rule!.timestampOverride
            ? [c.rule!.timestampOverride, '@timestamp']
            : ['@timestamp'],
        });
        expect(got.length).toBe(alerts.length);
        alerts.forEach((a, i) => {
          if (typeof a.count === 'number') expect(got[i].count).toBe(a.count);
          if (a.terms && typeof a.terms === 'object') expect(got[i].group).toEqual(a.terms);
        });
      }
    });
  }
});
