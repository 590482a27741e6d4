import * as fs from 'node:fs';
import * as tl from 'azure-pipelines-task-lib/task';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS, type HttpAuth, type TlsSettings } from '../http/settings';
import type { MlflowConnection, S3Settings } from '../mlflow/connection';
import { UserError } from '../user-error';
import { integerInput, optionalString } from './inputs';
import { registerBasicCredentials, registerSecret } from './secrets';

/** Name of the service-connection input every MLflow task declares. */
export const MLFLOW_CONNECTION_INPUT = 'mlflowServiceConnection';

/**
 * Reads the MLflow server settings from the task's service connection or, without one, from
 * the variables MLflow's own client reads, with the same meaning. Every secret is registered
 * with the agent before it is used.
 */
export function readMlflowConnection(): MlflowConnection {
  const id = optionalString(MLFLOW_CONNECTION_INPUT);
  const base = id ? fromServiceConnection(id) : fromEnvironment();
  const retries = integerInput('maxRetries', envInt('MLFLOW_HTTP_REQUEST_MAX_RETRIES') ?? 5, {
    min: 0,
    max: 20,
  });
  const timeoutSeconds = integerInput(
    'requestTimeoutSeconds',
    envInt('MLFLOW_HTTP_REQUEST_TIMEOUT') ?? DEFAULT_TIMEOUTS.readMs / 1000,
    { min: 1, max: 3600 },
  );
  checkTrackingUri(base.trackingUri, base.origin);
  const enabled = env('MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD');
  const minimumFileBytes = envInt('MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE');
  const partBytes = envInt('MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE');
  return {
    ...base,
    multipart: {
      ...(enabled !== undefined ? { enabled: !/^false$/i.test(enabled) } : {}),
      ...(minimumFileBytes !== undefined ? { minimumFileBytes } : {}),
      ...(partBytes !== undefined ? { partBytes } : {}),
    },
    retry: { ...DEFAULT_RETRY, maxRetries: retries },
    timeouts: { ...DEFAULT_TIMEOUTS, readMs: timeoutSeconds * 1000 },
  };
}

type BaseConnection = Omit<MlflowConnection, 'retry' | 'timeouts'>;

function fromServiceConnection(id: string): BaseConnection {
  const origin = `service connection "${id}"`;
  // Straight from the environment: tl.getEndpointUrl debug-logs the URL, credentials and all,
  // before they can be registered.
  const url = process.env[`ENDPOINT_URL_${id}`] || undefined;
  if (!url) {
    throw new UserError(
      `Input ${MLFLOW_CONNECTION_INPUT}: the ${origin} has no server URL, or the job cannot ` +
        `use it. Check that it exists and that this pipeline is allowed to use it.`,
    );
  }
  // getEndpointAuthorization, unlike the per-parameter getter, does not debug-log the values.
  const authorization = tl.getEndpointAuthorization(id, true);
  const scheme = (authorization?.scheme ?? 'None').toLowerCase();
  const parameters = Object.entries(authorization?.parameters ?? {});
  const param = (key: string): string | undefined =>
    parameters.find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1] || undefined;
  const data = (key: string): string | undefined =>
    tl.getEndpointDataParameter(id, key, true) || undefined;
  // Read from the environment directly: task-lib's getter would debug-log the secret.
  const secretData = (key: string): string | undefined =>
    process.env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`] || undefined;

  let auth: HttpAuth = { kind: 'none' };
  if (scheme === 'usernamepassword') {
    const username = param('username') ?? '';
    const password = param('password') ?? '';
    registerBasicCredentials(username, password);
    auth = { kind: 'basic', username, password };
  } else if (scheme === 'token') {
    const token = param('apitoken') ?? '';
    registerSecret(token);
    auth = { kind: 'token', token };
  }

  const insecure = /^true$/i.test(data('acceptUntrustedCerts') ?? '');
  const caPem = data('caCertificate');
  const tls: TlsSettings = { ...(caPem ? { caPem } : {}), insecure };
  warnIfInsecure(insecure, origin);

  const secretKey = secretData('s3SecretAccessKey');
  registerSecret(secretKey);
  const s3: S3Settings = {
    ...definedOnly({
      endpointUrl: data('s3EndpointUrl') ?? env('MLFLOW_S3_ENDPOINT_URL'),
      accessKeyId: data('s3AccessKeyId') ?? env('AWS_ACCESS_KEY_ID'),
      secretAccessKey: secretKey ?? envSecret('AWS_SECRET_ACCESS_KEY'),
      sessionToken: envSecret('AWS_SESSION_TOKEN'),
    }),
    region: data('s3Region') ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION') ?? 'us-east-1',
    tls: s3Tls(tls),
  };
  return { trackingUri: url, auth, tls, s3, origin };
}

function fromEnvironment(): BaseConnection {
  const origin = 'environment (MLFLOW_TRACKING_URI)';
  const trackingUri = env('MLFLOW_TRACKING_URI');
  if (!trackingUri) {
    throw new UserError(
      `Input required: ${MLFLOW_CONNECTION_INPUT} (an MLflow service connection), or set the ` +
        `variable MLFLOW_TRACKING_URI to the server's URL.`,
    );
  }
  const token = envSecret('MLFLOW_TRACKING_TOKEN');
  const username = env('MLFLOW_TRACKING_USERNAME');
  const password = envSecret('MLFLOW_TRACKING_PASSWORD');
  let auth: HttpAuth = { kind: 'none' };
  if (token) {
    registerSecret(token);
    auth = { kind: 'token', token };
  } else if (username !== undefined || password !== undefined) {
    registerBasicCredentials(username ?? '', password ?? '');
    auth = { kind: 'basic', username: username ?? '', password: password ?? '' };
  }

  const insecure = /^true$/i.test(env('MLFLOW_TRACKING_INSECURE_TLS') ?? '');
  warnIfInsecure(insecure, origin);
  const caPath = env('MLFLOW_TRACKING_SERVER_CERT_PATH');
  const clientPath = env('MLFLOW_TRACKING_CLIENT_CERT_PATH');
  const tls: TlsSettings = {
    insecure,
    ...(caPath ? { caPem: readPem(caPath, 'MLFLOW_TRACKING_SERVER_CERT_PATH') } : {}),
    ...(clientPath ? clientCertificate(clientPath) : {}),
  };

  const secretAccessKey = envSecret('AWS_SECRET_ACCESS_KEY');
  registerSecret(secretAccessKey);
  const sessionToken = envSecret('AWS_SESSION_TOKEN');
  registerSecret(sessionToken);
  const s3: S3Settings = {
    ...definedOnly({
      endpointUrl: env('MLFLOW_S3_ENDPOINT_URL'),
      accessKeyId: env('AWS_ACCESS_KEY_ID'),
      secretAccessKey,
      sessionToken,
    }),
    region: env('AWS_REGION') ?? env('AWS_DEFAULT_REGION') ?? 'us-east-1',
    tls: s3Tls(tls),
  };
  return { trackingUri, auth, tls, s3, origin };
}

