import type {
  Experiment,
  LoggedModel,
  MetricPoint,
  ModelVersion,
  MlflowStore,
  RegisteredModel,
  Run,
} from './store';
import { invalidParameter } from './errors';
import { latestMetrics } from './store';

/** Which server release the JSON should look like. */
export type MlflowMode = 2 | 3;

type Json = Record<string, unknown>;

/** Adds `key: list` only when the list is not empty, as MLflow's protobuf JSON omits them. */
function withList(target: Json, key: string, list: unknown[]): Json {
  if (list.length > 0) {
    target[key] = list;
  }
  return target;
}

/** Tags or params as `[{key, value}]`. */
export function keyValues(map: Map<string, string>, sorted = false): Json[] {
  const entries = [...map.entries()];
  if (sorted) {
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
  return entries.map(([key, value]) => ({ key, value }));
}

/** An experiment's JSON. */
export function experimentJson(experiment: Experiment): Json {
  const json: Json = {
    experiment_id: experiment.experimentId,
    name: experiment.name,
    artifact_location: experiment.artifactLocation,
    lifecycle_stage: experiment.lifecycleStage,
    last_update_time: experiment.lastUpdateTime,
    creation_time: experiment.creationTime,
  };
  return withList(json, 'tags', keyValues(experiment.tags));
}

/** A metric's JSON in run data and metric history. */
export function metricJson(point: MetricPoint): Json {
  return { key: point.key, value: point.value, timestamp: point.timestamp, step: point.step };
}

/** A run's `info` object. */
export function runInfoJson(run: Run): Json {
  const json: Json = {
    run_uuid: run.runId,
    experiment_id: run.experimentId,
    run_name: run.runName,
    user_id: run.userId,
    status: run.status,
    start_time: run.startTime,
  };
  if (run.endTime !== undefined) {
    json.end_time = run.endTime;
  }
  json.artifact_uri = run.artifactUri;
  json.lifecycle_stage = run.lifecycleStage;
  json.run_id = run.runId;
  return json;
}

/**
 * A run's JSON. `runs/create` in 2.x has no `inputs`; 3.x adds `inputs` everywhere and
 * `outputs` on reads.
 */
export function runJson(run: Run, mode: MlflowMode, fromCreate = false): Json {
  const data: Json = {};
  withList(data, 'metrics', latestMetrics(run.metrics).map(metricJson));
  withList(data, 'params', keyValues(run.params));
  withList(data, 'tags', keyValues(run.tags));
  const json: Json = { info: runInfoJson(run), data };
  if (mode === 3 || !fromCreate) {
    json.inputs = {};
  }
  if (mode === 3 && !fromCreate) {
    const outputs = run.modelOutputs.map((o) => ({ model_id: o.modelId, step: o.step }));
    json.outputs = withList({}, 'model_outputs', outputs);
  }
  return json;
}

/** A model version's JSON; aliases only where the real server includes them. */
export function modelVersionJson(
  version: ModelVersion,
  model: RegisteredModel | undefined,
  includeAliases: boolean,
): Json {
  const json: Json = {
    name: version.name,
    version: String(version.version),
    creation_timestamp: version.creationTimestamp,
    last_updated_timestamp: version.lastUpdatedTimestamp,
    current_stage: version.currentStage,
    description: version.description,
    source: version.source,
    run_id: version.runId,
    status: version.status,
  };
  if (version.statusMessage !== undefined) {
    json.status_message = version.statusMessage;
  }
  withList(json, 'tags', keyValues(version.tags));
  json.run_link = version.runLink;
  if (includeAliases && model !== undefined) {
    const aliases = [...model.aliases.entries()]
      .filter(([, number]) => number === version.version)
      .map(([alias]) => alias)
      .sort();
    withList(json, 'aliases', aliases);
  }
  return json;
}

/** The latest version per stage, in the order MLflow's SQL store builds them. */
export function latestVersions(
  store: MlflowStore,
  name: string,
  stages?: string[],
): ModelVersion[] {
  const byStage = new Map<string, ModelVersion>();
  for (const version of store.versionsOf(name)) {
    const current = byStage.get(version.currentStage);
    if (current === undefined || current.version < version.version) {
      byStage.set(version.currentStage, version);
    }
  }
  const wanted = stages?.map((s) => s.toLowerCase());
  return [...byStage.values()].filter(
    (v) =>
      wanted === undefined || wanted.length === 0 || wanted.includes(v.currentStage.toLowerCase()),
  );
}

/** A registered model's JSON, with its latest versions and aliases. */
export function registeredModelJson(store: MlflowStore, model: RegisteredModel): Json {
  const json: Json = {
    name: model.name,
    creation_timestamp: model.creationTimestamp,
    last_updated_timestamp: model.lastUpdatedTimestamp,
  };
  if (model.description !== '') {
    json.description = model.description;
  }
  const latest = latestVersions(store, model.name).map((v) => modelVersionJson(v, model, false));
  withList(json, 'latest_versions', latest);
  withList(json, 'tags', keyValues(model.tags));
  const aliases = [...model.aliases.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([alias, version]) => ({ alias, version: String(version) }));
  return withList(json, 'aliases', aliases);
}

/** A 3.x logged model's JSON. */
export function loggedModelJson(model: LoggedModel): Json {
  const info: Json = {
    model_id: model.modelId,
    experiment_id: model.experimentId,
    name: model.name,
  };
  Object.assign(info, {
    creation_timestamp_ms: model.creationTimestampMs,
    last_updated_timestamp_ms: model.lastUpdatedTimestampMs,
    artifact_uri: model.artifactUri,
    status: model.status,
    model_type: model.modelType,
    source_run_id: model.sourceRunId,
  });
  withList(info, 'tags', keyValues(model.tags, true));
  const data: Json = {};
  withList(data, 'params', keyValues(model.params));
  const metrics = model.metrics.map((m) => ({
    ...metricJson(m),
    model_id: m.modelId,
    run_id: m.runId,
  }));
  withList(data, 'metrics', metrics);
  return { info, data };
}

/** MLflow's page token: base64 of Python's `json.dumps({"offset": n})`. */
export function pageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`).toString('base64');
}

/** The offset in a page token, or 0 when there is none. */
export function readPageToken(token: string | undefined): number {
  if (token === undefined || token === '') {
    return 0;
  }
  const match = /"offset":\s*(\d+)/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (match?.[1] === undefined) {
    throw invalidParameter('Invalid page token, could not base64-decode');
  }
  return Number(match[1]);
}
