/**
 * The lowered query tree every target emits from. It is the KQL AST after field mapping and the
 * small lowering passes: `is` nodes become `match` nodes carrying a classified `Pattern`, value
 * lists over one field may fold into `in`, routing clauses decided by the source selection become
 * `all` / `none`, and clauses on fields without an equivalent become `drop`.
 *
 * Every node keeps the span of the KQL text it came from, for diagnostics.
 */
import type { RangeOp, Span } from '../../src/kql/ast.js';
import type { MappedField } from '../../src/mapping/resolve.js';

/** A literal text value, or a typed KQL literal (unquoted `true` / `false` / `null`). */
export interface EqPattern {
  kind: 'eq';
  /** Text as Elasticsearch compares it (`true` → "true"). */
  text: string;
  /** Written in double quotes. */
  quoted: boolean;
  /** The typed literal, when the value was unquoted `true`/`false`/`null`. */
  typed?: boolean | null;
}

/** `text*`: literal text then a wildcard. */
export interface PrefixPattern {
  kind: 'prefix';
  text: string;
}
/** `*text` */
export interface SuffixPattern {
  kind: 'suffix';
  text: string;
}
/** `*text*` */
export interface ContainsPattern {
  kind: 'contains';
  text: string;
}
export type AffixPattern = PrefixPattern | SuffixPattern | ContainsPattern;

/** A general wildcard: literal chunks joined by `*` (any sequence, including line breaks). */
export interface WildcardPattern {
  kind: 'wildcard';
  /** >= 2 chunks, no two consecutive empty chunks in the middle. */
  chunks: string[];
}

/** CIDR network (on an ip field). */
export interface CidrPattern {
  kind: 'cidr';
  text: string;
}

/** Any value at all (`f:**`): the field has a value. */
export interface AnyPattern {
  kind: 'any';
}

export type Pattern = EqPattern | AffixPattern | WildcardPattern | CidrPattern | AnyPattern;
export type MatchKind = Pattern['kind'];

/** A field reference after mapping; `wildcard` set for wildcard field names (`process.*`). */
export interface LField extends MappedField {
  /** Literal chunks of a wildcard field name, e.g. `['process.', '']`. */
  wildcard?: string[];
}

export interface LAnd {
  kind: 'and';
  children: LNode[];
  span: Span;
}
export interface LOr {
  kind: 'or';
  children: LNode[];
  span: Span;
}
export interface LNot {
  kind: 'not';
  child: LNode;
  span: Span;
}
/** `field:pattern`; `field` null for free text. */
export interface LMatch {
  kind: 'match';
  field: LField | null;
  pattern: Pattern;
  span: Span;
}
/** A value list folded over one field: any of the `eq` values. */
export interface LIn {
  kind: 'in';
  field: LField;
  values: EqPattern[];
  span: Span;
}
export interface LExists {
  kind: 'exists';
  field: LField;
  span: Span;
}
export interface LRange {
  kind: 'range';
  field: LField;
  op: RangeOp;
  /** Value text; `numeric` when it reads as a number. */
  value: string;
  numeric: boolean;
  span: Span;
}
/** `path:{ query }`: fields in `query` are already joined with the path. */
export interface LNested {
  kind: 'nested';
  path: LField;
  query: LNode;
  span: Span;
}
export interface LAll {
  kind: 'all';
  span: Span;
}
export interface LNone {
  kind: 'none';
  span: Span;
}

export type LNode = LAnd | LOr | LNot | LMatch | LIn | LExists | LRange | LNested | LAll | LNone;
export type LKind = LNode['kind'];
export type LNodeOf<K extends LKind> = Extract<LNode, { kind: K }>;

/** Children of a node (for generic walks). */
export function lchildren(n: LNode): LNode[] {
  switch (n.kind) {
    case 'and':
    case 'or':
      return n.children;
    case 'not':
      return [n.child];
    case 'nested':
      return [n.query];
    default:
      return [];
  }
}

/** True for leaf predicates on one field. */
export function isAtom(n: LNode): n is LMatch | LIn | LExists | LRange {
  return n.kind === 'match' || n.kind === 'in' || n.kind === 'exists' || n.kind === 'range';
}

/** Fields referenced by a tree (target names), in first-use order. */
export function fieldsOf(n: LNode, out: LField[] = []): LField[] {
  if (n.kind === 'match' && n.field) out.push(n.field);
  else if (n.kind === 'in' || n.kind === 'exists' || n.kind === 'range') out.push(n.field);
  for (const c of lchildren(n)) fieldsOf(c, out);
  return out;
}
