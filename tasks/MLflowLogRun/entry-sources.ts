import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../common/user-error';

/** One key and value with where it came from, for messages that name both sources. */
export interface SourcedEntry<V> {
  key: string;
  value: V;
  /** e.g. `input params, line 3` or `file params.yaml`. */
  source: string;
}

/** Parses `key=value` lines of a multi-line input; the line number is in every error. */
export function parseKeyValueLines(
  input: string,
  lines: { line: number; text: string }[],
): SourcedEntry<string>[] {
  return lines.map(({ line, text }) => {
    const at = text.indexOf('=');
    if (at <= 0) {
      throw new UserError(
        `Input ${input}, line ${line}: "${text}" is not key=value. Write one entry per line, ` +
          `e.g. learning_rate=0.01.`,
      );
    }
    return {
      key: text.slice(0, at).trim(),
      value: text.slice(at + 1).trim(),
      source: `input ${input}, line ${line}`,
    };
  });
}

/** Reads a JSON or YAML file (by extension; YAML accepts JSON too) as a plain value. */
export function readStructuredFile(input: string, file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `Input ${input}: cannot read "${file}" (${errorCode(error)}). ` +
        `Check the path (relative paths start at the working directory) and that the file exists.`,
    );
  }
  const isJson = path.extname(file).toLowerCase() === '.json';
  try {
    return isJson ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (error) {
    throw new UserError(
      `Input ${input}: "${file}" is not valid ${isJson ? 'JSON' : 'YAML'}: ` +
        `${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/** Reads a file of string values (params, tags): an object of key to scalar. */
export function readKeyValueFile(input: string, file: string): SourcedEntry<string>[] {
  const data = readStructuredFile(input, file);
  if (!isPlainObject(data)) {
    throw new UserError(
      `Input ${input}: "${file}" must hold an object of key to value, e.g. {"lr": 0.01}.`,
    );
  }
  return Object.entries(data).map(([key, value]) => {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new UserError(
        `Input ${input}: in "${file}", the value of "${key}" is ` +
          `${value === null ? 'null' : 'not a single value'}. ` +
          `Give a string, number or boolean.`,
      );
    }
    return { key, value: String(value), source: `file ${file}` };
  });
}

/** True for `{...}` objects (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fails when a key comes twice in one submission, naming both places. */
export function rejectDuplicates<V>(kind: string, entries: SourcedEntry<V>[]): void {
  const first = new Map<string, SourcedEntry<V>>();
  for (const entry of entries) {
    const earlier = first.get(entry.key);
    if (earlier) {
      throw new UserError(
        `The ${kind} "${entry.key}" is given twice: in ${earlier.source} and in ${entry.source}. ` +
          `Keep one of them.`,
      );
    }
    first.set(entry.key, entry);
  }
}

/** The error code of a failed file operation, for messages. */
export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}
