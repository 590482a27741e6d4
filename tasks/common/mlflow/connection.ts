import type { HttpAuth, RetryPolicy, TimeoutSettings, TlsSettings } from '../http/settings';

/** Direct S3 (MinIO) access, for artifact URIs that start with s3://. */
export interface S3Settings {
  /** MLFLOW_S3_ENDPOINT_URL; required: we never fall back to AWS's public endpoint. */
  endpointUrl?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  region: string;
  tls: TlsSettings;
}

/** Where the MLflow server is and how to talk to it, from a service connection or the env. */
export interface MlflowConnection {
  trackingUri: string;
  auth: HttpAuth;
  tls: TlsSettings;
  s3: S3Settings;
  retry: RetryPolicy;
  timeouts: TimeoutSettings;
  /** Where the settings came from, for messages: `service connection "x"` or `environment`. */
  origin: string;
  /** Overrides of the artifact proxy's multipart upload, from MLflow's own variables. */
  multipart?: { enabled?: boolean; minimumFileBytes?: number; partBytes?: number };
}
