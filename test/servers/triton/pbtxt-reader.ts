/**
 * A deliberately small protobuf text-format reader for the test server's config.pbtxt files.
 * It knows no schema: every field comes back as a list of values, and the caller decides
 * which fields are repeated. The project's real parser lives in tasks/common/triton.
 */

/** A scalar: quoted strings and enum identifiers are strings; true and false are booleans. */
export type PbtxtScalar = string | number | boolean;

/** A message: each field name with every value it was given, in order. */
export interface PbtxtMessage {
  [field: string]: PbtxtValue[];
}

/** A field value. */
export type PbtxtValue = PbtxtScalar | PbtxtMessage;

interface Token {
  kind: 'ident' | 'string' | 'number' | 'punct';
  text: string;
  line: number;
}

const PUNCTUATION = new Set(['{', '}', '<', '>', '[', ']', ':', ',', ';']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === '\n') {
      line += 1;
      i += 1;
    } else if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '#') {
      while (i < text.length && text.charAt(i) !== '\n') i += 1;
    } else if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: 'punct', text: ch, line });
      i += 1;
    } else if (ch === '"' || ch === "'") {
      let value = '';
      i += 1;
      while (i < text.length && text.charAt(i) !== ch) {
        if (text.charAt(i) === '\\' && i + 1 < text.length) {
          i += 1;
          const escaped = text.charAt(i);
          value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
        } else {
          value += text.charAt(i);
        }
        i += 1;
      }
      if (i >= text.length) {
        throw new Error(`line ${line}: unterminated string`);
      }
      i += 1;
      tokens.push({ kind: 'string', text: value, line });
    } else {
      const match = /^[-+]?[A-Za-z0-9_.]+/.exec(text.slice(i));
      if (match === null) {
        throw new Error(`line ${line}: unexpected character '${ch}'`);
      }
      const word = match[0];
      const kind = /^[-+]?(\d|\.\d)/.test(word) ? 'number' : 'ident';
      tokens.push({ kind, text: word, line });
      i += word.length;
    }
  }
  return tokens;
}

class Reader {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  readMessage(closing: string | undefined): PbtxtMessage {
    const message: PbtxtMessage = {};
    for (;;) {
      const token = this.tokens[this.index];
      if (token === undefined) {
        if (closing !== undefined) throw new Error(`missing '${closing}' at end of text`);
        return message;
      }
      if (token.kind === 'punct' && token.text === closing) {
        this.index += 1;
        return message;
      }
      if (token.kind === 'punct' && (token.text === ',' || token.text === ';')) {
        this.index += 1;
        continue;
      }
      if (token.kind !== 'ident') {
        throw new Error(`line ${token.line}: expected a field name, found '${token.text}'`);
      }
      this.index += 1;
      const values = message[token.text] ?? [];
      values.push(...this.readFieldValues());
      message[token.text] = values;
    }
  }

  private readFieldValues(): PbtxtValue[] {
    if (this.peekPunct(':')) this.index += 1;
    if (this.peekPunct('[')) {
      this.index += 1;
      const values: PbtxtValue[] = [];
      while (!this.peekPunct(']')) {
        values.push(this.readValue());
        if (this.peekPunct(',')) this.index += 1;
      }
      this.index += 1;
      return values;
    }
    return [this.readValue()];
  }

  private readValue(): PbtxtValue {
    const token = this.tokens[this.index];
    if (token === undefined) throw new Error('unexpected end of text');
    this.index += 1;
    if (token.kind === 'punct' && (token.text === '{' || token.text === '<')) {
      return this.readMessage(token.text === '{' ? '}' : '>');
    }
    if (token.kind === 'string') return token.text;
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'ident') {
      if (token.text === 'true' || token.text === 'True') return true;
      if (token.text === 'false' || token.text === 'False') return false;
      return token.text;
    }
    throw new Error(`line ${token.line}: unexpected '${token.text}'`);
  }

  private peekPunct(text: string): boolean {
    const token = this.tokens[this.index];
    return token !== undefined && token.kind === 'punct' && token.text === text;
  }
}

/** Reads config.pbtxt text into a schema-free message; throws with a line number on errors. */
export function readPbtxt(text: string): PbtxtMessage {
  return new Reader(tokenize(text)).readMessage(undefined);
}
