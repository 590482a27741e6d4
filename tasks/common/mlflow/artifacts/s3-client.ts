import * as https from 'node:https';
import * as tls from 'node:tls';
import { S3Client } from '@aws-sdk/client-s3';
import { UserError } from '../../user-error';
import type { S3Settings } from '../connection';

/**
 * An S3 client for MinIO as MLflow's own client builds one: the endpoint from the connection
 * or MLFLOW_S3_ENDPOINT_URL, path-style addressing, the connection's TLS settings. Without an
 * endpoint it refuses, rather than sending the team's artifacts to AWS's public endpoint.
 */
export function createS3Client(settings: S3Settings, uri: string): S3Client {
  if (!settings.endpointUrl) {
    throw new UserError(
      `The artifacts of this run live in S3 (${uri}) but no S3 endpoint is configured. Set ` +
        `the S3 endpoint URL of the MLflow service connection, or MLFLOW_S3_ENDPOINT_URL ` +
        `(e.g. http://minio.internal:9000), and the access keys.`,
    );
  }
  if (!settings.accessKeyId || !settings.secretAccessKey) {
    throw new UserError(
      `The artifacts of this run live in S3 (${uri}) but no S3 credentials are configured. ` +
        `Set the S3 access key id and secret key of the MLflow service connection, or ` +
        `AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
    );
  }
  // The bundle pins its SDK version and the agent picks the Node version (Node20_1 or Node24):
  // the SDK's notice about its future Node requirement is not something a pipeline can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const httpsAgent = new https.Agent({
    keepAlive: true,
    ...(settings.tls.caPem ? { ca: [...tls.rootCertificates, settings.tls.caPem] } : {}),
    rejectUnauthorized: !settings.tls.insecure,
  });
  return new S3Client({
    endpoint: settings.endpointUrl,
    region: settings.region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      ...(settings.sessionToken ? { sessionToken: settings.sessionToken } : {}),
    },
    requestHandler: { httpsAgent },
    // MinIO and s3rver do not all speak the newer default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Splits `s3://bucket/prefix` into its bucket and key prefix. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) {
    throw new UserError(`"${uri}" is not an s3://bucket/path URI.`);
  }
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '') };
}
