import * as tl from 'azure-pipelines-task-lib/task';
import { redactUrl } from '../common/http/redact';
import type { ArtifactLog } from '../common/mlflow/artifacts/artifact-repository';
import { repositoryForUri } from '../common/mlflow/artifacts/repository-for-uri';
import { uploadFiles, verifyUploaded } from '../common/mlflow/artifacts/upload-files';
import {
  finalizeLoggedModel,
  getOrCreateLoggedModel,
  linkModelToRun,
} from '../common/mlflow/logged-models';
import { MlflowClient } from '../common/mlflow/mlflow-client';
import { getOrCreateExperiment } from '../common/mlflow/tracking/experiments';
import { logRunData } from '../common/mlflow/tracking/log-batch';
import { createRunOnce, getLiveRun, setRunStatus } from '../common/mlflow/tracking/runs';
import type { KeyValue, Run } from '../common/mlflow/types';
import { lineageTags } from '../common/pipeline/lineage-tags';
import { setJobVariable, setOutput } from '../common/pipeline/outputs';
import type { TaskOutcome } from '../common/pipeline/run-task';
import { UserError } from '../common/user-error';
import { planArtifactUploads, planDirectoryUpload } from './artifact-plan';
import type { LogRunParameters } from './parameters';
import { writeRunSummary } from './run-summary';
import { startTraining, trainingEnvironment, type TrainingProcess } from './training-command';

/** The job variable later steps of the same job read the run id from. */
export const RUN_ID_VARIABLE = 'mlflowRunId';

/** Logs a training run: create or resume it, run the training, log, upload, end it. */
export async function logTrainingRun(p: LogRunParameters, log: ArtifactLog): Promise<TaskOutcome> {
  const client = new MlflowClient(p.connection, (line) => tl.debug(line));
  const server = await client.server();
  log.info(
    `MLflow ${server.version} at ${redactUrl(p.connection.trackingUri)} (${p.connection.origin})`,
  );

  const run = await openRun(client, p);
  const runId = run.info.run_id;
  const experimentId = run.info.experiment_id;
  const runUrl = `${client.uiBase()}/#/experiments/${experimentId}/runs/${runId}`;
  setJobVariable(RUN_ID_VARIABLE, runId);
  setOutput('runId', runId);
  setOutput('experimentId', experimentId);
  setOutput('artifactUri', run.info.artifact_uri ?? '');
  setOutput('runUrl', runUrl);
  log.info(`Run ${runId} in experiment ${experimentId}: ${runUrl}`);

  let training: TrainingProcess | undefined;
  const cancel = onCancel(async () => {
    training?.stop();
    await setRunStatus(client, runId, 'KILLED').catch(() => undefined);
  });
  try {
    if (p.command) {
      training = startCommand(p, runId, experimentId);
      const code = await training.exitCode;
      if (code !== 0) {
        throw new UserError(
          `The training command exited with code ${code}; the run ${runId} is marked FAILED. ` +
            `See the command's output above.`,
        );
      }
    }
    const uploads = planArtifactUploads(p.artifacts, (message) => log.warning(message));
    const params = await newParams(client, runId, p.params);
    const model = p.model ? await logModel(client, run, p.model, server.major, log) : undefined;
    const metrics = model?.modelId
      ? p.metrics.map((point) => ({ ...point, model_id: model.modelId }))
      : p.metrics;
    const tags: KeyValue[] = p.description
      ? [...p.tags, { key: 'mlflow.note.content', value: p.description }]
      : p.tags;
    const requests = await logRunData(client, runId, { params, metrics, tags });
    tl.debug(
      `logged ${params.length} params, ${metrics.length} metric points, ` +
        `${tags.length} tags in ${requests} requests`,
    );

    if (uploads.length > 0) {
      const repository = repositoryForUri(run.info.artifact_uri ?? '', client, log);
      await uploadFiles(repository, uploads);
      await verifyUploaded(repository, uploads, p.artifacts.destination);
      log.info(`Uploaded ${uploads.length} artifact file(s) to ${repository.rootUri}.`);
    }
    if (model) setOutput('modelUri', model.uri);
    if (p.finalStatus !== 'RUNNING') await setRunStatus(client, runId, p.finalStatus);
    const ending = p.finalStatus === 'RUNNING' ? 'left RUNNING' : p.finalStatus;
    writeRunSummary({ p, run, runUrl, params, metrics: p.metrics, modelUri: model?.uri });
    return {
      result: 'Succeeded',
      message: `Logged MLflow run ${runId} (${ending}).`,
    };
  } catch (error) {
    await setRunStatus(client, runId, 'FAILED').catch(() => undefined);
    throw error;
  } finally {
    cancel.dispose();
  }
}

