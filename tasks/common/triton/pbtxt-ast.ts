/**
 * The tree the text-format parser builds: every message, field and value keeps the line and
 * column where it was written, so a rule can point at the exact place. Readers below apply
 * protobuf's semantics: the last value of a singular field wins, and an absent field reads as
 * its default.
 */
import { Position } from './pbtxt-tokenizer';
import { FieldDescriptor, MessageDescriptor } from './proto-schema';

/** A scalar value: string, number, bool, or enum (name and number). */
export interface PbScalarNode {
  kind: 'scalar';
  pos: Position;
  /** The value as written, e.g. `0x10`, `"a" "b"`, `True`. */
  text: string;
  value: string | number | boolean;
  /** For enum values, the number; `value` is then the name, or '' when the number is unknown. */
  enumNumber?: number;
}

/** A message value: `{ ... }` or `< ... >`, or the whole file. */
export interface PbMessageNode {
  kind: 'message';
  type: MessageDescriptor;
  /** Where the opening brace is (the file's first character for the root). */
  pos: Position;
  entries: PbFieldEntry[];
}

/** A value of either kind. */
export type PbNode = PbScalarNode | PbMessageNode;

/** One value given to one field; a list `[a, b]` gives one entry per element. */
export interface PbFieldEntry {
  field: FieldDescriptor;
  /** Where the field's name is written. */
  namePos: Position;
  value: PbNode;
}

/** Every value given to a field, in the order written. */
export function values(msg: PbMessageNode | undefined, name: string): PbNode[] {
  if (msg === undefined) return [];
  return msg.entries.filter((e) => e.field.name === name).map((e) => e.value);
}

/** The entry that holds a singular field's value: the last one written. */
export function lastEntry(msg: PbMessageNode | undefined, name: string): PbFieldEntry | undefined {
  if (msg === undefined) return undefined;
  for (let i = msg.entries.length - 1; i >= 0; i -= 1) {
    const entry = msg.entries[i];
    if (entry !== undefined && entry.field.name === name) return entry;
  }
  return undefined;
}

/** Whether the field was written at all. */
export function has(msg: PbMessageNode | undefined, name: string): boolean {
  return lastEntry(msg, name) !== undefined;
}

/** A singular message field, or undefined when absent. */
export function child(msg: PbMessageNode | undefined, name: string): PbMessageNode | undefined {
  const value = lastEntry(msg, name)?.value;
  return value?.kind === 'message' ? value : undefined;
}

/** Every message given to a repeated message field. */
export function children(msg: PbMessageNode | undefined, name: string): PbMessageNode[] {
  return values(msg, name).filter((v): v is PbMessageNode => v.kind === 'message');
}

/** A singular scalar field's node, or undefined when absent. */
export function scalar(msg: PbMessageNode | undefined, name: string): PbScalarNode | undefined {
  const value = lastEntry(msg, name)?.value;
  return value?.kind === 'scalar' ? value : undefined;
}

/** Every scalar given to a repeated scalar field. */
export function scalars(msg: PbMessageNode | undefined, name: string): PbScalarNode[] {
  return values(msg, name).filter((v): v is PbScalarNode => v.kind === 'scalar');
}

/** A string field's value; '' when absent. */
export function str(msg: PbMessageNode | undefined, name: string): string {
  const value = scalar(msg, name)?.value;
  return typeof value === 'string' ? value : '';
}

/** A numeric field's value; 0 when absent. */
export function num(msg: PbMessageNode | undefined, name: string): number {
  const value = scalar(msg, name)?.value;
  return typeof value === 'number' ? value : 0;
}

/** A bool field's value; false when absent. */
export function bool(msg: PbMessageNode | undefined, name: string): boolean {
  return scalar(msg, name)?.value === true;
}

/** An enum field's value name; the zero value's name (passed in) when absent. */
export function enumName(msg: PbMessageNode | undefined, name: string, zero: string): string {
  const node = scalar(msg, name);
  if (node === undefined) return zero;
  return typeof node.value === 'string' && node.value !== '' ? node.value : `#${node.enumNumber}`;
}

/** Every number of a repeated numeric field. */
export function nums(msg: PbMessageNode | undefined, name: string): number[] {
  return scalars(msg, name).map((s) => (typeof s.value === 'number' ? s.value : 0));
}

/** One entry of a protobuf map field. */
export interface PbMapEntry {
  key: string;
  /** The entry's `{`. */
  pos: Position;
  entry: PbMessageNode;
  /** The value node; undefined when the entry has no `value` (it reads as the default). */
  value: PbNode | undefined;
}

/** A map field's entries with protobuf's semantics: a repeated key keeps its last value. */
export function mapEntries(msg: PbMessageNode | undefined, name: string): PbMapEntry[] {
  const byKey = new Map<string, PbMapEntry>();
  for (const entry of children(msg, name)) {
    const keyValue = scalar(entry, 'key')?.value;
    const key = keyValue === undefined ? '' : String(keyValue);
    byKey.delete(key);
    byKey.set(key, { key, pos: entry.pos, entry, value: lastEntry(entry, 'value')?.value });
  }
  return [...byKey.values()];
}

/** Where a field is written, or the message's own position when the field is absent. */
export function positionOf(msg: PbMessageNode, name?: string): Position {
  if (name === undefined) return msg.pos;
  return lastEntry(msg, name)?.namePos ?? msg.pos;
}
