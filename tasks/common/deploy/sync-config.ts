/**
 * The sync service's configuration, from environment variables only: which models and
 * aliases to follow, the Triton server and its repository, and the loop's timing.
 */
import * as os from 'node:os';
import type { MlflowConnection } from '../mlflow/connection';
import { aliasNameProblem } from '../mlflow/registry/alias-name';
import { UserError } from '../user-error';
import type { ModelControl } from './deploy-model';
import { mlflowConnectionFromEnv, wholeNumber } from './env-connection';

/** One registered model and the alias whose version Triton should serve. */
export interface SyncedModel {
  registeredModel: string;
  alias: string;
  tritonModelName: string;
}

/** Triton's model names are folder names: no path separators, not hidden. */
const TRITON_NAME = /^[A-Za-z0-9_][\w.-]*$/;

/** Everything the sync service needs. */
export interface SyncConfig {
  models: SyncedModel[];
  connection: MlflowConnection;
  tritonUrl: string;
  repository: string;
  modelControl: ModelControl;
  intervalMs: number;
  maxBackoffMs: number;
  readyTimeoutMs: number;
  keepVersions: number;
  /** Where the health and metrics endpoints listen. */
  listenHost: string;
  listenPort: number;
  /** Who deploys, for the records and registry tags. */
  deployedBy: string;
}

/** The variables the service reads besides MLflow's own, with what they mean. */
export const SYNC_VARIABLES: Readonly<Record<string, string>> = {
  SYNC_MODELS: 'models to follow: name@alias[=triton_name], separated by commas or spaces',
  TRITON_URL: "base URL of Triton's HTTP port, e.g. http://triton:8000",
  TRITON_MODEL_REPOSITORY: 'the folder Triton reads, or s3://bucket/prefix on MinIO',
  TRITON_MODEL_CONTROL: 'explicit (default: load through the API) or none (files only)',
  SYNC_INTERVAL_SECONDS: 'seconds between polls of the registry (default 30)',
  SYNC_MAX_BACKOFF_SECONDS: 'longest wait between attempts while a server is down (default 300)',
  SYNC_READY_TIMEOUT_SECONDS: 'how long a load may take to become ready (default 300)',
  SYNC_KEEP_VERSIONS: 'older versions to keep in the repository (default 1)',
  SYNC_PORT: 'port of the /healthz and /metrics endpoints (default 9400)',
  SYNC_HOST: 'address the endpoints listen on (default 0.0.0.0)',
  SYNC_DEPLOYED_BY: 'who deploys, as the records and registry tags say (default: host name)',
};

/** Reads and checks the configuration; a UserError names the variable at fault. */
export function readSyncConfig(env: NodeJS.ProcessEnv): SyncConfig {
  const models = parseModels(env.SYNC_MODELS ?? '');
  const tritonUrl = env.TRITON_URL ?? '';
  if (!/^https?:\/\/[^/]/i.test(tritonUrl)) {
    throw new UserError(
      `Variable TRITON_URL: ${tritonUrl ? `"${tritonUrl}" is not an http(s) URL` : 'not set'}. ` +
        "Set it to the base URL of Triton's HTTP port, e.g. http://triton:8000.",
    );
  }
  const repository = env.TRITON_MODEL_REPOSITORY ?? '';
  if (repository === '') {
    throw new UserError(
      'Variable TRITON_MODEL_REPOSITORY: not set. Set it to the model repository Triton reads ' +
        '(its --model-repository): a folder mounted into this container, or s3://bucket/prefix.',
    );
  }
  const control = (env.TRITON_MODEL_CONTROL ?? 'explicit').toLowerCase();
  if (control !== 'explicit' && control !== 'none') {
    throw new UserError(
      `Variable TRITON_MODEL_CONTROL: "${env.TRITON_MODEL_CONTROL ?? ''}" is not allowed. Use ` +
        'explicit (Triton started with --model-control-mode=explicit) or none.',
    );
  }
  const intervalSeconds = wholeNumber(env, 'SYNC_INTERVAL_SECONDS', 30, 1);
  return {
    models,
    connection: mlflowConnectionFromEnv(env),
    tritonUrl,
    repository,
    modelControl: control,
    intervalMs: intervalSeconds * 1000,
    maxBackoffMs: wholeNumber(env, 'SYNC_MAX_BACKOFF_SECONDS', 300, 1) * 1000,
    readyTimeoutMs: wholeNumber(env, 'SYNC_READY_TIMEOUT_SECONDS', 300, 1) * 1000,
    keepVersions: wholeNumber(env, 'SYNC_KEEP_VERSIONS', 1),
    listenHost: env.SYNC_HOST || '0.0.0.0',
    listenPort: wholeNumber(env, 'SYNC_PORT', 9400),
    deployedBy: env.SYNC_DEPLOYED_BY || `sync service on ${os.hostname()}`,
  };
}

/** Parses `name@alias[=triton_name]` entries separated by commas or white space. */
export function parseModels(text: string): SyncedModel[] {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) {
    throw new UserError(
      'Variable SYNC_MODELS: not set. List the models to follow as name@alias, e.g. ' +
        '"churn@champion fraud@champion=fraud_onnx".',
    );
  }
  const models = entries.map((entry) => {
    const match = /^(.+)@([^@=]+)(?:=([A-Za-z0-9_][\w.-]*))?$/.exec(entry);
    if (!match?.[1] || !match[2]) {
      throw new UserError(
        `Variable SYNC_MODELS: "${entry}" is not name@alias[=triton_name]. Write each model ` +
          'as its registered name, "@", and the alias to follow, e.g. churn@champion.',
      );
    }
    const problem = aliasNameProblem(match[2]);
    if (problem !== undefined) {
      throw new UserError(`Variable SYNC_MODELS: in "${entry}", ${problem}`);
    }
    const tritonModelName = match[3] ?? match[1];
    if (!TRITON_NAME.test(tritonModelName)) {
      throw new UserError(
        `Variable SYNC_MODELS: "${tritonModelName}" cannot be a Triton model folder name. ` +
          `Add one after "=", e.g. ${entry}=${tritonModelName.replace(/[^\w.-]/g, '_')}.`,
      );
    }
    return { registeredModel: match[1], alias: match[2], tritonModelName };
  });
  const names = models.map((model) => model.tritonModelName);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) {
    throw new UserError(
      `Variable SYNC_MODELS: two entries deploy to the Triton model '${twice}'. Give each its ` +
        'own folder with =triton_name, e.g. churn@champion=churn churn@challenger=churn_next.',
    );
  }
  return models;
}
