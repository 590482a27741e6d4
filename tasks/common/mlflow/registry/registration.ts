import { randomUUID } from 'node:crypto';
import { HttpError } from '../../http/http-error';
import { MLFLOW } from '../endpoints';
import type { MlflowClient } from '../mlflow-client';
import type { KeyValue, ModelVersion } from '../types';
import type { ResolvedSource } from './run-model';
import { filterLiteral, searchVersions } from './versions';

/** Version tag that marks one create call, so a create whose answer was lost can be found. */
export const REGISTRATION_MARKER_TAG = 'azure_pipelines.registration_id';

/** How many create calls one registration may make when answers get lost. */
const CREATE_ATTEMPTS = 3;

/** A version to register. */
export interface RegistrationRequest {
  name: string;
  source: ResolvedSource;
  description?: string;
  tags: readonly KeyValue[];
  runLink?: string;
}

/** The version a registration ended with, and how it got there. */
export interface RegistrationResult {
  version: ModelVersion;
  /** `reused`: an earlier registration of the same run and source; `recovered`: a create
   * whose answer was lost, found by its marker; `created`: made and answered now. */
  how: 'created' | 'reused' | 'recovered';
}

/**
 * Registers a version without ever leaving two for one intent. A version of the same model
 * from the same run and source (a retried pipeline) is reused. Each create carries a unique
 * marker tag; when its answer is lost, the marker is looked up before creating again.
 */
export async function registerVersion(
  client: MlflowClient,
  request: RegistrationRequest,
  marker: string = randomUUID(),
): Promise<RegistrationResult> {
  const earlier = await findEarlierRegistration(client, request);
  if (earlier) return { version: earlier, how: 'reused' };

  let lastError: unknown;
  for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
    try {
      const created = await client.call(MLFLOW.createModelVersion, createBody(request, marker));
      return { version: created.model_version, how: 'created' };
    } catch (error) {
      if (!mayHaveReachedServer(error)) throw error;
      lastError = error;
    }
    const marked = await findByMarker(client, request.name, marker);
    if (marked) return { version: marked, how: 'recovered' };
  }
  throw lastError;
}

/**
 * The first usable version of this model registered from the same run and source, if any.
 * A version whose registration failed is not reused.
 */
export async function findEarlierRegistration(
  client: MlflowClient,
  request: Pick<RegistrationRequest, 'name' | 'source'>,
): Promise<ModelVersion | undefined> {
  const { source, runId } = request.source;
  const quotedName = filterLiteral(request.name);
  // Run ids are checked to be quote-free; a name that no quoting holds is matched below.
  const filter = runId ? `run_id = '${runId}'` : quotedName ? `name = ${quotedName}` : '';
  const candidates = await searchVersions(client, filter);
  return candidates
    .filter((version) => version.name === request.name && version.source === source)
    .filter((version) => (runId ? version.run_id === runId : true))
    .filter((version) => version.status !== 'FAILED_REGISTRATION')
    .sort((a, b) => Number(a.version) - Number(b.version))[0];
}

async function findByMarker(
  client: MlflowClient,
  name: string,
  marker: string,
): Promise<ModelVersion | undefined> {
  const found = await searchVersions(client, `tags.\`${REGISTRATION_MARKER_TAG}\` = '${marker}'`);
  return found.find((version) => version.name === name);
}

type CreateVersionBody = NonNullable<(typeof MLFLOW.createModelVersion)['request']>;

function createBody(request: RegistrationRequest, marker: string): CreateVersionBody {
  const { source } = request;
  return {
    name: request.name,
    source: source.source,
    ...(source.runId ? { run_id: source.runId } : {}),
    ...(source.modelId ? { model_id: source.modelId } : {}),
    ...(request.runLink ? { run_link: request.runLink } : {}),
    ...(request.description ? { description: request.description } : {}),
    tags: [...request.tags, { key: REGISTRATION_MARKER_TAG, value: marker }],
  };
}

/**
 * No answer, or a gateway's 5xx without MLflow's error code: the create may have been made
 * all the same. MLflow's own 5xx answers are real answers and fail at once.
 */
function mayHaveReachedServer(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false;
  if (error.status === undefined) return true;
  return error.status >= 500 && error.errorCode === undefined;
}
