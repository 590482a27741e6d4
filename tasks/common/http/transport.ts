import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from 'axios';
import type { Readable } from 'node:stream';
import { createAgents } from './agents';
import { hintForNetworkError, hintForStatus } from './failure-hints';
import { HttpError } from './http-error';
import { redactUrl } from './redact';
import { readErrorBody } from './response-body';
import { backoffDelay, parseRetryAfter, shouldRetry } from './retry-policy';
import type { TransportSettings } from './settings';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type QueryValue = string | number | boolean | undefined | readonly string[];

/** One request, described as data; the transport adds auth, TLS, timeouts and retries. */
export interface HttpRequest {
  method: HttpMethod;
  /** Path appended to the base URL, or an absolute URL (e.g. a presigned S3 part URL). */
  path: string;
  query?: Record<string, QueryValue>;
  /** A JSON body. */
  json?: unknown;
  /** A raw body; a factory so that a retry can send it again. */
  body?: () => Buffer | Readable;
  /** Length of `body` when known, sent as Content-Length. */
  bodyLength?: number;
  headers?: Record<string, string>;
  /**
   * The caller made this request safe to repeat. GET and HEAD always are; others are retried
   * only on failures where nothing reached the server.
   */
  idempotent?: boolean;
  responseType?: 'json' | 'text' | 'stream' | 'buffer';
  /** Statuses handed back to the caller instead of thrown (e.g. 404 for "does not exist"). */
  acceptStatus?: (status: number, body: { errorCode?: string }) => boolean;
  /** Omit the Authorization header (presigned URLs carry their own signature). */
  withoutAuth?: boolean;
  /** Override the read timeout for this request. */
  readTimeoutMs?: number;
}

/** The answer, with the body parsed as the request asked. */
export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string | undefined>;
  data: T;
  /** MLflow's `error_code`, for accepted error statuses. */
  errorCode?: string;
}

/** Counts what the transport did, for benchmarks and tests. */
export interface TransportStats {
  requests: number;
  retries: number;
}

/** The one HTTP client of the project: every server is reached through an instance of it. */
export class HttpTransport {
  readonly settings: TransportSettings;
  readonly stats: TransportStats = { requests: 0, retries: 0 };
  private readonly client: AxiosInstance;
  private readonly authorization: string | undefined;

  constructor(settings: TransportSettings) {
    this.settings = settings;
    const agents = createAgents(settings.tls, settings.timeouts.connectMs);
    this.client = axios.create({
      ...agents,
      validateStatus: () => true,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      decompress: true,
    });
    this.authorization = authorizationHeader(settings);
  }

