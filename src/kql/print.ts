/**
 * Canonical KQL printer (`siemc fmt`). One style: lowercase operators, single spaces, value lists
 * folded back to `field:(a or b)`, minimal but correct escapes, and long expressions broken over
 * lines with the operator leading. `parse(format(ast))` gives back `ast` (spans aside).
 *
 * Printing is exact, not cosmetic: quoting changes meaning (phrase vs term, `*` literal vs
 * wildcard), so every value is printed in the form it was parsed from.
 */
import type { FieldRef, Node, Value } from './ast.js';

export interface FormatOptions {
  /** Break expressions longer than this many columns (default 100). */
  width?: number;
  /** Indentation unit (default two spaces). */
  indent?: string;
}

// ---------------------------------------------------------------------------------------------
// Escaping

const SPECIAL = /[\\():<>"*{}]/g;
const SPACE = '[ \\t\\r\\n\\u00a0]';
/** `or`/`and` between whitespace, `not` before whitespace: keywords that would end a literal. */
const KEYWORD = new RegExp(`(?<=${SPACE})(or|and)(?=${SPACE})|not(?=${SPACE})`, 'gi');

function hex4(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

/** One chunk of unquoted text (no wildcards), escaped so that it reads back as the same text. */
function escapeUnquotedChunk(s: string): string {
  return s
    .replace(SPECIAL, '\\$&')
    .replace(KEYWORD, (kw: string) => {
      // `\or` / `\and` read back as written; `\n` would win over `\not`, so spell its first letter.
      return kw.length === 3 && kw[0].toLowerCase() === 'n' ? hex4(kw[0]) + kw.slice(1) : '\\' + kw;
    })
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, hex4);
}

/** Can `text` be written unquoted and read back as the same untyped, untrimmed string? */
function unquotedSafe(chunks: string[]): boolean {
  const first = chunks[0];
  const last = chunks[chunks.length - 1];
  if (first !== first.trimStart() || last !== last.trimEnd()) return false;
  if (chunks.length === 1 && (first === 'true' || first === 'false' || first === 'null')) {
    return false;
  }
  return true;
}

function quote(s: string): string {
  const body = s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, hex4);
  return `"${body}"`;
}

function unquotedChunks(chunks: string[]): string {
  if (chunks.length === 1 && chunks[0] === '') return '\\t'; // decodes to "" after trimming
  return chunks.map(escapeUnquotedChunk).join('*');
}

export function formatValue(v: Value): string {
  if (v.kind === 'wildcard') return unquotedChunks(v.chunks);
  if (v.quoted) return quote(String(v.value));
  if (typeof v.value !== 'string') return String(v.value);
  // An unquoted string that cannot be written unquoted (only from hand-built trees).
  return unquotedSafe([v.value]) ? unquotedChunks([v.value]) : quote(v.value);
}

export function formatField(f: FieldRef | null): string {
  if (f === null || f.name === null) return 'null';
  if (f.wildcard) return unquotedChunks(f.wildcard);
  if (typeof f.name === 'boolean') return String(f.name);
  if (f.name === '') return '""';
  return unquotedSafe([f.name]) ? unquotedChunks([f.name]) : quote(f.name);
}

// ---------------------------------------------------------------------------------------------
// Layout

const PREC = { or: 1, and: 2, not: 3, atom: 4 } as const;

function prec(n: Node): number {
  return n.kind === 'or'
    ? PREC.or
    : n.kind === 'and'
      ? PREC.and
      : n.kind === 'not'
        ? PREC.not
        : PREC.atom;
}

function sameField(a: FieldRef, b: FieldRef | null): boolean {
  return (
    b !== null &&
    a.name === b.name &&
    (a.wildcard === undefined) === (b.wildcard === undefined) &&
    (a.wildcard === undefined || a.wildcard.join('*') === b.wildcard!.join('*'))
  );
}

/** Is `n` a well-formed value-list body for `field` (only is/exists leaves on that field)? */
function isListBody(n: Node, field: FieldRef): boolean {
  switch (n.kind) {
    case 'or':
    case 'and':
      return n.children.every((c) => isListBody(c, field));
    case 'not':
      return isListBody(n.child, field);
    case 'is':
      return sameField(field, n.field);
    case 'exists':
      return sameField(field, n.field);
    default:
      return false;
  }
}

class Printer {
  constructor(
    private readonly width: number,
    private readonly unit: string,
  ) {}

  /** Print `n`; `inList` is the field of an enclosing value list (leaves print values only). */
  node(n: Node, indent: string, inList: FieldRef | null): string {
    if (inList === null && (n.kind === 'or' || n.kind === 'and' || n.kind === 'not')) {
      const list = n.list;
      if (list && isListBody(n, list)) {
        const body = this.node(n, indent + this.unit, list);
        const flat = `${formatField(list)}:(${body})`;
        if (!body.includes('\n') && indent.length + flat.length <= this.width) return flat;
        return `${formatField(list)}:(\n${indent}${this.unit}${body}\n${indent})`;
      }
    }
    switch (n.kind) {
      case 'or':
      case 'and': {
        const parts = n.children.map((c) => this.child(c, n, indent, inList));
        const flat = parts.join(` ${n.kind} `);
        if (!flat.includes('\n') && indent.length + flat.length <= this.width) return flat;
        return parts.join(`\n${indent}${n.kind} `);
      }
      case 'not':
        return `not ${this.child(n.child, n, indent, inList)}`;
      case 'is':
        if (inList) return formatValue(n.value);
        return n.field === null
          ? formatValue(n.value)
          : `${formatField(n.field)}:${formatValue(n.value)}`;
      case 'exists':
        return inList ? '*' : `${formatField(n.field)}:*`;
      case 'range': {
        const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[n.op];
        return `${formatField(n.field)} ${op} ${formatValue(n.value)}`;
      }
      case 'nested': {
        const inner = this.node(n.query, indent + this.unit, null);
        const flat = `${formatField(n.path)}:{ ${inner} }`;
        if (!inner.includes('\n') && indent.length + flat.length <= this.width) return flat;
        return `${formatField(n.path)}:{\n${indent}${this.unit}${inner}\n${indent}}`;
      }
      case 'all':
        return '*:*';
    }
  }

  /** A child of `parent`, parenthesised when precedence or the tree's shape requires it. */
  private child(c: Node, parent: Node, indent: string, inList: FieldRef | null): string {
    // A value list inside a value list keeps no list annotation of its own.
    const cp = prec(c);
    const listStart =
      inList === null &&
      (c.kind === 'or' || c.kind === 'and' || c.kind === 'not') &&
      c.list &&
      isListBody(c, c.list);
    const needParens =
      !listStart && (cp < prec(parent) || (cp === prec(parent) && cp !== PREC.atom));
    if (!needParens) {
      // Continuation lines of a broken chain inside a chain sit one unit deeper than its operators.
      const chain = !listStart && (c.kind === 'or' || c.kind === 'and');
      return this.node(c, chain ? indent + this.unit : indent, inList);
    }
    const inner = this.node(c, indent + this.unit, inList);
    if (!inner.includes('\n')) return `(${inner})`;
    return `(\n${indent}${this.unit}${inner}\n${indent})`;
  }
}

export function format(ast: Node, opts: FormatOptions = {}): string {
  return new Printer(opts.width ?? 100, opts.indent ?? '  ').node(ast, '', null);
}
