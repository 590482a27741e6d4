/**
 * Which registry version to deploy and where its files are: an alias or a version number,
 * resolved to the version, then to the artifact URI its files can be read from on MLflow 2
 * (run artifacts) and 3 (logged models).
 */
import { MLFLOW, MLFLOW_PATHS } from '../mlflow/endpoints';
import type { MlflowClient } from '../mlflow/mlflow-client';
import { getAliasVersion } from '../mlflow/registry/aliases';
import { modelUiUrl, serverBase } from '../mlflow/registry/registry-links';
import { findRunLoggedModel, requireRun } from '../mlflow/registry/run-model';
import { appendToUri, loggedModelIdOf, parseRunsUri } from '../mlflow/registry/source-uri';
import { getVersion } from '../mlflow/registry/versions';
import type { LoggedModel, ModelVersion } from '../mlflow/types';
import { UserError } from '../user-error';

/** What to deploy: the version an alias points to, or a fixed version. */
export type DeployTarget = { kind: 'alias'; alias: string } | { kind: 'version'; version: string };

/** The version to deploy and where its files are. */
export interface DeploySource {
  version: ModelVersion;
  /** `models:/<name>/<version>`, the URI MLflow's clients load the version by. */
  modelUri: string;
  /** The artifact root of the version's files (mlflow-artifacts:/ or s3://). */
  artifactUri: string;
}

/** Resolves the target to a READY version and the artifact URI of its files. */
export async function resolveDeploySource(
  client: MlflowClient,
  name: string,
  target: DeployTarget,
): Promise<DeploySource> {
  const version = await targetVersion(client, name, target);
  const status = version.status ?? 'READY';
  if (status !== 'READY') {
    throw new UserError(
      `Version ${version.version} of "${name}" is ${status}, not READY, so its files may be ` +
        'incomplete. Wait for the registration to finish, then deploy again.',
    );
  }
  const download = await client.find(MLFLOW.getModelVersionDownloadUri, {
    name,
    version: version.version,
  });
  const uri = download?.artifact_uri ?? version.source ?? '';
  return {
    version,
    modelUri: `models:/${name}/${version.version}`,
    artifactUri: await artifactRoot(client, uri, `version ${version.version} of "${name}"`),
  };
}

async function targetVersion(
  client: MlflowClient,
  name: string,
  target: DeployTarget,
): Promise<ModelVersion> {
  if (target.kind === 'version') return getVersion(client, name, target.version);
  const found = await getAliasVersion(client, name, target.alias);
  if (found) return found;
  throw new UserError(
    `Alias "${target.alias}" of "${name}" is not set, so there is no version to deploy. Set ` +
      `it first (SetAlias or PromoteToChampion), or give a version number ` +
      `(${modelUiUrl(client, name)}).`,
  );
}

/** Follows `models:/m-...` and `runs:/...` to the URI where the files are. */
async function artifactRoot(client: MlflowClient, uri: string, what: string): Promise<string> {
  const modelId = loggedModelIdOf(uri);
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
  if (uri === '') {
    throw new UserError(
      `MLflow (${serverBase(client)}) gives no source for ${what}, so its files cannot be ` +
        'found. Register the version again from the run that logged the model.',
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
      `The logged model ${modelId} behind ${what} is missing on MLflow ` +
        `(${serverBase(client)}), or has no artifact location. Register a version from a ` +
        'logged model that still exists.',
    );
  }
  return uri;
}
