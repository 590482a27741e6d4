import { randomBytes } from 'node:crypto';

import { invalidParameter, notFound } from './errors';

/** Lifecycle of experiments and runs. */
export type LifecycleStage = 'active' | 'deleted';

/** One logged metric value; runs keep the whole history. */
export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  runId: string;
  /** Set when a 3.x client logged it against a logged model. */
  modelId?: string;
}

/** An experiment as stored. */
export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  tags: Map<string, string>;
}

/** A run as stored: params, tags, the full metric history and 3.x model outputs. */
export interface Run {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: string;
  startTime: number;
  endTime?: number;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
  params: Map<string, string>;
  tags: Map<string, string>;
  metrics: MetricPoint[];
  modelOutputs: { modelId: string; step: number }[];
}

/** A registered model as stored; aliases map alias name to version number. */
export interface RegisteredModel {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description: string;
  tags: Map<string, string>;
  aliases: Map<string, number>;
}

/** A model version as stored, with the registration countdown used by the status hook. */
export interface ModelVersion {
  name: string;
  version: number;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  currentStage: string;
  description: string;
  source: string;
  runId: string;
  runLink: string;
  status: 'PENDING_REGISTRATION' | 'READY' | 'FAILED_REGISTRATION';
  statusMessage?: string;
  tags: Map<string, string>;
  modelId?: string;
  deleted: boolean;
  /** How many more `model-versions/get` calls see PENDING_REGISTRATION. */
  pendingPolls: number;
  /** Where a pending registration ends. */
  failureMessage?: string;
}

/** A 3.x logged model as stored. */
export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  creationTimestampMs: number;
  lastUpdatedTimestampMs: number;
  artifactUri: string;
  status: string;
  modelType: string;
  sourceRunId: string;
  tags: Map<string, string>;
  params: Map<string, string>;
  metrics: MetricPoint[];
  deleted: boolean;
}

const adjectives = ['brave', 'calm', 'eager', 'gentle', 'jolly', 'lucky', 'quiet', 'witty'];
const animals = ['ant', 'bee', 'crow', 'eel', 'fox', 'loon', 'owl', 'yak'];

/** The server's whole state, readable by tests for assertions. */
export class MlflowStore {
  readonly experiments = new Map<string, Experiment>();
  readonly runs = new Map<string, Run>();
  readonly registeredModels = new Map<string, RegisteredModel>();
  readonly modelVersions: ModelVersion[] = [];
  readonly loggedModels = new Map<string, LoggedModel>();
  private nextExperimentId = 0;
  private lastTime = 0;

  /** Milliseconds since the epoch, strictly increasing so orderings are stable. */
  now(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return this.lastTime;
  }

  /** A new experiment id, as the SQL store's sequence gives them ("0" is Default). */
  takeExperimentId(): string {
    const id = String(this.nextExperimentId);
    this.nextExperimentId += 1;
    return id;
  }

  /** A 32-hex-digit id as MLflow's uuid4().hex. */
  newHexId(): string {
    return randomBytes(16).toString('hex');
  }

  /** A generated run name like MLflow's `<adjective>-<animal>-<number>`. */
  newRunName(): string {
    const pick = (words: string[]): string => words[(randomBytes(1)[0] ?? 0) % words.length] ?? 'x';
    return `${pick(adjectives)}-${pick(animals)}-${randomBytes(2).readUInt16BE() % 1000}`;
  }

  /** An experiment by id, or MLflow's 404. */
  experiment(experimentId: string): Experiment {
    const experiment = this.experiments.get(experimentId);
    if (experiment === undefined) {
      throw notFound(`No Experiment with id=${experimentId} exists`);
    }
    return experiment;
  }

  /** A run by id, or MLflow's 404. */
  run(runId: string): Run {
    const run = this.runs.get(runId);
    if (run === undefined) {
      throw notFound(`Run with id=${runId} not found`);
    }
    return run;
  }

  /** A run that may still be written to, or MLflow's 400 for a deleted one. */
  activeRun(runId: string): Run {
    const run = this.run(runId);
    if (run.lifecycleStage !== 'active') {
      throw invalidParameter(
        `The run ${runId} must be in the 'active' state. Current state is ${run.lifecycleStage}.`,
      );
    }
    return run;
  }

  /** A registered model by name, or MLflow's 404. */
  registeredModel(name: string): RegisteredModel {
    const model = this.registeredModels.get(name);
    if (model === undefined) {
      throw notFound(`Registered Model with name=${name} not found`);
    }
    return model;
  }

  /** The live versions of a model, oldest first. */
  versionsOf(name: string): ModelVersion[] {
    return this.modelVersions.filter((v) => v.name === name && !v.deleted);
  }

  /** A model version, or MLflow's 404 (also when the model does not exist). */
  modelVersion(name: string, version: string | number): ModelVersion {
    const found = this.versionsOf(name).find((v) => String(v.version) === String(version));
    if (found === undefined) {
      throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    }
    return found;
  }

  /** A logged model, or MLflow's 404 (deleted ones only when asked for). */
  loggedModel(modelId: string, allowDeleted = false): LoggedModel {
    const model = this.loggedModels.get(modelId);
    if (model === undefined || (model.deleted && !allowDeleted)) {
      throw notFound(`Logged model with ID '${modelId}' not found.`);
    }
    return model;
  }
}

/** The run's latest value per metric key, as MLflow's latest_metrics table keeps it. */
export function latestMetrics(points: MetricPoint[]): MetricPoint[] {
  const latest = new Map<string, MetricPoint>();
  for (const point of points) {
    const current = latest.get(point.key);
    if (current === undefined || isLater(point, current)) {
      latest.set(point.key, point);
    }
  }
  return [...latest.values()];
}

function isLater(candidate: MetricPoint, current: MetricPoint): boolean {
  if (candidate.step !== current.step) return candidate.step > current.step;
  if (candidate.timestamp !== current.timestamp) return candidate.timestamp > current.timestamp;
  return candidate.value > current.value;
}
