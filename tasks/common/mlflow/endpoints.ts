import type { HttpMethod } from '../http/transport';
import type {
  Experiment,
  FileInfo,
  KeyValue,
  LoggedModel,
  Metric,
  ModelVersion,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
} from './types';

/**
 * One MLflow REST endpoint described as data: method, path under the tracking URI, and whether
 * repeating it leaves the server as one call would (so the transport may retry it).
 * The type parameters only carry the request and response shapes to the caller.
 */
export interface Endpoint<Request, Response> {
  method: HttpMethod;
  path: string;
  idempotent: boolean;
  /** Phantom fields: never set, they carry the types. */
  readonly request?: Request;
  readonly response?: Response;
}

function endpoint<Request, Response>(
  method: HttpMethod,
  path: string,
  idempotent: boolean,
): Endpoint<Request, Response> {
  return { method, path: `api/2.0/mlflow/${path}`, idempotent };
}

type Empty = Record<string, never>;

/** Every MLflow endpoint the tasks call. */
export const MLFLOW = {
  getExperimentByName: endpoint<{ experiment_name: string }, { experiment: Experiment }>(
    'GET',
    'experiments/get-by-name',
    true,
  ),
  getExperiment: endpoint<{ experiment_id: string }, { experiment: Experiment }>(
    'GET',
    'experiments/get',
    true,
  ),
  createExperiment: endpoint<
    { name: string; artifact_location?: string; tags?: KeyValue[] },
    { experiment_id: string }
  >('POST', 'experiments/create', false),

  createRun: endpoint<
    {
      experiment_id: string;
      run_name?: string;
      start_time?: number;
      tags?: KeyValue[];
      user_id?: string;
    },
    { run: Run }
  >('POST', 'runs/create', false),
  getRun: endpoint<{ run_id: string }, { run: Run }>('GET', 'runs/get', true),
  updateRun: endpoint<
    { run_id: string; status?: RunStatus; end_time?: number; run_name?: string },
    { run_info: RunInfo }
  >('POST', 'runs/update', true),
  searchRuns: endpoint<
    {
      experiment_ids: string[];
      filter?: string;
      max_results?: number;
      order_by?: string[];
      page_token?: string;
      run_view_type?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
    },
    { runs?: Run[]; next_page_token?: string }
  >('POST', 'runs/search', true),
  /** Idempotent: params must keep their value, and MLflow ignores an identical metric entry. */
  logBatch: endpoint<
    {
      run_id: string;
      metrics?: (Omit<Metric, 'value'> & { value: number | string })[];
      params?: KeyValue[];
      tags?: KeyValue[];
    },
    Empty
  >('POST', 'runs/log-batch', true),
  setTag: endpoint<{ run_id: string; key: string; value: string }, Empty>(
    'POST',
    'runs/set-tag',
    true,
  ),
  getMetricHistory: endpoint<
    { run_id: string; metric_key: string; max_results?: number; page_token?: string },
    { metrics?: Metric[]; next_page_token?: string }
  >('GET', 'metrics/get-history', true),
  listArtifacts: endpoint<
    { run_id: string; path?: string; page_token?: string },
    { root_uri?: string; files?: FileInfo[]; next_page_token?: string }
  >('GET', 'artifacts/list', true),
  logOutputs: endpoint<{ run_id: string; models: { model_id: string; step?: number }[] }, Empty>(
    'POST',
    'runs/outputs',
    true,
  ),

  createRegisteredModel: endpoint<
    { name: string; description?: string; tags?: KeyValue[] },
    { registered_model: RegisteredModel }
  >('POST', 'registered-models/create', false),
  getRegisteredModel: endpoint<{ name: string }, { registered_model: RegisteredModel }>(
    'GET',
    'registered-models/get',
    true,
  ),
  createModelVersion: endpoint<
    {
      name: string;
      source: string;
      run_id?: string;
      run_link?: string;
      description?: string;
      tags?: KeyValue[];
      model_id?: string;
    },
    { model_version: ModelVersion }
  >('POST', 'model-versions/create', false),
  getModelVersion: endpoint<{ name: string; version: string }, { model_version: ModelVersion }>(
    'GET',
    'model-versions/get',
    true,
  ),
  searchModelVersions: endpoint<
    { filter?: string; max_results?: number; order_by?: string[]; page_token?: string },
    { model_versions?: ModelVersion[]; next_page_token?: string }
  >('GET', 'model-versions/search', true),
  setModelVersionTag: endpoint<
    { name: string; version: string; key: string; value: string },
    Empty
  >('POST', 'model-versions/set-tag', true),
  getModelVersionDownloadUri: endpoint<{ name: string; version: string }, { artifact_uri: string }>(
    'GET',
    'model-versions/get-download-uri',
    true,
  ),
  setAlias: endpoint<{ name: string; alias: string; version: string }, Empty>(
    'POST',
    'registered-models/alias',
    true,
  ),
  deleteAlias: endpoint<{ name: string; alias: string }, Empty>(
    'DELETE',
    'registered-models/alias',
    true,
  ),
  getVersionByAlias: endpoint<{ name: string; alias: string }, { model_version: ModelVersion }>(
    'GET',
    'registered-models/alias',
    true,
  ),

  createLoggedModel: endpoint<
    {
      experiment_id: string;
      name?: string;
      model_type?: string;
      source_run_id?: string;
      params?: KeyValue[];
      tags?: KeyValue[];
    },
    { model: LoggedModel }
  >('POST', 'logged-models', false),
  searchLoggedModels: endpoint<
    {
      experiment_ids: string[];
      filter?: string;
      max_results?: number;
      page_token?: string;
    },
    { models?: LoggedModel[]; next_page_token?: string }
  >('POST', 'logged-models/search', true),
} as const;

/** Endpoints whose path carries an id, built per call. */
export const MLFLOW_PATHS = {
  loggedModel: (modelId: string): string =>
    `api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}`,
  loggedModelTags: (modelId: string): string =>
    `api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}/tags`,
  loggedModelArtifactDirectories: (modelId: string): string =>
    `api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}/artifacts/directories`,
};
