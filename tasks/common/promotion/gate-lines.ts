import { UserError } from '../user-error';
import type { MetricGate } from './metric-gate';
import type { RequiredTag } from './tag-gate';

/** One non-empty line of a multi-line input, with its 1-based number. */
export interface InputLine {
  line: number;
  text: string;
}

const DIRECTIONS: Record<string, boolean> = { higher: true, greater: true, lower: false };
const OPTIONS = ['threshold', 'minAbsoluteChange', 'minRelativeChange'] as const;
type GateOption = (typeof OPTIONS)[number];

const GATE_FORMAT =
  'Write `<metric> higher|lower [threshold=<n>] [minAbsoluteChange=<n>] ' +
  '[minRelativeChange=<n>]`, e.g. `val_acc higher minAbsoluteChange=0.01`';

/**
 * Reads metric gates, one per line, and checks them as MLflow's MetricThreshold does: a
 * direction, at least one bound, a positive absolute change, a relative change in [0, 1].
 */
export function parseMetricGates(inputName: string, lines: readonly InputLine[]): MetricGate[] {
  const gates: MetricGate[] = [];
  for (const { line, text } of lines) {
    const origin = `${inputName} line ${line}`;
    const gate = parseGateLine(origin, text);
    const twin = gates.find((other) => other.metric === gate.metric);
    if (twin) {
      throw new UserError(
        `Input ${origin}: metric "${gate.metric}" already has a gate (${twin.origin}). ` +
          `Put all bounds of one metric on one line.`,
      );
    }
    gates.push(gate);
  }
  return gates;
}

function parseGateLine(origin: string, text: string): MetricGate {
  const tokens = tokenize(text);
  const [metric, direction, ...rest] = tokens;
  if (metric === undefined || direction === undefined) {
    throw new UserError(`Input ${origin}: "${text}" is not a gate. ${GATE_FORMAT}.`);
  }
  const greaterIsBetter = DIRECTIONS[direction.toLowerCase()];
  if (greaterIsBetter === undefined) {
    throw new UserError(
      `Input ${origin}: "${direction}" is not a direction; say whether a higher or a lower ` +
        `"${metric}" is better. ${GATE_FORMAT}.`,
    );
  }

  const gate: MetricGate = { metric, greaterIsBetter, origin };
  for (const token of rest) {
    const [option, value] = readOption(origin, token);
    if (gate[option] !== undefined) {
      throw new UserError(`Input ${origin}: ${option} is given twice. Keep one.`);
    }
    gate[option] = value;
  }
  checkBounds(origin, gate);
  return gate;
}

function readOption(origin: string, token: string): [GateOption, number] {
  const equals = token.indexOf('=');
  const name = equals < 0 ? token : token.slice(0, equals);
  const option = OPTIONS.find((known) => known.toLowerCase() === name.toLowerCase());
  if (!option || equals < 0) {
    throw new UserError(
      `Input ${origin}: "${token}" is not understood. Use ${OPTIONS.map((o) => `${o}=<n>`).join(
        ', ',
      )}.`,
    );
  }
  const raw = token.slice(equals + 1);
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new UserError(`Input ${origin}: ${option} "${raw}" is not a number. Give e.g. 0.01.`);
  }
  return [option, value];
}

function checkBounds(origin: string, gate: MetricGate): void {
  const { threshold, minAbsoluteChange, minRelativeChange } = gate;
  if (
    threshold === undefined &&
    minAbsoluteChange === undefined &&
    minRelativeChange === undefined
  ) {
    throw new UserError(
      `Input ${origin}: the gate on "${gate.metric}" has no bound. Add threshold, ` +
        `minAbsoluteChange or minRelativeChange.`,
    );
  }
  if (minAbsoluteChange !== undefined && minAbsoluteChange <= 0) {
    throw new UserError(
      `Input ${origin}: minAbsoluteChange must be a positive number (MLflow's rule), ` +
        `not ${minAbsoluteChange}. Leave it out to only compare with a threshold.`,
    );
  }
  if (minRelativeChange !== undefined && (minRelativeChange < 0 || minRelativeChange > 1)) {
    throw new UserError(
      `Input ${origin}: minRelativeChange is a fraction between 0 and 1 (MLflow's rule), ` +
        `not ${minRelativeChange}. For 5 % write 0.05.`,
    );
  }
}

/** Splits on spaces; a double-quoted token keeps its spaces (metric names may have some). */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|(\S+)/g)) tokens.push(match[1] ?? match[2] ?? '');
  return tokens;
}

/** Reads required tags, one per line: `key` (present) or `key=value` (present with that value). */
export function parseRequiredTags(inputName: string, lines: readonly InputLine[]): RequiredTag[] {
  return lines.map(({ line, text }) => {
    const origin = `${inputName} line ${line}`;
    const equals = text.indexOf('=');
    const key = (equals < 0 ? text : text.slice(0, equals)).trim();
    if (key === '') {
      throw new UserError(
        `Input ${origin}: "${text}" has no tag key. Write \`key\` or \`key=value\`, e.g. ` +
          '`triton.validation=passed`.',
      );
    }
    return equals < 0 ? { key, origin } : { key, value: text.slice(equals + 1).trim(), origin };
  });
}
