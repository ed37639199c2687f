/**
 * The KQL grammar as a pure Chevrotain CstParser. Rules mirror Kibana's grammar.peggy:
 *
 *   query        := orQuery?
 *   orQuery      := andQuery (Or andQuery)*
 *   andQuery     := operand (And operand)*
 *   operand      := Not? ( '(' orQuery ')' | expression )       (Kibana: NotQuery, SubQuery)
 *   expression   := literal ( ':' ( '{' orQuery '}' | listOfValues ) | rangeOp literal )?
 *   listOfValues := '(' orList ')' | literal
 *   orList       := andList (Or andList)*
 *   andList      := listOperand (And listOperand)*
 *   listOperand  := Not? ( '(' orList ')' | literal )           (Kibana: NotListOfValues)
 *
 * Whitespace is handled by the lexer (tokens.ts). No actions: the CST goes to ast-builder.ts.
 */
import { CstParser, EOF, type IToken } from 'chevrotain';
import {
  allTokens,
  And,
  Colon,
  Gt,
  Gte,
  LBrace,
  LParen,
  Lt,
  Lte,
  Not,
  Or,
  QuotedString,
  RBrace,
  RParen,
  UnquotedLiteral,
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

  /** Kibana's NotQuery + SubQuery in one rule: fewer stack frames per nesting level. */
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
    this.SUBRULE(this.literal);
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
              { ALT: () => this.SUBRULE(this.listOfValues) },
            ]);
          },
        },
        {
          ALT: () => {
            this.SUBRULE(this.rangeOp);
            this.SUBRULE2(this.literal);
          },
        },
      ]);
    });
  });

  public rangeOp = this.RULE('rangeOp', () => {
    this.OR([
      { ALT: () => this.CONSUME(Lte) },
      { ALT: () => this.CONSUME(Gte) },
      { ALT: () => this.CONSUME(Lt) },
      { ALT: () => this.CONSUME(Gt) },
    ]);
  });

  public listOfValues = this.RULE('listOfValues', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.orList);
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.literal) },
    ]);
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

  /** Kibana's NotListOfValues + ListOfValues in one rule. */
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
      { ALT: () => this.SUBRULE(this.literal) },
    ]);
  });

  public literal = this.RULE('literal', () => {
    this.OR([
      { ALT: () => this.CONSUME(QuotedString) },
      { ALT: () => this.CONSUME(UnquotedLiteral) },
    ]);
  });

  /** Feed tokens and parse; the caller reads `errors`. */
  parseTokens(tokens: IToken[]) {
    this.input = tokens;
    return this.query();
  }
}
