import { MLFLOW, MLFLOW_PATHS } from '../mlflow/endpoints';
import { isNotFound, type MlflowClient } from '../mlflow/mlflow-client';
import {
  int64,
  metricNumber,
  type LoggedModel,
  type Metric,
  type ModelVersion,
} from '../mlflow/types';

/** One metric value and where it was read. */
export interface MetricReading {
  value: number;
  /** `logged model m-…` or `run <id>`, for the summary. */
  source: string;
}

/** The metrics of one model version, by key. */
export interface VersionMetrics {
  byKey: Map<string, MetricReading>;
  /** Why some source could not be read (e.g. the run was deleted), for the log. */
  notes: string[];
}

/**
 * Reads the metrics a version is judged by: those attached to its logged model (MLflow 3) when
 * the model has that key, else the latest value in the run that produced it.
 */
export async function readVersionMetrics(
  client: MlflowClient,
  version: ModelVersion,
): Promise<VersionMetrics> {
  const byKey = new Map<string, MetricReading>();
  const notes: string[] = [];

  if (version.run_id) {
    const found = await client.find(MLFLOW.getRun, { run_id: version.run_id });
    if (found) {
      for (const metric of found.run.data?.metrics ?? []) {
        byKey.set(metric.key, {
          value: metricNumber(metric.value),
          source: `run ${version.run_id}`,
        });
      }
    } else {
      notes.push(`version ${version.version}: its run ${version.run_id} no longer exists`);
    }
  }

  const modelId = loggedModelId(version);
  if (modelId) {
    const model = await client.transport.request<{ model: LoggedModel }>({
      method: 'GET',
      path: MLFLOW_PATHS.loggedModel(modelId),
      acceptStatus: (status, body) => isNotFound({ status, ...body }),
    });
    if (model.status < 400) {
      for (const metric of latestByKey(model.data.model.data?.metrics ?? [])) {
        byKey.set(metric.key, {
          value: metricNumber(metric.value),
          source: `logged model ${modelId}`,
        });
      }
    } else {
      notes.push(`version ${version.version}: its logged model ${modelId} no longer exists`);
    }
  }
  return { byKey, notes };
}

/** The logged model a 3.x version was registered from: `model_id`, or a `models:/<id>` source. */
function loggedModelId(version: ModelVersion): string | undefined {
  if (version.model_id) return version.model_id;
  const fromSource = /^models:\/(m-[0-9a-f]+)$/.exec(version.source ?? '');
  return fromSource?.[1];
}

/** A logged model keeps every value; take the latest per key as MLflow orders them. */
function latestByKey(metrics: readonly Metric[]): Metric[] {
  const latest = new Map<string, Metric>();
  for (const metric of metrics) {
    const current = latest.get(metric.key);
    if (!current || isLater(metric, current)) latest.set(metric.key, metric);
  }
  return [...latest.values()];
}

function isLater(candidate: Metric, current: Metric): boolean {
  const step = (int64(candidate.step) ?? 0) - (int64(current.step) ?? 0);
  if (step !== 0) return step > 0;
  const time = (int64(candidate.timestamp) ?? 0) - (int64(current.timestamp) ?? 0);
  if (time !== 0) return time > 0;
  return metricNumber(candidate.value) > metricNumber(current.value);
}
