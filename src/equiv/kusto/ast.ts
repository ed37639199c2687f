/**
 * AST of the Kusto subset siemc emits (and its interpreter runs): let statements, a tabular
 * pipeline of where / extend / project / project-away / distinct / summarize / join / mv-apply /
 * mv-expand / take, and scalar expressions.
 */
export interface Pos {
  /** 0-based offset in the query text. */
  offset: number;
}

export type Expr =
  | { kind: 'lit'; value: KLiteral; pos: Pos }
  | { kind: 'col'; name: string; pos: Pos }
  | { kind: 'member'; target: Expr; key: string; pos: Pos }
  | { kind: 'index'; target: Expr; index: Expr; pos: Pos }
  | { kind: 'call'; name: string; args: Expr[]; pos: Pos }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; pos: Pos }
  | { kind: 'in'; op: 'in' | '!in' | 'in~' | '!in~'; left: Expr; list: Expr[]; pos: Pos }
  | { kind: 'between'; negated: boolean; left: Expr; low: Expr; high: Expr; pos: Pos }
  | { kind: 'and' | 'or'; left: Expr; right: Expr; pos: Pos }
  | { kind: 'neg'; operand: Expr; pos: Pos };

/** A literal as written: string, number (long/real), bool, null, timespan (ms), datetime (ms). */
export type KLiteral =
  | { t: 'string'; v: string }
  | { t: 'long' | 'real'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'timespan'; ms: number }
  | { t: 'datetime'; ms: number }
  | { t: 'dynamic'; v: unknown };

export interface Assignment {
  name?: string;
  expr: Expr;
}

export type Operator =
  | { op: 'where'; pred: Expr; pos: Pos }
  | { op: 'extend'; items: Assignment[]; pos: Pos }
  | { op: 'project'; items: Assignment[]; pos: Pos }
  | { op: 'project-away'; names: string[]; pos: Pos }
  | { op: 'distinct'; items: Assignment[]; pos: Pos }
  | { op: 'summarize'; aggs: Assignment[]; by: Assignment[]; pos: Pos }
  | { op: 'join'; kind: 'leftanti' | 'inner' | 'leftsemi'; right: Tabular; on: string[]; pos: Pos }
  | { op: 'mv-apply'; name: string; expr: Expr; toType?: string; body: Operator[]; pos: Pos }
  | { op: 'mv-expand'; name: string; expr: Expr; toType?: string; pos: Pos }
  | { op: 'take'; count: number; pos: Pos };

export interface Tabular {
  /** A table or a `let`-bound tabular name; or a parenthesised pipeline. */
  source: { kind: 'name'; name: string; pos: Pos } | { kind: 'sub'; query: Tabular };
  ops: Operator[];
}

export interface LetStatement {
  name: string;
  value: { kind: 'tabular'; query: Tabular } | { kind: 'scalar'; expr: Expr };
  pos: Pos;
}

export interface KustoQuery {
  lets: LetStatement[];
  body: Tabular;
}
