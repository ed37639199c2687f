/**
 * Recursive-descent parser for the Kusto subset siemc emits. Anything outside the subset is a
 * KustoSyntaxError with the offset, never a guess.
 */
import type {
  Assignment,
  Expr,
  KLiteral,
  KustoQuery,
  LetStatement,
  Operator,
  Tabular,
} from './ast.js';
import { KustoSyntaxError, type Token, tokenize } from './lexer.js';
import { parseKustoDatetime } from './values.js';

export const STRING_OPS = new Set([
  'has',
  'has_cs',
  'contains',
  'contains_cs',
  'startswith',
  'startswith_cs',
  'endswith',
  'endswith_cs',
  'hasprefix',
  'hasprefix_cs',
  'hassuffix',
  'hassuffix_cs',
]);
const CMP = new Set(['==', '!=', '=~', '!~', '<', '<=', '>', '>=']);

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly text: string,
  ) {}

  private peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }
  private next(): Token {
    return this.toks[this.i++];
  }
  private isPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.text === p;
  }
  private isWord(w: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'ident' && t.text === w;
  }
  private fail(msg: string, t: Token = this.peek()): never {
    throw new KustoSyntaxError(
      `${msg} (found ${t.kind === 'eof' ? 'end of query' : `'${t.text}'`})`,
      t.offset,
    );
  }
  private expectPunct(p: string): Token {
    if (!this.isPunct(p)) this.fail(`expected '${p}'`);
    return this.next();
  }
  private expectWord(w: string): Token {
    if (!this.isWord(w)) this.fail(`expected '${w}'`);
    return this.next();
  }
  private ident(): string {
    const t = this.peek();
    if (t.kind === 'ident') {
      this.next();
      return t.text;
    }
    if (this.isPunct('[')) {
      this.next();
      const s = this.next();
      if (s.kind !== 'string') this.fail('expected a quoted name', s);
      this.expectPunct(']');
      return String(s.value);
    }
    return this.fail('expected a name');
  }

  query(): KustoQuery {
    const lets: LetStatement[] = [];
    while (this.isWord('let')) {
      const pos = { offset: this.next().offset };
      const name = this.ident();
      this.expectPunct('=');
      const tabular =
        this.peek().kind === 'ident' && !this.isPunct('(', 1) && !this.isPunct('.', 1);
      const value = tabular
        ? { kind: 'tabular' as const, query: this.tabular() }
        : this.isPunct('(') && this.looksTabularParen()
          ? { kind: 'tabular' as const, query: this.tabular() }
          : { kind: 'scalar' as const, expr: this.expr() };
      this.expectPunct(';');
      lets.push({ name, value, pos });
    }
    const body = this.tabular();
    if (this.isPunct(';')) this.next();
    if (this.peek().kind !== 'eof') this.fail('expected the end of the query');
    return { lets, body };
  }

  private looksTabularParen(): boolean {
    // `(` Name `|` ... is a parenthesised pipeline
    return this.peek(1).kind === 'ident' && (this.isPunct('|', 2) || this.isPunct(')', 2));
  }

  tabular(): Tabular {
    let source: Tabular['source'];
    if (this.isPunct('(')) {
      this.next();
      const q = this.tabular();
      this.expectPunct(')');
      source = { kind: 'sub', query: q };
    } else {
      const t = this.peek();
      source = { kind: 'name', name: this.ident(), pos: { offset: t.offset } };
    }
    const ops: Operator[] = [];
    while (this.isPunct('|')) {
      this.next();
      ops.push(this.operator());
    }
    return { source, ops };
  }

  private operator(): Operator {
    const t = this.next();
    const pos = { offset: t.offset };
    if (t.kind !== 'ident') this.fail('expected a tabular operator', t);
    switch (t.text) {
      case 'where':
      case 'filter':
        return { op: 'where', pred: this.expr(), pos };
      case 'extend':
        return { op: 'extend', items: this.assignments(), pos };
      case 'project':
        return { op: 'project', items: this.assignments(), pos };
      case 'project-away': {
        const names = [this.ident()];
        while (this.isPunct(',')) {
          this.next();
          names.push(this.ident());
        }
        return { op: 'project-away', names, pos };
      }
      case 'distinct':
        return { op: 'distinct', items: this.assignments(), pos };
      case 'summarize': {
        const aggs = this.isWord('by') ? [] : this.assignments();
        let by: Assignment[] = [];
        if (this.isWord('by')) {
          this.next();
          by = this.assignments();
        }
        return { op: 'summarize', aggs, by, pos };
      }
      case 'join': {
        let kind: 'leftanti' | 'inner' | 'leftsemi' = 'inner';
        if (this.isWord('kind')) {
          this.next();
          this.expectPunct('=');
          const k = this.ident();
          if (
            k !== 'leftanti' &&
            k !== 'inner' &&
            k !== 'leftsemi' &&
            k !== 'anti' &&
            k !== 'leftantisemi'
          )
            this.fail(`join kind '${k}' is outside the supported subset`);
          kind = k === 'inner' ? 'inner' : k === 'leftsemi' ? 'leftsemi' : 'leftanti';
        }
        let right: Tabular;
        if (this.isPunct('(')) {
          this.next();
          right = this.tabular();
          this.expectPunct(')');
        } else {
          const nt = this.peek();
          right = {
            source: { kind: 'name', name: this.ident(), pos: { offset: nt.offset } },
            ops: [],
          };
        }
        this.expectWord('on');
        const on = [this.ident()];
        while (this.isPunct(',')) {
          this.next();
          on.push(this.ident());
        }
        return { op: 'join', kind, right, on, pos };
      }
      case 'mv-apply':
      case 'mv-expand': {
        const name = this.ident();
        this.expectPunct('=');
        const expr = this.expr();
        let toType: string | undefined;
        if (this.isWord('to')) {
          this.next();
          this.expectWord('typeof');
          this.expectPunct('(');
          toType = this.ident();
          this.expectPunct(')');
        }
        if (t.text === 'mv-expand') return { op: 'mv-expand', name, expr, toType, pos };
        this.expectWord('on');
        this.expectPunct('(');
        const body: Operator[] = [this.operator()];
        while (this.isPunct('|')) {
          this.next();
          body.push(this.operator());
        }
        this.expectPunct(')');
        return { op: 'mv-apply', name, expr, toType, body, pos };
      }
      case 'take':
      case 'limit': {
        const n = this.next();
        if (n.kind !== 'number') this.fail('expected a row count', n);
        return { op: 'take', count: Number(n.value), pos };
      }
      default:
        return this.fail(`tabular operator '${t.text}' is outside the supported subset`, t);
    }
  }

  private assignments(): Assignment[] {
    const items: Assignment[] = [this.assignment()];
    while (this.isPunct(',')) {
      this.next();
      items.push(this.assignment());
    }
    return items;
  }

  private assignment(): Assignment {
    if (
      (this.peek().kind === 'ident' && this.isPunct('=', 1)) ||
      (this.isPunct('[') &&
        this.peek(1).kind === 'string' &&
        this.isPunct(']', 2) &&
        this.isPunct('=', 3))
    ) {
      const name = this.ident();
      this.expectPunct('=');
      return { name, expr: this.expr() };
    }
    return { expr: this.expr() };
  }

  expr(): Expr {
    let left = this.andExpr();
    while (this.isWord('or')) {
      const pos = { offset: this.next().offset };
      left = { kind: 'or', left, right: this.andExpr(), pos };
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.cmpExpr();
    while (this.isWord('and')) {
      const pos = { offset: this.next().offset };
      left = { kind: 'and', left, right: this.cmpExpr(), pos };
    }
    return left;
  }

  private cmpExpr(): Expr {
    const left = this.addExpr();
    const t = this.peek();
    const pos = { offset: t.offset };
    if (t.kind === 'punct' && CMP.has(t.text)) {
      this.next();
      return { kind: 'binary', op: t.text, left, right: this.addExpr(), pos };
    }
    let negated = false;
    if (this.isPunct('!') && this.peek(1).kind === 'ident') {
      negated = true;
    }
    const w = this.peek(negated ? 1 : 0);
    if (w.kind !== 'ident') return left;
    if (STRING_OPS.has(w.text)) {
      this.i += negated ? 2 : 1;
      return {
        kind: 'binary',
        op: (negated ? '!' : '') + w.text,
        left,
        right: this.addExpr(),
        pos,
      };
    }
    if (w.text === 'in') {
      this.i += negated ? 2 : 1;
      let ci = false;
      if (this.isPunct('~')) {
        this.next();
        ci = true;
      }
      this.expectPunct('(');
      const list: Expr[] = [];
      if (!this.isPunct(')')) {
        list.push(this.expr());
        while (this.isPunct(',')) {
          this.next();
          list.push(this.expr());
        }
      }
      this.expectPunct(')');
      const op = ((negated ? '!' : '') + 'in' + (ci ? '~' : '')) as 'in' | '!in' | 'in~' | '!in~';
      return { kind: 'in', op, left, list, pos };
    }
    if (w.text === 'between') {
      this.i += negated ? 2 : 1;
      this.expectPunct('(');
      const low = this.addExpr();
      this.expectPunct('..');
      const high = this.addExpr();
      this.expectPunct(')');
      return { kind: 'between', negated, left, low, high, pos };
    }
    if (w.text === 'matches' && !negated) {
      this.next();
      this.expectWord('regex');
      return { kind: 'binary', op: 'matches regex', left, right: this.addExpr(), pos };
    }
    if (negated) this.fail('expected a string operator after !');
    return left;
  }

  private addExpr(): Expr {
    let left = this.mulExpr();
    while (this.isPunct('+') || this.isPunct('-')) {
      const t = this.next();
      left = { kind: 'binary', op: t.text, left, right: this.mulExpr(), pos: { offset: t.offset } };
    }
    return left;
  }

  private mulExpr(): Expr {
    let left = this.unary();
    while (this.isPunct('*') || this.isPunct('/') || this.isPunct('%')) {
      const t = this.next();
      left = { kind: 'binary', op: t.text, left, right: this.unary(), pos: { offset: t.offset } };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isPunct('-')) {
      const t = this.next();
      return { kind: 'neg', operand: this.unary(), pos: { offset: t.offset } };
    }
    return this.postfix(this.primary());
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      if (this.isPunct('.')) {
        const t = this.next();
        const k = this.peek();
        if (k.kind !== 'ident') this.fail('expected a property name after .');
        this.next();
        e = { kind: 'member', target: e, key: k.text, pos: { offset: t.offset } };
      } else if (this.isPunct('[')) {
        const t = this.next();
        const index = this.expr();
        this.expectPunct(']');
        e = { kind: 'index', target: e, index, pos: { offset: t.offset } };
      } else return e;
    }
  }

  /** Raw text up to the matching `)` (for datetime(...) and dynamic(...) literals). */
  private rawParen(): { raw: string; offset: number } {
    const open = this.expectPunct('(');
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === 'eof') this.fail('unclosed (', open);
      if (t.kind === 'punct' && t.text === '(') depth++;
      if (t.kind === 'punct' && t.text === ')') depth--;
    }
    const close = this.toks[this.i - 1];
    return { raw: this.text.slice(open.offset + 1, close.offset).trim(), offset: open.offset + 1 };
  }

  private primary(): Expr {
    const t = this.peek();
    const pos = { offset: t.offset };
    const lit = (value: KLiteral): Expr => ({ kind: 'lit', value, pos });
    if (t.kind === 'string') {
      this.next();
      return lit({ t: 'string', v: String(t.value) });
    }
    if (t.kind === 'number') {
      this.next();
      return lit({ t: t.text.includes('.') ? 'real' : 'long', v: Number(t.value) });
    }
    if (t.kind === 'timespan') {
      this.next();
      return lit({ t: 'timespan', ms: Number(t.value) });
    }
    if (this.isPunct('(')) {
      this.next();
      const e = this.expr();
      this.expectPunct(')');
      return e;
    }
    if (this.isPunct('[')) return { kind: 'col', name: this.ident(), pos };
    if (this.isPunct('*')) {
      this.next();
      return { kind: 'col', name: '*', pos };
    }
    if (t.kind !== 'ident') return this.fail('expected an expression');
    this.next();
    if (t.text === 'true' || t.text === 'false') return lit({ t: 'bool', v: t.text === 'true' });
    if (this.isPunct('(')) {
      if (t.text === 'datetime') {
        const { raw, offset } = this.rawParen();
        if (raw === '' || raw === 'null') return lit({ t: 'null' });
        const ms = parseKustoDatetime(raw);
        if (ms === null) throw new KustoSyntaxError(`invalid datetime literal '${raw}'`, offset);
        return lit({ t: 'datetime', ms });
      }
      if (t.text === 'dynamic') {
        const { raw, offset } = this.rawParen();
        try {
          return lit({ t: 'dynamic', v: JSON.parse(raw) as unknown });
        } catch {
          throw new KustoSyntaxError(
            `dynamic literal '${raw}' is outside the supported subset (JSON)`,
            offset,
          );
        }
      }
      if (t.text === 'long' || t.text === 'int' || t.text === 'real' || t.text === 'bool') {
        const { raw, offset } = this.rawParen();
        if (raw === 'null') return lit({ t: 'null' });
        if (t.text === 'bool') return lit({ t: 'bool', v: raw === 'true' });
        const v = Number(raw);
        if (Number.isNaN(v))
          throw new KustoSyntaxError(`invalid ${t.text} literal '${raw}'`, offset);
        return lit({ t: t.text === 'real' ? 'real' : 'long', v });
      }
      this.next();
      const args: Expr[] = [];
      if (!this.isPunct(')')) {
        args.push(this.expr());
        while (this.isPunct(',')) {
          this.next();
          args.push(this.expr());
        }
      }
      this.expectPunct(')');
      return { kind: 'call', name: t.text, args, pos };
    }
    return { kind: 'col', name: t.text, pos };
  }
}

/** Parse a query of the subset; throws KustoSyntaxError (message + offset) outside it. */
export function parseKusto(text: string): KustoQuery {
  return new Parser(tokenize(text), text).query();
}