async function openRun(client: MlflowClient, p: LogRunParameters): Promise<Run> {
  if (p.resumeRunId) {
    const run = await getLiveRun(client, p.resumeRunId, 'runId');
    if (run.info.status !== 'RUNNING') await setRunStatus(client, p.resumeRunId, 'RUNNING');
    return run;
  }
  const { experiment, created } = await getOrCreateExperiment(client, p.experimentName);
  if (created) tl.debug(`created experiment ${experiment.experiment_id}`);
  const sourceName = p.command ? `${p.command.tool} ${p.command.arguments}`.trim() : undefined;
  return createRunOnce(client, {
    experimentId: experiment.experiment_id,
    ...(p.runName ? { runName: p.runName } : {}),
    tags: lineageTags(p.pipeline, sourceName),
    startTime: p.now,
  });
}

function startCommand(p: LogRunParameters, runId: string, experimentId: string): TrainingProcess {
  const command = p.command;
  if (!command) throw new Error('no command');
  try {
    return startTraining(command, trainingEnvironment(p.connection, runId, experimentId));
  } catch (error) {
    throw new UserError(
      `Input command: cannot start "${command.tool}": ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/** Params not yet on the run; a param already there with another value is an error. */
async function newParams(
  client: MlflowClient,
  runId: string,
  params: KeyValue[],
): Promise<KeyValue[]> {
  if (params.length === 0) return params;
  const current = await getLiveRun(client, runId, 'runId');
  const existing = new Map((current.data?.params ?? []).map((param) => [param.key, param.value]));
  const changed = params.filter(
    (param) => existing.has(param.key) && existing.get(param.key) !== param.value,
  );
  if (changed.length > 0) {
    throw new UserError(
      `The run ${runId} already has the parameter(s) ` +
        `${changed.map((c) => `"${c.key}"`).join(', ')} ` +
        `with another value, and MLflow never changes a logged parameter. Log the new values ` +
        `in a new run, or under other keys.`,
    );
  }
  return params.filter((param) => !existing.has(param.key));
}

/**
 * Logs the model folder as the run's model: on MLflow 3 a logged model (pending, files
 * uploaded, linked to the run, then ready) so MLflow's UI shows it; on MLflow 2 the files go
 * under the run's artifact path of that name. RegisterModel finds it either way.
 */
async function logModel(
  client: MlflowClient,
  run: Run,
  model: { directory: string; name: string },
  major: number,
  log: ArtifactLog,
): Promise<{ uri: string; modelId?: string }> {
  const runId = run.info.run_id;
  if (major >= 3) {
    const logged = await getOrCreateLoggedModel(client, { run, name: model.name });
    const modelId = logged.info.model_id;
    const uploads = planDirectoryUpload(model.directory, '');
    const repository = repositoryForUri(logged.info.artifact_uri ?? '', client, log);
    try {
      await uploadFiles(repository, uploads);
      await verifyUploaded(repository, uploads, '');
    } catch (error) {
      await finalizeLoggedModel(client, modelId, 'LOGGED_MODEL_UPLOAD_FAILED').catch(
        () => undefined,
      );
      throw error;
    }
    await linkModelToRun(client, runId, modelId);
    await finalizeLoggedModel(client, modelId, 'LOGGED_MODEL_READY');
    log.info(`Logged model ${modelId} ("${model.name}", ${uploads.length} files).`);
    return { uri: `models:/${modelId}`, modelId };
  }
  const uploads = planDirectoryUpload(model.directory, model.name);
  const repository = repositoryForUri(run.info.artifact_uri ?? '', client, log);
  await uploadFiles(repository, uploads);
  await verifyUploaded(repository, uploads, model.name);
  log.info(
    `Logged the model under the run's artifacts at "${model.name}" (${uploads.length} files).`,
  );
  return { uri: `runs:/${runId}/${model.name}` };
}

/**
 * Ends the run KILLED when the agent cancels the job (SIGINT, then SIGTERM). This is the one
 * result set outside the task entry: the process must end before the agent kills it.
 */
function onCancel(cleanup: () => Promise<void>): { dispose(): void } {
  const handler = (): void => {
    void cleanup().finally(() => {
      tl.setResult(tl.TaskResult.Cancelled, 'The job was cancelled; the MLflow run is KILLED.');
      process.exit(1);
    });
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
