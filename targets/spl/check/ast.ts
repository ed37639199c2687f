/**
 * Syntax tree of the SPL subset siemc emits (and the SPL interpreter runs): a pipeline of
 * `search`, `where`, `eval`, `stats`, `lookup`, `rex`, `regex`, `fields`, `table`, and
 * `foreach <wildcard fields> [eval ...]` (one eval per matching field, `<<FIELD>>` its name).
 * Offsets are UTF-16 positions in the whole query text.
 */

export interface Pos {
  start: number;
  end: number;
}

/** A value in a search comparison or term: its decoded text and whether it was quoted. */
export interface SearchValue {
  text: string;
  quoted: boolean;
  pos: Pos;
}

export type SearchExpr =
  | { kind: 'and'; children: SearchExpr[]; pos: Pos }
  | { kind: 'or'; children: SearchExpr[]; pos: Pos }
  | { kind: 'not'; child: SearchExpr; pos: Pos }
  | {
      kind: 'cmp';
      field: string;
      op: '=' | '!=' | '<' | '<=' | '>' | '>=';
      value: SearchValue;
      pos: Pos;
    }
  | { kind: 'in'; field: string; values: SearchValue[]; pos: Pos }
  | { kind: 'term'; value: SearchValue; pos: Pos }
  | { kind: 'time'; name: TimeModifier; value: string; pos: Pos };

export type TimeModifier = 'earliest' | 'latest' | '_index_earliest' | '_index_latest';
export const TIME_MODIFIERS: readonly TimeModifier[] = [
  'earliest',
  'latest',
  '_index_earliest',
  '_index_latest',
];

export type EvalExpr =
  | { kind: 'binary'; op: EvalBinaryOp; left: EvalExpr; right: EvalExpr; pos: Pos }
  | { kind: 'not'; expr: EvalExpr; pos: Pos }
  | { kind: 'neg'; expr: EvalExpr; pos: Pos }
  | { kind: 'call'; name: string; args: EvalExpr[]; pos: Pos }
  | { kind: 'field'; name: string; quoted: boolean; pos: Pos }
  | { kind: 'string'; value: string; pos: Pos }
  | { kind: 'number'; value: number; pos: Pos };

export type EvalBinaryOp =
  | 'OR'
  | 'XOR'
  | 'AND'
  | '='
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'LIKE'
  | '+'
  | '-'
  | '.'
  | '*'
  | '/'
  | '%';

export interface StatsAgg {
  fn: string;
  field?: string;
  as: string;
}

export interface FieldAlias {
  /** Field name in the lookup table (or the event, for `AS` on the event side). */
  name: string;
  /** Event-side name (after `AS`), defaults to `name`. */
  as: string;
}

export type Command =
  | { kind: 'search'; expr: SearchExpr | null; pos: Pos }
  | { kind: 'where'; expr: EvalExpr; pos: Pos }
  | { kind: 'eval'; assignments: { field: string; expr: EvalExpr }[]; pos: Pos }
  | { kind: 'stats'; aggs: StatsAgg[]; by: string[]; pos: Pos }
  | {
      kind: 'lookup';
      table: string;
      inputs: FieldAlias[];
      outputs: FieldAlias[];
      outputNew: boolean;
      pos: Pos;
    }
  | { kind: 'rex'; field: string; pattern: string; pos: Pos }
  | { kind: 'regex'; field: string; negate: boolean; pattern: string; pos: Pos }
  | { kind: 'fields'; remove: boolean; fields: string[]; pos: Pos }
  | { kind: 'table'; fields: string[]; pos: Pos }
  | {
      kind: 'foreach';
      /** Wildcard field lists (`*` matches any sequence). */
      fields: string[];
      /** The `eval` inside `[...]`, with `<<FIELD>>` for each matching field's name. */
      template: string;
      pos: Pos;
    };

export interface Pipeline {
  commands: Command[];
}
