import { UserError } from '../../user-error';
import type { MlflowClient } from '../mlflow-client';
import type { ArtifactLog, ArtifactRepository } from './artifact-repository';
import {
  DEFAULT_MULTIPART,
  type MultipartSettings,
  ProxyArtifactRepository,
} from './proxy-repository';
import { createS3Client } from './s3-client';
import { S3ArtifactRepository } from './s3-repository';

/**
 * The repository for an artifact root URI, decided as MLflow's client decides:
 * `mlflow-artifacts:` through the tracking server's proxy, `s3://` straight to S3/MinIO.
 * A local path is refused: the agent cannot write to the MLflow server's disk.
 */
export function repositoryForUri(
  uri: string,
  client: MlflowClient,
  log: ArtifactLog,
  multipart?: MultipartSettings,
): ArtifactRepository {
  if (uri.startsWith('mlflow-artifacts:')) {
    return new ProxyArtifactRepository(uri, client, log, multipart ?? multipartFor(client));
  }
  if (/^s3a?:\/\//.test(uri)) {
    return new S3ArtifactRepository(uri, createS3Client(client.connection.s3, uri));
  }
  throw new UserError(
    `The artifact root "${uri}" is a path on the MLflow server's own disk, which the agent ` +
      `cannot write to. Start the server with artifact serving (mlflow server ` +
      `--serve-artifacts, the default since 2.0, with --artifacts-destination) or an S3 ` +
      `artifact root, then use a new experiment (an experiment keeps its artifact location).`,
  );
}

/** The defaults, with what the connection overrides (MLflow's MLFLOW_MULTIPART_* variables). */
function multipartFor(client: MlflowClient): MultipartSettings {
  const settings = client.connection.multipart ?? {};
  return {
    ...DEFAULT_MULTIPART,
    ...(settings.minimumFileBytes !== undefined
      ? { minimumFileBytes: settings.minimumFileBytes }
      : {}),
    ...(settings.partBytes !== undefined ? { partBytes: settings.partBytes } : {}),
    ...(settings.enabled === false ? { minimumFileBytes: Number.POSITIVE_INFINITY } : {}),
  };
}
