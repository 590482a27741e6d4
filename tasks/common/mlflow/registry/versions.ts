import { UserError } from '../../user-error';
import { MLFLOW } from '../endpoints';
import type { MlflowClient } from '../mlflow-client';
import type { KeyValue, ModelVersion } from '../types';
import { findRegisteredModel } from './registered-model';
import { modelUiUrl, serverBase } from './registry-links';

/** How many versions one search page asks for; MLflow allows up to 200,000. */
const SEARCH_PAGE_SIZE = 1000;

/** The version, or undefined when the model or the version does not exist. */
export async function findVersion(
  client: MlflowClient,
  name: string,
  version: string,
): Promise<ModelVersion | undefined> {
  const found = await client.find(MLFLOW.getModelVersion, { name, version });
  return found?.model_version;
}

/**
 * The version; a UserError when it does not exist that says whether the model or the version
 * is missing, and where to look.
 */
export async function getVersion(
  client: MlflowClient,
  name: string,
  version: string,
): Promise<ModelVersion> {
  const found = await findVersion(client, name, version);
  if (found) return found;
  const model = await findRegisteredModel(client, name);
  if (!model) {
    throw new UserError(
      `MLflow has no registered model "${name}" (${serverBase(client)}). Check the model name ` +
        `(it is case-sensitive) and the server.`,
    );
  }
  throw new UserError(
    `Registered model "${name}" has no version ${version}. Give an existing version number; ` +
      `the versions are listed at ${modelUiUrl(client, name)}.`,
  );
}

/** Checks that a version input is a version number as MLflow expects it: a positive integer. */
export function checkVersionNumber(version: string, inputName: string): string {
  const trimmed = version.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || !Number.isSafeInteger(Number(trimmed))) {
    throw new UserError(
      `Input ${inputName}: "${version}" is not a model version number. Give the number MLflow ` +
        `shows for the version, e.g. 3.`,
    );
  }
  return String(Number(trimmed));
}

/** Sets tags on a version, one call per tag (MLflow has no batch call for version tags). */
export async function setVersionTags(
  client: MlflowClient,
  name: string,
  version: string,
  tags: readonly KeyValue[],
): Promise<void> {
  for (const tag of tags) {
    await client.call(MLFLOW.setModelVersionTag, {
      name,
      version,
      key: tag.key,
      value: tag.value,
    });
  }
}

/** Every version matching an MLflow search filter, following page tokens. */
export async function searchVersions(
  client: MlflowClient,
  filter: string,
): Promise<ModelVersion[]> {
  const versions: ModelVersion[] = [];
  const seenTokens = new Set<string>();
  let pageToken: string | undefined;
  for (;;) {
    const page = await client.call(MLFLOW.searchModelVersions, {
      filter,
      max_results: SEARCH_PAGE_SIZE,
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    versions.push(...(page.model_versions ?? []));
    pageToken = page.next_page_token;
    if (!pageToken) return versions;
    // A server that hands back a token it gave before would keep us here for ever.
    if (seenTokens.has(pageToken)) {
      throw new UserError(
        `MLflow (${serverBase(client)}) returned the same page token twice while searching model ` +
          `versions with "${filter}". The server's search paging is broken: upgrade MLflow.`,
      );
    }
    seenTokens.add(pageToken);
  }
}

/** A string literal for MLflow's search filters, or undefined when no quoting can hold it. */
export function filterLiteral(value: string): string | undefined {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return undefined;
}
