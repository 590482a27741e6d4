import * as tl from 'azure-pipelines-task-lib/task';
import type { MlflowConnection } from '../common/mlflow/connection';
import { keyProblem, MLFLOW_LIMITS } from '../common/mlflow/limits';
import { checkAliasName } from '../common/mlflow/registry/alias-name';
import type { LocationInputs, ModelLocation } from '../common/mlflow/registry/run-model';
import { isRunsUri, parseRunsUri } from '../common/mlflow/registry/source-uri';
import type { KeyValue } from '../common/mlflow/types';
import { lineInput, numberInput, optionalString, requiredString } from '../common/pipeline/inputs';
import { readMlflowConnection } from '../common/pipeline/mlflow-connection';
import { type PipelineContext, readPipelineContext } from '../common/pipeline/pipeline-context';
import { UserError } from '../common/user-error';
import { PIPELINE_TAG_PREFIX } from '../common/pipeline/lineage-tags';

/** The job variable MLflowLogRun leaves the run id in. */
export const RUN_ID_VARIABLE = 'mlflowRunId';

/** Names of the inputs that say where the model is. */
export const LOCATION_INPUTS: LocationInputs = {
  runId: 'runId',
  artifactPath: 'artifactPath',
  sourceUri: 'sourceUri',
};

/** Every input of the task, read and checked once. */
export interface RegisterParameters {
  modelName: string;
  location: ModelLocation;
  description?: string;
  tags: KeyValue[];
  alias?: string;
  waitTimeoutMs: number;
  pollIntervalMs: number;
  connection: MlflowConnection;
  pipeline: PipelineContext;
}

/** Reads and validates the task's inputs. */
export function readParameters(): RegisterParameters {
  const modelName = requiredString('modelName');
  const location = readLocation();
  const description = optionalString('description');
  const tags = readTags();
  const alias = optionalString('alias');
  if (alias !== undefined) checkAliasName(alias, 'alias');
  const waitTimeoutSeconds = numberInput('waitTimeoutSeconds', 300, { min: 1, max: 86_400 }) ?? 300;
  const pollIntervalSeconds = numberInput('pollIntervalSeconds', 2, { min: 0.1, max: 600 }) ?? 2;
  return {
    modelName,
    location,
    ...(description !== undefined ? { description } : {}),
    tags,
    ...(alias !== undefined ? { alias } : {}),
    waitTimeoutMs: Math.round(waitTimeoutSeconds * 1000),
    pollIntervalMs: Math.round(pollIntervalSeconds * 1000),
    connection: readMlflowConnection(),
    pipeline: readPipelineContext(),
  };
}

function readLocation(): ModelLocation {
  const sourceUri = optionalString('sourceUri');
  const givenRunId = optionalString('runId');
  if (sourceUri !== undefined) {
    // The job's default run is not taken here: it may have nothing to do with this URI.
    checkRunsUriAgrees(sourceUri, givenRunId);
    return {
      kind: 'uri',
      uri: sourceUri,
      ...(givenRunId !== undefined ? { runId: givenRunId } : {}),
    };
  }
  const runId = givenRunId ?? defaultRunId();
  if (runId === undefined) {
    throw new UserError(
      `Input required: runId. No run id was given and no MLflowLogRun step earlier in this ` +
        `job left one in $(${RUN_ID_VARIABLE}). Give the run that logged the model, or ` +
        `sourceUri.`,
    );
  }
  const artifactPath = normalisePath(optionalString('artifactPath') ?? 'model');
  return { kind: 'run', runId, artifactPath };
}

function checkRunsUriAgrees(sourceUri: string, runId: string | undefined): void {
  if (runId === undefined || !isRunsUri(sourceUri)) return;
  const inUri = parseRunsUri(sourceUri, 'sourceUri').runId;
  if (inUri === runId) return;
  throw new UserError(
    `Inputs runId and sourceUri name different runs ("${runId}" and "${inUri}"). Clear runId, ` +
      `or make sourceUri point into the same run.`,
  );
}

function defaultRunId(): string | undefined {
  const value = tl.getVariable(RUN_ID_VARIABLE)?.trim();
  return value ? value : undefined;
}

function normalisePath(path: string): string {
  const forward = path.replace(/\\/g, '/');
  const segments = forward.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (forward.startsWith('/') || /^[A-Za-z]:\//.test(forward) || segments.includes('..')) {
    throw new UserError(
      `Input artifactPath: "${path}" is not a path inside the run. Give the path the model ` +
        `was logged under, relative to the run's artifact root, e.g. "model".`,
    );
  }
  return segments.join('/');
}

function readTags(): KeyValue[] {
  const tags: KeyValue[] = [];
  for (const { line, text } of lineInput('tags')) {
    const equals = text.indexOf('=');
    const key = equals < 0 ? '' : text.slice(0, equals).trim();
    if (key === '') {
      throw new UserError(
        `Input tags, line ${line}: "${text}" is not key=value. Write one tag per line, ` +
          `e.g. team=churn.`,
      );
    }
    if (key.startsWith(PIPELINE_TAG_PREFIX)) {
      throw new UserError(
        `Input tags, line ${line}: keys starting with "${PIPELINE_TAG_PREFIX}" are written by ` +
          `the task itself. Choose another key.`,
      );
    }
    const problem = keyProblem(key);
    if (problem !== undefined) {
      throw new UserError(`Input tags, line ${line}: the key "${key}" is refused: ${problem}.`);
    }
    const value = text.slice(equals + 1).trim();
    if (value.length > MLFLOW_LIMITS.tagValueLength) {
      throw new UserError(
        `Input tags, line ${line}: the value of "${key}" is ${value.length} characters long; ` +
          `MLflow keeps at most ${MLFLOW_LIMITS.tagValueLength}. Shorten it.`,
      );
    }
    tags.push({ key, value });
  }
  return tags;
}
