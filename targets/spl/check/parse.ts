/**
 * Parser for the SPL subset siemc emits. Produces a `Pipeline` plus diagnostics: syntax errors
 * (severity error) and lints (warnings): lower-case boolean words, empty values, `\*` that looks
 * like an escaped star (SPL cannot escape `*`), `!=` (drops events without the field), unquoted
 * dotted field names in eval (`.` concatenates there), unknown functions or wrong arity.
 *
 * Search precedence is Splunk's: NOT binds tightest, then OR, then AND (explicit or implied by
 * juxtaposition). In where/eval: OR < XOR < AND < NOT < comparison < + - . < * / %.
 */
import type { Diagnostic } from '../../../src/diagnostics.js';
import { lineColumn } from '../../../src/diagnostics.js';
import type {
  Command,
  EvalBinaryOp,
  EvalExpr,
  FieldAlias,
  Pipeline,
  Pos,
  SearchExpr,
  SearchValue,
  StatsAgg,
} from './ast.js';
import { TIME_MODIFIERS, type TimeModifier } from './ast.js';
import { COMMANDS, EVAL_FUNCTIONS, STATS_FUNCTIONS } from './functions.js';
import { pcreToJs } from './pcre.js';

export interface ParseSplResult {
  pipeline: Pipeline;
  diagnostics: Diagnostic[];
}

class SplSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: Pos,
    readonly hint?: string,
  ) {
    super(message);
  }
}

interface Ctx {
  text: string;
  diags: Diagnostic[];
}

function diag(
  ctx: Ctx,
  severity: Diagnostic['severity'],
  code: string,
  message: string,
  pos: Pos,
  hint?: string,
): void {
  const { line, column } = lineColumn(ctx.text, pos.start);
  const d: Diagnostic = {
    severity,
    code,
    message,
    span: { start: pos.start, end: pos.end },
    line,
    column,
    offset: pos.start,
  };
  if (hint) d.hint = hint;
  ctx.diags.push(d);
}

// ---------------------------------------------------------------- pipeline split

interface Segment {
  start: number;
  end: number;
}

/** Split on `|` outside quotes. Single quotes count only in where/eval segments. */
function splitPipeline(ctx: Ctx): Segment[] {
  const t = ctx.text;
  const segs: Segment[] = [];
  let start = 0;
  let i = 0;
  const commandAt = (from: number): string =>
    /^\s*([A-Za-z_]+)/.exec(t.slice(from, from + 40))?.[1]?.toLowerCase() ?? '';
  const quoting = ['where', 'eval', 'foreach'];
  let singleQuotes = quoting.includes(commandAt(0));
  while (i < t.length) {
    const c = t[i];
    if (c === '"' || (c === "'" && singleQuotes)) {
      const q = c;
      const open = i;
      i++;
      while (i < t.length && t[i] !== q) i += t[i] === '\\' ? 2 : 1;
      if (i >= t.length)
        throw new SplSyntaxError(
          `unterminated ${q === '"' ? 'string' : 'quoted field name'}`,
          { start: open, end: t.length },
          `close it with ${q}`,
        );
      i++;
      continue;
    }
    if (c === '|') {
      segs.push({ start, end: i });
      start = i + 1;
      singleQuotes = quoting.includes(commandAt(start));
    }
    i++;
  }
  segs.push({ start, end: t.length });
  return segs;
}

// ---------------------------------------------------------------- search tokens

type STok =
  | { t: 'word'; v: string; pos: Pos }
  | { t: 'str'; v: string; raw: string; pos: Pos }
  | { t: 'op'; v: '=' | '!=' | '<' | '<=' | '>' | '>='; pos: Pos }
  | { t: '('; pos: Pos }
  | { t: ')'; pos: Pos }
  | { t: ','; pos: Pos };

