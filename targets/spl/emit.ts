/**
 * Rule → SPL pipeline:
 *
 *   search <source> <time window> <pre-filter>      sound superset of the query (case-insensitive)
 *   | eval <pair fields> / | lookup <tables>         derived fields the rest needs
 *   | where <exact conditions>                       only the conjuncts `search` cannot say exactly
 *   | stats ... | where ...                          new_terms / threshold
 *
 * Every place the result may differ from Elastic gets a diagnostic with its effect.
 */
import type { Span } from '../../src/kql/ast.js';
import { mapField } from '../../src/mapping/resolve.js';
import type { LField, LNode, TargetContext, TargetOutput } from '../core/index.js';
import {
  allExact,
  emit,
  flipEffect,
  hasCasedLetters,
  isAtom,
  lowerQuery,
  over,
  patternChunks,
  simplify,
  wildcardMatches,
} from '../core/index.js';
import {
  FLAG_PREFIX,
  isDerived,
  maxLen,
  pipelineName,
  searchDialect,
  searchFidelity,
  whereDialect,
  whereIsLoose,
  type SplEmitContext,
} from './dialects.js';
import { savedSearchStanza } from './savedsearches.js';
import { analyzerSupported } from './text.js';
import {
  evalField,
  pcreAlternatives,
  pcreWhole,
  relativeTime,
  searchField,
  splString,
} from './syntax.js';
import { defaultSchema, matchKindOf } from '../../src/schema/index.js';

/** The structured result of the SPL translation, also used by the savedsearches bundler. */
export interface SplPlan {
  lines: string[];
  /** Dispatch window of the search (time modifiers). */
  earliest: string;
  latest: string;
  indexTime: boolean;
}

export function translateSpl(ctx: TargetContext): TargetOutput {
  const plan = planSpl(ctx);
  const text = plan.lines.join('\n');
  return {
    text,
    artifacts: [
      { path: 'savedsearches.conf', content: savedSearchStanza(ctx.rule, plan, ctx.diags) },
    ],
  };
}

/** Replace `nested` nodes by their query (SPL cannot correlate array elements), with a diagnostic. */
function flattenNested(n: LNode, ctx: TargetContext, negated: boolean): LNode {
  switch (n.kind) {
    case 'nested':
      ctx.diags.add({
        code: 'SPL-NESTED',
        effect: flipEffect('wider', negated),
        span: n.span,
        message: `nested query on ${n.path.source}: SPL flattens arrays of objects, so the conditions may be met by different elements`,
      });
      return flattenNested(n.query, ctx, negated);
    case 'and':
    case 'or':
      return { ...n, children: n.children.map((c) => flattenNested(c, ctx, negated)) };
    case 'not':
      return { ...n, child: flattenNested(n.child, ctx, !negated) };
    default:
      return n;
  }
}

/** Wildcard field names foreach can iterate exactly: plain names with a literal dot. */
const FOREACH_NAME = /^[A-Za-z0-9_.@-]*$/;

/**
 * The per-field eval test for a wildcard-field atom, when `foreach` can test it exactly: the
 * pattern is a plain name with a literal `.` (so it never matches Splunk's own fields or siemc's
 * flags), the profile renames none of the fields it matches, and every schema field it matches
 * is a case-sensitive keyword (the evaluator's per-field semantics then equal one regex test).
 */
export function foreachTest(n: LNode, ctx: TargetContext): string | undefined {
  if (!isAtom(n)) return undefined;
  const f = n.field;
  const chunks = f?.wildcard;
  if (!f || !chunks) return undefined;
  if (!chunks.every((c) => FOREACH_NAME.test(c)) || !chunks.some((c) => c.includes('.')))
    return undefined;
  const section = ctx.profile.targets.spl;
  const mapped = [
    ...Object.keys(section?.fields ?? {}),
    ...(section?.routes ?? []).map((r) => r.field),
  ];
  if (mapped.some((k) => wildcardMatches(chunks, k))) return undefined;
  if (!wildcardKeywordOnly(chunks)) return undefined;
  const F = "'<<FIELD>>'";
  switch (n.kind) {
    case 'exists':
      return `isnotnull(${F})`;
    case 'in':
      return `isnotnull(mvfind(${F}, ${splString(pcreAlternatives(n.values.map((v) => v.text)))}))`;
    case 'match': {
      const p = n.pattern;
      if (p.kind === 'any') return `isnotnull(${F})`;
      if (p.kind === 'cidr') return undefined;
      return `isnotnull(mvfind(${F}, ${splString(pcreWhole(patternChunks(p)!))}))`;
    }
    default:
      return undefined;
  }
}

