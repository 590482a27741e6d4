import { randomUUID } from 'node:crypto';
import { HttpError } from '../http/http-error';
import { MLFLOW, MLFLOW_PATHS } from './endpoints';
import type { MlflowClient } from './mlflow-client';
import type { LoggedModel } from './types';

const CREATE_REQUEST_TAG = 'azure-devops.create-request';

/** The run's logged model of that name (MLflow 3), or undefined. */
export async function findRunLoggedModel(
  client: MlflowClient,
  experimentId: string,
  runId: string,
  name: string,
): Promise<LoggedModel | undefined> {
  const answer = await client.call(MLFLOW.searchLoggedModels, {
    experiment_ids: [experimentId],
    filter: `source_run_id = '${runId}' AND name = '${name.replace(/'/g, "\\'")}'`,
    max_results: 10,
  });
  // The newest one wins, as MLflow's client resolves runs:/<run>/<name>.
  return [...(answer.models ?? [])].sort(
    (a, b) => Number(b.info.creation_timestamp_ms ?? 0) - Number(a.info.creation_timestamp_ms ?? 0),
  )[0];
}

/**
 * The run's pending or ready logged model of that name, created when missing. A create whose
 * answer was lost is found again by its marker tag instead of being made twice.
 */
export async function getOrCreateLoggedModel(
  client: MlflowClient,
  request: { experimentId: string; runId: string; name: string },
): Promise<LoggedModel> {
  const existing = await findRunLoggedModel(
    client,
    request.experimentId,
    request.runId,
    request.name,
  );
  if (existing) return existing;
  const marker = randomUUID();
  try {
    const created = await client.call(MLFLOW.createLoggedModel, {
      experiment_id: request.experimentId,
      name: request.name,
      source_run_id: request.runId,
      tags: [{ key: CREATE_REQUEST_TAG, value: marker }],
    });
    return created.model;
  } catch (error) {
    if (!(error instanceof HttpError) || (error.status !== undefined && error.status < 500)) {
      throw error;
    }
    const found = await findRunLoggedModel(
      client,
      request.experimentId,
      request.runId,
      request.name,
    );
    if (found) return found;
    throw error;
  }
}

/** Links the logged model to the run as its output, so MLflow's UI shows it on the run. */
export async function linkModelToRun(
  client: MlflowClient,
  runId: string,
  modelId: string,
): Promise<void> {
  await client.call(MLFLOW.logOutputs, { run_id: runId, models: [{ model_id: modelId, step: 0 }] });
}

/** Marks the logged model READY (or failed), as MLflow's client does after uploading. */
export async function finalizeLoggedModel(
  client: MlflowClient,
  modelId: string,
  status: 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED',
): Promise<void> {
  await client.raw({
    method: 'PATCH',
    path: MLFLOW_PATHS.loggedModel(modelId),
    json: { model_id: modelId, status },
    idempotent: true,
  });
}
