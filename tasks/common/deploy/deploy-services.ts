/**
 * Builds the clients a deployment needs from plain settings, so the task and the sync service
 * open MLflow, Triton and the model repository the same way.
 */
import type { MlflowConnection } from '../mlflow/connection';
import { createS3Client } from '../mlflow/artifacts/s3-client';
import { MlflowClient } from '../mlflow/mlflow-client';
import { KserveClient } from '../triton/kserve/kserve-client';
import { UserError } from '../user-error';
import type { DeployLog, DeployServices } from './deploy-model';
import { LocalModelStore } from './local-store';
import type { ModelStore } from './model-store';
import { S3ModelStore } from './s3-store';

/** Where the servers are; `repositoryName` names the setting in messages. */
export interface DeployTargets {
  connection: MlflowConnection;
  tritonUrl: string;
  repository: string;
  repositoryName: string;
  debug?: (line: string) => void;
}

/** The MLflow and Triton clients and the model repository store. */
export function openDeployServices(targets: DeployTargets, log: DeployLog): DeployServices {
  const { connection, debug } = targets;
  return {
    mlflow: new MlflowClient(connection, debug),
    triton: new KserveClient({
      url: targets.tritonUrl,
      retry: connection.retry,
      timeouts: connection.timeouts,
      ...(debug ? { debug } : {}),
    }),
    store: openModelStore(targets),
    log,
  };
}

/** A local folder, or an s3:// prefix reached with the connection's S3 settings. */
export function openModelStore(targets: DeployTargets): ModelStore {
  const { repository, repositoryName } = targets;
  if (/^s3a?:\/\//i.test(repository)) {
    const s3 = targets.connection.s3;
    if (!s3.endpointUrl || !s3.accessKeyId || !s3.secretAccessKey) {
      throw new UserError(
        `${repositoryName}: "${repository}" is in S3, but no S3 endpoint and keys are set. ` +
          'Set the S3 endpoint and keys of the MLflow service connection, or ' +
          'MLFLOW_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the MinIO ' +
          'that Triton reads the repository from).',
      );
    }
    return new S3ModelStore(repository, createS3Client(s3, repository));
  }
  if (/^[a-z][\w+.-]+:\/\//i.test(repository)) {
    throw new UserError(
      `${repositoryName}: "${repository}" is neither a local folder nor an s3:// prefix. ` +
        'Give the folder Triton reads (its --model-repository) or s3://bucket/prefix on MinIO.',
    );
  }
  return new LocalModelStore(repository);
}
