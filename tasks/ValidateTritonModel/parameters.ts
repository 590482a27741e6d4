import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import type { MlflowConnection } from '../common/mlflow/connection';
import { checkAliasName } from '../common/mlflow/registry/alias-name';
import { checkVersionNumber } from '../common/mlflow/registry/versions';
import {
  booleanInput,
  choiceInput,
  integerInput,
  numberInput,
  optionalString,
  requiredString,
} from '../common/pipeline/inputs';
import { readMlflowConnection } from '../common/pipeline/mlflow-connection';
import { type PipelineContext, readPipelineContext } from '../common/pipeline/pipeline-context';
import { checkServerUrl, readUrlInput } from '../common/pipeline/server-url';
import type { VersionSelector } from '../common/triton/registry-download';
import type { LiveMode } from '../common/triton/live/live-options';
import { UserError } from '../common/user-error';

/** Where the model to validate comes from. */
export type ModelSource =
  | { kind: 'folder'; folder: string }
  | { kind: 'registry'; selector: VersionSelector; connection: MlflowConnection };

/** The live part's inputs; present only when a Triton URL is given. */
export interface LiveParameters {
  tritonUrl: string;
  mode: LiveMode;
  /** The version Triton should serve; undefined lets Triton choose. */
  tritonVersion?: number;
  readyTimeoutMs: number;
  sampleRequestFile?: string;
  latencyRequests: number;
  latencyConcurrency: number;
  p95BudgetMs?: number;
  unloadAfter: boolean;
  /** Per-request timeout and retries, shared with the MLflow inputs of the same names. */
  requestTimeoutMs: number;
  maxRetries: number;
}

/** Every input of the task, read and checked once. */
export interface ValidateParameters {
  source: ModelSource;
  /** The model to validate; undefined validates every model of a repository folder. */
  modelName?: string;
  failOnWarning: boolean;
  /** GPUs of the server that will load the model; undefined: unknown, GPU rules warn. */
  gpuCount?: number;
  live?: LiveParameters;
  pipeline: PipelineContext;
  /** The folder relative paths are shown from (the sources folder on an agent). */
  workingDirectory: string;
}

/** Reads and validates the task's inputs. */
export function readParameters(): ValidateParameters {
  const workingDirectory = tl.getVariable('System.DefaultWorkingDirectory') ?? process.cwd();
  const kind = choiceInput('source', ['folder', 'registry'] as const, 'folder');
  const modelName = kind === 'registry' ? requiredString('modelName') : optionalString('modelName');
  const source: ModelSource =
    kind === 'folder'
      ? { kind, folder: path.resolve(workingDirectory, requiredString('modelRepository')) }
      : { kind, selector: readSelector(), connection: readMlflowConnection() };
  const live = readLiveParameters(workingDirectory);
  const gpuCount =
    optionalString('gpuCount') === undefined
      ? undefined
      : integerInput('gpuCount', 0, { min: 0, max: 1024 });
  return {
    source,
    ...(modelName !== undefined ? { modelName } : {}),
    failOnWarning: booleanInput('failOnWarning', false),
    ...(gpuCount !== undefined ? { gpuCount } : {}),
    ...(live !== undefined ? { live } : {}),
    pipeline: readPipelineContext(),
    workingDirectory,
  };
}

function readSelector(): VersionSelector {
  const alias = optionalString('registryAlias');
  const version = optionalString('registryVersion');
  if (alias !== undefined && version !== undefined) {
    throw new UserError(
      `Inputs registryAlias and registryVersion are both set ("${alias}", "${version}"). Give ` +
        `one: the alias whose version to validate (e.g. challenger), or a version number.`,
    );
  }
  if (version !== undefined) {
    return { kind: 'version', version: checkVersionNumber(version, 'registryVersion') };
  }
  if (alias !== undefined) {
    checkAliasName(alias, 'registryAlias');
    return { kind: 'alias', alias };
  }
  throw new UserError(
    'Input required: registryAlias or registryVersion. Say which registry version to ' +
      'validate: an alias such as challenger, or a version number.',
  );
}

function readLiveParameters(workingDirectory: string): LiveParameters | undefined {
  const tritonUrl = readUrlInput('tritonUrl', false);
  if (tritonUrl === undefined) return undefined;
  checkServerUrl(
    'tritonUrl',
    tritonUrl,
    "the staging Triton's HTTP port http://triton-staging:8000",
  );
  const tritonVersion = optionalString('tritonVersion');
  const p95BudgetMs = numberInput('p95BudgetMs', undefined, { min: 0.001 });
  const sampleRequestFile = optionalFile('sampleRequestFile', workingDirectory);
  return {
    tritonUrl,
    mode: choiceInput('liveMode', ['wait', 'load'] as const, 'wait'),
    ...(tritonVersion !== undefined
      ? { tritonVersion: Number(checkVersionNumber(tritonVersion, 'tritonVersion')) }
      : {}),
    readyTimeoutMs: integerInput('timeoutSeconds', 120, { min: 1, max: 86_400 }) * 1000,
    ...(sampleRequestFile !== undefined ? { sampleRequestFile } : {}),
    latencyRequests: integerInput('latencyRequests', 100, { min: 0, max: 100_000 }),
    latencyConcurrency: integerInput('latencyConcurrency', 4, { min: 1, max: 256 }),
    ...(p95BudgetMs !== undefined ? { p95BudgetMs } : {}),
    unloadAfter: booleanInput('unloadAfter', false),
    requestTimeoutMs: integerInput('requestTimeoutSeconds', 120, { min: 1, max: 3600 }) * 1000,
    maxRetries: integerInput('maxRetries', 5, { min: 0, max: 20 }),
  };
}

/**
 * A file input that may be left empty. The agent fills an empty filePath input with the sources
 * folder, so a folder here means "not given".
 */
function optionalFile(name: string, workingDirectory: string): string | undefined {
  const raw = optionalString(name);
  if (raw === undefined) return undefined;
  const file = path.resolve(workingDirectory, raw);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory() === true) return undefined;
  if (stat === undefined) {
    throw new UserError(
      `Input ${name}: the file "${raw}" does not exist. Give the path of the JSON sample ` +
        `request, relative to the sources folder, or leave it empty for a smoke request.`,
    );
  }
  return file;
}