const keywordOnlyCache = new Map<string, boolean>();
function wildcardKeywordOnly(chunks: readonly string[]): boolean {
  const key = chunks.join('\u0000');
  let ok = keywordOnlyCache.get(key);
  if (ok === undefined) {
    const schema = defaultSchema();
    ok = true;
    for (const name of schema.names()) {
      if (!wildcardMatches(chunks, name)) continue;
      const r = schema.resolve(name);
      // objects hold no values of their own
      if (r.type === 'object' || r.type === 'nested') continue;
      if (matchKindOf(r.type) !== 'keyword' || r.normalizer === 'lowercase') {
        ok = false;
        break;
      }
    }
    keywordOnlyCache.set(key, ok);
  }
  return ok;
}

/** Does the atom hold only for events where `field` has a non-empty value? */
function requiresNonEmpty(n: LNode): string | undefined {
  if (n.kind === 'match' && n.field && !n.field.wildcard) {
    const p = n.pattern;
    if (p.kind === 'any') return undefined;
    if (p.kind === 'cidr') return n.field.source;
    if (p.kind === 'wildcard') return p.chunks.some((c) => c !== '') ? n.field.source : undefined;
    return p.text !== '' ? n.field.source : undefined;
  }
  if (n.kind === 'in' && !n.field.wildcard)
    return n.values.every((v) => v.text !== '') ? n.field.source : undefined;
  if (n.kind === 'range' && !n.field.wildcard) {
    // "" is the smallest string and no number, date or address
    const typed = ['number', 'date', 'ip'].includes(n.field.type ?? '');
    if (typed || n.op === 'gt' || (n.op === 'gte' && n.value !== '')) return n.field.source;
  }
  return undefined;
}

/**
 * `f:*` next to a conjunct that already needs a non-empty value of `f` adds nothing (`f:* and
 * f:x` is `f:x`), so the empty-string difference of exists cannot show through it.
 */
function redundantExists(children: readonly LNode[]): Set<LNode> {
  const out = new Set<LNode>();
  const needed = new Set(children.map(requiresNonEmpty).filter((x) => x !== undefined));
  // `f:* and not f:""`: an event whose only value is "" fails both in Elastic and in Splunk
  for (const c of children)
    if (
      c.kind === 'not' &&
      c.child.kind === 'match' &&
      c.child.field &&
      !c.child.field.wildcard &&
      c.child.pattern.kind === 'eq' &&
      c.child.pattern.text === ''
    )
      needed.add(c.child.field.source);
  for (const c of children) {
    const isExists = c.kind === 'exists' || (c.kind === 'match' && c.pattern.kind === 'any');
    const f = c.kind === 'exists' ? c.field : c.kind === 'match' ? c.field : null;
    if (isExists && f && !f.wildcard && needed.has(f.source)) out.add(c);
  }
  return out;
}

interface DeclareState {
  /** Pair fields already declared (one SPL-PAIR note per field). */
  pairs: Set<string>;
  /** Exists atoms made redundant by a sibling conjunct. */
  redundant: Set<LNode>;
}

