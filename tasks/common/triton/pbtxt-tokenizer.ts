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
    const line = this.line;
    const column = this.column;
    const c = this.peekChar();
    if (c === '') return { line, column, kind: 'end', text: '', value: '' };
    if (isLetter(c)) return this.readIdentifier(line, column);
    if (isDigit(c) || (c === '.' && isDigit(this.peekChar(1)))) {
      return this.readNumber({ line, column });
    }
    if (c === '"' || c === "'") return this.readString({ line, column }, c);
    const code = c.charCodeAt(0);
    if (code < 32 || code === 127) {
      throw new PbtxtSyntaxError('Invalid control characters encountered in text.', line, column);
    }
    this.offset += 1;
    this.column += 1;
    return { line, column, kind: 'symbol', text: c, value: c };
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
    const text = this.text;
    for (;;) {
      const code = text.charCodeAt(this.offset);
      if (code === 10) {
        this.offset += 1;
        this.line += 1;
        this.column = 1;
      } else if (code === 32 || code === 9 || code === 13 || code === 11 || code === 12) {
        this.offset += 1;
        this.column += 1;
      } else if (code === 35) {
        // A `#` comment runs to the end of the line.
        const end = text.indexOf('\n', this.offset);
        const stop = end < 0 ? text.length : end;
        this.column += stop - this.offset;
        this.offset = stop;
      } else {
        return;
      }
    }
  }

  private slice(startOffset: number): string {
    return this.text.slice(startOffset, this.offset);
  }

  private readIdentifier(line: number, column: number): Token {
    const from = this.offset;
    let end = from;
    while (isLetter(this.text.charAt(end)) || isDigit(this.text.charAt(end))) end += 1;
    const text = this.text.slice(from, end);
    this.moveTo(end);
    return { line, column, kind: 'identifier', text, value: text };
  }

  private readNumber(start: Position): Token {
    const from = this.offset;
    const text = this.text;
    const second = text.charAt(from + 1);
    let kind: TokenKind = 'integer';
    let end: number;
    if (text.charAt(from) === '0' && (second === 'x' || second === 'X')) {
      end = from + 2;
      while (isHexDigit(text.charAt(end))) end += 1;
      if (end === from + 2) {
        this.moveTo(end);
        throw this.errorHere('"0x" must be followed by hex digits.');
      }
    } else if (text.charAt(from) === '0' && isDigit(second)) {
      end = from + 1;
      while (isDigit(text.charAt(end))) {
        if (!isOctalDigit(text.charAt(end))) {
          this.moveTo(end);
          throw this.errorHere('Numbers starting with leading zero must be in octal.');
        }
        end += 1;
      }
    } else {
      end = this.scanDecimal(from);
      for (let i = from; i < end; i += 1) {
        const c = text.charAt(i);
        if (c === '.' || c === 'e' || c === 'E') kind = 'float';
      }
      const last = text.charAt(end - 1);
      if (last === 'e' || last === 'E' || last === '+' || last === '-') {
        this.moveTo(end);
        throw this.errorHere('"e" must be followed by exponent.');
      }
      // protobuf allows the `f` suffix only after a float: `1f` is a number then a name.
      const suffix = text.charAt(end);
      if (kind === 'float' && (suffix === 'f' || suffix === 'F')) end += 1;
    }
    this.moveTo(end);
    if (isLetter(this.peekChar()) || this.peekChar() === '.') {
      throw this.errorHere('Need space between number and identifier.');
    }
    const token = text.slice(from, end);
    return { line: start.line, column: start.column, kind, text: token, value: token };
  }

  /** The end of a decimal number: digits, an optional fraction, an optional exponent. */
  private scanDecimal(from: number): number {
    const text = this.text;
    let end = from;
    while (isDigit(text.charAt(end))) end += 1;
    if (text.charAt(end) === '.') {
      end += 1;
      while (isDigit(text.charAt(end))) end += 1;
    }
    const e = text.charAt(end);
    if (e === 'e' || e === 'E') {
      end += 1;
      const sign = text.charAt(end);
      if (sign === '+' || sign === '-') end += 1;
      while (isDigit(text.charAt(end))) end += 1;
    }
    return end;
  }

  /** Moves forward within one line (numbers never span lines). */
  private moveTo(offset: number): void {
    this.column += offset - this.offset;
    this.offset = offset;
  }

  private readString(start: Position, quote: string): Token {
    const from = this.offset;
    const text = this.text;
    const quoteCode = quote.charCodeAt(0);
    this.advance();
    let value = '';
    let runStart = this.offset;
    for (;;) {
      const code = text.charCodeAt(this.offset);
      if (Number.isNaN(code) || code === 10) {
        throw new PbtxtSyntaxError(
          Number.isNaN(code)
            ? 'Unexpected end of string.'
            : 'String literals cannot cross line boundaries.',
          start.line,
          start.column,
        );
      }
      if (code === quoteCode) {
        value += text.slice(runStart, this.offset);
        this.column += 1;
        this.offset += 1;
        break;
      }
      if (code === 92) {
        value += text.slice(runStart, this.offset);
        value += this.readEscape();
        runStart = this.offset;
        continue;
      }
      // Plain characters inside a string never include a newline, so only the column moves.
      this.offset += 1;
      this.column += 1;
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
