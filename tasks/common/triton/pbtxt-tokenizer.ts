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

const IDENTIFIER = /[A-Za-z0-9_]*/y;
const HEX_NUMBER = /^0[xX]$/;
const HEX_DIGITS = /[0-9a-fA-F]*/y;
const DIGITS = /[0-9]*/y;

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
    IDENTIFIER.lastIndex = this.offset;
    IDENTIFIER.test(this.text);
    const text = this.text.slice(this.offset, IDENTIFIER.lastIndex);
    this.column += IDENTIFIER.lastIndex - this.offset;
    this.offset = IDENTIFIER.lastIndex;
    return { line, column, kind: 'identifier', text, value: text };
  }

  private readNumber(start: Position): Token {
    const from = this.offset;
    const hex = HEX_NUMBER.exec(this.text.slice(from, from + 2));
    let kind: TokenKind = 'integer';
    let end: number;
    if (hex !== null) {
      HEX_DIGITS.lastIndex = from + 2;
      HEX_DIGITS.test(this.text);
      end = HEX_DIGITS.lastIndex;
      if (end === from + 2) {
        this.moveTo(end);
        throw this.errorHere('"0x" must be followed by hex digits.');
      }
    } else if (this.text.charAt(from) === '0' && isDigit(this.text.charAt(from + 1))) {
      DIGITS.lastIndex = from;
      DIGITS.test(this.text);
      end = DIGITS.lastIndex;
      const bad = /[89]/.exec(this.text.slice(from, end));
      if (bad !== null) {
        this.moveTo(from + bad.index);
        throw this.errorHere('Numbers starting with leading zero must be in octal.');
      }
    } else {
      end = this.scanDecimal(from);
      const body = this.text.slice(from, end);
      if (body.includes('.') || /[eE]/.test(body)) kind = 'float';
      if (/[eE][+-]?$/.test(body)) {
        this.moveTo(end);
        throw this.errorHere('"e" must be followed by exponent.');
      }
      // protobuf allows the `f` suffix only after a float: `1f` is a number then a name.
      const suffix = this.text.charAt(end);
      if (kind === 'float' && (suffix === 'f' || suffix === 'F')) end += 1;
    }
    this.moveTo(end);
    if (isLetter(this.peekChar()) || this.peekChar() === '.') {
      throw this.errorHere('Need space between number and identifier.');
    }
    const text = this.slice(from);
    return { ...start, kind, text, value: text };
  }

  /** The end of a decimal number: digits, an optional fraction, an optional exponent. */
  private scanDecimal(from: number): number {
    const text = this.text;
    let end = from;
    const digitAt = (i: number): boolean => {
      const code = text.charCodeAt(i);
      return code >= 48 && code <= 57;
    };
    while (digitAt(end)) end += 1;
    if (text.charAt(end) === '.') {
      end += 1;
      while (digitAt(end)) end += 1;
    }
    const e = text.charAt(end);
    if (e === 'e' || e === 'E') {
      end += 1;
      const sign = text.charAt(end);
      if (sign === '+' || sign === '-') end += 1;
      while (digitAt(end)) end += 1;
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
