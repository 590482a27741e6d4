import { HttpError } from '../http/http-error';
import { HttpTransport, type HttpRequest } from '../http/transport';
import type { MlflowConnection } from './connection';
import type { Endpoint } from './endpoints';

/** The MLflow server generation, which decides how models are logged and found. */
export interface ServerInfo {
  /** As `/version` reports it, e.g. "2.17.2"; "unknown" when the route is missing. */
  version: string;
  major: number;
}

/** Options of one call beyond the endpoint's own description. */
export interface CallOptions {
  /** Error codes (or HTTP statuses) answered with `undefined` instead of an error. */
  absentWhen?: (error: { status: number; errorCode?: string }) => boolean;
  /** Mark a non-idempotent call safe to repeat, where the caller made it so. */
  idempotent?: boolean;
}

/** Typed access to an MLflow tracking server through the project's one transport. */
export class MlflowClient {
  readonly transport: HttpTransport;
  readonly connection: MlflowConnection;
  private serverInfo: Promise<ServerInfo> | undefined;

  constructor(connection: MlflowConnection, debug?: (line: string) => void) {
    this.connection = connection;
    this.transport = new HttpTransport({
      baseUrl: connection.trackingUri,
      auth: connection.auth,
      tls: connection.tls,
      retry: connection.retry,
      timeouts: connection.timeouts,
      serverName: 'MLflow',
      ...(debug ? { debug } : {}),
    });
  }

  /** Calls an endpoint; GET and DELETE-without-body send the request as the query string. */
  async call<Req, Res>(endpoint: Endpoint<Req, Res>, request: Req): Promise<Res> {
    const response = await this.transport.request<Res>(this.describe(endpoint, request, {}));
    return response.data;
  }

  /** Like `call`, but answers undefined when the server says the thing does not exist. */
  async find<Req, Res>(
    endpoint: Endpoint<Req, Res>,
    request: Req,
    absentWhen: CallOptions['absentWhen'] = isNotFound,
  ): Promise<Res | undefined> {
    const response = await this.transport.request<Res>(
      this.describe(endpoint, request, { absentWhen }),
    );
    return response.status >= 400 ? undefined : response.data;
  }

  /** Sends a request built by the caller (paths with ids, artifact routes). */
  async raw<T>(request: HttpRequest): Promise<T> {
    return (await this.transport.request<T>(request)).data;
  }

  /** The server's version, asked once per task run. */
  server(): Promise<ServerInfo> {
    this.serverInfo ??= this.readServerInfo();
    return this.serverInfo;
  }

  /** The MLflow UI base: the tracking URI without credentials or a trailing slash. */
  uiBase(): string {
    const url = new URL(this.connection.trackingUri);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/+$/, '');
  }

  private async readServerInfo(): Promise<ServerInfo> {
    const response = await this.transport.request<string>({
      method: 'GET',
      path: 'version',
      responseType: 'text',
      acceptStatus: (status) => status === 404,
    });
    const version = response.status === 200 ? response.data.trim() : 'unknown';
    const major = Number(/^(\d+)\./.exec(version)?.[1] ?? '2');
    return { version, major };
  }

  private describe<Req, Res>(
    endpoint: Endpoint<Req, Res>,
    request: Req,
    options: CallOptions,
  ): HttpRequest {
    const asQuery = endpoint.method === 'GET';
    return {
      method: endpoint.method,
      path: endpoint.path,
      ...(asQuery
        ? { query: request as Record<string, string | number | undefined> }
        : { json: request }),
      idempotent: options.idempotent ?? endpoint.idempotent,
      ...(options.absentWhen
        ? {
            acceptStatus: (status: number, body: { errorCode?: string }) =>
              options.absentWhen!({
                status,
                ...(body.errorCode ? { errorCode: body.errorCode } : {}),
              }),
          }
        : {}),
    };
  }
}

/**
 * MLflow's "does not exist" answer: RESOURCE_DOES_NOT_EXIST. A 404 without an MLflow error code
 * is not one: it is a web page from a wrong base URL and must fail, not read as "absent".
 */
export function isNotFound(error: { status: number; errorCode?: string }): boolean {
  return error.errorCode === 'RESOURCE_DOES_NOT_EXIST';
}

/** True when an error is MLflow's answer with the given error code. */
export function hasErrorCode(error: unknown, code: string): boolean {
  return error instanceof HttpError && error.errorCode === code;
}
