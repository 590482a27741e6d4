/**
 * MLflow REST entities as the server sends them (protobuf JSON, snake_case). Empty lists and
 * empty strings are left out by the server, so every collection is optional; numbers that are
 * int64 in the protobuf may arrive as numbers or strings.
 */

export interface KeyValue {
  key: string;
  /** A string in 2.x; 3.x may write numbers for some tags, so read with `tagValue`. */
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: 'active' | 'deleted';
  tags?: KeyValue[];
}

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface RunInfo {
  run_id: string;
  run_uuid?: string;
  experiment_id: string;
  run_name?: string;
  user_id?: string;
  status: RunStatus;
  start_time?: number | string;
  end_time?: number | string;
  artifact_uri?: string;
  lifecycle_stage?: 'active' | 'deleted';
}

/** A metric value: a number, or "NaN" / "Infinity" / "-Infinity" as protobuf JSON writes them. */
export type MetricValue = number | string;

export interface Metric {
  key: string;
  value: MetricValue;
  timestamp: number | string;
  step?: number | string;
  /** 3.x: the logged model the metric belongs to. */
  model_id?: string;
}

export interface RunData {
  metrics?: Metric[];
  params?: KeyValue[];
  tags?: KeyValue[];
}

export interface Run {
  info: RunInfo;
  data?: RunData;
  /** 3.x: logged models this run produced. */
  outputs?: { model_outputs?: { model_id: string; step?: number | string }[] };
  inputs?: unknown;
}

export interface FileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number | string;
}

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface ModelVersion {
  name: string;
  version: string;
  source?: string;
  run_id?: string;
  run_link?: string;
  status?: ModelVersionStatus;
  status_message?: string;
  description?: string;
  tags?: KeyValue[];
  aliases?: string[];
  current_stage?: string;
  creation_timestamp?: number | string;
  last_updated_timestamp?: number | string;
  /** 3.x: the logged model registered. */
  model_id?: string;
}

export interface RegisteredModel {
  name: string;
  description?: string;
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
  latest_versions?: ModelVersion[];
}

export type LoggedModelStatus =
  | 'LOGGED_MODEL_STATUS_UNSPECIFIED'
  | 'LOGGED_MODEL_PENDING'
  | 'LOGGED_MODEL_READY'
  | 'LOGGED_MODEL_UPLOAD_FAILED';

export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    artifact_uri?: string;
    status?: LoggedModelStatus | number;
    source_run_id?: string;
    creation_timestamp_ms?: number | string;
    tags?: KeyValue[];
  };
  data?: { params?: KeyValue[]; metrics?: Metric[] };
}

/** Reads a tag value whether the server wrote it as a string or (3.x) as a JSON number. */
export function tagValue(tags: readonly KeyValue[] | undefined, key: string): string | undefined {
  const found = tags?.find((tag) => tag.key === key);
  if (!found) return undefined;
  const value: unknown = found.value;
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** Reads an int64 field that protobuf JSON may write as a number or a string. */
export function int64(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Reads a metric value written as a number or as "NaN" / "Infinity" / "-Infinity". */
export function metricNumber(value: MetricValue): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(value);
}
