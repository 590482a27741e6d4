import type { MlflowClient } from '../common/mlflow/mlflow-client';
import { recordAliasMove } from '../common/mlflow/registry/alias-audit';
import { deleteAlias, getAliasVersion, setAlias } from '../common/mlflow/registry/aliases';
import { requireRegisteredModel } from '../common/mlflow/registry/registered-model';
import { modelUiUrl, serverBase } from '../common/mlflow/registry/registry-links';
import { getVersion } from '../common/mlflow/registry/versions';
import type { ModelVersion } from '../common/mlflow/types';
import { UserError } from '../common/user-error';
import type { AliasTarget, SetAliasParameters } from './parameters';

/** Where the alias pointed before and after, and what the task did. */
export interface AliasOutcome {
  previousVersion?: string;
  currentVersion?: string;
  changed: boolean;
  message: string;
  /** Set when the alias moved but recording who moved it failed. */
  auditProblem?: string;
}

/** The task's story: check the model and the target, then move or delete the alias. */
export async function applyAlias(
  client: MlflowClient,
  params: SetAliasParameters,
  log: (line: string) => void,
): Promise<AliasOutcome> {
  const server = await client.server();
  log(`MLflow ${server.version} at ${serverBase(client)} (${params.connection.origin}).`);
  const { modelName: name, alias } = params;
  await requireRegisteredModel(client, name);
  if (params.action.kind === 'delete') return removeAlias(client, params);

  const target = await resolveTarget(client, name, params.action.target);
  const previous = (await getAliasVersion(client, name, alias))?.version;
  if (previous === target.version) {
    return {
      previousVersion: previous,
      currentVersion: previous,
      changed: false,
      message:
        `Alias "${alias}" of "${name}" already points to version ${previous}; ` +
        'nothing changed.',
    };
  }

  await setAlias(client, name, alias, target.version);
  const auditProblem = await audit(client, params, target.version, previous);
  const was = previous === undefined ? 'it was not set' : `it pointed to version ${previous}`;
  return {
    ...(previous !== undefined ? { previousVersion: previous } : {}),
    currentVersion: target.version,
    changed: true,
    message: `Alias "${alias}" of "${name}" now points to version ${target.version} (${was}).`,
    ...(auditProblem !== undefined ? { auditProblem } : {}),
  };
}

async function removeAlias(
  client: MlflowClient,
  params: SetAliasParameters,
): Promise<AliasOutcome> {
  const { modelName: name, alias } = params;
  const previous = (await getAliasVersion(client, name, alias))?.version;
  if (previous === undefined) {
    return {
      changed: false,
      message: `Alias "${alias}" of "${name}" is not set; nothing to delete.`,
    };
  }
  await deleteAlias(client, name, alias);
  const auditProblem = await audit(client, params, undefined, previous);
  return {
    previousVersion: previous,
    changed: true,
    message: `Deleted alias "${alias}" of "${name}" (it pointed to version ${previous}).`,
    ...(auditProblem !== undefined ? { auditProblem } : {}),
  };
}

/** The version the alias should point to; it must exist and be READY. */
async function resolveTarget(
  client: MlflowClient,
  name: string,
  target: AliasTarget,
): Promise<ModelVersion> {
  let version: ModelVersion;
  if (target.kind === 'version') {
    version = await getVersion(client, name, target.version);
  } else {
    const copied = await getAliasVersion(client, name, target.alias);
    if (!copied) {
      throw new UserError(
        `Input fromAlias: alias "${target.alias}" of "${name}" is not set, so there is no ` +
          `version to copy. Check the alias name, or give a version number instead ` +
          `(${modelUiUrl(client, name)}).`,
      );
    }
    version = copied;
  }
  const status = version.status ?? 'READY';
  if (status !== 'READY') {
    throw new UserError(
      `Version ${version.version} of "${name}" is ${status}, not READY: an alias must point ` +
        `to a usable version. Wait for the registration to finish, or choose another version.`,
    );
  }
  return version;
}

/** Tags the versions the move touched; a failure here is reported, the move stays. */
async function audit(
  client: MlflowClient,
  params: SetAliasParameters,
  toVersion: string | undefined,
  fromVersion: string | undefined,
): Promise<string | undefined> {
  try {
    await recordAliasMove(client, {
      name: params.modelName,
      alias: params.alias,
      ...(toVersion !== undefined ? { toVersion } : {}),
      ...(fromVersion !== undefined ? { fromVersion } : {}),
      by: params.pipeline,
      at: new Date(),
    });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