function searchTokens(ctx: Ctx, seg: Segment): STok[] {
  const t = ctx.text;
  const out: STok[] = [];
  let i = seg.start;
  while (i < seg.end) {
    const c = t[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push(
        c === '('
          ? { t: '(', pos: { start: i, end: i + 1 } }
          : c === ')'
            ? { t: ')', pos: { start: i, end: i + 1 } }
            : { t: ',', pos: { start: i, end: i + 1 } },
      );
      i++;
      continue;
    }
    if (c === '"') {
      const s = i;
      i++;
      let v = '';
      while (i < seg.end && t[i] !== '"') {
        if (t[i] === '\\' && i + 1 < seg.end) {
          const n = t[i + 1];
          if (n === '"' || n === '\\') v += n;
          else {
            if (n === '*') {
              diag(
                ctx,
                'warning',
                'SPLCHK-STAR-ESCAPE',
                '`\\*` does not escape the star: `*` is always a wildcard in search',
                { start: i, end: i + 2 },
                'match a literal * with a where clause after the search',
              );
            }
            v += '\\' + n;
          }
          i += 2;
          continue;
        }
        v += t[i++];
      }
      if (i >= seg.end)
        throw new SplSyntaxError(
          'unterminated string',
          { start: s, end: seg.end },
          'close it with "',
        );
      i++;
      if (i < seg.end && !/[\s()=,<>!|]/.test(t[i])) {
        throw new SplSyntaxError(
          'unexpected character right after a quoted string',
          { start: i, end: i + 1 },
          'escape quotes inside values as \\"',
        );
      }
      out.push({ t: 'str', v, raw: t.slice(s, i), pos: { start: s, end: i } });
      continue;
    }
    const two = t.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=') {
      out.push({ t: 'op', v: two, pos: { start: i, end: i + 2 } });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      out.push({ t: 'op', v: c, pos: { start: i, end: i + 1 } });
      i++;
      continue;
    }
    const s = i;
    while (i < seg.end && !/[\s()",=<>]/.test(t[i]) && t.slice(i, i + 2) !== '!=') i++;
    if (i < seg.end && t[i] === '"') {
      throw new SplSyntaxError(
        'a double quote inside an unquoted word',
        { start: i, end: i + 1 },
        'quote the whole value and escape inner quotes as \\"',
      );
    }
    out.push({ t: 'word', v: t.slice(s, i), pos: { start: s, end: i } });
  }
  return out;
}

const RELATIVE_TIME =
  /^(now|\d+(\.\d+)?|([+-]\d*(s|sec|secs|m|min|mins|h|hr|hrs|d|day|days|w|week|weeks|mon|month|months|q|y|year|years))*(@(s|m|h|d|w[0-6]?|mon|q|y))?([+-]\d*(s|m|h|d|w|mon|q|y))*)$/;

class SearchParser {
  private i = 0;
  constructor(
    private readonly ctx: Ctx,
    private readonly toks: STok[],
    private readonly end: number,
  ) {}

  private peek(k = 0): STok | undefined {
    return this.toks[this.i + k];
  }

  private isWord(tok: STok | undefined, w: string): boolean {
    return tok?.t === 'word' && tok.v === w;
  }

  parse(): SearchExpr | null {
    if (this.toks.length === 0) return null;
    const e = this.parseAnd();
    const rest = this.peek();
    if (rest)
      throw new SplSyntaxError(
        `unexpected '${tokText(rest)}'`,
        rest.pos,
        rest.t === ')' ? 'unbalanced parenthesis' : undefined,
      );
    return e;
  }

  private parseAnd(): SearchExpr {
    const items: SearchExpr[] = [];
    for (;;) {
      const tok = this.peek();
      if (!tok || tok.t === ')') break;
      if (this.isWord(tok, 'AND')) {
        if (items.length === 0) throw new SplSyntaxError('AND without a left operand', tok.pos);
        this.i++;
        const nxt = this.peek();
        if (!nxt || nxt.t === ')') throw new SplSyntaxError('AND without a right operand', tok.pos);
        continue;
      }
      items.push(this.parseOr());
    }
    if (items.length === 0) {
      const tok = this.peek();
      throw new SplSyntaxError('empty expression', tok?.pos ?? { start: this.end, end: this.end });
    }
    return items.length === 1 ? items[0] : { kind: 'and', children: items, pos: span(items) };
  }

  private parseOr(): SearchExpr {
    const first = this.parseNot();
    const items = [first];
    while (this.isWord(this.peek(), 'OR')) {
      const op = this.peek()!;
      this.i++;
      const nxt = this.peek();
      if (!nxt || nxt.t === ')' || this.isWord(nxt, 'AND') || this.isWord(nxt, 'OR')) {
        throw new SplSyntaxError('OR without a right operand', op.pos);
      }
      items.push(this.parseNot());
    }
    return items.length === 1 ? first : { kind: 'or', children: items, pos: span(items) };
  }

  private parseNot(): SearchExpr {
    const tok = this.peek();
    if (this.isWord(tok, 'NOT')) {
      this.i++;
      const nxt = this.peek();
      if (!nxt || nxt.t === ')') throw new SplSyntaxError('NOT without an operand', tok!.pos);
      const child = this.parseNot();
      return { kind: 'not', child, pos: { start: tok!.pos.start, end: child.pos.end } };
    }
    return this.primary();
  }

  private primary(): SearchExpr {
    const tok = this.peek();
    if (!tok)
      throw new SplSyntaxError('expected a search term', { start: this.end, end: this.end });
    if (tok.t === '(') {
      this.i++;
      const inner = this.parseAnd();
      const close = this.peek();
      if (!close || close.t !== ')')
        throw new SplSyntaxError("missing ')'", tok.pos, 'balance the parentheses');
      this.i++;
      return inner;
    }
    if (tok.t === ')' || tok.t === ',' || tok.t === 'op')
      throw new SplSyntaxError(`unexpected '${tokText(tok)}'`, tok.pos);
    this.i++;
    const next = this.peek();
    if (next?.t === 'op') {
      this.i++;
      const val = this.peek();
      if (!val || (val.t !== 'word' && val.t !== 'str')) {
        throw new SplSyntaxError(
          `expected a value after '${next.v}'`,
          next.pos,
          'quote values: field="value"',
        );
      }
      this.i++;
      const field = tok.t === 'str' ? tok.v : tok.v;
      const value: SearchValue = { text: val.v, quoted: val.t === 'str', pos: val.pos };
      const pos = { start: tok.pos.start, end: val.pos.end };
      if (tok.t === 'word' && (TIME_MODIFIERS as readonly string[]).includes(field)) {
        if (next.v !== '=') throw new SplSyntaxError(`time modifier ${field} takes '='`, next.pos);
        if (!RELATIVE_TIME.test(value.text)) {
          throw new SplSyntaxError(
            `'${value.text}' is not a time modifier value`,
            val.pos,
            'e.g. -9m, -7d@d, now, 0 or an epoch time',
          );
        }
        return { kind: 'time', name: field as TimeModifier, value: value.text, pos };
      }
      if (field === '') throw new SplSyntaxError('empty field name', tok.pos);
      if (value.text === '')
        diag(
          this.ctx,
          'warning',
          'SPLCHK-EMPTY-VALUE',
          `empty value for ${field}`,
          val.pos,
          'an empty value matches nothing in search; test with NOT field=* or where',
        );
      if (next.v === '!=') {
        diag(
          this.ctx,
          'warning',
          'SPLCHK-NEQ',
          `${field}!=... only returns events that have ${field}`,
          next.pos,
          `use NOT ${field}=... to keep events without the field`,
        );
      }
      return { kind: 'cmp', field, op: next.v, value, pos };
    }
    if (
      (tok.t === 'word' || tok.t === 'str') &&
      this.isWord(next, 'IN') &&
      this.peek(1)?.t === '('
    ) {
      this.i += 2;
      const values: SearchValue[] = [];
      for (;;) {
        const v = this.peek();
        if (!v || (v.t !== 'word' && v.t !== 'str'))
          throw new SplSyntaxError('expected a value in IN (...)', v?.pos ?? tok.pos);
        this.i++;
        if (v.v === '')
          diag(
            this.ctx,
            'warning',
            'SPLCHK-EMPTY-VALUE',
            `empty value in ${tok.v} IN (...)`,
            v.pos,
          );
        values.push({ text: v.v, quoted: v.t === 'str', pos: v.pos });
        const sep = this.peek();
        if (sep?.t === ',') {
          this.i++;
          continue;
        }
        if (sep?.t === ')') {
          this.i++;
          break;
        }
        throw new SplSyntaxError("expected ',' or ')' in IN (...)", sep?.pos ?? v.pos);
      }
      return {
        kind: 'in',
        field: tok.v,
        values,
        pos: { start: tok.pos.start, end: this.toks[this.i - 1].pos.end },
      };
    }
    if (tok.t === 'str' && tok.v === '')
      diag(this.ctx, 'warning', 'SPLCHK-EMPTY-VALUE', 'empty search term ""', tok.pos);
    if (tok.t === 'word' && /^(and|or|not)$/i.test(tok.v) && tok.v !== tok.v.toUpperCase()) {
      diag(
        this.ctx,
        'warning',
        'SPLCHK-LOWER-BOOL',
        `'${tok.v}' is a search term here, not an operator`,
        tok.pos,
        `write ${tok.v.toUpperCase()}`,
      );
    }
    if (tok.t === 'word' && /^(AND|OR|IN)$/.test(tok.v))
      throw new SplSyntaxError(`misplaced ${tok.v}`, tok.pos);
    return {
      kind: 'term',
      value: { text: tok.v, quoted: tok.t === 'str', pos: tok.pos },
      pos: tok.pos,
    };
  }
}

function tokText(t: STok): string {
  return t.t === 'word' ? t.v : t.t === 'str' ? t.raw : t.t === 'op' ? t.v : t.t;
}

function span(items: { pos: Pos }[]): Pos {
  return { start: items[0].pos.start, end: items[items.length - 1].pos.end };
}

// ---------------------------------------------------------------- eval tokens

type ETok =
  | { t: 'num'; v: number; pos: Pos }
  | { t: 'str'; v: string; pos: Pos }
  | { t: 'qfield'; v: string; pos: Pos }
  | { t: 'ident'; v: string; pos: Pos }
  | { t: 'op'; v: string; pos: Pos };

function evalTokens(ctx: Ctx, start: number, end: number): ETok[] {
  const t = ctx.text;
  const out: ETok[] = [];
  let i = start;
  while (i < end) {
    const c = t[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const s = i;
      i++;
      let v = '';
      while (i < end && t[i] !== c) {
        if (t[i] === '\\' && i + 1 < end) {
          const n = t[i + 1];
          v += n === '"' || n === '\\' || n === "'" ? n : '\\' + n;
          i += 2;
          continue;
        }
        v += t[i++];
      }
      if (i >= end)
        throw new SplSyntaxError(
          c === '"' ? 'unterminated string' : 'unterminated quoted field name',
          { start: s, end },
        );
      i++;
      out.push(
        c === '"'
          ? { t: 'str', v, pos: { start: s, end: i } }
          : { t: 'qfield', v, pos: { start: s, end: i } },
      );
      continue;
    }
    const num = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(t.slice(i, Math.min(end, i + 40)));
    if (num) {
      out.push({ t: 'num', v: Number(num[0]), pos: { start: i, end: i + num[0].length } });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(i, end));
    if (id) {
      const after = t[i + id[0].length];
      if (after === '{') {
        throw new SplSyntaxError(
          `field name '${id[0]}${after}…' must be single-quoted in eval`,
          { start: i, end: i + id[0].length + 1 },
          "write 'Name{}.Value'",
        );
      }
      out.push({ t: 'ident', v: id[0], pos: { start: i, end: i + id[0].length } });
      i += id[0].length;
      continue;
    }
    const two = t.slice(i, i + 2);
    if (['==', '!=', '<=', '>='].includes(two)) {
      out.push({ t: 'op', v: two, pos: { start: i, end: i + 2 } });
      i += 2;
      continue;
    }
    if ('=<>+-*/%.(),!'.includes(c)) {
      out.push({ t: 'op', v: c, pos: { start: i, end: i + 1 } });
      i++;
      continue;
    }
    throw new SplSyntaxError(
      `unexpected character '${c}' in an eval expression`,
      { start: i, end: i + 1 },
      c === '{' ? 'single-quote field names with {}' : undefined,
    );
  }
  return out;
}

const BIN_LEVELS: EvalBinaryOp[][] = [['OR'], ['XOR'], ['AND']];
const CMP_OPS = ['=', '==', '!=', '<', '<=', '>', '>=', 'LIKE'];

class EvalParser {
  i = 0;
  constructor(
    private readonly ctx: Ctx,
    private readonly toks: ETok[],
    private readonly end: number,
  ) {}

  peek(): ETok | undefined {
    return this.toks[this.i];
  }

  private kw(tok: ETok | undefined, w: string): boolean {
    if (tok?.t !== 'ident' || tok.v.toUpperCase() !== w) return false;
    if (tok.v !== w)
      diag(
        this.ctx,
        'warning',
        'SPLCHK-LOWER-BOOL',
        `write the operator '${tok.v}' in upper case`,
        tok.pos,
        w,
      );
    return true;
  }

  private isOp(tok: ETok | undefined, v: string): boolean {
    return tok?.t === 'op' && tok.v === v;
  }

  expr(): EvalExpr {
    return this.level(0);
  }

  private level(n: number): EvalExpr {
    if (n >= BIN_LEVELS.length) return this.notExpr();
    let left = this.level(n + 1);
    for (;;) {
      const tok = this.peek();
      const op = BIN_LEVELS[n].find((o) => this.kw(tok, o));
      if (!op) return left;
      this.i++;
      const right = this.level(n + 1);
      left = {
        kind: 'binary',
        op,
        left,
        right,
        pos: { start: left.pos.start, end: right.pos.end },
      };
    }
  }

  private notExpr(): EvalExpr {
    const tok = this.peek();
    if (this.kw(tok, 'NOT') || this.isOp(tok, '!')) {
      this.i++;
      const e = this.notExpr();
      return { kind: 'not', expr: e, pos: { start: tok!.pos.start, end: e.pos.end } };
    }
    return this.comparison();
  }

  private comparison(): EvalExpr {
    const left = this.additive();
    const tok = this.peek();
    const op =
      tok?.t === 'op' && CMP_OPS.includes(tok.v)
        ? tok.v
        : this.kw(tok, 'LIKE')
          ? 'LIKE'
          : undefined;
    if (!op) return left;
    this.i++;
    const right = this.additive();
    return {
      kind: 'binary',
      op: op as EvalBinaryOp,
      left,
      right,
      pos: { start: left.pos.start, end: right.pos.end },
    };
  }

  private additive(): EvalExpr {
    let left = this.multiplicative();
    for (;;) {
      const tok = this.peek();
      if (tok?.t !== 'op' || !['+', '-', '.'].includes(tok.v)) return left;
      this.i++;
      const right = this.multiplicative();
      if (
        tok.v === '.' &&
        left.kind === 'field' &&
        !left.quoted &&
        right.kind === 'field' &&
        !right.quoted
      ) {
        diag(
          this.ctx,
          'warning',
          'SPLCHK-EVAL-DOT',
          `'${left.name}.${right.name}' concatenates two fields in eval`,
          { start: left.pos.start, end: right.pos.end },
          `single-quote the field name: '${left.name}.${right.name}'`,
        );
      }
      left = {
        kind: 'binary',
        op: tok.v as EvalBinaryOp,
        left,
        right,
        pos: { start: left.pos.start, end: right.pos.end },
      };
    }
  }

  private multiplicative(): EvalExpr {
    let left = this.unary();
    for (;;) {
      const tok = this.peek();
      if (tok?.t !== 'op' || !['*', '/', '%'].includes(tok.v)) return left;
      this.i++;
      const right = this.unary();
      left = {
        kind: 'binary',
        op: tok.v as EvalBinaryOp,
        left,
        right,
        pos: { start: left.pos.start, end: right.pos.end },
      };
    }
  }

  private unary(): EvalExpr {
    const tok = this.peek();
    if (this.isOp(tok, '-')) {
      this.i++;
      const e = this.unary();
      return { kind: 'neg', expr: e, pos: { start: tok!.pos.start, end: e.pos.end } };
    }
    return this.primary();
  }

  private primary(): EvalExpr {
    const tok = this.peek();
    if (!tok)
      throw new SplSyntaxError('expected an expression', { start: this.end, end: this.end });
    this.i++;
    switch (tok.t) {
      case 'num':
        return { kind: 'number', value: tok.v, pos: tok.pos };
      case 'str':
        return { kind: 'string', value: tok.v, pos: tok.pos };
      case 'qfield':
        return { kind: 'field', name: tok.v, quoted: true, pos: tok.pos };
      case 'ident': {
        if (this.isOp(this.peek(), '(')) return this.call(tok.v, tok.pos);
        if (/^(AND|OR|XOR|NOT|LIKE)$/i.test(tok.v))
          throw new SplSyntaxError(`misplaced ${tok.v}`, tok.pos);
        return { kind: 'field', name: tok.v, quoted: false, pos: tok.pos };
      }
      case 'op':
        if (tok.v === '(') {
          const e = this.expr();
          if (!this.isOp(this.peek(), ')')) throw new SplSyntaxError("missing ')'", tok.pos);
          this.i++;
          return e;
        }
        throw new SplSyntaxError(`unexpected '${tok.v}'`, tok.pos);
    }
  }

  private call(name: string, pos: Pos): EvalExpr {
    this.i++; // (
    const args: EvalExpr[] = [];
    if (!this.isOp(this.peek(), ')')) {
      for (;;) {
        args.push(this.expr());
        if (this.isOp(this.peek(), ',')) {
          this.i++;
          continue;
        }
        break;
      }
    }
    const close = this.peek();
    if (!this.isOp(close, ')'))
      throw new SplSyntaxError(`missing ')' after the arguments of ${name}`, close?.pos ?? pos);
    this.i++;
    const lname = name.toLowerCase();
    const arity = EVAL_FUNCTIONS[lname];
    const cpos = { start: pos.start, end: close!.pos.end };
    if (!arity) {
      diag(
        this.ctx,
        'error',
        'SPLCHK-FUNCTION',
        `unknown or unsupported eval function ${name}()`,
        cpos,
        `known: ${Object.keys(EVAL_FUNCTIONS).join(', ')}`,
      );
    } else if (args.length < arity[0] || (arity[1] >= 0 && args.length > arity[1])) {
      const want =
        arity[1] < 0
          ? `at least ${arity[0]}`
          : arity[0] === arity[1]
            ? `${arity[0]}`
            : `${arity[0]}-${arity[1]}`;
      diag(
        this.ctx,
        'error',
        'SPLCHK-ARITY',
        `${name}() takes ${want} argument(s), got ${args.length}`,
        cpos,
      );
    }
    if ((lname === 'match' || lname === 'mvfind') && args[1]?.kind === 'string')
      checkRegex(this.ctx, args[1].value, args[1].pos);
    if (lname === 'mvfilter' && arity) checkMvfilter(this.ctx, args[0], cpos);
    if (lname === 'searchmatch' && args[0]?.kind === 'string') {
      const inner = parseSearchText(args[0].value);
      for (const d of inner)
        diag(this.ctx, d.severity, d.code, `in searchmatch(): ${d.message}`, args[0].pos);
    }
    return { kind: 'call', name: lname, args, pos: cpos };
  }
}

function fieldsIn(e: EvalExpr, out: Set<string>): void {
  switch (e.kind) {
    case 'field':
      out.add(e.name);
      return;
    case 'binary':
      fieldsIn(e.left, out);
      fieldsIn(e.right, out);
      return;
    case 'not':
    case 'neg':
      fieldsIn(e.expr, out);
      return;
    case 'call':
      e.args.forEach((a) => fieldsIn(a, out));
      return;
    default:
      return;
  }
}

function checkMvfilter(ctx: Ctx, arg: EvalExpr | undefined, pos: Pos): void {
  if (!arg) return;
  const fields = new Set<string>();
  fieldsIn(arg, fields);
  if (fields.size !== 1)
    diag(
      ctx,
      'error',
      'SPLCHK-MVFILTER',
      `mvfilter() must reference exactly one field, found ${fields.size}`,
      pos,
    );
}

function checkRegex(ctx: Ctx, pattern: string, pos: Pos): void {
  const r = pcreToJs(pattern);
  if (!r.ok) diag(ctx, 'error', 'SPLCHK-REGEX', `invalid regular expression: ${r.message}`, pos);
}

/** Check a search expression given as text (used for searchmatch arguments). */
function parseSearchText(text: string): Diagnostic[] {
  const ctx: Ctx = { text, diags: [] };
  try {
    const toks = searchTokens(ctx, { start: 0, end: text.length });
    new SearchParser(ctx, toks, text.length).parse();
  } catch (e) {
    if (e instanceof SplSyntaxError) diag(ctx, 'error', 'SPLCHK-SYNTAX', e.message, e.pos, e.hint);
    else throw e;
  }
  return ctx.diags;
}

// ---------------------------------------------------------------- commands

function fieldWord(tok: STok | undefined, what: string, at: Pos): string {
  if (!tok || (tok.t !== 'word' && tok.t !== 'str'))
    throw new SplSyntaxError(`expected ${what}`, tok?.pos ?? at);
  return tok.v;
}

function parseStats(ctx: Ctx, toks: STok[], pos: Pos): Command {
  const aggs: StatsAgg[] = [];
  const by: string[] = [];
  let i = 0;
  while (i < toks.length) {
    const tok = toks[i];
    if (tok.t === ',') {
      i++;
      continue;
    }
    if (tok.t === 'word' && /^by$/i.test(tok.v)) {
      i++;
      while (i < toks.length) {
        const f = toks[i];
        if (f.t === ',') {
          i++;
          continue;
        }
        by.push(fieldWord(f, 'a group-by field', pos));
        i++;
      }
      if (by.length === 0) throw new SplSyntaxError('BY without fields', tok.pos);
      break;
    }
    if (tok.t !== 'word') throw new SplSyntaxError('expected a stats function', tok.pos);
    const fn = tok.v.toLowerCase();
    if (!STATS_FUNCTIONS.has(fn))
      throw new SplSyntaxError(
        `unknown stats function '${tok.v}'`,
        tok.pos,
        `known: ${[...STATS_FUNCTIONS].join(', ')}`,
      );
    i++;
    let field: string | undefined;
    if (toks[i]?.t === '(') {
      field = fieldWord(toks[i + 1], `a field for ${fn}()`, tok.pos);
      if (toks[i + 2]?.t !== ')')
        throw new SplSyntaxError(`missing ')' after ${fn}(${field}`, toks[i + 1].pos);
      i += 3;
    } else if (fn !== 'count') {
      throw new SplSyntaxError(`${fn} needs a field: ${fn}(field)`, tok.pos);
    }
    let as = field ? `${fn}(${field})` : fn;
    if (toks[i]?.t === 'word' && /^as$/i.test((toks[i] as { v: string }).v)) {
      as = fieldWord(toks[i + 1], 'a name after AS', toks[i].pos);
      i += 2;
    }
    aggs.push(field === undefined ? { fn, as } : { fn, field, as });
  }
  if (aggs.length === 0) throw new SplSyntaxError('stats needs at least one function', pos);
  void ctx;
  return { kind: 'stats', aggs, by, pos };
}

function parseAliases(
  toks: STok[],
  i: number,
  stopAtOutput: boolean,
  pos: Pos,
): { items: FieldAlias[]; next: number } {
  const items: FieldAlias[] = [];
  while (i < toks.length) {
    const tok = toks[i];
    if (tok.t === ',') {
      i++;
      continue;
    }
    if (stopAtOutput && tok.t === 'word' && /^(OUTPUT|OUTPUTNEW)$/i.test(tok.v)) break;
    const name = fieldWord(tok, 'a field name', pos);
    i++;
    let as = name;
    const nx = toks[i];
    if (nx?.t === 'word' && /^as$/i.test(nx.v)) {
      as = fieldWord(toks[i + 1], 'a field name after AS', nx.pos);
      i += 2;
    }
    items.push({ name, as });
  }
  return { items, next: i };
}

function parseLookup(toks: STok[], pos: Pos): Command {
  let i = 0;
  while (
    toks[i]?.t === 'word' &&
    toks[i + 1]?.t === 'op' &&
    /^(local|update)$/i.test((toks[i] as { v: string }).v)
  )
    i += 3;
  const table = fieldWord(toks[i], 'a lookup table name', pos);
  i++;
  const inputs = parseAliases(toks, i, true, pos);
  if (inputs.items.length === 0)
    throw new SplSyntaxError('lookup needs at least one input field', pos);
  i = inputs.next;
  let outputs: FieldAlias[] = [];
  let outputNew = false;
  const kw = toks[i];
  if (kw?.t === 'word') {
    outputNew = kw.v.toUpperCase() === 'OUTPUTNEW';
    const o = parseAliases(toks, i + 1, false, pos);
    if (o.items.length === 0) throw new SplSyntaxError(`${kw.v} needs at least one field`, kw.pos);
    outputs = o.items;
  }
  return { kind: 'lookup', table, inputs: inputs.items, outputs, outputNew, pos };
}

function parseCommand(ctx: Ctx, seg: Segment, first: boolean): Command {
  const t = ctx.text;
  const m = /^\s*([A-Za-z_]+)\b/.exec(t.slice(seg.start, seg.end));
  const pos = { start: seg.start, end: seg.end };
  let name = m?.[1]?.toLowerCase();
  let bodyStart = m ? seg.start + m[0].length : seg.start;
  if (first && (!name || !COMMANDS.has(name) || name !== 'search')) {
    // the first segment is an implicit search
    name = 'search';
    bodyStart = m && m[1].toLowerCase() === 'search' ? bodyStart : seg.start;
  }
  if (!name) throw new SplSyntaxError('empty command after |', pos, 'remove the extra |');
  if (!COMMANDS.has(name))
    throw new SplSyntaxError(
      `unknown or unsupported command '${m?.[1]}'`,
      pos,
      `supported: ${[...COMMANDS].join(', ')}`,
    );
  const body: Segment = { start: bodyStart, end: seg.end };
  switch (name) {
    case 'search': {
      const toks = searchTokens(ctx, body);
      return { kind: 'search', expr: new SearchParser(ctx, toks, body.end).parse(), pos };
    }
    case 'where': {
      const p = new EvalParser(ctx, evalTokens(ctx, body.start, body.end), body.end);
      if (!p.peek()) throw new SplSyntaxError('where needs a condition', pos);
      const expr = p.expr();
      const rest = p.peek();
      if (rest)
        throw new SplSyntaxError(
          `unexpected '${ctx.text.slice(rest.pos.start, rest.pos.end)}' after the condition`,
          rest.pos,
        );
      return { kind: 'where', expr, pos };
    }
    case 'eval': {
      const toks = evalTokens(ctx, body.start, body.end);
      const p = new EvalParser(ctx, toks, body.end);
      const assignments: { field: string; expr: EvalExpr }[] = [];
      for (;;) {
        const f = p.peek();
        if (!f || (f.t !== 'ident' && f.t !== 'qfield'))
          throw new SplSyntaxError('expected field=expression', f?.pos ?? pos);
        p.i++;
        const eq = p.peek();
        if (eq?.t !== 'op' || eq.v !== '=')
          throw new SplSyntaxError(
            `expected '=' after ${f.v}`,
            eq?.pos ?? f.pos,
            'quote field names with dots or {} in single quotes',
          );
        p.i++;
        assignments.push({ field: f.v as string, expr: p.expr() });
        const sep = p.peek();
        if (!sep) break;
        if (sep.t === 'op' && sep.v === ',') {
          p.i++;
          continue;
        }
        throw new SplSyntaxError(
          `unexpected '${ctx.text.slice(sep.pos.start, sep.pos.end)}' in eval`,
          sep.pos,
        );
      }
      return { kind: 'eval', assignments, pos };
    }
    case 'stats':
      return parseStats(ctx, searchTokens(ctx, body), pos);
    case 'lookup':
      return parseLookup(searchTokens(ctx, body), pos);
    case 'rex': {
      const toks = searchTokens(ctx, body);
      let field = '_raw';
      let i = 0;
      if (toks[0]?.t === 'word' && toks[0].v === 'field' && toks[1]?.t === 'op') {
        field = fieldWord(toks[2], 'a field name', pos);
        i = 3;
      }
      const p = toks[i];
      if (p?.t !== 'str')
        throw new SplSyntaxError('rex needs a quoted regular expression', p?.pos ?? pos);
      checkRegex(ctx, p.v, p.pos);
      return { kind: 'rex', field, pattern: p.v, pos };
    }
    case 'regex': {
      const toks = searchTokens(ctx, body);
      if (toks.length === 1 && toks[0].t === 'str') {
        checkRegex(ctx, toks[0].v, toks[0].pos);
        return { kind: 'regex', field: '_raw', negate: false, pattern: toks[0].v, pos };
      }
      const f = fieldWord(toks[0], 'a field name', pos);
      const op = toks[1];
      if (op?.t !== 'op' || (op.v !== '=' && op.v !== '!='))
        throw new SplSyntaxError('regex takes field="re" or field!="re"', op?.pos ?? pos);
      const p = toks[2];
      if (p?.t !== 'str')
        throw new SplSyntaxError('regex needs a quoted regular expression', p?.pos ?? pos);
      checkRegex(ctx, p.v, p.pos);
      return { kind: 'regex', field: f, negate: op.v === '!=', pattern: p.v, pos };
    }
    case 'fields':
    case 'table': {
      const toks = searchTokens(ctx, body);
      let remove = false;
      let i = 0;
      if (name === 'fields' && toks[0]?.t === 'word' && (toks[0].v === '-' || toks[0].v === '+')) {
        remove = toks[0].v === '-';
        i = 1;
      }
      const fields: string[] = [];
      for (; i < toks.length; i++)
        if (toks[i].t !== ',') fields.push(fieldWord(toks[i], 'a field name', pos));
      if (fields.length === 0) throw new SplSyntaxError(`${name} needs at least one field`, pos);
      return name === 'fields'
        ? { kind: 'fields', remove, fields, pos }
        : { kind: 'table', fields, pos };
    }
    case 'foreach':
      return parseForeach(ctx, body, pos);
    default:
      throw new SplSyntaxError(`unsupported command '${name}'`, pos);
  }
}

/** A foreach template with `<<FIELD>>` replaced, parsed as `search * | <template>`. */
export function parseForeachTemplate(template: string, field: string): ParseSplResult {
  return parseSpl(`search *\n| ${template.replace(/<<FIELD>>/g, field)}`);
}

/** `foreach <wc-field>... [eval ...]`: the template must be one eval that parses for a field name. */
function parseForeach(ctx: Ctx, body: Segment, pos: Pos): Command {
  const t = ctx.text;
  const open = t.indexOf('[', body.start);
  const close = t.slice(body.start, body.end).trimEnd().length + body.start - 1;
  if (open < 0 || open > close || t[close] !== ']')
    throw new SplSyntaxError(
      'foreach needs a [eval ...] subsearch after the field list',
      pos,
      'foreach <fields> [eval f=...]',
    );
  const fields = t
    .slice(body.start, open)
    .trim()
    .split(/\s+/)
    .filter((x) => x !== '')
    .map((x) => (x.startsWith('"') && x.endsWith('"') && x.length > 1 ? x.slice(1, -1) : x));
  if (fields.length === 0) throw new SplSyntaxError('foreach needs at least one field', pos);
  for (const f of fields)
    if (!/^[A-Za-z0-9_.@{}*-]+$/.test(f))
      throw new SplSyntaxError(`foreach field '${f}' is not a plain (wildcard) field name`, pos);
  const template = t.slice(open + 1, close);
  if (!/^\s*eval\s/i.test(template))
    throw new SplSyntaxError('siemc only emits foreach with an eval subsearch', {
      start: open,
      end: close + 1,
    });
  // check the eval as Splunk runs it: with a field name in place of <<FIELD>>
  const sample = fields[0].replace(/\*/g, 'x');
  const inner = parseForeachTemplate(template, sample);
  for (const d of inner.diagnostics)
    diag(ctx, d.severity, d.code, `in foreach [${template.trim().slice(0, 40)}...]: ${d.message}`, {
      start: open + 1,
      end: close,
    });
  if (inner.pipeline.commands.length !== 2 || inner.pipeline.commands[1].kind !== 'eval')
    throw new SplSyntaxError('the foreach subsearch must be exactly one eval', {
      start: open,
      end: close + 1,
    });
  if (/<<(?!FIELD>>)[A-Z]+>>/.test(template))
    diag(ctx, 'warning', 'SPLCHK-FOREACH', 'only <<FIELD>> is substituted by siemc', {
      start: open,
      end: close + 1,
    });
  return { kind: 'foreach', fields, template, pos };
}

/** Parse a whole SPL query. Never throws: problems come back as diagnostics. */
export function parseSpl(text: string): ParseSplResult {
  const ctx: Ctx = { text, diags: [] };
  const commands: Command[] = [];
  let segs: Segment[];
  try {
    segs = splitPipeline(ctx);
  } catch (e) {
    if (!(e instanceof SplSyntaxError)) throw e;
    diag(ctx, 'error', 'SPLCHK-SYNTAX', e.message, e.pos, e.hint);
    return { pipeline: { commands }, diagnostics: ctx.diags };
  }
  segs.forEach((seg, idx) => {
    try {
      commands.push(parseCommand(ctx, seg, idx === 0));
    } catch (e) {
      if (!(e instanceof SplSyntaxError)) throw e;
      diag(ctx, 'error', 'SPLCHK-SYNTAX', e.message, e.pos, e.hint);
    }
  });
  return { pipeline: { commands }, diagnostics: ctx.diags };
}
