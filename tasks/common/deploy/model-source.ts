/**
 * Which registry version to deploy and where its files are: an alias or a version number,
 * resolved to the version, then to the artifact URI its files can be read from on MLflow 2
 * (run artifacts) and 3 (logged models).
 */
import type { MlflowClient } from '../mlflow/mlflow-client';
import { getAliasVersion } from '../mlflow/registry/aliases';
import { modelUiUrl } from '../mlflow/registry/registry-links';
import { getVersion } from '../mlflow/registry/versions';
import type { ModelVersion } from '../mlflow/types';
import { versionArtifactUri } from '../mlflow/registry/version-files';
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
  return {
    version,
    modelUri: `models:/${name}/${version.version}`,
    artifactUri: await versionArtifactUri(client, version),
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
