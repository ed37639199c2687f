/**
 * Sigma detection conditions: parser and printer.
 *
 * Grammar (Sigma specification v2, "Condition"; precedence from least to most binding:
 * or, and, not, `x of`, parentheses):
 *
 *   expr    := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | primary
 *   primary := '(' expr ')' | ('1' | 'all') 'of' (pattern | 'them') | identifier
 *
 * Identifiers are search-identifier names; patterns may contain `*` wildcards.
 */

export type ConditionNode =
  | { kind: 'ref'; name: string }
  | { kind: 'and'; children: ConditionNode[] }
  | { kind: 'or'; children: ConditionNode[] }
  | { kind: 'not'; child: ConditionNode }
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string | 'them' };

export class ConditionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ConditionError';
  }
}

interface Token {
  text: string;
  offset: number;
}

const WORD = /[A-Za-z0-9_*.-]+/y;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      out.push({ text: ch, offset: i });
      i++;
    } else {
      WORD.lastIndex = i;
      const m = WORD.exec(text);
      if (!m)
        throw new ConditionError(`unexpected character ${JSON.stringify(ch)} in condition`, i);
      out.push({ text: m[0], offset: i });
      i += m[0].length;
    }
  }
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all']);

/** Parse a Sigma condition string; throws `ConditionError` with the offset of the problem. */
export function parseCondition(text: string): ConditionNode {
  const toks = tokenize(text);
  let pos = 0;
  const peek = (): string | undefined => toks[pos]?.text.toLowerCase();
  const here = (): number => toks[pos]?.offset ?? text.length;
  const expect = (what: string): Token => {
    const t = toks[pos];
    if (!t || t.text.toLowerCase() !== what) {
      throw new ConditionError(
        `expected '${what}' but found ${t ? `'${t.text}'` : 'end of condition'}`,
        here(),
      );
    }
    pos++;
    return t;
  };

  const parseOr = (): ConditionNode => {
    const children = [parseAnd()];
    while (peek() === 'or') {
      pos++;
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0] : { kind: 'or', children };
  };
  const parseAnd = (): ConditionNode => {
    const children = [parseUnary()];
    while (peek() === 'and') {
      pos++;
      children.push(parseUnary());
    }
    return children.length === 1 ? children[0] : { kind: 'and', children };
  };
  const parseUnary = (): ConditionNode => {
    if (peek() === 'not') {
      pos++;
      return { kind: 'not', child: parseUnary() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const t = toks[pos];
    if (!t)
      throw new ConditionError(
        'expected a search identifier, `(`, `1 of` or `all of` but the condition ended',
        text.length,
      );
    const low = t.text.toLowerCase();
    if (t.text === '(') {
      pos++;
      const inner = parseOr();
      expect(')');
      return inner;
    }
    if ((low === '1' || low === 'all') && toks[pos + 1]?.text.toLowerCase() === 'of') {
      pos += 2;
      const target = toks[pos];
      if (!target || target.text === '(' || target.text === ')') {
        throw new ConditionError(
          `expected a search-identifier pattern or 'them' after '${t.text} of'`,
          here(),
        );
      }
      pos++;
      return {
        kind: 'of',
        quantifier: low === '1' ? 'one' : 'all',
        pattern: target.text.toLowerCase() === 'them' ? 'them' : target.text,
      };
    }
    if (t.text === ')' || KEYWORDS.has(low)) {
      throw new ConditionError(`expected a search identifier but found '${t.text}'`, t.offset);
    }
    if (t.text.includes('*')) {
      throw new ConditionError(
        `wildcard '${t.text}' is only allowed after '1 of' / 'all of'`,
        t.offset,
      );
    }
    pos++;
    return { kind: 'ref', name: t.text };
  };

  const node = parseOr();
  if (pos < toks.length) {
    throw new ConditionError(
      `unexpected '${toks[pos].text}' after a complete condition`,
      toks[pos].offset,
    );
  }
  return node;
}

/** Identifiers a `x of <pattern>` refers to (`them`: every name not starting with `_`). */
export function expandPattern(pattern: string | 'them', names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  const re = new RegExp('^' + pattern.split('*').map(escapeRe).join('.*') + '$');
  return names.filter((n) => re.test(n));
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** Every identifier or pattern a condition names, for structural checks. */
export function conditionReferences(node: ConditionNode): {
  refs: string[];
  patterns: (string | 'them')[];
} {
  const refs: string[] = [];
  const patterns: (string | 'them')[] = [];
  const walk = (n: ConditionNode): void => {
    switch (n.kind) {
      case 'ref':
        refs.push(n.name);
        return;
      case 'of':
        patterns.push(n.pattern);
        return;
      case 'not':
        walk(n.child);
        return;
      default:
        n.children.forEach(walk);
    }
  };
  walk(node);
  return { refs, patterns };
}

const PRECEDENCE: Record<ConditionNode['kind'], number> = { or: 1, and: 2, not: 3, of: 4, ref: 5 };

/** Print a condition with the minimum parentheses Sigma's precedence needs. */
export function printCondition(node: ConditionNode): string {
  const wrap = (child: ConditionNode, min: number): string => {
    const s = printCondition(child);
    return PRECEDENCE[child.kind] < min ? `(${s})` : s;
  };
  switch (node.kind) {
    case 'ref':
      return node.name;
    case 'of':
      return `${node.quantifier === 'one' ? '1' : 'all'} of ${node.pattern}`;
    case 'not':
      return `not ${wrap(node.child, PRECEDENCE.not)}`;
    case 'and':
      return node.children.map((c) => wrap(c, PRECEDENCE.and + 1)).join(' and ');
    case 'or':
      return node.children.map((c) => wrap(c, PRECEDENCE.or + 1)).join(' or ');
  }
}