  /** Builds the absolute URL of a path, with its query string. */
  url(path: string, query?: Record<string, QueryValue>): string {
    const base = this.settings.baseUrl.replace(/\/+$/, '');
    const absolute = /^https?:\/\//i.test(path) ? path : `${base}/${path.replace(/^\/+/, '')}`;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
      else params.append(key, String(value));
    }
    const search = params.toString();
    if (!search) return absolute;
    return `${absolute}${absolute.includes('?') ? '&' : '?'}${search}`;
  }

  /** Sends the request, retrying as the policy allows; throws HttpError when it fails. */
  async request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
    const url = this.url(request.path, request.query);
    const shownUrl = redactUrl(url);
    const started = Date.now();
    const policy = this.settings.retry;
    for (let attempt = 1; ; attempt++) {
      this.stats.requests++;
      const outcome = await this.attempt<T>(request, url);
      const elapsed = Date.now() - started;
      this.debug(
        `${request.method} ${shownUrl} -> ${outcome.response?.status ?? outcome.networkCode}` +
          ` (attempt ${attempt}, ${elapsed} ms)`,
      );
      if (outcome.response && !isErrorStatus(outcome.response.status)) return outcome.response;
      if (outcome.response && request.acceptStatus?.(outcome.response.status, outcome.response)) {
        return outcome.response;
      }
      const retryAfter = parseRetryAfter(outcome.response?.headers['retry-after']);
      const wait = backoffDelay(policy, attempt, retryAfter);
      const retryable = shouldRetry(
        { status: outcome.response?.status, networkCode: outcome.networkCode },
        request.method,
        request.idempotent === true,
      );
      if (!retryable || attempt > policy.maxRetries || elapsed + wait > policy.maxTotalMs) {
        throw this.failure(request, url, outcome, attempt);
      }
      this.stats.retries++;
      await sleep(wait);
    }
  }

  private async attempt<T>(request: HttpRequest, url: string): Promise<AttemptOutcome<T>> {
    const headers: Record<string, string> = { ...request.headers };
    if (this.authorization && !request.withoutAuth) headers.Authorization = this.authorization;
    let data: unknown;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      data = JSON.stringify(request.json);
    } else if (request.body) {
      data = request.body();
      if (request.bodyLength !== undefined) headers['Content-Length'] = `${request.bodyLength}`;
    }
    const wanted = request.responseType ?? 'json';
    let response: AxiosResponse<unknown>;
    try {
      response = await this.client.request({
        method: request.method,
        url,
        headers,
        data,
        timeout: request.readTimeoutMs ?? this.settings.timeouts.readMs,
        // Following redirects means keeping the whole body to send it again: streamed
        // uploads go without, so memory stays flat whatever the file size.
        ...(request.body ? { maxRedirects: 0 } : {}),
        responseType: wanted === 'stream' ? 'stream' : 'arraybuffer',
      });
    } catch (error) {
      return networkOutcome(error);
    }
    return readResponse<T>(response, wanted);
  }

  private failure<T>(
    request: HttpRequest,
    url: string,
    outcome: AttemptOutcome<T>,
    attempts: number,
  ): HttpError {
    const serverName = this.settings.serverName;
    const base = { method: request.method, url: redactUrl(url), serverName, attempts };
    if (!outcome.response) {
      const hint = hintForNetworkError(
        outcome.networkCode,
        outcome.networkMessage ?? '',
        new URL(url),
        serverName,
      );
      return new HttpError({
        ...base,
        ...(outcome.networkCode ? { networkCode: outcome.networkCode } : {}),
        ...(outcome.networkMessage ? { serverMessage: outcome.networkMessage } : {}),
        hint,
      });
    }
    const { status } = outcome.response;
    const body = outcome.errorBody ?? { isHtml: false };
    const hint = hintForStatus(status, serverName, body.isHtml, body.message);
    return new HttpError({
      ...base,
      status,
      ...(body.errorCode ? { errorCode: body.errorCode } : {}),
      ...(body.message ? { serverMessage: body.message } : {}),
      ...(hint ? { hint } : {}),
    });
  }

  private debug(line: string): void {
    this.settings.debug?.(line);
  }
}

interface AttemptOutcome<T> {
  response?: HttpResponse<T>;
  errorBody?: ReturnType<typeof readErrorBody>;
  networkCode?: string;
  networkMessage?: string;
}

function isErrorStatus(status: number): boolean {
  return status >= 400;
}

async function readResponse<T>(
  response: AxiosResponse<unknown>,
  wanted: NonNullable<HttpRequest['responseType']>,
): Promise<AttemptOutcome<T>> {
  const headers = flattenHeaders(response.headers);
  const contentType = headers['content-type'];
  if (isErrorStatus(response.status)) {
    const raw =
      wanted === 'stream'
        ? await readStreamPrefix(response.data as Readable)
        : Buffer.from(response.data as ArrayBuffer);
    const errorBody = readErrorBody(contentType, raw.toString('utf8'));
    const data = parseBody(raw, contentType) as T;
    return {
      response: {
        status: response.status,
        headers,
        data,
        ...(errorBody.errorCode ? { errorCode: errorBody.errorCode } : {}),
      },
      errorBody,
    };
  }
  let data: unknown;
  if (wanted === 'stream') data = response.data;
  else {
    const raw = Buffer.from(response.data as ArrayBuffer);
    if (wanted === 'buffer') data = raw;
    else if (wanted === 'text') data = raw.toString('utf8');
    else data = parseBody(raw, contentType);
  }
  return { response: { status: response.status, headers, data: data as T } };
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (/json/i.test(contentType ?? '') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

async function readStreamPrefix(stream: Readable, limit = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= limit) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks);
}

function flattenHeaders(headers: Record<string, unknown>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) flat[key.toLowerCase()] = value.join(', ');
    else if (typeof value === 'string' || typeof value === 'number') {
      flat[key.toLowerCase()] = String(value);
    }
  }
  return flat;
}

function networkOutcome<T>(error: unknown): AttemptOutcome<T> {
  if (isAxiosError(error)) {
    const cause = error.cause as { code?: string; message?: string } | undefined;
    const code = cause?.code ?? error.code;
    const message = cause?.message ?? error.message;
    return { networkCode: code ?? 'ERR_NETWORK', networkMessage: message };
  }
  const plain = error as { code?: string; message?: string };
  return { networkCode: plain.code ?? 'ERR_NETWORK', networkMessage: plain.message ?? '' };
}

function authorizationHeader(settings: TransportSettings): string | undefined {
  const auth = settings.auth;
  if (auth.kind === 'basic') {
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
  if (auth.kind === 'token') return `Bearer ${auth.token}`;
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
