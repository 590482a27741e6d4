import type { MlflowClient } from '../mlflow-client';

/**
 * The server's address as shown in messages, summaries and tags: the tracking URI without a
 * user or password, which must never reach a log or a registry tag.
 */
export function serverBase(client: MlflowClient): string {
  const base = client.uiBase();
  try {
    const url = new URL(base);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return base.replace(/\/\/[^/@]*@/, '//');
  }
}

/** The registered model's page in MLflow's UI. */
export function modelUiUrl(client: MlflowClient, name: string): string {
  return `${serverBase(client)}/#/models/${encodeURIComponent(name)}`;
}

/** A run's page in MLflow's UI. */
export function runUiUrl(client: MlflowClient, experimentId: string, runId: string): string {
  return `${serverBase(client)}/#/experiments/${experimentId}/runs/${runId}`;
}

/** A model version's page in MLflow's UI. */
export function versionUiUrl(client: MlflowClient, name: string, version: string): string {
  return `${modelUiUrl(client, name)}/versions/${encodeURIComponent(version)}`;
}

/** The `models:/<name>/<version>` URI that MLflow's clients load a version by. */
export function modelVersionUri(name: string, version: string): string {
  return `models:/${name}/${version}`;
}
