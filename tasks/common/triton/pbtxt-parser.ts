/**
 * A protobuf text-format parser driven by a schema, accepting what protobuf's C++ TextFormat
 * parser (the one Triton uses) accepts and refusing what it refuses, at the same line:column.
 * Where protobuf would stop at a field error (unknown field, wrong type, bad enum value) we note
 * it and go on, so one run reports every such error; a broken structure stops the parse.
 */
import { Finding } from './finding';
import { PbFieldEntry, PbMessageNode, PbNode, PbScalarNode } from './pbtxt-ast';
import { PbtxtSyntaxError, PbtxtTokenizer, Position, Token } from './pbtxt-tokenizer';
import { FieldDescriptor, MessageDescriptor, ProtoSchema } from './proto-schema';
import { toConfigType } from './data-types';
import { didYouMean } from './suggest';

/** A finding of the parser; the caller adds the file. */
export type ParseIssue = Omit<Finding, 'file'>;

/** The tree (undefined when the structure is broken) and every issue found. */
export interface ParseResult {
  root: PbMessageNode | undefined;
  issues: ParseIssue[];
}

/** protobuf's default recursion limit for text format. */
const MAX_DEPTH = 100;

const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

const TRUE_WORDS: ReadonlySet<string> = new Set(['true', 'True', 't']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', 'False', 'f']);
const FLOAT_WORDS: ReadonlySet<string> = new Set(['inf', 'infinity', 'nan']);
const CLOSERS: ReadonlySet<string> = new Set([']', '}', '>', ',', ';']);

const PLACEHOLDER_FIX =
  'Fill in the template placeholders before deploying (for example with the template tool ' +
  'that ships with the model, or envsubst), then validate again.';

/** A field error that the parser notes and then skips over. */
class FieldValueError extends Error {
  constructor(
    message: string,
    readonly pos: Position,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** Parses `text` as a message of `rootType`; never throws on bad input. */
export function parsePbtxt(
  text: string,
  rootType: MessageDescriptor,
  schema: ProtoSchema,
): ParseResult {
  const parser = new TextFormatParser(text, schema);
  return parser.parse(rootType);
}

class TextFormatParser {
  private readonly tokenizer: PbtxtTokenizer;
  private current: Token = { kind: 'end', text: '', value: '', line: 1, column: 1 };
  private lookahead: Token | undefined;
  private readonly issues: ParseIssue[] = [];

  constructor(
    text: string,
    private readonly schema: ProtoSchema,
  ) {
    this.tokenizer = new PbtxtTokenizer(text);
  }

  parse(rootType: MessageDescriptor): ParseResult {
    try {
      this.advance();
      const root: PbMessageNode = {
        kind: 'message',
        type: rootType,
        pos: { line: 1, column: 1 },
        entries: [],
      };
      while (this.current.kind !== 'end') this.consumeField(root, 0);
      return { root, issues: this.issues };
    } catch (error) {
      if (!(error instanceof PbtxtSyntaxError)) throw error;
      this.issues.push({
        severity: 'error',
        rule: 'pbtxt.syntax',
        line: error.line,
        column: error.column,
        message: error.message,
        fix: error.hint ?? 'Correct the text so that it is valid protobuf text format.',
      });
      return { root: undefined, issues: this.issues };
    }
  }

  // ---- tokens ---------------------------------------------------------------------------

  private advance(): void {
    if (this.lookahead !== undefined) {
      this.current = this.lookahead;
      this.lookahead = undefined;
    } else {
      this.current = this.tokenizer.next();
    }
  }

  private peek(): Token {
    this.lookahead ??= this.tokenizer.next();
    return this.lookahead;
  }

  private lookingAt(symbol: string): boolean {
    return this.current.kind === 'symbol' && this.current.text === symbol;
  }

  private tryConsume(symbol: string): boolean {
    if (!this.lookingAt(symbol)) return false;
    this.advance();
    return true;
  }

  private consume(symbol: string): void {
    if (!this.tryConsume(symbol)) {
      throw this.syntaxError(`Expected "${symbol}", found "${this.current.text}".`);
    }
  }

  private syntaxError(message: string, at: Position = this.current): PbtxtSyntaxError {
    return new PbtxtSyntaxError(message, at.line, at.column, this.placeholderHint());
  }

  /** A hint when the current token starts an unfilled `${name}` template placeholder. */
  private placeholderHint(): string | undefined {
    if (!this.lookingAt('$') || this.peek().text !== '{') return undefined;
    return `This looks like an unfilled template placeholder ("\${...}"). ${PLACEHOLDER_FIX}`;
  }

  // ---- fields ---------------------------------------------------------------------------

  private consumeField(msg: PbMessageNode, depth: number): void {
    const namePos: Position = { line: this.current.line, column: this.current.column };
    if (this.lookingAt('[')) {
      throw this.syntaxError(
        `Extensions and Any types ("[...]") are not part of "${msg.type.fullName}".`,
      );
    }
    if (this.current.kind !== 'identifier') {
      throw this.syntaxError(`Expected identifier, got: ${this.current.text}`);
    }
    const name = this.current.text;
    const field = msg.type.fields.get(name);
    this.advance();

    if (field === undefined) {
      this.noteUnknownField(msg.type, name, namePos);
      this.skipField();
    } else {
      this.checkNotAlreadySet(msg, field, namePos);
      this.consumeFieldBody(msg, field, namePos, depth);
    }
    if (!this.tryConsume(';')) this.tryConsume(',');
  }

  private noteUnknownField(type: MessageDescriptor, name: string, at: Position): void {
    const known = [...type.fields.keys()];
    const hint = didYouMean(name, known);
    this.issues.push({
      severity: 'error',
      rule: 'pbtxt.unknown-field',
      line: at.line,
      column: at.column,
      message: `Message type "${type.fullName}" has no field named "${name}".${hint}`,
      fix:
        hint !== ''
          ? `Rename the field as suggested.`
          : `Remove the field; "${type.fullName}" has: ${known.join(', ')}.`,
    });
  }

  /** protobuf refuses a second value for a singular field, and two members of one oneof. */
  private checkNotAlreadySet(msg: PbMessageNode, field: FieldDescriptor, at: Position): void {
    if (!field.repeated && msg.entries.some((e) => e.field === field && isPresent(e))) {
      this.issues.push({
        severity: 'error',
        rule: 'pbtxt.field-repeated',
        line: at.line,
        column: at.column,
        message: `Non-repeated field "${field.name}" is specified multiple times.`,
        fix: `Keep one "${field.name}"; it holds a single value.`,
      });
      return;
    }
    if (field.oneof === undefined) return;
    const other = msg.entries.find((e) => e.field.oneof === field.oneof && e.field !== field);
    if (other !== undefined) {
      this.issues.push({
        severity: 'error',
        rule: 'pbtxt.oneof',
        line: at.line,
        column: at.column,
        message:
          `Field "${field.name}" is specified along with field "${other.field.name}", another ` +
          `member of oneof "${field.oneof}" for type "${msg.type.fullName}".`,
        fix: `Keep either "${field.name}" or "${other.field.name}", not both.`,
      });
    }
  }

  private consumeFieldBody(
    msg: PbMessageNode,
    field: FieldDescriptor,
    namePos: Position,
    depth: number,
  ): void {
    if (field.type === 'message') {
      this.tryConsume(':');
    } else if (!this.lookingAt(':')) {
      throw this.syntaxError(`Expected ":", found "${this.current.text}".`);
    } else {
      this.advance();
    }

    const isMap = this.schema.messages.get(field.typeName ?? '')?.mapEntry === true;
    const add = (value: PbNode | undefined): void => {
      if (value === undefined) return;
      msg.entries.push({ field, namePos, value });
      if (isMap) this.noteDuplicateMapKeys(msg, field);
    };
    if (field.repeated && this.tryConsume('[')) {
      if (this.tryConsume(']')) return;
      for (;;) {
        add(this.consumeValueOrNote(field, depth));
        if (this.tryConsume(']')) break;
        this.consume(',');
      }
      return;
    }
    add(this.consumeValueOrNote(field, depth));
  }

  /** Parses one value; a value of the wrong type is noted and skipped. */
  private consumeValueOrNote(field: FieldDescriptor, depth: number): PbNode | undefined {
    const start: Position = { line: this.current.line, column: this.current.column };
    try {
      return field.type === 'message'
        ? this.consumeMessage(field, depth + 1)
        : this.consumeScalar(field);
    } catch (error) {
      if (!(error instanceof FieldValueError)) throw error;
      this.issues.push({
        severity: 'error',
        rule: 'pbtxt.field-type',
        line: error.pos.line,
        column: error.pos.column,
        message: error.message,
        fix: error.fix ?? fieldTypeFix(field),
      });
      this.skipValueAt(start);
      return undefined;
    }
  }

  private consumeMessage(field: FieldDescriptor, depth: number): PbMessageNode {
    if (depth > MAX_DEPTH) {
      throw this.syntaxError(`Message is too deep, the parser exceeded the limit of ${MAX_DEPTH}.`);
    }
    const type = this.schema.messages.get(field.typeName ?? '');
    if (type === undefined) throw new Error(`schema: message type ${field.typeName} is missing`);
    const pos: Position = { line: this.current.line, column: this.current.column };
    let close = '}';
    if (this.tryConsume('<')) {
      close = '>';
    } else if (!this.tryConsume('{')) {
      throw new FieldValueError(`Expected "{", found "${this.current.text}".`, pos);
    }
    const msg: PbMessageNode = { kind: 'message', type, pos, entries: [] };
    while (!this.lookingAt('}') && !this.lookingAt('>')) {
      if (this.current.kind === 'end') {
        throw this.syntaxError(
          `Expected "${close}" to close the "${field.name}" opened at ${pos.line}:${pos.column}, ` +
            'found the end of the file.',
        );
      }
      this.consumeField(msg, depth);
    }
    this.consume(close);
    return msg;
  }

  // ---- scalars --------------------------------------------------------------------------

  private consumeScalar(field: FieldDescriptor): PbScalarNode {
    const pos: Position = { line: this.current.line, column: this.current.column };
    switch (field.type) {
      case 'string':
        return this.consumeString(pos);
      case 'bool':
        return this.consumeBool(field, pos);
      case 'float':
      case 'double':
        return this.consumeDouble(pos);
      case 'enum':
        return this.consumeEnum(field, pos);
      case 'message':
        throw new Error('consumeScalar called for a message field');
      default:
        return this.consumeInteger(field.type, pos);
    }
  }

  private valueError(expected: string, pos: Position): FieldValueError {
    const hint = this.placeholderHint();
    if (hint !== undefined) {
      return new FieldValueError(
        `Expected ${expected}, got: $ (an unfilled template placeholder)`,
        pos,
        PLACEHOLDER_FIX,
      );
    }
    return new FieldValueError(`Expected ${expected}, got: ${this.current.text}`, pos);
  }

  private consumeString(pos: Position): PbScalarNode {
    if (this.current.kind !== 'string') throw this.valueError('string', pos);
    let value = '';
    const parts: string[] = [];
    while (this.current.kind === 'string') {
      value += this.current.value;
      parts.push(this.current.text);
      this.advance();
    }
    if (/\$\{[^}]*\}/.test(value)) {
      this.issues.push({
        severity: 'warning',
        rule: 'pbtxt.placeholder',
        line: pos.line,
        column: pos.column,
        message: `The string "${value}" contains an unfilled template placeholder.`,
        fix: PLACEHOLDER_FIX,
      });
    }
    return { kind: 'scalar', pos, text: parts.join(' '), value };
  }

  private consumeInteger(type: string, pos: Position): PbScalarNode {
    const range = INTEGER_RANGES[type] ?? INTEGER_RANGES.int64;
    const [min, max] = range ?? [0n, 0n];
    const negative = min < 0n && this.tryConsume('-');
    if (this.current.kind !== 'integer') throw this.valueError('integer', pos);
    const digits = this.current.text;
    const magnitude = parseIntegerToken(digits);
    const value = negative ? -magnitude : magnitude;
    if (value < min || value > max) {
      throw new FieldValueError(
        `Integer out of range (${negative ? '-' : ''}${digits})`,
        pos,
        `Use a value between ${min} and ${max}.`,
      );
    }
    this.advance();
    return { kind: 'scalar', pos, text: `${negative ? '-' : ''}${digits}`, value: Number(value) };
  }

  private consumeDouble(pos: Position): PbScalarNode {
    const negative = this.tryConsume('-');
    const sign = negative ? -1 : 1;
    const token = this.current;
    let value: number;
    if (token.kind === 'integer') {
      if (/^0[xX]/.test(token.text)) {
        throw new FieldValueError(`Expect a decimal number, got: ${token.text}`, pos);
      }
      value = Number(parseIntegerToken(token.text));
    } else if (token.kind === 'float') {
      value = Number.parseFloat(token.text.replace(/[fF]$/, ''));
    } else if (token.kind === 'identifier') {
      const word = token.text.toLowerCase();
      if (!FLOAT_WORDS.has(word))
        throw new FieldValueError(`Invalid float number: ${token.text}`, pos);
      value = word === 'nan' ? Number.NaN : Number.POSITIVE_INFINITY;
    } else {
      throw this.valueError('double', pos);
    }
    this.advance();
    return {
      kind: 'scalar',
      pos,
      text: `${negative ? '-' : ''}${token.text}`,
      value: sign * value,
    };
  }

  private consumeBool(field: FieldDescriptor, pos: Position): PbScalarNode {
    const token = this.current;
    if (token.kind === 'integer') {
      const value = parseIntegerToken(token.text);
      if (value > 1n) {
        throw new FieldValueError(
          `Integer out of range (${token.text})`,
          pos,
          'Use true or false.',
        );
      }
      this.advance();
      return { kind: 'scalar', pos, text: token.text, value: value === 1n };
    }
    if (token.kind !== 'identifier') throw this.valueError('identifier', pos);
    if (!TRUE_WORDS.has(token.text) && !FALSE_WORDS.has(token.text)) {
      throw new FieldValueError(
        `Invalid value for boolean field "${field.name}". Value: "${token.text}".`,
        pos,
        'Write true or false (protobuf also accepts True, False, t, f, 1 and 0).',
      );
    }
    this.advance();
    return { kind: 'scalar', pos, text: token.text, value: TRUE_WORDS.has(token.text) };
  }

  private consumeEnum(field: FieldDescriptor, pos: Position): PbScalarNode {
    const type = this.schema.enums.get(field.typeName ?? '');
    if (type === undefined) throw new Error(`schema: enum type ${field.typeName} is missing`);
    const token = this.current;
    if (token.kind === 'identifier') {
      const number = type.byName.get(token.text);
      if (number === undefined) {
        const alias = type.fullName === 'inference.DataType' ? toConfigType(token.text) : undefined;
        const hint =
          alias !== undefined
            ? ` Did you mean "${alias}"?`
            : didYouMean(token.text, type.byName.keys());
        throw new FieldValueError(
          `Unknown enumeration value of "${token.text}" for field "${field.name}".${hint}`,
          pos,
          `Use one of: ${[...type.byName.keys()].join(', ')}.`,
        );
      }
      this.advance();
      return { kind: 'scalar', pos, text: token.text, value: token.text, enumNumber: number };
    }
    if (token.kind === 'integer' || this.lookingAt('-')) {
      const node = this.consumeInteger('int32', pos);
      const number = typeof node.value === 'number' ? node.value : 0;
      // Triton's enums are proto3 (open): an unknown number parses, and the rules report it.
      return { ...node, value: type.byNumber.get(number) ?? '', enumNumber: number };
    }
    throw this.valueError('integer or identifier', pos);
  }

  // ---- skipping -------------------------------------------------------------------------

  /** Skips an unknown field's value the way protobuf's SkipField does. */
  private skipField(): void {
    if (this.tryConsume(':') && !this.lookingAt('{') && !this.lookingAt('<')) {
      this.skipValueAt(this.current);
      return;
    }
    if (this.lookingAt('{') || this.lookingAt('<')) {
      this.skipBalanced();
      return;
    }
    throw this.syntaxError(`Expected ":", found "${this.current.text}".`);
  }

  /** Skips one value after a field error: a block, a list, a placeholder or a scalar. */
  private skipValueAt(start: Position): void {
    if (this.lookingAt('{') || this.lookingAt('<') || this.lookingAt('[')) {
      this.skipBalanced();
    } else if (this.lookingAt('$') && this.peek().text === '{') {
      this.advance();
      this.skipBalanced();
    } else if (this.current.kind === 'string') {
      while (this.current.kind === 'string') this.advance();
    } else {
      this.tryConsume('-');
      if (this.current.kind === 'end') {
        throw this.syntaxError('Expected a value, found the end of the file.', start);
      }
      // A closing bracket or separator belongs to the enclosing structure: leave it there.
      if (this.current.kind === 'symbol' && CLOSERS.has(this.current.text)) return;
      this.advance();
    }
  }

  private skipBalanced(): void {
    const open = this.current;
    const stack: string[] = [];
    const closers: Readonly<Record<string, string>> = { '{': '}', '<': '>', '[': ']' };
    do {
      const closer = this.current.kind === 'symbol' ? closers[this.current.text] : undefined;
      if (closer !== undefined) {
        stack.push(closer);
      } else if (this.current.kind === 'symbol' && stack.at(-1) === this.current.text) {
        stack.pop();
      } else if (this.current.kind === 'end') {
        throw this.syntaxError(
          `Expected "${stack.at(-1) ?? '}'}" to close the "${open.text}" opened at ` +
            `${open.line}:${open.column}, found the end of the file.`,
        );
      }
      this.advance();
    } while (stack.length > 0);
  }

  private noteDuplicateMapKeys(msg: PbMessageNode, field: FieldDescriptor): void {
    const entries = msg.entries.filter((e) => e.field === field);
    const latest = entries.at(-1);
    if (latest === undefined || latest.value.kind !== 'message') return;
    const key = mapKeyOf(latest);
    const earlier = entries.slice(0, -1).find((e) => mapKeyOf(e) === key);
    if (earlier === undefined) return;
    this.issues.push({
      severity: 'warning',
      rule: 'pbtxt.duplicate-map-key',
      line: latest.value.pos.line,
      column: latest.value.pos.column,
      message:
        `The key "${key}" of "${field.name}" was already given at ${earlier.value.pos.line}:` +
        `${earlier.value.pos.column}; protobuf silently keeps only this last entry.`,
      fix: `Remove one of the two "${key}" entries, or give them different keys.`,
    });
  }
}

function mapKeyOf(entry: PbFieldEntry): string {
  if (entry.value.kind !== 'message') return '';
  const key = entry.value.entries.filter((e) => e.field.name === 'key').at(-1)?.value;
  return key?.kind === 'scalar' ? String(key.value) : '';
}

/** proto3: a scalar holding its default does not count as set, so it may be given again. */
function isPresent(entry: PbFieldEntry): boolean {
  if (entry.value.kind === 'message' || entry.field.oneof !== undefined) return true;
  const value = entry.value.value;
  if (entry.value.enumNumber !== undefined) return entry.value.enumNumber !== 0;
  return value !== '' && value !== 0 && value !== false;
}

/** Reads an integer token: decimal, hex (`0x1F`) or octal (`017`). */
function parseIntegerToken(text: string): bigint {
  if (/^0[xX]/.test(text)) return BigInt(text);
  if (text.length > 1 && text.startsWith('0')) return BigInt(`0o${text.slice(1)}`);
  return BigInt(text);
}

function fieldTypeFix(field: FieldDescriptor): string {
  switch (field.type) {
    case 'message':
      return `"${field.name}" is a message: write it as ${field.name} { ... }.`;
    case 'string':
      return `"${field.name}" takes a quoted string, e.g. ${field.name}: "text".`;
    case 'enum':
      return `"${field.name}" takes an enum value name.`;
    case 'bool':
      return `"${field.name}" takes true or false.`;
    case 'float':
    case 'double':
      return `"${field.name}" takes a number.`;
    default:
      return `"${field.name}" takes a whole number (decimal, 0x hex or 0 octal), not a float.`;
  }
}
