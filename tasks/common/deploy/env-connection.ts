/**
 * The MLflow connection of the sync service, from environment variables only, with the names
 * and meanings of MLflow's own client (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, ...).
 */
import { readFileSync } from 'node:fs';
import type { MlflowConnection } from '../mlflow/connection';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS, type HttpAuth, type TlsSettings } from '../http/settings';
import { UserError } from '../user-error';

/** Reads the connection; a UserError names the variable that is missing or wrong. */
export function mlflowConnectionFromEnv(env: NodeJS.ProcessEnv): MlflowConnection {
  const value = (name: string): string | undefined => env[name] || undefined;
  const trackingUri = value('MLFLOW_TRACKING_URI');
  if (trackingUri === undefined || !/^https?:\/\/[^/]/i.test(trackingUri)) {
    const problem = trackingUri === undefined ? 'not set' : `"${trackingUri}" is not a URL`;
    throw new UserError(
      `Variable MLFLOW_TRACKING_URI: ${problem}` +
        ". Set it to the MLflow tracking server's http(s) URL, e.g. http://mlflow:5000.",
    );
  }

  const token = value('MLFLOW_TRACKING_TOKEN');
  const username = value('MLFLOW_TRACKING_USERNAME');
  const password = value('MLFLOW_TRACKING_PASSWORD');
  let auth: HttpAuth = { kind: 'none' };
  if (token !== undefined) auth = { kind: 'token', token };
  else if (username !== undefined || password !== undefined) {
    auth = { kind: 'basic', username: username ?? '', password: password ?? '' };
  }

  const caPath = value('MLFLOW_TRACKING_SERVER_CERT_PATH');
  const tls: TlsSettings = {
    insecure: /^true$/i.test(value('MLFLOW_TRACKING_INSECURE_TLS') ?? ''),
    ...(caPath ? { caPem: readPem(caPath, 'MLFLOW_TRACKING_SERVER_CERT_PATH') } : {}),
  };
  const bundle = value('AWS_CA_BUNDLE');
  const s3Tls: TlsSettings = {
    insecure: tls.insecure === true || /^true$/i.test(value('MLFLOW_S3_IGNORE_TLS') ?? ''),
    ...(bundle
      ? { caPem: readPem(bundle, 'AWS_CA_BUNDLE') }
      : tls.caPem
        ? { caPem: tls.caPem }
        : {}),
  };
  const endpointUrl = value('MLFLOW_S3_ENDPOINT_URL');
  const accessKeyId = value('AWS_ACCESS_KEY_ID');
  const secretAccessKey = value('AWS_SECRET_ACCESS_KEY');
  const sessionToken = value('AWS_SESSION_TOKEN');

  return {
    trackingUri,
    auth,
    tls,
    s3: {
      ...(endpointUrl ? { endpointUrl } : {}),
      ...(accessKeyId ? { accessKeyId } : {}),
      ...(secretAccessKey ? { secretAccessKey } : {}),
      ...(sessionToken ? { sessionToken } : {}),
      region: value('AWS_REGION') ?? value('AWS_DEFAULT_REGION') ?? 'us-east-1',
      tls: s3Tls,
    },
    retry: {
      ...DEFAULT_RETRY,
      maxRetries: wholeNumber(env, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', DEFAULT_RETRY.maxRetries),
    },
    timeouts: {
      ...DEFAULT_TIMEOUTS,
      readMs:
        wholeNumber(env, 'MLFLOW_HTTP_REQUEST_TIMEOUT', DEFAULT_TIMEOUTS.readMs / 1000) * 1000,
    },
    origin: 'environment (MLFLOW_TRACKING_URI)',
  };
}

/** A whole-number variable, or the fallback when unset; a UserError when it is not one. */
export function wholeNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min = 0,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const parsed = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(parsed) || parsed < min) {
    throw new UserError(
      `Variable ${name}: "${raw}" is not a whole number${min > 0 ? ` of at least ${min}` : ''}. ` +
        `Unset it for the default (${fallback}), or give a number like ${Math.max(fallback, min)}.`,
    );
  }
  return parsed;
}

function readPem(file: string, name: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `Variable ${name}: cannot read "${file}" (${(error as Error).message}). Give the path ` +
        'of a PEM file the service can read.',
    );
  }
}
