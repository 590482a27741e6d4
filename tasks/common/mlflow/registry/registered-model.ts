import { HttpError } from '../../http/http-error';
import { UserError } from '../../user-error';
import { MLFLOW } from '../endpoints';
import type { MlflowClient } from '../mlflow-client';
import { serverBase } from './registry-links';
import type { KeyValue, RegisteredModel } from '../types';

/** A registered model as read back, and whether this call created it. */
export interface EnsuredModel {
  model: RegisteredModel;
  created: boolean;
}

/** The registered model, or undefined when MLflow has none of that name. */
export async function findRegisteredModel(
  client: MlflowClient,
  name: string,
): Promise<RegisteredModel | undefined> {
  const found = await client.find(MLFLOW.getRegisteredModel, { name });
  return found?.registered_model;
}

/** The registered model; a UserError naming the model and the fix when it does not exist. */
export async function requireRegisteredModel(
  client: MlflowClient,
  name: string,
): Promise<RegisteredModel> {
  const model = await findRegisteredModel(client, name);
  if (model) return model;
  throw new UserError(
    `MLflow has no registered model "${name}" (${serverBase(client)}). Check the name (it is ` +
      `case-sensitive) and the server, or register a version first with RegisterModel.`,
  );
}

/**
 * Reads the registered model, creating it when missing. "Already exists" (another pipeline
 * created it in between) and a create whose answer was lost both end in a read-back.
 */
export async function ensureRegisteredModel(
  client: MlflowClient,
  name: string,
  options: { description?: string; tags?: KeyValue[] } = {},
): Promise<EnsuredModel> {
  const existing = await findRegisteredModel(client, name);
  if (existing) return { model: existing, created: false };

  try {
    const created = await client.call(MLFLOW.createRegisteredModel, {
      name,
      ...(options.description ? { description: options.description } : {}),
      ...(options.tags && options.tags.length > 0 ? { tags: options.tags } : {}),
    });
    return { model: created.registered_model, created: true };
  } catch (error) {
    if (!mayExistAfter(error)) throw error;
    const readBack = await findRegisteredModel(client, name);
    if (readBack) return { model: readBack, created: false };
    throw error;
  }
}

function mayExistAfter(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false;
  if (error.errorCode === 'RESOURCE_ALREADY_EXISTS') return true;
  // No answer, or a gateway's 5xx: the create may have reached the server all the same.
  return error.status === undefined || error.status >= 500;
}