/** Walk atoms with their polarity and report what stays inexact in the final pipeline. */
function declareAtoms(
  n: LNode,
  ctx: TargetContext,
  negated: boolean,
  st: DeclareState = { pairs: new Set(), redundant: new Set() },
): void {
  if (isAtom(n)) {
    const f = n.kind === 'match' ? n.field : n.field;
    const at = n.span;
    if (f === null) {
      ctx.diags.add({
        code: 'SPL-FREE-TEXT',
        effect: flipEffect('wider', negated),
        span: at,
        message:
          'free-text term: Splunk searches the raw event text (case-insensitive tokens), not every field value exactly',
        hint: 'name the field the value belongs to',
      });
      ctx.diags.add({
        code: 'SPL-FREE-TEXT',
        effect: flipEffect('narrower', negated),
        span: at,
        message:
          'free-text term: values that are not in the raw text as a token (e.g. added at index time) are not found',
      });
      return;
    }
    if (!f.wildcard && f.type === 'text' && !analyzerSupported(f.analyzer)) {
      for (const effect of ['wider', 'narrower'] as const)
        ctx.diags.add({
          code: 'SPL-ANALYZER',
          effect: flipEffect(effect, negated),
          span: at,
          message: `${f.source} is analysed with the pattern ${JSON.stringify(f.analyzer)}; the SPL matches its tokens as the standard analyzer would`,
          hint: 'only the standard analyzer and negated-class patterns ([^...]+) are translated exactly',
        });
    }
    if (n.kind === 'range' && !n.numeric && !f.wildcard && (f.type === 'ip' || f.type === 'date')) {
      // Elastic compares addresses and instants (date math, time zones, rounding); the SPL
      // where clause compares the text, so both directions can differ.
      for (const effect of ['wider', 'narrower'] as const)
        ctx.diags.add({
          code: 'SPL-RANGE-TEXT',
          effect: flipEffect(effect, negated),
          span: at,
          message: `${f.source} is ${f.type === 'ip' ? 'an ip' : 'a date'} field: the range ${JSON.stringify(n.value)} is compared as text in SPL, not as ${f.type === 'ip' ? 'an address' : 'a point in time (date math, time zones)'}, so it can match ${effect === 'wider' ? 'values Elastic rejects' : 'fewer values than Elastic'}`,
          hint:
            f.type === 'ip'
              ? 'write the range as a CIDR block (source.ip:"10.0.0.0/8"), which is translated exactly'
              : 'use the rule window for time bounds, or compare a numeric epoch field',
        });
    }
    if (f.wildcard && foreachTest(n, ctx) === undefined) {
      ctx.diags.add({
        code: 'SPL-FIELD-WILDCARD',
        effect: flipEffect('wider', negated),
        span: at,
        message: `wildcard field name ${f.source}: matched with a case-insensitive search (searchmatch); it cannot be checked case-sensitively`,
        hint: 'list the concrete field names in the rule or the mapping profile',
      });
    }
    if (
      (n.kind === 'exists' || (n.kind === 'match' && n.pattern.kind === 'any')) &&
      !st.redundant.has(n)
    ) {
      ctx.diags.add({
        code: 'SPL-EXISTS-EMPTY',
        effect: flipEffect('narrower', negated),
        severity: 'info',
        span: at,
        message: `${f.source}:* also matches an empty string in Elastic; Splunk does not extract empty values, so an event whose ${f.source} is "" counts as lacking the field`,
      });
    }
    const emptyEq =
      (n.kind === 'match' && n.pattern.kind === 'eq' && n.pattern.text === '') ||
      (n.kind === 'in' && n.values.some((v) => v.text === ''));
    if (emptyEq) {
      ctx.diags.add({
        code: 'SPL-EMPTY-VALUE',
        effect: flipEffect('narrower', negated),
        span: at,
        message: `${f.source}:"" matches an empty string in Elastic; Splunk does not extract empty values, so it cannot match`,
      });
    }
    if (ctx.options.case === 'loose' && !f.wildcard) {
      const texts =
        n.kind === 'match' && n.pattern.kind !== 'cidr'
          ? (patternChunks(n.pattern) ?? [])
          : n.kind === 'in'
            ? n.values.map((v) => v.text)
            : [];
      if (texts.some(hasCasedLetters)) {
        ctx.diags.add({
          code: 'SPL-CASE',
          effect: flipEffect('wider', negated),
          span: at,
          message: `${f.source} is compared case-insensitively (--case loose); Elastic keyword matching is case-sensitive`,
          hint: 'use --case exact to add a case-sensitive where clause',
        });
      }
    }
    if (f.item?.pair && !st.pairs.has(f.source)) {
      st.pairs.add(f.source);
      ctx.diags.add({
        code: 'SPL-PAIR',
        effect: 'exact',
        severity: 'info',
        span: at,
        message: `${f.source} is read from the Name/Value pairs ${f.item.pair.nameField}/${f.item.pair.valueField} with mvfind/mvindex; this assumes every entry has both a Name and a Value`,
      });
    }
    return;
  }
  switch (n.kind) {
    case 'and':
      for (const r of redundantExists(n.children)) st.redundant.add(r);
      n.children.forEach((c) => declareAtoms(c, ctx, negated, st));
      return;
    case 'or':
      n.children.forEach((c) => declareAtoms(c, ctx, negated, st));
      return;
    case 'not':
      declareAtoms(n.child, ctx, !negated, st);
      return;
    default:
      return;
  }
}

