/** How a request proves who sends it. */
export type HttpAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'token'; token: string };

/** TLS settings that reach every path of one server (tracking, artifact proxy, S3). */
export interface TlsSettings {
  /** PEM text of extra CA certificates to trust, in addition to the system's. */
  caPem?: string;
  /** PEM client certificate and key for mutual TLS. */
  clientCertPem?: string;
  clientKeyPem?: string;
  /** Skip certificate verification; only by the user's explicit choice. */
  insecure?: boolean;
}

/** Bounds of the retry loop; every field may be overridden by the caller. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff; doubled each retry, with full jitter. */
  baseDelayMs: number;
  /** Largest single wait, Retry-After included. */
  maxDelayMs: number;
  /** Stop retrying once this much time has passed since the first attempt. */
  maxTotalMs: number;
}

/** Timeouts for one request. */
export interface TimeoutSettings {
  /** Time allowed to open the TCP (and TLS) connection. */
  connectMs: number;
  /** Time allowed between sending the request and the whole answer arriving. */
  readMs: number;
}

/** Everything the transport needs to talk to one server. */
export interface TransportSettings {
  /** Base URL; request paths are appended to it. */
  baseUrl: string;
  auth: HttpAuth;
  tls: TlsSettings;
  retry: RetryPolicy;
  timeouts: TimeoutSettings;
  /** Name of the server in messages, e.g. "MLflow" or "Triton". */
  serverName: string;
  /** Receives debug lines (never secrets). */
  debug?: (line: string) => void;
}

/** Defaults chosen for servers on a private network that may restart during a pipeline. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxTotalMs: 60_000,
};

/** Defaults: a quick connect, a generous read for large answers and artifact uploads. */
export const DEFAULT_TIMEOUTS: TimeoutSettings = { connectMs: 10_000, readMs: 120_000 };
