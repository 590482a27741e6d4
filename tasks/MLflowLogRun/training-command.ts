import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import type { ToolRunner } from 'azure-pipelines-task-lib/toolrunner';
import type { MlflowConnection } from '../common/mlflow/connection';

/** The variables a training script needs to log into the same run with MLflow's own client. */
export function trainingEnvironment(
  connection: MlflowConnection,
  runId: string,
  experimentId: string,
): Record<string, string> {
  const env: Record<string, string> = {
    MLFLOW_TRACKING_URI: connection.trackingUri,
    MLFLOW_RUN_ID: runId,
    MLFLOW_EXPERIMENT_ID: experimentId,
  };
  if (connection.auth.kind === 'token') env.MLFLOW_TRACKING_TOKEN = connection.auth.token;
  if (connection.auth.kind === 'basic') {
    env.MLFLOW_TRACKING_USERNAME = connection.auth.username;
    env.MLFLOW_TRACKING_PASSWORD = connection.auth.password;
  }
  if (connection.tls.insecure) env.MLFLOW_TRACKING_INSECURE_TLS = 'true';
  if (connection.tls.caPem) {
    // MLflow's client reads the CA from a file; the service connection holds the PEM text.
    const file = path.join(
      tl.getVariable('Agent.TempDirectory') ?? os.tmpdir(),
      `mlflow-ca-${runId}.pem`,
    );
    fs.writeFileSync(file, connection.tls.caPem, { mode: 0o600 });
    env.MLFLOW_TRACKING_SERVER_CERT_PATH = file;
  }
  const s3 = connection.s3;
  if (s3.endpointUrl) env.MLFLOW_S3_ENDPOINT_URL = s3.endpointUrl;
  if (s3.accessKeyId) env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
  if (s3.secretAccessKey) env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
  if (s3.sessionToken) env.AWS_SESSION_TOKEN = s3.sessionToken;
  return env;
}

/** A started training command, which the task can stop when the job is cancelled. */
export interface TrainingProcess {
  exitCode: Promise<number>;
  stop(): void;
}

/**
 * Runs the training command with its output streamed to the log. Credentials travel in the
 * environment only, never on the command line the log shows.
 */
export function startTraining(
  command: { tool: string; arguments: string; workingDirectory: string },
  extraEnv: Record<string, string>,
): TrainingProcess {
  const runner: ToolRunner = tl.tool(tl.which(command.tool, true)).line(command.arguments);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined) env[key] = value;
  }
  const exitCode = runner.execAsync({
    cwd: command.workingDirectory,
    env: { ...env, ...extraEnv },
    ignoreReturnCode: true,
    failOnStdErr: false,
  });
  return { exitCode, stop: () => runner.killChildProcess('SIGTERM') };
}
