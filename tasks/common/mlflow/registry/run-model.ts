import { UserError } from '../../user-error';
import { MLFLOW, MLFLOW_PATHS } from '../endpoints';
import type { MlflowClient } from '../mlflow-client';
import { runUiUrl, serverBase } from './registry-links';
import type { FileInfo, LoggedModel, Run } from '../types';
import { filterLiteral } from './versions';
import {
  appendToUri,
  checkRunId,
  isLocalPath,
  isModelsUri,
  isRunsUri,
  loggedModelIdOf,
  parseRunsUri,
} from './source-uri';

/** Where the model to register is: a run and a path in it, or a URI. */
export type ModelLocation =
  | { kind: 'run'; runId: string; artifactPath: string }
  | { kind: 'uri'; uri: string; runId?: string };

/** Names of the inputs a location came from, for messages. */
export interface LocationInputs {
  runId: string;
  artifactPath: string;
  sourceUri: string;
}

/** What to send to `model-versions/create`, and what it is, for messages and summaries. */
export interface ResolvedSource {
  source: string;
  runId?: string;
  /** MLflow 3: the logged model registered. */
  modelId?: string;
  /** Where the model's files are (the logged model's or the run's artifact URI). */
  artifactUri: string;
  origin: 'logged-model' | 'run-artifacts' | 'uri';
  /** The run's page in MLflow's UI, when the source belongs to a run. */
  runUrl?: string;
  /** One phrase for messages, e.g. `logged model "model" (m-...) of run 0fb8...`. */
  description: string;
}

/**
 * Finds a run's model the way MLflow's client does for `runs:/<run>/<path>`: on MLflow 3 the
 * run's logged model of that name, else the run's artifacts under that path. Checks that the
 * run exists and that the files are there; refuses paths on the agent.
 */
export async function resolveModelSource(
  client: MlflowClient,
  location: ModelLocation,
  inputs: LocationInputs,
): Promise<ResolvedSource> {
  if (location.kind === 'run') {
    checkRunId(location.runId, inputs.runId);
    return resolveRunModel(client, location.runId, location.artifactPath, {
      run: inputs.runId,
      path: inputs.artifactPath,
    });
  }
  const uri = location.uri;
  if (isLocalPath(uri)) {
    throw new UserError(
      `Input ${inputs.sourceUri}: "${uri}" is a path on the agent; the MLflow server cannot ` +
        `read it and would keep only the path. Log the files to the run first (MLflowLogRun's ` +
        `model input), then register with ${inputs.runId} and ${inputs.artifactPath}, or give ` +
        `a URI the server can read (runs:/, models:/, mlflow-artifacts:/, s3://).`,
    );
  }
  if (isRunsUri(uri)) {
    const parsed = parseRunsUri(uri, inputs.sourceUri);
    return resolveRunModel(client, parsed.runId, parsed.artifactPath, {
      run: inputs.sourceUri,
      path: inputs.sourceUri,
    });
  }
  const modelId = loggedModelIdOf(uri);
  if (modelId !== undefined) return resolveLoggedModelUri(client, modelId, inputs.sourceUri);
  if (isModelsUri(uri)) {
    throw new UserError(
      `Input ${inputs.sourceUri}: "${uri}" names a registered model version; registering it ` +
        `again would copy a version. Give the run that logged the model instead.`,
    );
  }
  const run =
    location.runId === undefined
      ? undefined
      : await requireRun(client, checkedRunId(location.runId, inputs.runId), inputs.runId);
  return {
    source: uri,
    ...(run
      ? {
          runId: run.info.run_id,
          runUrl: runUiUrl(client, run.info.experiment_id, run.info.run_id),
        }
      : {}),
    artifactUri: uri,
    origin: 'uri',
    description: uri,
  };
}

/** The run; a UserError naming the input when it does not exist or was deleted. */
export async function requireRun(client: MlflowClient, runId: string, input: string): Promise<Run> {
  const found = await client.find(MLFLOW.getRun, { run_id: runId });
  const run = found?.run;
  if (!run || run.info.lifecycle_stage === 'deleted') {
    throw new UserError(
      `Input ${input}: MLflow (${serverBase(client)}) has no ${run ? 'active ' : ''}run ` +
        `"${runId}". Check the run id; by default it is the run MLflowLogRun started earlier ` +
        `in this job ($(mlflowRunId)).`,
    );
  }
  return run;
}

