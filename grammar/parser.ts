/**
 * The KQL grammar as a pure Chevrotain CstParser. Rules mirror Kibana's grammar.peggy:
 *
 *   query      := orQuery?
 *   orQuery    := andQuery (Or andQuery)*
 *   andQuery   := operand (And operand)*
 *   operand    := Not? ( '(' orQuery ')' | expression )                 (Kibana: NotQuery, SubQuery)
 *   expression := Literal ( ':' ( '{' orQuery '}' | '(' orList ')' | Literal )
 *                         | RangeOp Literal )?                            (Field*Expression, NestedQuery)
 *   orList     := andList (Or andList)*
 *   andList    := listOperand (And listOperand)*
 *   listOperand:= Not? ( '(' orList ')' | Literal )                     (Kibana: NotListOfValues)
 *
 * `Literal` and `RangeOp` are token categories (quoted or unquoted; < <= > >=), so a value costs no
 * rule call of its own: fewer calls per token and fewer stack frames per nesting level.
 * Whitespace is handled by the lexer (tokens.ts). No actions: the CST goes to ast-builder.ts.
 */
import { CstParser, EOF, type IToken } from 'chevrotain';
import {
  allTokens,
  And,
  Colon,
  LBrace,
  Literal,
  LParen,
  Not,
  Or,
  RangeOp,
  RBrace,
  RParen,
} from './tokens.js';

export class KqlParser extends CstParser {
  constructor() {
    super(allTokens, {
      recoveryEnabled: false,
      nodeLocationTracking: 'none',
      maxLookahead: 2,
    });
    this.performSelfAnalysis();
  }

  public query = this.RULE('query', () => {
    this.OPTION(() => this.SUBRULE(this.orQuery));
    this.CONSUME(EOF);
  });

  public orQuery = this.RULE('orQuery', () => {
    this.SUBRULE(this.andQuery);
    this.MANY(() => {
      this.CONSUME(Or);
      this.SUBRULE2(this.andQuery);
    });
  });

  public andQuery = this.RULE('andQuery', () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.CONSUME(And);
      this.SUBRULE2(this.operand);
    });
  });

  public operand = this.RULE('operand', () => {
    this.OPTION(() => this.CONSUME(Not));
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.orQuery);
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
  });

  public expression = this.RULE('expression', () => {
    this.CONSUME(Literal);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Colon);
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(LBrace);
                  this.SUBRULE(this.orQuery);
                  this.CONSUME(RBrace);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(LParen);
                  this.SUBRULE(this.orList);
                  this.CONSUME(RParen);
                },
              },
              { ALT: () => this.CONSUME2(Literal) },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(RangeOp);
            this.CONSUME3(Literal);
          },
        },
      ]);
    });
  });

  public orList = this.RULE('orList', () => {
    this.SUBRULE(this.andList);
    this.MANY(() => {
      this.CONSUME(Or);
      this.SUBRULE2(this.andList);
    });
  });

  public andList = this.RULE('andList', () => {
    this.SUBRULE(this.listOperand);
    this.MANY(() => {
      this.CONSUME(And);
      this.SUBRULE2(this.listOperand);
    });
  });

  public listOperand = this.RULE('listOperand', () => {
    this.OPTION(() => this.CONSUME(Not));
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.orList);
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.CONSUME(Literal) },
    ]);
  });

  /** Feed tokens and parse; the caller reads `errors`. */
  parseTokens(tokens: IToken[]) {
    this.input = tokens;
    return this.query();
  }
}
