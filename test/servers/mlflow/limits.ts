import { invalidParameter, missingParameter } from './errors';
import { isRecord } from './message';
import type { MlflowMode } from './views';

/** MLflow's batch and length limits (mlflow/utils/validation.py). */
export const limits = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  paramValueLength: 6000,
  tagValueLength: 8000,
  keyLength: 250,
};

/** Rejects a log-batch request over the per-request entity limits, with MLflow's text. */
export function checkBatchLimits(metrics: number, params: number, tags: number): void {
  checkLimit('metrics', limits.metricsPerBatch, metrics);
  checkLimit('params', limits.paramsPerBatch, params);
  checkLimit('tags', limits.tagsPerBatch, tags);
  checkLimit('metrics, params, and tags', limits.entitiesPerBatch, metrics + params + tags);
}

function checkLimit(entity: string, limit: number, length: number): void {
  if (length > limit) {
    throw invalidParameter(
      `A batch logging request can contain at most ${limit} ${entity}. Got ${length} ` +
        `${entity}. Please split up ${entity} across multiple requests and try again.`,
    );
  }
}

/**
 * Cuts an over-long param or tag value to its limit. Since MLflow 2.11 (mlflow#11208) the
 * server truncates values instead of refusing them (MLFLOW_TRUNCATE_LONG_VALUES, on by default).
 */
export function truncateValue(value: string, limit: number): string {
  return value.length <= limit ? value : value.slice(0, limit);
}

/** Rejects a key over 250 characters; keys are never truncated. */
export function limitKey(entity: string, key: string, mode: MlflowMode): void {
  if (key.length <= limits.keyLength) return;
  if (mode === 3) {
    throw invalidParameter(
      `'${entity}' exceeds the maximum length of ${limits.keyLength} characters`,
    );
  }
  throw invalidParameter(
    `${entity} '${key.slice(0, 250)}' had length ${key.length}, which exceeded length ` +
      `limit of ${limits.keyLength}`,
  );
}

/** A metric value as protobuf JSON reads it: numbers, or "NaN"/"Infinity"/"-Infinity". */
export function readMetricValue(entry: Record<string, unknown>, path: string): number {
  const value = entry.value;
  if (value === undefined || value === null) {
    throw missingParameter(path);
  }
  let parsed: number;
  if (typeof value === 'number') {
    parsed = value;
  } else if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') {
    parsed = Number(value);
  } else if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) {
    parsed = Number(value);
  } else {
    throw invalidParameter(
      `Invalid value ${JSON.stringify(value)} for parameter '${path}' supplied: ` +
        'Please specify value as a valid double (64-bit floating point)',
    );
  }
  // The SQL store clamps infinities to the largest double.
  if (parsed === Infinity) return Number.MAX_VALUE;
  if (parsed === -Infinity) return -Number.MAX_VALUE;
  return parsed;
}

/** A required integer field of a metric (timestamp), with MLflow's missing-value text. */
export function readMetricInteger(
  entry: Record<string, unknown>,
  name: string,
  path: string,
  fallback?: number,
): number {
  const value = entry[name];
  if (value === undefined || value === null || value === '') {
    if (fallback !== undefined) return fallback;
    throw missingParameter(path);
  }
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || typeof value === 'boolean') {
    throw invalidParameter(
      `Invalid value ${JSON.stringify(value)} for parameter '${path}' supplied.`,
    );
  }
  return parsed;
}

/** The entries of a list field, each as an object. */
export function readEntries(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => (isRecord(item) ? item : {}));
}
