import * as tl from 'azure-pipelines-task-lib/task';
import { UserError } from '../user-error';

/** A string input, trimmed; undefined when empty. */
export function optionalString(name: string): string | undefined {
  const value = tl.getInput(name, false)?.trim();
  return value ? value : undefined;
}

/** A required string input; fails with task-lib's "Input required: <name>" when empty. */
export function requiredString(name: string): string {
  const value = tl.getInput(name, true)?.trim();
  if (!value) throw new UserError(`Input required: ${name}`);
  return value;
}

/** A boolean input, accepting true/false in any case; anything else is an error. */
export function booleanInput(name: string, fallback: boolean): boolean {
  const raw = optionalString(name);
  if (raw === undefined) return fallback;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw new UserError(`Input ${name}: "${raw}" is not a boolean. Use true or false.`);
}

/** A whole number input within bounds. */
export function integerInput(
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number } = {},
): number {
  const raw = optionalString(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[+-]?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new UserError(`Input ${name}: "${raw}" is not a whole number. Give a number like 30.`);
  }
  checkBounds(name, value, bounds);
  return value;
}

/** A decimal number input within bounds. */
export function numberInput(
  name: string,
  fallback: number | undefined,
  bounds: { min?: number; max?: number } = {},
): number | undefined {
  const raw = optionalString(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new UserError(`Input ${name}: "${raw}" is not a number. Give a number like 0.5.`);
  }
  checkBounds(name, value, bounds);
  return value;
}

/** One of a fixed set of values, compared without case. */
export function choiceInput<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = optionalString(name);
  if (raw === undefined) return fallback;
  const match = choices.find((choice) => choice.toLowerCase() === raw.toLowerCase());
  if (!match) {
    throw new UserError(
      `Input ${name}: "${raw}" is not allowed. Use one of: ${choices.join(', ')}.`,
    );
  }
  return match;
}

/** The non-empty lines of a multi-line input, with their 1-based line numbers. */
export function lineInput(name: string): { line: number; text: string }[] {
  const raw = tl.getInput(name, false) ?? '';
  return raw
    .split(/\r?\n/)
    .map((text, index) => ({ line: index + 1, text: text.trim() }))
    .filter((entry) => entry.text.length > 0 && !entry.text.startsWith('#'));
}

function checkBounds(name: string, value: number, bounds: { min?: number; max?: number }): void {
  if (bounds.min !== undefined && value < bounds.min) {
    throw new UserError(`Input ${name}: ${value} is below the minimum ${bounds.min}.`);
  }
  if (bounds.max !== undefined && value > bounds.max) {
    throw new UserError(`Input ${name}: ${value} is above the maximum ${bounds.max}.`);
  }
}
