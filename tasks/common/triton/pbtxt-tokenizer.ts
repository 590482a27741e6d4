/**
 * Splits protobuf text format into tokens the way protobuf's io::Tokenizer does for
 * TextFormat: `#` comments, identifiers, integers (decimal, hex, octal), floats, quoted strings
 * with C escapes, and one-character symbols. Positions are 1-based line and column.
 */

/** A place in a text file: 1-based line and column (columns count characters). */
export interface Position {
  line: number;
  column: number;
}

/** The kinds of token the text format knows. */
export type TokenKind = 'identifier' | 'integer' | 'float' | 'string' | 'symbol' | 'end';

/** One token; `value` is the decoded text of a string token. */
export interface Token extends Position {
  kind: TokenKind;
  /** The token as written in the file. */
  text: string;
  /** For strings, the text between the quotes with escapes decoded. */
  value: string;
}

/** A tokenizer error, placed where protobuf's tokenizer would place it. */
export class PbtxtSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'PbtxtSyntaxError';
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '?': '?',
  "'": "'",
  '"': '"',
};

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isHexDigit(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

function isOctalDigit(c: string): boolean {
  return c >= '0' && c <= '7';
}

/** Reads tokens one at a time; throws PbtxtSyntaxError on text protobuf would refuse. */
export class PbtxtTokenizer {
  private offset = 0;
  private line = 1;
  private column = 1;

  constructor(private readonly text: string) {
    // A UTF-8 byte order mark is not text; protobuf's reader never sees it from Triton's files.
    if (text.startsWith('\uFEFF')) this.offset = 1;
  }

  /** Returns the next token; an `end` token once the text is used up. */
  next(): Token {
    this.skipWhitespaceAndComments();
    const start: Position = { line: this.line, column: this.column };
    const c = this.peekChar();
    if (c === '') return { ...start, kind: 'end', text: '', value: '' };
    if (isLetter(c)) return this.readIdentifier(start);
    if (isDigit(c) || (c === '.' && isDigit(this.peekChar(1)))) return this.readNumber(start);
    if (c === '"' || c === "'") return this.readString(start, c);
    const code = c.charCodeAt(0);
    if (code < 32 || code === 127) {
      throw new PbtxtSyntaxError(
        'Invalid control characters encountered in text.',
        start.line,
        start.column,
      );
    }
    this.advance();
    return { ...start, kind: 'symbol', text: c, value: c };
  }

  private peekChar(ahead = 0): string {
    return this.text.charAt(this.offset + ahead);
  }

  private advance(): void {
    const c = this.text.charAt(this.offset);
    this.offset += 1;
    if (c === '\n') {
      this.line += 1;
      this.column = 1;
    } else {
      this.column += 1;
    }
  }

  private skipWhitespaceAndComments(): void {
    for (;;) {
      const c = this.peekChar();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f') {
        this.advance();
      } else if (c === '#') {
        while (this.peekChar() !== '' && this.peekChar() !== '\n') this.advance();
      } else {
        return;
      }
    }
  }

  private slice(startOffset: number): string {
    return this.text.slice(startOffset, this.offset);
  }

  private readIdentifier(start: Position): Token {
    const from = this.offset;
    while (isLetter(this.peekChar()) || isDigit(this.peekChar())) this.advance();
    const text = this.slice(from);
    return { ...start, kind: 'identifier', text, value: text };
  }

  private readNumber(start: Position): Token {
    const from = this.offset;
    let kind: TokenKind = 'integer';
    const first = this.peekChar();
    const second = this.peekChar(1);
    if (first === '0' && (second === 'x' || second === 'X')) {
      this.advance();
      this.advance();
      if (!isHexDigit(this.peekChar())) {
        throw this.errorHere('"0x" must be followed by hex digits.');
      }
      while (isHexDigit(this.peekChar())) this.advance();
    } else if (first === '0' && isDigit(second)) {
      while (isDigit(this.peekChar())) {
        if (!isOctalDigit(this.peekChar())) {
          throw this.errorHere('Numbers starting with leading zero must be in octal.');
        }
        this.advance();
      }
    } else {
      while (isDigit(this.peekChar())) this.advance();
      if (this.peekChar() === '.') {
        kind = 'float';
        this.advance();
        while (isDigit(this.peekChar())) this.advance();
      }
      if (this.peekChar() === 'e' || this.peekChar() === 'E') {
        kind = 'float';
        this.advance();
        if (this.peekChar() === '-' || this.peekChar() === '+') this.advance();
        if (!isDigit(this.peekChar())) throw this.errorHere('"e" must be followed by exponent.');
        while (isDigit(this.peekChar())) this.advance();
      }
      // TextFormat allows a C-style float suffix: 1.5f.
      if (this.peekChar() === 'f' || this.peekChar() === 'F') {
        kind = 'float';
        this.advance();
      }
    }
    if (isLetter(this.peekChar()) || this.peekChar() === '.') {
      throw this.errorHere('Need space between number and identifier.');
    }
    const text = this.slice(from);
    return { ...start, kind, text, value: text };
  }

  private readString(start: Position, quote: string): Token {
    const from = this.offset;
    this.advance();
    let value = '';
    for (;;) {
      const c = this.peekChar();
      if (c === '' || c === '\n') {
        throw new PbtxtSyntaxError(
          c === '' ? 'Unexpected end of string.' : 'String literals cannot cross line boundaries.',
          start.line,
          start.column,
        );
      }
      if (c === quote) {
        this.advance();
        break;
      }
      if (c === '\\') {
        value += this.readEscape();
        continue;
      }
      value += c;
      this.advance();
    }
    return { ...start, kind: 'string', text: this.slice(from), value };
  }

  private readEscape(): string {
    this.advance();
    const c = this.peekChar();
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      this.advance();
      return simple;
    }
    if (isOctalDigit(c)) {
      let digits = '';
      while (digits.length < 3 && isOctalDigit(this.peekChar())) {
        digits += this.peekChar();
        this.advance();
      }
      return String.fromCharCode(parseInt(digits, 8));
    }
    if (c === 'x' || c === 'X') {
      this.advance();
      let digits = '';
      while (digits.length < 2 && isHexDigit(this.peekChar())) {
        digits += this.peekChar();
        this.advance();
      }
      if (digits === '') throw this.errorHere('Expected hex digits for escape sequence.');
      return String.fromCharCode(parseInt(digits, 16));
    }
    if (c === 'u' || c === 'U') {
      const length = c === 'u' ? 4 : 8;
      this.advance();
      let digits = '';
      while (digits.length < length && isHexDigit(this.peekChar())) {
        digits += this.peekChar();
        this.advance();
      }
      const codePoint = parseInt(digits, 16);
      if (digits.length !== length || codePoint > 0x10ffff) {
        throw this.errorHere('Expected four or eight hex digits for \\u escape sequence.');
      }
      return String.fromCodePoint(codePoint);
    }
    throw this.errorHere('Invalid escape sequence in string literal.');
  }

  private errorHere(message: string): PbtxtSyntaxError {
    return new PbtxtSyntaxError(message, this.line, this.column);
  }
}
