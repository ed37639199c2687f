/**
 * The typed KQL AST shared by every stage of siemc (evaluator, targets, equivalence).
 *
 * Shape: it follows the decisions Kibana's grammar makes (see ../shared/corpus/README.md,
 * "Canonical AST"): value lists are distributed over their field (`f:(a or b)` is an `or` of two
 * `is` nodes), `f:*` is `exists`, `*:*` and the empty query are `all`. What Kibana's tree does not
 * record but a printer or a target wants (that a group was written as a value list) is kept as
 * optional annotations that consumers may ignore.
 *
 * Values stay structured: a literal (decoded text or a typed true/false/null) or a wildcard
 * pattern made of literal chunks separated by `*` wildcards. Nothing is pre-escaped.
 */

/** Half-open range of UTF-16 code-unit offsets into the source text. */
export interface Span {
  start: number;
  end: number;
}

/** A literal value: decoded text, or a typed literal (only unquoted `true`/`false`/`null`). */
export interface LiteralValue {
  kind: 'literal';
  value: string | boolean | null;
  /** Written in double quotes: a phrase, `*` literal, never typed. */
  quoted: boolean;
  span: Span;
}

/**
 * A wildcard pattern: `chunks` are the literal texts between unescaped `*` wildcards, so
 * `ab*c` is `['ab', 'c']`, `*` is `['', '']`, `**` is `['', '', '']`. Always >= 2 chunks.
 * Chunks may contain a literal `*` (from `\*`). Wildcards only exist in unquoted text.
 */
export interface WildcardValue {
  kind: 'wildcard';
  chunks: string[];
  span: Span;
}

export type Value = LiteralValue | WildcardValue;

/** A field name: a literal (quoting is not kept by Kibana) or a wildcard pattern. */
export interface FieldRef {
  kind: 'field';
  /**
   * Decoded name. `true`/`false` stay typed as Kibana types them (`true:x`). `null` only in range
   * and nested nodes (`null > 1`), where Kibana records no field; in `is` nodes an unquoted `null`
   * field is free text (`field: null`).
   */
  name: string | boolean | null;
  /** Set when the name contains an unescaped `*` (`process.*:foo`). */
  wildcard?: string[];
  span: Span;
}

export type RangeOp = 'gt' | 'gte' | 'lt' | 'lte';

export interface OrNode {
  kind: 'or';
  children: Node[];
  /** Present when written as a value list `field:(a or b)`: the list's field. */
  list?: FieldRef | null;
  span: Span;
}

export interface AndNode {
  kind: 'and';
  children: Node[];
  list?: FieldRef | null;
  span: Span;
}

export interface NotNode {
  kind: 'not';
  child: Node;
  list?: FieldRef | null;
  span: Span;
}

/** `field:value`; `field` null means free text over all fields. */
export interface IsNode {
  kind: 'is';
  field: FieldRef | null;
  value: Value;
  span: Span;
}

/** `field:*` */
export interface ExistsNode {
  kind: 'exists';
  field: FieldRef;
  span: Span;
}

/** `field < value` etc. */
export interface RangeNode {
  kind: 'range';
  field: FieldRef;
  op: RangeOp;
  value: Value;
  span: Span;
}

/** `path:{ query }`: fields inside `query` are relative to `path`. */
export interface NestedNode {
  kind: 'nested';
  path: FieldRef;
  query: Node;
  span: Span;
}

/** Matches every document: the empty query and `*:*`. */
export interface AllNode {
  kind: 'all';
  span: Span;
}

export type Node =
  OrNode | AndNode | NotNode | IsNode | ExistsNode | RangeNode | NestedNode | AllNode;

export type NodeKind = Node['kind'];

/** Narrow a node by kind. */
export type NodeOf<K extends NodeKind> = Extract<Node, { kind: K }>;

/** Dotted name of a field reference (`true`/`false` names print as such). */
export function fieldName(f: FieldRef): string {
  return typeof f.name === 'string' ? f.name : String(f.name);
}

/** Text of a literal value as Elasticsearch would see it (`true` → "true", `null` → "null"). */
export function literalText(v: LiteralValue): string {
  return v.value === null ? 'null' : String(v.value);
}
