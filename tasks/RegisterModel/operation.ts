import type { MlflowClient, ServerInfo } from '../common/mlflow/mlflow-client';
import { recordAliasMove } from '../common/mlflow/registry/alias-audit';
import { getAliasVersion, setAlias } from '../common/mlflow/registry/aliases';
import { ensureRegisteredModel } from '../common/mlflow/registry/registered-model';
import { registerVersion, type RegistrationResult } from '../common/mlflow/registry/registration';
import {
  modelUiUrl,
  modelVersionUri,
  serverBase,
  versionUiUrl,
} from '../common/mlflow/registry/registry-links';
import { type ResolvedSource, resolveModelSource } from '../common/mlflow/registry/run-model';
import { waitUntilReady } from '../common/mlflow/registry/wait-ready';
import type { ModelVersion } from '../common/mlflow/types';
import { UserError } from '../common/user-error';
import { LOCATION_INPUTS, type RegisterParameters } from './parameters';
import { pipelineTags } from '../common/pipeline/lineage-tags';

/** What the registration left in the registry. */
export interface RegisterOutcome {
  server: ServerInfo;
  name: string;
  version: ModelVersion;
  modelUri: string;
  versionUrl: string;
  modelUrl: string;
  serverUrl: string;
  source: ResolvedSource;
  how: RegistrationResult['how'];
  modelCreated: boolean;
  /** Set when an alias was asked for: where it pointed before (undefined when unset). */
  alias?: { name: string; previousVersion?: string };
}

/**
 * The task's story: find the model's files, make sure the registered model exists, register
 * (or reuse) the version, wait until it is READY, then point the alias at it.
 */
export async function registerModel(
  client: MlflowClient,
  params: RegisterParameters,
  log: (line: string) => void,
): Promise<RegisterOutcome> {
  const server = await client.server();
  log(`MLflow ${server.version} at ${serverBase(client)} (${params.connection.origin}).`);

  const source = await resolveModelSource(client, params.location, LOCATION_INPUTS);
  log(`Model to register: ${source.description}, source ${source.source}.`);

  const name = params.modelName;
  const ensured = await ensureRegisteredModel(client, name);
  if (ensured.created) log(`Created the registered model "${name}".`);

  const registration = await registerVersion(client, {
    name,
    source,
    ...(params.description !== undefined ? { description: params.description } : {}),
    tags: [...params.tags, ...pipelineTags(params.pipeline)],
    ...(params.pipeline.runUrl ? { runLink: params.pipeline.runUrl } : {}),
  });
  const number = registration.version.version;
  log(describeRegistration(name, number, registration.how));

  const ready = await waitUntilReady(client, name, number, {
    timeoutMs: params.waitTimeoutMs,
    pollMs: params.pollIntervalMs,
    onPending: (version, elapsed) =>
      log(`Version ${number} is ${version.status ?? 'pending'} (${Math.round(elapsed / 1000)} s).`),
  });

  const outcome: RegisterOutcome = {
    server,
    name,
    version: ready,
    modelUri: modelVersionUri(name, number),
    versionUrl: versionUiUrl(client, name, number),
    modelUrl: modelUiUrl(client, name),
    serverUrl: serverBase(client),
    source,
    how: registration.how,
    modelCreated: ensured.created,
  };
  if (params.alias !== undefined) {
    outcome.alias = await pointAlias(client, params, number, log);
  }
  return outcome;
}

async function pointAlias(
  client: MlflowClient,
  params: RegisterParameters,
  version: string,
  log: (line: string) => void,
): Promise<{ name: string; previousVersion?: string }> {
  const alias = params.alias ?? '';
  const name = params.modelName;
  try {
    const previous = (await getAliasVersion(client, name, alias))?.version;
    if (previous === version) {
      log(`Alias "${alias}" already points to version ${version}.`);
      return { name: alias, previousVersion: previous };
    }
    await setAlias(client, name, alias, version);
    await recordAliasMove(client, {
      name,
      alias,
      toVersion: version,
      ...(previous !== undefined ? { fromVersion: previous } : {}),
      by: params.pipeline,
      at: new Date(),
    });
    const from = previous !== undefined ? ` (it pointed to version ${previous})` : '';
    log(`Alias "${alias}" now points to version ${version}${from}.`);
    return { name: alias, ...(previous !== undefined ? { previousVersion: previous } : {}) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(
      `Version ${version} of "${name}" is registered and READY, but setting the alias ` +
        `"${alias}" failed: ${reason} Run the task again: it reuses version ${version} and ` +
        `sets the alias.`,
    );
  }
}

function describeRegistration(name: string, version: string, how: string): string {
  switch (how) {
    case 'reused':
      return (
        `Version ${version} of "${name}" was already registered from this run and source ` +
        `(a retried pipeline): reusing it.`
      );
    case 'recovered':
      return (
        `The answer to creating the version was lost; found the version it made by its ` +
        `marker tag: version ${version} of "${name}".`
      );
    default:
      return `Registered version ${version} of "${name}".`;
  }
}
