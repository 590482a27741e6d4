import { randomUUID } from 'node:crypto';
import { HttpError } from '../../http/http-error';
import { UserError } from '../../user-error';
import { MLFLOW } from '../endpoints';
import type { MlflowClient } from '../mlflow-client';
import type { KeyValue, Run, RunStatus } from '../types';

/** Tag that marks one create request, so a retry can find a run whose answer was lost. */
export const CREATE_REQUEST_TAG = 'azure_pipelines.create_request';

/**
 * Creates a run exactly once. runs/create is not idempotent, so it is sent once; when the
 * answer is lost (a reset, a timeout, a 5xx), the run is looked up by its marker tag before
 * another attempt, and found rather than made twice.
 */
export async function createRunOnce(
  client: MlflowClient,
  request: { experimentId: string; runName?: string; tags: KeyValue[]; startTime: number },
): Promise<Run> {
  const marker = randomUUID();
  const body = {
    experiment_id: request.experimentId,
    ...(request.runName ? { run_name: request.runName } : {}),
    start_time: request.startTime,
    tags: [...request.tags, { key: CREATE_REQUEST_TAG, value: marker }],
  };
  const attempts = client.connection.retry.maxRetries + 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return (await client.call(MLFLOW.createRun, body)).run;
    } catch (error) {
      if (!mayHaveReachedServer(error)) throw error;
      lastError = error;
    }
    const existing = await findRunByMarker(client, request.experimentId, marker);
    if (existing) return existing;
  }
  throw lastError;
}

/** A failure after which the server may still have done the work. */
function mayHaveReachedServer(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false;
  const status = error.failure.status;
  if (status === undefined) return error.failure.networkCode !== 'ECONNREFUSED';
  return status >= 500 || status === 429;
}

async function findRunByMarker(
  client: MlflowClient,
  experimentId: string,
  marker: string,
): Promise<Run | undefined> {
  const answer = await client.call(MLFLOW.searchRuns, {
    experiment_ids: [experimentId],
    filter: `tags.\`${CREATE_REQUEST_TAG}\` = '${marker}'`,
    max_results: 1,
    run_view_type: 'ALL',
  });
  return answer.runs?.[0];
}

/** The run, checked to be usable: it exists and is not deleted. */
export async function getLiveRun(client: MlflowClient, runId: string, input: string): Promise<Run> {
  const found = await client.find(MLFLOW.getRun, { run_id: runId });
  if (!found) {
    throw new UserError(
      `Input ${input}: MLflow has no run with id "${runId}". Check the id, or leave the input ` +
        `empty to start a new run.`,
    );
  }
  if (found.run.info.lifecycle_stage === 'deleted') {
    throw new UserError(
      `Input ${input}: the run ${runId} is deleted in MLflow. Restore it (mlflow runs restore ` +
        `--run-id ${runId}) or start a new run.`,
    );
  }
  return found.run;
}

/** Ends (or reopens) a run with the given status. */
export async function setRunStatus(
  client: MlflowClient,
  runId: string,
  status: RunStatus,
): Promise<void> {
  const ended = status !== 'RUNNING';
  await client.call(MLFLOW.updateRun, {
    run_id: runId,
    status,
    ...(ended ? { end_time: Date.now() } : {}),
  });
}