function collectDerived(n: LNode, out: Map<string, LField>): void {
  if (isAtom(n)) {
    const f = n.kind === 'match' ? n.field : n.field;
    if (f && isDerived(f)) out.set(f.source, f);
    return;
  }
  if (n.kind === 'and' || n.kind === 'or') n.children.forEach((c) => collectDerived(c, out));
  else if (n.kind === 'not') collectDerived(n.child, out);
}

/** Pipeline commands that produce derived fields (pairs, expressions, lookups). */
function derivationCommands(fields: Iterable<LField>, ctx: TargetContext): string[] {
  const evals: string[] = [];
  const lookups: string[] = [];
  for (const f of fields) {
    const it = f.item!;
    const alias = evalField(f.source);
    if (it.pair) {
      evals.push(
        `${alias}=mvindex(${evalField(it.pair.valueField)}, mvfind(${evalField(it.pair.nameField)}, ${splString(pcreWhole([it.pair.name]))}))`,
      );
    } else if (it.expression) {
      evals.push(`${alias}=${it.expression}`);
    } else if (it.lookup) {
      const l = it.lookup;
      const input =
        l.inputField && l.inputField !== l.input
          ? `${searchField(l.inputField)} AS ${searchField(l.input)}`
          : searchField(l.input);
      lookups.push(
        `| lookup ${searchField(l.table)} ${input} OUTPUT ${searchField(l.output)} AS ${searchField(f.source)}`,
      );
    }
  }
  void ctx;
  const out: string[] = [];
  if (evals.length) out.push(`| eval ${evals.join(', ')}`);
  return out.concat(lookups);
}

function window(
  ctx: TargetContext,
  fromExpr: string,
  span?: Span,
): { mods: string; earliest: string; indexTime: boolean } {
  const rule = ctx.rule;
  const ts = rule.timestampOverride;
  const indexTime = ts === 'event.ingested';
  if (ts && ts !== 'event.ingested' && ts !== '@timestamp') {
    ctx.diags.add({
      code: 'SPL-TIME-FIELD',
      effect: 'wider',
      message: `timestamp_override ${ts} has no Splunk equivalent; the window applies to _time instead`,
    });
    ctx.diags.add({
      code: 'SPL-TIME-FIELD',
      effect: 'narrower',
      message: `timestamp_override ${ts}: events whose ${ts} is in the window but whose _time is not are missed`,
    });
  }
  const rt = relativeTime(fromExpr);
  let earliest = '-6m';
  if (rt.ok) earliest = rt.text;
  else ctx.diags.unsupported(span, 'SPL-TIME', `rule window start '${fromExpr}': ${rt.reason}`);
  const mods = indexTime
    ? `_index_earliest=${earliest} _index_latest=now earliest=0`
    : `earliest=${earliest} latest=now`;
  return { mods, earliest, indexTime };
}