async function resolveRunModel(
  client: MlflowClient,
  runId: string,
  artifactPath: string,
  input: { run: string; path: string },
): Promise<ResolvedSource> {
  const run = await requireRun(client, runId, input.run);
  const pathInput = input.path;
  const { major } = await client.server();
  if (major >= 3 && artifactPath !== '') {
    const logged = await findRunLoggedModel(client, run, artifactPath);
    if (logged) return loggedModelSource(client, logged, pathInput);
  }

  const files = await listRunArtifacts(client, runId, artifactPath);
  const runArtifacts = run.info.artifact_uri ?? '';
  if (files.length === 0) {
    const where = artifactPath === '' ? 'its artifact root' : `"${artifactPath}"`;
    const loggedHint = major >= 3 ? `, and it has no logged model named "${artifactPath}"` : '';
    throw new UserError(
      `Input ${pathInput}: run ${runId} holds no files under ${where}${loggedHint}. Give the ` +
        `path the model was logged under (the run's artifacts are listed at ` +
        `${runUiUrl(client, run.info.experiment_id, runId)}), or log the model first.`,
    );
  }
  return {
    source: appendToUri(runArtifacts, artifactPath),
    runId,
    artifactUri: appendToUri(runArtifacts, artifactPath),
    origin: 'run-artifacts',
    runUrl: runUiUrl(client, run.info.experiment_id, runId),
    description: `artifacts "${artifactPath}" of run ${runId}`,
  };
}

/**
 * The run's logged model of that name (MLflow 3). With several, the one logged at the highest
 * step among the run's outputs, as MLflow's client picks.
 */
export async function findRunLoggedModel(
  client: MlflowClient,
  run: Run,
  name: string,
): Promise<LoggedModel | undefined> {
  const runId = run.info.run_id;
  const quotedName = filterLiteral(name);
  const filter = `source_run_id = '${runId}'` + (quotedName ? ` AND name = ${quotedName}` : '');
  const page = await client.call(MLFLOW.searchLoggedModels, {
    experiment_ids: [run.info.experiment_id],
    filter,
    max_results: 100,
  });
  const models = (page.models ?? []).filter((model) => model.info.name === name);
  if (models.length <= 1) return models[0];
  const steps = new Map(
    (run.outputs?.model_outputs ?? []).map((output) => [output.model_id, Number(output.step ?? 0)]),
  );
  return models.reduce((best, model) =>
    (steps.get(model.info.model_id) ?? -1) > (steps.get(best.info.model_id) ?? -1) ? model : best,
  );
}

async function resolveLoggedModelUri(
  client: MlflowClient,
  modelId: string,
  input: string,
): Promise<ResolvedSource> {
  const { major, version } = await client.server();
  if (major < 3) {
    throw new UserError(
      `Input ${input}: models:/${modelId} is an MLflow 3 logged model, but the server runs ` +
        `MLflow ${version}. Give the run and the model's artifact path instead.`,
    );
  }
  const found = await client.find<Record<string, never>, { model: LoggedModel }>(
    { method: 'GET', path: MLFLOW_PATHS.loggedModel(modelId), idempotent: true },
    {},
  );
  const model = found?.model;
  if (!model) {
    throw new UserError(
      `Input ${input}: MLflow (${serverBase(client)}) has no logged model "${modelId}". ` +
        `Check the id, or give the run that logged the model.`,
    );
  }
  return loggedModelSource(client, model, input);
}

async function loggedModelSource(
  client: MlflowClient,
  model: LoggedModel,
  input: string,
): Promise<ResolvedSource> {
  const { info } = model;
  if (info.status === 'LOGGED_MODEL_UPLOAD_FAILED' || info.status === 3) {
    throw new UserError(
      `Input ${input}: logged model "${info.name}" (${info.model_id}) failed its upload, so ` +
        `it has no complete files to register. Log the model again.`,
    );
  }
  const listing = await client.raw<{ files?: FileInfo[] }>({
    method: 'GET',
    path: MLFLOW_PATHS.loggedModelArtifactDirectories(info.model_id),
    idempotent: true,
  });
  if ((listing.files ?? []).length === 0) {
    throw new UserError(
      `Input ${input}: logged model "${info.name}" (${info.model_id}) holds no files. Upload ` +
        `the model's files (MLflowLogRun's model input) before registering it.`,
    );
  }
  const runPart = info.source_run_id ? ` of run ${info.source_run_id}` : '';
  return {
    source: `models:/${info.model_id}`,
    ...(info.source_run_id
      ? {
          runId: info.source_run_id,
          runUrl: runUiUrl(client, info.experiment_id, info.source_run_id),
        }
      : {}),
    modelId: info.model_id,
    artifactUri: info.artifact_uri ?? `models:/${info.model_id}`,
    origin: 'logged-model',
    description: `logged model "${info.name}" (${info.model_id})${runPart}`,
  };
}

/** The first page of a run's artifacts under a path, or the file the path names. */
async function listRunArtifacts(
  client: MlflowClient,
  runId: string,
  path: string,
): Promise<FileInfo[]> {
  const list = async (under: string): Promise<FileInfo[]> => {
    const listing = await client.call(MLFLOW.listArtifacts, {
      run_id: runId,
      ...(under ? { path: under } : {}),
    });
    return listing.files ?? [];
  };
  const files = await list(path);
  if (files.length > 0 || path === '') return files;
  // A path that names one file lists as nothing: look for it in its folder.
  const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  return (await list(parent)).filter((file) => file.path === path && file.is_dir !== true);
}

function checkedRunId(runId: string, input: string): string {
  checkRunId(runId, input);
  return runId;
}
