import { randomUUID } from 'node:crypto';
import { HttpError } from '../http/http-error';
import { MLFLOW, MLFLOW_PATHS } from './endpoints';
import type { MlflowClient } from './mlflow-client';
import { CREATE_REQUEST_TAG } from './tracking/runs';
import { findRunLoggedModel } from './registry/run-model';
import type { LoggedModel, Run } from './types';

/**
 * The run's pending or ready logged model of that name, created when missing. A create whose
 * answer was lost is found again by its marker tag instead of being made twice.
 */
export async function getOrCreateLoggedModel(
  client: MlflowClient,
  request: { run: Run; name: string },
): Promise<LoggedModel> {
  const existing = await findRunLoggedModel(client, request.run, request.name);
  if (existing) return existing;
  const marker = randomUUID();
  try {
    const created = await client.call(MLFLOW.createLoggedModel, {
      experiment_id: request.run.info.experiment_id,
      name: request.name,
      source_run_id: request.run.info.run_id,
      tags: [{ key: CREATE_REQUEST_TAG, value: marker }],
    });
    return created.model;
  } catch (error) {
    if (!(error instanceof HttpError) || (error.status !== undefined && error.status < 500)) {
      throw error;
    }
    const found = await findRunLoggedModel(client, request.run, request.name);
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
