import { HttpError } from '../../http/http-error';
import type { HttpResponse } from '../../http/transport';
import { UserError } from '../../user-error';
import { MLFLOW } from '../endpoints';
import type { MlflowClient } from '../mlflow-client';
import { serverBase } from './registry-links';
import type { ModelVersion } from '../types';
import { findRegisteredModel } from './registered-model';
import { getVersion } from './versions';

interface ErrorBody {
  error_code?: string;
  message?: string;
}

/**
 * The version an alias points to, or undefined when the alias is not set. MLflow answers an
 * unknown alias with 400 INVALID_PARAMETER_VALUE; other servers and versions with a 404; both
 * are read as "not set". A model that does not exist is a UserError, not an unset alias.
 */
export async function getAliasVersion(
  client: MlflowClient,
  name: string,
  alias: string,
): Promise<ModelVersion | undefined> {
  const endpoint = MLFLOW.getVersionByAlias;
  const response: HttpResponse<{ model_version: ModelVersion } | ErrorBody> =
    await client.transport.request({
      method: endpoint.method,
      path: endpoint.path,
      query: { name, alias },
      idempotent: true,
      acceptStatus: (status, body) => isAliasNotFound(status, body.errorCode),
    });
  if (response.status < 400 && 'model_version' in response.data) {
    return response.data.model_version;
  }

  const body = response.data as ErrorBody;
  if (response.status === 400 && !/not\s+found|does\s+not\s+exist/i.test(body.message ?? '')) {
    throw new UserError(
      `MLflow refused to read alias "${alias}" of model "${name}": ${body.message ?? 'HTTP 400'}`,
    );
  }
  await requireModel(client, name);
  return undefined;
}

/** Points an alias at a version (sent as a string, as MLflow's protobuf declares it). */
export async function setAlias(
  client: MlflowClient,
  name: string,
  alias: string,
  version: string,
): Promise<void> {
  try {
    await client.call(MLFLOW.setAlias, { name, alias, version: String(version) });
  } catch (error) {
    if (error instanceof HttpError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') {
      // Reads back which of the two is missing, for a message that says what to fix.
      await getVersion(client, name, String(version));
    }
    throw error;
  }
}

/**
 * Removes an alias. Answers false when it was not set: some servers say so with the same
 * "not found" answers as a read, others answer 200 either way.
 */
export async function deleteAlias(
  client: MlflowClient,
  name: string,
  alias: string,
): Promise<boolean> {
  const endpoint = MLFLOW.deleteAlias;
  // MLflow reads DELETE parameters from a JSON body here, not from the query string.
  const response = await client.transport.request<ErrorBody>({
    method: endpoint.method,
    path: endpoint.path,
    json: { name, alias },
    idempotent: true,
    acceptStatus: (status, body) => isAliasNotFound(status, body.errorCode),
  });
  if (response.status < 400) return true;
  await requireModel(client, name);
  return false;
}

function isAliasNotFound(status: number, errorCode: string | undefined): boolean {
  if (status === 404) return true;
  return status === 400 && errorCode === 'INVALID_PARAMETER_VALUE';
}

async function requireModel(client: MlflowClient, name: string): Promise<void> {
  if (await findRegisteredModel(client, name)) return;
  throw new UserError(
    `MLflow has no registered model "${name}" (${serverBase(client)}). Check the model name (it ` +
      `is case-sensitive) and the server.`,
  );
}