function sourceClause(ctx: TargetContext): string {
  const src = ctx.profile.targets.spl?.source ?? {};
  const parts: string[] = [];
  for (const key of ['index', 'sourcetype', 'source']) {
    const v = src[key];
    if (v === undefined) continue;
    const vals = Array.isArray(v) ? v : [v];
    const one = (x: string) => (x === '*' ? `${key}=*` : `${key}=${splString(x)}`);
    parts.push(vals.length === 1 ? one(vals[0]) : `(${vals.map(one).join(' OR ')})`);
    ctx.trace.record({
      item: `${ctx.profile.id}/spl/source/${key}`,
      from: `index ${ctx.rule.index.join(', ') || '(none)'}`,
      to: `${key}=${vals.join('|')}`,
    });
  }
  if (parts.length === 0) {
    parts.push('index=*');
    if (ctx.rule.index.length) {
      ctx.diags.info(
        'SPL-INDEX',
        `index patterns ${ctx.rule.index.join(', ')} are not mapped to Splunk indexes; searching all indexes (index=*)`,
      );
    }
  }
  return parts.join(' ');
}

/** Map a rule-level field (new terms, threshold) for the pipeline. */
function ruleField(ctx: TargetContext, name: string, what: string): LField | undefined {
  const f: LField = mapField(ctx.profile, 'spl', name);
  if (f.traceId)
    ctx.trace.record({
      item: f.traceId,
      from: name,
      to: f.item?.lookup
        ? `lookup ${f.item.lookup.table} → ${f.item.lookup.output}`
        : pipelineName(f),
    });
  if (f.item?.none) {
    ctx.diags.unsupported(
      undefined,
      'MAP-NONE',
      `${what} field ${name} has no equivalent in Splunk`,
    );
    return undefined;
  }
  // (once: the query's own clauses on the field may have reported it already)
  if (f.item?.warning && !ctx.diags.items.some((d) => d.message === f.item!.warning))
    ctx.diags.add({
      code: 'MAP-ITEM',
      message: f.item.warning,
      effect: f.item.effect ?? 'exact',
      severity: 'warning',
    });
  return f;
}

/**
 * Elastic aggregates an empty string as a term of a keyword (or boolean: `false`) field; Splunk
 * does not extract empty values, so `stats ... BY f` / `dc(f)` never see them. Numbers, dates and
 * addresses have no empty term, so nothing differs for them.
 */
function declareKeyEmpties(ctx: TargetContext, keys: readonly LField[], q: LNode): void {
  // the query already keeps only non-empty values of these fields (or declared the exists loss)
  const conjuncts = q.kind === 'and' ? q.children : [q];
  const covered = new Set<string>();
  for (const c of conjuncts) {
    const f = requiresNonEmpty(c);
    if (f) covered.add(f);
    if (c.kind === 'exists' && !c.field.wildcard) covered.add(c.field.source);
    if (c.kind === 'match' && c.pattern.kind === 'any' && c.field && !c.field.wildcard)
      covered.add(c.field.source);
  }
  for (const f of keys) {
    if (f.type === 'number' || f.type === 'ip' || f.type === 'date') continue;
    if (covered.has(f.source)) continue;
    ctx.diags.add({
      code: 'SPL-KEY-EMPTY',
      effect: 'narrower',
      severity: 'info',
      message: `${f.source} = "" is a value of its own in Elastic's ${ctx.rule.type === 'new_terms' ? 'new terms' : 'threshold groups and counts'}; Splunk does not extract empty values, so stats drops or does not count such events`,
    });
  }
}

function statsField(f: LField): string {
  return searchField(pipelineName(f));
}

