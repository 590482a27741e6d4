import { MLFLOW } from '../endpoints';
import { MLFLOW_LIMITS } from '../limits';
import type { MlflowClient } from '../mlflow-client';
import type { KeyValue } from '../types';

/** A metric point ready to send; the value is a number or MLflow's NaN/Infinity strings. */
export interface MetricPoint {
  key: string;
  value: number | 'NaN' | 'Infinity' | '-Infinity';
  timestamp: number;
  step: number;
  /** MLflow 3: the logged model the point belongs to. */
  model_id?: string;
}

/** What one run receives in a log: everything is split to MLflow's limits before sending. */
export interface RunData {
  params: KeyValue[];
  metrics: MetricPoint[];
  tags: KeyValue[];
}

type Batch = { params: KeyValue[]; metrics: MetricPoint[]; tags: KeyValue[] };

/**
 * Splits the data into log-batch requests within MLflow's limits: 1000 metrics, 100 params,
 * 100 tags, 1000 entities and about 1 MB each. Params go first so that a failing param (a
 * changed value) stops the log before any metric is written.
 */
export function planBatches(data: RunData): Batch[] {
  const batches: Batch[] = [];
  let current: Batch = { params: [], metrics: [], tags: [] };
  let bytes = 0;
  const flush = (): void => {
    if (current.params.length + current.metrics.length + current.tags.length === 0) return;
    batches.push(current);
    current = { params: [], metrics: [], tags: [] };
    bytes = 0;
  };
  const add = (kind: keyof Batch, entry: KeyValue | MetricPoint, limit: number): void => {
    const size = JSON.stringify(entry).length + 1;
    const total = current.params.length + current.metrics.length + current.tags.length;
    if (
      current[kind].length >= limit ||
      total >= MLFLOW_LIMITS.entitiesPerBatch ||
      bytes + size > MLFLOW_LIMITS.batchBytes - 1024
    ) {
      flush();
    }
    (current[kind] as (KeyValue | MetricPoint)[]).push(entry);
    bytes += size;
  };
  for (const param of data.params) add('params', param, MLFLOW_LIMITS.paramsPerBatch);
  flush();
  for (const tag of data.tags) add('tags', tag, MLFLOW_LIMITS.tagsPerBatch);
  for (const metric of data.metrics) add('metrics', metric, MLFLOW_LIMITS.metricsPerBatch);
  flush();
  return batches;
}

/**
 * Sends the data in batches. log-batch is safe to repeat: a param keeps its value and MLflow
 * ignores a metric point identical in key, value, step and timestamp.
 */
export async function logRunData(
  client: MlflowClient,
  runId: string,
  data: RunData,
): Promise<number> {
  const batches = planBatches(data);
  for (const batch of batches) {
    await client.call(MLFLOW.logBatch, {
      run_id: runId,
      ...(batch.params.length > 0 ? { params: batch.params } : {}),
      ...(batch.tags.length > 0 ? { tags: batch.tags } : {}),
      ...(batch.metrics.length > 0 ? { metrics: batch.metrics } : {}),
    });
  }
  return batches.length;
}
