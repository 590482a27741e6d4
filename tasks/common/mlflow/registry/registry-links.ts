import type { MlflowClient } from '../mlflow-client';

/** The registered model's page in MLflow's UI. */
export function modelUiUrl(client: MlflowClient, name: string): string {
  return `${client.uiBase()}/#/models/${encodeURIComponent(name)}`;
}

/** A model version's page in MLflow's UI. */
export function versionUiUrl(client: MlflowClient, name: string, version: string): string {
  return `${modelUiUrl(client, name)}/versions/${encodeURIComponent(version)}`;
}

/** The `models:/<name>/<version>` URI that MLflow's clients load a version by. */
export function modelVersionUri(name: string, version: string): string {
  return `models:/${name}/${version}`;
}
