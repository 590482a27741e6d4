import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import {
  booleanInput,
  choiceInput,
  integerInput,
  lineInput,
  optionalString,
  requiredString,
} from '../common/pipeline/inputs';
import { readMlflowConnection } from '../common/pipeline/mlflow-connection';
import { readPipelineContext, type PipelineContext } from '../common/pipeline/pipeline-context';
import type { MlflowConnection } from '../common/mlflow/connection';
import { keyProblem, MLFLOW_LIMITS } from '../common/mlflow/limits';
import type { MetricPoint } from '../common/mlflow/tracking/log-batch';
import { normaliseArtifactPath } from '../common/mlflow/artifacts/artifact-path';
import type { KeyValue } from '../common/mlflow/types';
import { UserError } from '../common/user-error';
import {
  parseKeyValueLines,
  readKeyValueFile,
  rejectDuplicates,
  type SourcedEntry,
} from './entry-sources';
import { parseMetricLines, readMetricFile, type SourcedMetric } from './metric-sources';

/** Everything MLflowLogRun needs, read and checked once before any request is sent. */
export interface LogRunParameters {
  connection: MlflowConnection;
  pipeline: PipelineContext;
  experimentName: string;
  runName?: string;
  description?: string;
  resumeRunId?: string;
  command?: { tool: string; arguments: string; workingDirectory: string };
  params: KeyValue[];
  metrics: MetricPoint[];
  tags: KeyValue[];
  artifacts: { patterns: string[]; root: string; destination: string; failOnEmpty: boolean };
  model?: { directory: string; name: string };
  finalStatus: 'FINISHED' | 'RUNNING';
  /** When the logging started, for every point that carries no timestamp of its own. */
  now: number;
}

/** Reads and validates every input; throws a UserError naming the input on bad input. */
export function readParameters(warn: (message: string) => void): LogRunParameters {
  const experimentName = requiredString('experimentName');
  const pipeline = readPipelineContext();
  const workingDirectory = path.resolve(
    optionalString('workingDirectory') ??
      tl.getVariable('System.DefaultWorkingDirectory') ??
      process.cwd(),
  );
  const resolve = (file: string): string => path.resolve(workingDirectory, file);
  const now = Date.now();
  const truncate = booleanInput('truncateLongValues', false);
  const paramLimit = integerInput('maxParamValueLength', MLFLOW_LIMITS.paramValueLength, {
    min: 1,
    max: 1_000_000,
  });

  const paramEntries = [
    ...parseKeyValueLines('params', lineInput('params')),
    ...fileEntries('paramsFile', resolve),
  ];
  const tagEntries = [
    ...parseKeyValueLines('tags', lineInput('tags')),
    ...fileEntries('tagsFile', resolve),
  ];
  const metricFile = optionalString('metricsFile');
  const metricPoints: SourcedMetric[] = [
    ...parseMetricLines('metrics', lineInput('metrics'), now),
    ...(metricFile ? readMetricFile('metricsFile', resolve(metricFile), now, warn) : []),
  ];

  rejectDuplicates('parameter', paramEntries);
  rejectDuplicates('tag', tagEntries);
  rejectMetricDuplicates(metricPoints);
  const params = checkEntries('parameter', paramEntries, paramLimit, truncate, warn);
  const tags = checkEntries('tag', tagEntries, MLFLOW_LIMITS.tagValueLength, truncate, warn);
  for (const point of metricPoints) checkKey('metric', point.key, point.source);

  const tool = optionalString('command');
  const modelDirectory = optionalString('modelDirectory');
  const modelName = optionalString('modelArtifactPath') ?? 'model';
  if (modelDirectory) checkKey('model name', modelName, 'input modelArtifactPath');

  const description = optionalString('description');
  const runName = optionalString('runName') ?? pipeline.buildNumber;
  const resumeRunId = optionalString('runId');
  if (resumeRunId && !/^[A-Za-z0-9][\w-]{0,255}$/.test(resumeRunId)) {
    throw new UserError(`Input runId: "${resumeRunId}" is not an MLflow run id (32 hex digits).`);
  }
  return {
    connection: readMlflowConnection(),
    pipeline,
    experimentName,
    ...(runName ? { runName } : {}),
    ...(description ? { description } : {}),
    ...(resumeRunId ? { resumeRunId } : {}),
    ...(tool
      ? { command: { tool, arguments: optionalString('arguments') ?? '', workingDirectory } }
      : {}),
    params,
    tags,
    metrics: metricPoints.map(({ source: _source, ...point }) => point),
    artifacts: {
      patterns: lineInput('artifacts').map((entry) => entry.text),
      root: path.resolve(workingDirectory, optionalString('artifactsRoot') ?? '.'),
      destination: normaliseArtifactPath(
        optionalString('artifactPath') ?? '',
        'Input artifactPath',
      ),
      failOnEmpty: booleanInput('failOnEmptyArtifacts', false),
    },
    ...(modelDirectory ? { model: { directory: resolve(modelDirectory), name: modelName } } : {}),
    finalStatus: choiceInput('finalStatus', ['FINISHED', 'RUNNING'] as const, 'FINISHED'),
    now,
  };
}

function fileEntries(input: string, resolve: (file: string) => string): SourcedEntry<string>[] {
  const file = optionalString(input);
  return file ? readKeyValueFile(input, resolve(file)) : [];
}

function checkKey(kind: string, key: string, source: string): void {
  const problem = keyProblem(key);
  if (problem) {
    throw new UserError(`The ${kind} key "${shortKey(key)}" (${source}) is refused: ${problem}.`);
  }
}

function checkEntries(
  kind: string,
  entries: SourcedEntry<string>[],
  limit: number,
  truncate: boolean,
  warn: (message: string) => void,
): KeyValue[] {
  return entries.map((entry) => {
    checkKey(kind, entry.key, entry.source);
    if (entry.value.length <= limit) return { key: entry.key, value: entry.value };
    if (!truncate) {
      // The value itself is never shown: it may hold anything, secrets included.
      throw new UserError(
        `The ${kind} "${entry.key}" (${entry.source}) has a value of ${entry.value.length} ` +
          `characters; MLflow accepts at most ${limit}. Shorten it, log it as an artifact, or ` +
          `set truncateLongValues to cut it.`,
      );
    }
    warn(`The ${kind} "${entry.key}" was cut from ${entry.value.length} to ${limit} characters.`);
    return { key: entry.key, value: entry.value.slice(0, limit) };
  });
}

function rejectMetricDuplicates(points: SourcedMetric[]): void {
  const seen = new Map<string, string>();
  const sourcesByKey = new Map<string, string>();
  for (const point of points) {
    const step = `${point.key}@${point.step}`;
    const other = sourcesByKey.get(point.key);
    if ((other !== undefined && other !== point.source) || seen.has(step)) {
      throw new UserError(
        `The metric "${point.key}"${seen.has(step) ? ` at step ${point.step}` : ''} is given ` +
          `twice: in ${seen.get(step) ?? other ?? point.source} and in ${point.source}. ` +
          `Keep one of them.`,
      );
    }
    sourcesByKey.set(point.key, point.source);
    seen.set(step, point.source);
  }
}

function shortKey(key: string): string {
  return key.length > 60 ? `${key.slice(0, 60)}...` : key;
}