export function planSpl(ctx: TargetContext): SplPlan {
  const rule = ctx.rule;
  const mode = ctx.options.case;
  let q = lowerQuery(ctx);
  q = simplify(flattenNested(q, ctx, false));
  declareAtoms(q, ctx, false);
  const fid = searchFidelity(mode);
  const conjuncts = q.kind === 'and' ? q.children : [q];
  const sParts: LNode[] = [];
  const wParts: LNode[] = [];
  for (const c of conjuncts) {
    if (c.kind === 'all') continue;
    const missing = cappedMissing(c);
    if (missing) {
      // `NOT f=*` keeps the form Splunk users (and the shared cases) expect; values longer than
      // ignore_above are the only difference, declared
      sParts.push(c);
      ctx.diags.add({
        code: 'SPL-IGNORE-ABOVE',
        effect: 'narrower',
        severity: 'info',
        span: c.span,
        message: `Elasticsearch does not index ${missing.source} values longer than ${maxLen(missing)} characters (ignore_above), so an event with only such values lacks the field there; NOT ${missing.source}=* drops it`,
      });
      continue;
    }
    if (c.kind !== 'none' && allExact(c, fid) && !hasLoose(c)) sParts.push(c);
    else {
      sParts.push(over(c, fid));
      wParts.push(c);
    }
  }
  const sTree = simplify({
    kind: 'and',
    children: sParts.length ? sParts : [{ kind: 'all', span: q.span }],
    span: q.span,
  });
  const ectx: SplEmitContext = { caseMode: mode };
  const sText = sTree.kind === 'all' ? '' : topSearch(sTree, ectx);

  const derived = new Map<string, LField>();
  for (const w of wParts) collectDerived(w, derived);

  let fromExpr = rule.from || 'now-6m';
  const extra: string[] = [];
  const keyFields: LField[] = [];
  if (rule.type === 'new_terms') {
    if (!rule.newTerms || rule.newTerms.fields.length === 0) {
      ctx.diags.unsupported(undefined, 'RULE-NEW-TERMS', 'new_terms rule without new terms fields');
    } else {
      for (const name of rule.newTerms.fields) {
        const f = ruleField(ctx, name, 'new terms');
        if (f) keyFields.push(f);
      }
    }
  } else if (rule.type === 'threshold' && rule.threshold) {
    for (const name of rule.threshold.field) {
      const f = ruleField(ctx, name, 'threshold group-by');
      if (f) keyFields.push(f);
    }
    for (const c of rule.threshold.cardinality ?? []) {
      const f = ruleField(ctx, c.field, 'threshold cardinality');
      if (f) keyFields.push(f);
    }
  }
  declareKeyEmpties(ctx, keyFields, q);
  const statsDerived = new Map<string, LField>();
  for (const f of keyFields)
    if (isDerived(f) && !derived.has(f.source)) statsDerived.set(f.source, f);

  let windowInfo;
  if (rule.type === 'new_terms' && rule.newTerms) {
    const win = window(ctx, fromExpr);
    const hist = window(ctx, rule.newTerms.historyWindowStart);
    windowInfo = hist;
    const timeField = win.indexTime ? '_indextime' : '_time';
    const keys = keyFields.map(statsField).join(', ');
    extra.push(`| stats min(${timeField}) AS firstTime BY ${keys}`);
    const start = win.earliest;
    const startExpr = /^\d+$/.test(start) ? start : `relative_time(now(), ${splString(start)})`;
    extra.push(`| where firstTime > ${startExpr}`);
    fromExpr = rule.newTerms.historyWindowStart;
  } else if (rule.type === 'threshold' && rule.threshold) {
    const t = rule.threshold;
    const aggs = ['count AS count'];
    const conds = [`count >= ${t.value}`];
    (t.cardinality ?? []).forEach((c, i) => {
      const f = keyFields[t.field.length + i];
      if (!f) return;
      const name = (t.cardinality ?? []).length === 1 ? 'cardinality' : `cardinality_${i + 1}`;
      aggs.push(`dc(${statsField(f)}) AS ${name}`);
      conds.push(`${name} >= ${c.value}`);
    });
    const by = keyFields.slice(0, t.field.length).map(statsField);
    extra.push(`| stats ${aggs.join(', ')}${by.length ? ` BY ${by.join(', ')}` : ''}`);
    extra.push(`| where ${conds.join(' AND ')}`);
    windowInfo = window(ctx, fromExpr);
  } else {
    windowInfo = window(ctx, fromExpr);
  }

  const head = ['search', sourceClause(ctx), windowInfo.mods, sText]
    .filter((s) => s !== '')
    .join(' ');
  const lines = [head];
  lines.push(...derivationCommands(derived.values(), ctx));
  if (wParts.length) {
    const wTree: LNode =
      wParts.length === 1 ? wParts[0] : { kind: 'and', children: wParts, span: q.span };
    const flags: string[] = [];
    const loops: string[] = [];
    const flagged = flagWildcards(wTree, ctx, (n, test) => {
      const flag = `${FLAG_PREFIX}${flags.length + 1}`;
      flags.push(flag);
      const list = n.kind === 'match' || n.kind === 'in' || n.kind === 'exists' ? n.field! : null;
      loops.push(`| foreach ${list!.wildcard!.join('*')} [eval ${flag}=if(${test}, 1, ${flag})]`);
      return flag;
    });
    if (flags.length) lines.push(`| eval ${flags.map((f) => `${f}=0`).join(', ')}`, ...loops);
    lines.push(`| where ${emit(flagged, whereDialect, ectx).text}`);
  }
  lines.push(...derivationCommands(statsDerived.values(), ctx));
  // Elastic aggregates only indexed terms: keyword values longer than ignore_above are none
  const capped = keyFields.filter((f) => maxLen(f) !== undefined);
  if (capped.length && extra.length)
    lines.push(
      `| eval ${capped
        .map((f) => {
          const name = evalField(pipelineName(f));
          return `${name}=mvfilter(len(${name})<=${maxLen(f)})`;
        })
        .join(', ')}`,
    );
  lines.push(...extra);
  return { lines, earliest: windowInfo.earliest, latest: 'now', indexTime: windowInfo.indexTime };
}

