import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../common/user-error';
import type { MetricPoint } from '../common/mlflow/tracking/log-batch';
import { errorCode, isPlainObject, readStructuredFile } from './entry-sources';

/** A metric point with its source, before duplicate and key checks. */
export interface SourcedMetric extends MetricPoint {
  source: string;
}

/** Anything below this is a timestamp in seconds, not milliseconds (it is before 1973). */
const SECONDS_LOOKING = 100_000_000_000;

/** Turns a value into what MLflow accepts: a finite number, or its NaN/Infinity strings. */
export function metricValue(raw: unknown, where: string): MetricPoint['value'] {
  if (typeof raw === 'number') {
    if (Number.isNaN(raw)) return 'NaN';
    if (raw === Infinity) return 'Infinity';
    if (raw === -Infinity) return '-Infinity';
    return raw;
  }
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (/^nan$/i.test(text)) return 'NaN';
    if (/^\+?(inf|infinity)$/i.test(text)) return 'Infinity';
    if (/^-(inf|infinity)$/i.test(text)) return '-Infinity';
    if (text !== '' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  }
  const shown = typeof raw === 'string' ? `"${raw}"` : JSON.stringify(raw);
  throw new UserError(
    `${where}: ${shown} is not a number. Metric values are numbers (NaN and Infinity allowed); ` +
      `log words and flags as params or tags instead.`,
  );
}

function integer(raw: unknown, what: string, where: string): number {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new UserError(`${where}: the ${what} ${JSON.stringify(raw)} is not a whole number.`);
  }
  return value;
}

/** Parses `key=value` metric lines. */
export function parseMetricLines(
  input: string,
  lines: { line: number; text: string }[],
  now: number,
): SourcedMetric[] {
  return lines.map(({ line, text }) => {
    const where = `Input ${input}, line ${line}`;
    const at = text.indexOf('=');
    if (at <= 0) {
      throw new UserError(`${where}: "${text}" is not key=value. Write e.g. accuracy=0.93.`);
    }
    const key = text.slice(0, at).trim();
    return {
      key,
      value: metricValue(text.slice(at + 1), `${where} (${key})`),
      timestamp: now,
      step: 0,
      source: `input ${input}, line ${line}`,
    };
  });
}

/**
 * Reads a metrics file: JSON/YAML `{ key: value }` or per-step history
 * `{ key: [{ step, value, timestamp? }] }`, or CSV with the columns step,key,value
 * (and optionally timestamp).
 */
export function readMetricFile(
  input: string,
  file: string,
  now: number,
  warn: (message: string) => void,
): SourcedMetric[] {
  const points =
    path.extname(file).toLowerCase() === '.csv'
      ? readCsv(input, file, now)
      : readStructured(input, file, now);
  const secondsLike = points.find((point) => point.timestamp < SECONDS_LOOKING);
  if (secondsLike) {
    warn(
      `Input ${input}: "${file}" has the timestamp ${secondsLike.timestamp} for ` +
        `"${secondsLike.key}", which looks like seconds. MLflow expects milliseconds since ` +
        `1970; multiply by 1000 or MLflow's UI will place the point in 1970.`,
    );
  }
  return points;
}

function readStructured(input: string, file: string, now: number): SourcedMetric[] {
  const data = readStructuredFile(input, file);
  if (!isPlainObject(data)) {
    throw new UserError(
      `Input ${input}: "${file}" must hold an object: {"acc": 0.9} or ` +
        `{"loss": [{"step": 1, "value": 0.9}]}.`,
    );
  }
  const source = `file ${file}`;
  const points: SourcedMetric[] = [];
  for (const [key, entry] of Object.entries(data)) {
    const where = `Input ${input}, "${file}", metric "${key}"`;
    if (!Array.isArray(entry)) {
      points.push({ key, value: metricValue(entry, where), timestamp: now, step: 0, source });
      continue;
    }
    entry.forEach((item: unknown, index) => {
      const at = `${where}, entry ${index + 1}`;
      if (!isPlainObject(item) || !('value' in item)) {
        throw new UserError(`${at}: write each point as {"step": 1, "value": 0.5}.`);
      }
      points.push({
        key,
        value: metricValue(item.value, at),
        step: item.step === undefined ? index : integer(item.step, 'step', at),
        timestamp: item.timestamp === undefined ? now : integer(item.timestamp, 'timestamp', at),
        source,
      });
    });
  }
  return points;
}

function readCsv(input: string, file: string, now: number): SourcedMetric[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`Input ${input}: cannot read "${file}" (${errorCode(error)}).`);
  }
  const rows = text.split(/\r?\n/).filter((row) => row.trim() !== '');
  const header = (rows.shift() ?? '').split(',').map((cell) => cell.trim().toLowerCase());
  const column = (name: string): number => header.indexOf(name);
  if (column('step') < 0 || column('key') < 0 || column('value') < 0) {
    throw new UserError(
      `Input ${input}: "${file}" needs a header line with the columns step,key,value ` +
        `(and optionally timestamp).`,
    );
  }
  return rows.map((row, index) => {
    const cells = row.split(',').map((cell) => cell.trim());
    const at = `Input ${input}, "${file}", line ${index + 2}`;
    const stamp = column('timestamp') >= 0 ? cells[column('timestamp')] : undefined;
    return {
      key: cells[column('key')] ?? '',
      value: metricValue(cells[column('value')] ?? '', at),
      step: integer(cells[column('step')] ?? '', 'step', at),
      timestamp: stamp ? integer(stamp, 'timestamp', at) : now,
      source: `file ${file}`,
    };
  });
}
