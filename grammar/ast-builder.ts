/**
 * CST → AST: turns the parser's concrete tree into the typed AST of src/kql/ast.ts, making the
 * same decisions Kibana's grammar makes (value lists distributed over their field, `f:*` → exists,
 * `*:*` → all, literal typing and trimming).
 */
import type { CstNode, IToken } from 'chevrotain';
import type {
  FieldRef,
  LiteralValue,
  Node,
  RangeOp,
  Span,
  Value,
  WildcardValue,
} from '../src/kql/ast.js';
import type { KqlParser } from './parser.js';
import type { QuotedPayload, UnquotedPayload } from './tokens.js';

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function tok(ch: Children, name: string, i = 0): IToken | undefined {
  return ch[name]?.[i] as IToken | undefined;
}
function node(ch: Children, name: string, i = 0): CstNode {
  return ch[name]![i] as CstNode;
}
function nodes(ch: Children, name: string): CstNode[] {
  return (ch[name] ?? []) as CstNode[];
}

function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

function join(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** A literal token decoded: a value, before it becomes a field name or a value node. */
function decodeLiteral(t: IToken): Value {
  if (t.tokenType.name === 'QuotedString') {
    const payload = t.payload as QuotedPayload;
    return { kind: 'literal', value: payload.text, quoted: true, span: tokenSpan(t) };
  }
  const img = t.image;
  // Span without the whitespace the literal ran over at its end.
  const trailing = img.length - img.trimEnd().length;
  const span = { start: t.startOffset, end: t.startOffset + img.length - trailing };
  const chunks = (t.payload as UnquotedPayload).chunks.slice();
  // Kibana trims the decoded sequence (String.prototype.trim), wildcards being non-space markers.
  chunks[0] = chunks[0].trimStart();
  chunks[chunks.length - 1] = chunks[chunks.length - 1].trimEnd();
  if (chunks.length > 1) return { kind: 'wildcard', chunks, span };
  const text = chunks[0];
  const value = text === 'true' ? true : text === 'false' ? false : text === 'null' ? null : text;
  return { kind: 'literal', value, quoted: false, span };
}

/** A literal in field position: `null` means free text (Kibana cannot tell them apart). */
function toField(v: Value): FieldRef | null {
  if (v.kind === 'wildcard') {
    return { kind: 'field', name: v.chunks.join('*'), wildcard: v.chunks, span: v.span };
  }
  if (v.value === null) return null;
  return { kind: 'field', name: v.value, span: v.span };
}

function isSingleStar(v: Value): v is WildcardValue {
  return v.kind === 'wildcard' && v.chunks.length === 2 && v.chunks[0] === '' && v.chunks[1] === '';
}

/** Kibana's `buildFunction('is', field, value)` decisions. */
function isNode(field: FieldRef | null, value: Value, span: Span): Node {
  if (field !== null && isSingleStar(value)) {
    if (field.wildcard && field.wildcard.length === 2 && field.wildcard.every((c) => c === '')) {
      return { kind: 'all', span };
    }
    return { kind: 'exists', field, span };
  }
  return { kind: 'is', field, value, span };
}

const RANGE_OPS: Record<string, RangeOp> = { Lt: 'lt', Lte: 'lte', Gt: 'gt', Gte: 'gte' };

export function createAstBuilder(parser: KqlParser) {
  const Base = parser.getBaseCstVisitorConstructor();

  class AstBuilder extends Base {
    constructor() {
      super();
      this.validateVisitor();
    }

    query(ch: Children, source: string): Node {
      if (!ch.orQuery) return { kind: 'all', span: { start: 0, end: source.length } };
      return this.visit(node(ch, 'orQuery'));
    }

    orQuery(ch: Children): Node {
      return this.chain('or', nodes(ch, 'andQuery'));
    }

    andQuery(ch: Children): Node {
      return this.chain('and', nodes(ch, 'operand'));
    }

    chain(kind: 'or' | 'and', parts: CstNode[]): Node {
      if (parts.length === 1) return this.visit(parts[0]);
      const children = parts.map((p) => this.visit(p) as Node);
      return { kind, children, span: join(children[0].span, children[children.length - 1].span) };
    }

    operand(ch: Children): Node {
      let child: Node;
      if (ch.orQuery) {
        const inner: Node = this.visit(node(ch, 'orQuery'));
        // Parentheses make no node; the span of what they group covers them.
        child = {
          ...inner,
          span: join(tokenSpan(tok(ch, 'LParen')!), tokenSpan(tok(ch, 'RParen')!)),
        };
      } else {
        child = this.visit(node(ch, 'expression'));
      }
      const not = tok(ch, 'Not');
      return not ? { kind: 'not', child, span: join(tokenSpan(not), child.span) } : child;
    }

    expression(ch: Children): Node {
      // CONSUME / CONSUME2 / CONSUME3 of `Literal` all land in one array, in source order.
      const lits = ch.Literal as IToken[];
      const first = decodeLiteral(lits[0]);
      if (ch.Colon) {
        const field = toField(first);
        if (ch.LBrace) {
          const query: Node = this.visit(node(ch, 'orQuery'));
          const span = join(first.span, tokenSpan(tok(ch, 'RBrace')!));
          // `null:{...}`: Kibana records no field name; keep the node, named null.
          const path = field ?? { kind: 'field' as const, name: null, span: first.span };
          return { kind: 'nested', path, query, span };
        }
        if (ch.orList) {
          const inner: Node = this.visit(node(ch, 'orList'), field);
          const span = join(tokenSpan(tok(ch, 'LParen')!), tokenSpan(tok(ch, 'RParen')!));
          return { ...inner, span: field ? join(field.span, span) : span };
        }
        const value = decodeLiteral(lits[1]);
        return isNode(field, value, join(first.span, value.span));
      }
      if (ch.RangeOp) {
        const op = RANGE_OPS[tok(ch, 'RangeOp')!.tokenType.name];
        const value = decodeLiteral(lits[1]);
        // `null > 1`: Kibana records no field name; keep the node, named null.
        const field = toField(first) ?? { kind: 'field' as const, name: null, span: first.span };
        return { kind: 'range', field, op, value, span: join(first.span, value.span) };
      }
      return isNode(null, first, first.span);
    }

    orList(ch: Children, field: FieldRef | null): Node {
      return this.listChain('or', nodes(ch, 'andList'), field);
    }

    andList(ch: Children, field: FieldRef | null): Node {
      return this.listChain('and', nodes(ch, 'listOperand'), field);
    }

    listChain(kind: 'or' | 'and', parts: CstNode[], field: FieldRef | null): Node {
      if (parts.length === 1) return this.visit(parts[0], field);
      const children = parts.map((p) => this.visit(p, field) as Node);
      const span = join(children[0].span, children[children.length - 1].span);
      return { kind, children, list: field, span };
    }

    listOperand(ch: Children, field: FieldRef | null): Node {
      let child: Node;
      if (ch.orList) {
        const inner: Node = this.visit(node(ch, 'orList'), field);
        child = {
          ...inner,
          span: join(tokenSpan(tok(ch, 'LParen')!), tokenSpan(tok(ch, 'RParen')!)),
        };
      } else {
        const value = decodeLiteral(tok(ch, 'Literal')!);
        child = isNode(field, value, field ? join(field.span, value.span) : value.span);
      }
      const not = tok(ch, 'Not');
      if (!not) return child;
      return { kind: 'not', child, list: field, span: join(tokenSpan(not), child.span) };
    }
  }

  return new AstBuilder();
}

export type { LiteralValue };