/**
 * Replace each wildcard-field atom `foreach` can test by a test of its flag field (`flag=1`);
 * `make` emits the flag's foreach and names it.
 */
function flagWildcards(
  n: LNode,
  ctx: TargetContext,
  make: (n: LNode, test: string) => string,
): LNode {
  if (isAtom(n)) {
    const test = foreachTest(n, ctx);
    if (test === undefined) return n;
    const flag = make(n, test);
    return {
      kind: 'match',
      field: { source: flag, name: flag },
      pattern: { kind: 'eq', text: '1', quoted: true },
      span: n.span,
    };
  }
  switch (n.kind) {
    case 'and':
    case 'or':
      return { ...n, children: n.children.map((c) => flagWildcards(c, ctx, make)) };
    case 'not':
      return { ...n, child: flagWildcards(n.child, ctx, make) };
    default:
      return n;
  }
}

/** `not f:*` on a keyword field with ignore_above: the field it tests, else undefined. */
function cappedMissing(c: LNode): LField | undefined {
  if (c.kind !== 'not') return undefined;
  const a = c.child;
  const f =
    a.kind === 'exists' ? a.field : a.kind === 'match' && a.pattern.kind === 'any' ? a.field : null;
  if (!f || f.wildcard || f.item?.pair || isDerived(f) || maxLen(f) === undefined) return undefined;
  return f;
}

function hasLoose(n: LNode): boolean {
  if (isAtom(n)) return whereIsLoose(n);
  if (n.kind === 'and' || n.kind === 'or') return n.children.some(hasLoose);
  if (n.kind === 'not') return hasLoose(n.child);
  return false;
}

/** Top-level search: conjuncts separated by spaces (implicit AND), groups parenthesised. */
function topSearch(t: LNode, ectx: SplEmitContext): string {
  const parts = t.kind === 'and' ? t.children : [t];
  return parts
    .map((p) => {
      const e = emit(p, searchDialect, ectx);
      return e.prec < 1000 && p.kind !== 'not' ? `(${e.text})` : e.text;
    })
    .join(' ');
}