/** S3 trusts AWS_CA_BUNDLE when set, else the tracking server's CA; MLFLOW_S3_IGNORE_TLS skips. */
function s3Tls(tracking: TlsSettings): TlsSettings {
  const bundle = env('AWS_CA_BUNDLE');
  const insecure = /^true$/i.test(env('MLFLOW_S3_IGNORE_TLS') ?? '') || tracking.insecure === true;
  if (bundle) return { caPem: readPem(bundle, 'AWS_CA_BUNDLE'), insecure };
  return { ...tracking, insecure };
}

function checkTrackingUri(uri: string, origin: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(uri);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new UserError(
      `The MLflow tracking URI from the ${origin} is not an http(s) URL. The tasks talk to an ` +
        `MLflow tracking server: give its URL, e.g. http://mlflow.internal:5000.`,
    );
  }
  if (parsed.username || parsed.password) {
    registerSecret(uri);
    registerBasicCredentials(parsed.username, parsed.password);
    try {
      registerBasicCredentials(
        decodeURIComponent(parsed.username),
        decodeURIComponent(parsed.password),
      );
    } catch {
      throw new UserError(
        `The MLflow tracking URI from the ${origin} has a user name or password with a "%" ` +
          `that is not a valid escape. Write special characters URL-encoded (% as %25), or ` +
          `give the credentials as MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.`,
      );
    }
  }
}

function warnIfInsecure(insecure: boolean, origin: string): void {
  if (insecure) {
    tl.warning(
      `TLS certificate verification is off for MLflow (${origin}): anyone on the network ` +
        `path could read the credentials. Set the server's CA certificate instead.`,
    );
  }
}

function readPem(path: string, name: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(
      `${name}: cannot read the certificate file "${path}" (${(error as Error).message}). ` +
        `Give the path of a PEM file readable by the agent.`,
    );
  }
}

function clientCertificate(path: string): Pick<TlsSettings, 'clientCertPem' | 'clientKeyPem'> {
  const pem = readPem(path, 'MLFLOW_TRACKING_CLIENT_CERT_PATH');
  const key = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/.exec(
    pem,
  );
  if (!key) {
    throw new UserError(
      `MLFLOW_TRACKING_CLIENT_CERT_PATH: "${path}" holds no private key. Give one PEM file ` +
        `with both the client certificate and its key.`,
    );
  }
  registerSecret(key[0]);
  return { clientCertPem: pem.replace(key[0], ''), clientKeyPem: key[0] };
}

/**
 * Reads MLflow's and AWS's variables straight from the environment, as MLflow's client does.
 * Not through tl.getVariable: it writes every value it reads, secrets included, to the debug log.
 */
function env(name: string): string | undefined {
  const value = process.env[name];
  return value ? value : undefined;
}

function envSecret(name: string): string | undefined {
  const value = env(name);
  registerSecret(value);
  return value;
}

function envInt(name: string): number | undefined {
  const raw = env(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new UserError(`Variable ${name}: "${raw}" is not a whole number.`);
  }
  return value;
}

function definedOnly<T extends Record<string, string | undefined>>(values: T): Partial<T> {
  const result: Partial<T> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (result as Record<string, string>)[key] = value;
  }
  return result;
}
