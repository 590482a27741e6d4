import { UserError } from '../../user-error';
import { MLFLOW, MLFLOW_PATHS } from '../endpoints';
import type { MlflowClient } from '../mlflow-client';
import type { LoggedModel, ModelVersion } from '../types';
import { serverBase } from './registry-links';
import { findRunLoggedModel, requireRun } from './run-model';
import { appendToUri, isLocalPath, loggedModelIdOf, parseRunsUri } from './source-uri';

/**
 * Where a version's files are, as MLflow's client finds them: the server's download URI, with
 * `runs:/` (on MLflow 3 the run's logged model of that name first) and logged-model
 * (`models:/m-...`) URIs followed to their artifact location.
 */
export async function versionArtifactUri(
  client: MlflowClient,
  version: ModelVersion,
): Promise<string> {
  const answer = await client.find(MLFLOW.getModelVersionDownloadUri, {
    name: version.name,
    version: version.version,
  });
  const uri = answer?.artifact_uri ?? version.source ?? '';
  const what = `version ${version.version} of "${version.name}"`;
  const modelId = loggedModelIdOf(uri) ?? (/^models:/i.test(uri) ? version.model_id : undefined);
  if (modelId !== undefined) return loggedModelUri(client, modelId, what);
  if (/^runs:/i.test(uri)) {
    const parsed = parseRunsUri(uri, `the source of ${what}`);
    const run = await requireRun(client, parsed.runId, `the source of ${what}`);
    const { major } = await client.server();
    if (major >= 3 && parsed.artifactPath !== '') {
      const logged = await findRunLoggedModel(client, run, parsed.artifactPath);
      if (logged?.info.artifact_uri) return logged.info.artifact_uri;
    }
    return appendToUri(run.info.artifact_uri ?? '', parsed.artifactPath);
  }
  if (uri === '' || /^models:/i.test(uri) || isLocalPath(uri)) {
    throw new UserError(
      `The source of ${what} is "${uri}", which is not a place the agent can read from ` +
        `(MLflow at ${serverBase(client)}). Register the model from a run or a logged model, ` +
        `so its files are in MLflow's artifact store (mlflow-artifacts:/ or s3://).`,
    );
  }
  return uri;
}

async function loggedModelUri(
  client: MlflowClient,
  modelId: string,
  what: string,
): Promise<string> {
  const found = await client.find<Record<string, never>, { model: LoggedModel }>(
    { method: 'GET', path: MLFLOW_PATHS.loggedModel(modelId), idempotent: true },
    {},
  );
  const uri = found?.model.info.artifact_uri;
  if (uri === undefined || uri === '') {
    throw new UserError(
      `The files of ${what} belong to logged model ${modelId}, which MLflow ` +
        `(${serverBase(client)}) no longer has, or which has no artifact location. Register ` +
        `a version from a logged model that still exists.`,
    );
  }
  return uri;
}
