import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  type ArtifactStorage,
  MemoryArtifactStorage,
  type StoredArtifact,
} from './artifact-storage';
import type { Database } from './database-messages';
import { MlflowApiError, RawReplyError } from './errors';
import { type ActiveFault, type FaultSpec, FaultInjector } from './faults';
import { type ApiReply, type ApiRequest, htmlReply, internalErrorPage, notFoundPage } from './http';
import { type RegistrationBehaviour, type Route, type ServerContext, resolveRoute } from './router';
import { artifactRoutes, uiArtifactRoutes } from './routes/artifacts';
import { createDefaultExperiment, experimentRoutes } from './routes/experiments';
import { loggedModelRoutes } from './routes/logged-models';
import { loggingRoutes } from './routes/logging';
import { metricRoutes } from './routes/metrics';
import { modelVersionRoutes } from './routes/model-versions';
import { proxyRoutes } from './routes/proxy';
import { registeredModelRoutes } from './routes/registered-models';
import { runRoutes } from './routes/runs';
import { type S3Endpoint, S3Access } from './s3-access';
import { checkSecurity } from './security';
import { MlflowStore } from './store';
import type { MlflowMode } from './views';
import { type AuthOptions, BasicAuth } from './auth/basic-auth';

/** How the test server is set up, mirroring the recorded server setups. */
export interface MlflowServerOptions {
  /** Answer as MLflow 2.17.2 (default) or 3.11.1. */
  mode?: MlflowMode;
  /**
   * `proxy`: `mlflow-artifacts:/` served from memory, like a local-disk destination (mpu 501).
   * `s3-direct`: `s3://` locations, proxy routes 503; listings read S3.
   * `s3-proxy`: the proxy writes to S3 and offers multipart upload.
   */
  artifacts?: 'proxy' | 's3-direct' | 's3-proxy';
  /** S3 as the server sees it; required for the S3 setups. */
  s3?: S3Endpoint;
  /** Turns on the basic-auth app (admin/password plus these users). */
  auth?: AuthOptions;
  /** 3.x: Host values accepted besides loopback and private addresses. */
  allowedHosts?: string[];
  /** 3.x: Origins accepted for writes besides localhost. */
  allowedOrigins?: string[];
  /** Which database the error texts come from. */
  database?: Database;
  /** Serve under this path (e.g. '/mlflow'), as behind a reverse proxy. */
  basePath?: string;
  /** Seed of the random that decides probabilistic faults. */
  faultSeed?: number;
}

/** One request as the server saw it, for tests that count or inspect requests. */
export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or the raw text for other bodies ('' when empty). */
  body: unknown;
  status: number;
}

/** A running test server. */
export interface MlflowTestServer {
  url: string;
  mode: MlflowMode;
  store: MlflowStore;
  requests: RequestLogEntry[];
  faults: {
    add(spec: FaultSpec): ActiveFault;
    clear(): void;
  };
  /** How model versions created from now on register (default: READY at once). */
  registration: RegistrationBehaviour;
  /** Every stored artifact file with its size (memory or the S3 bucket). */
  artifacts(): Promise<StoredArtifact[]>;
  close(): Promise<void>;
}

const apiRoutes: Route[] = [
  ...experimentRoutes,
  ...runRoutes,
  ...loggingRoutes,
  ...metricRoutes,
  ...artifactRoutes,
  ...proxyRoutes,
  ...registeredModelRoutes,
  ...modelVersionRoutes,
];

function versionText(mode: MlflowMode): string {
  return mode === 3 ? '3.11.1' : '2.17.2';
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function logBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return '';
  // Large uploads (benchmarks send 1 GiB) would not fit in one string; their size is enough.
  if (body.length > 1024 * 1024) return `<${body.length} bytes>`;
  const text = body.toString('utf8');
  if (contentType?.includes('json') === true) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function writeReply(response: ServerResponse, reply: ApiReply): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  response.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    'Content-Length': body.length,
    ...reply.headers,
  });
  response.end(body);
}

function faultReply(status: number, body: string | undefined): ApiReply {
  const text = body ?? '';
  try {
    JSON.parse(text);
    return { status, contentType: 'application/json', body: text };
  } catch {
    return { status, contentType: 'text/plain', body: text };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts a protocol-faithful MLflow server on 127.0.0.1 and a free port. */
export async function startMlflowServer(
  options: MlflowServerOptions = {},
): Promise<MlflowTestServer> {
  const mode = options.mode ?? 2;
  const setup = options.artifacts ?? 'proxy';
  if (setup !== 'proxy' && options.s3 === undefined) {
    throw new Error(`artifacts: '${setup}' needs the s3 endpoint option`);
  }
  const s3 = options.s3 === undefined ? undefined : new S3Access(options.s3);
  const bucket = options.s3?.bucket ?? '';
  let storage: ArtifactStorage | undefined;
  if (setup === 'proxy') storage = new MemoryArtifactStorage();
  if (setup === 's3-proxy') storage = s3?.storage(bucket, '');
  const store = new MlflowStore();
  const auth = options.auth === undefined ? undefined : new BasicAuth(options.auth, store);
  const context: ServerContext = {
    mode,
    store,
    storage,
    s3,
    defaultArtifactLocation: (id) =>
      setup === 's3-direct' ? `s3://${bucket}/${id}` : `mlflow-artifacts:/${id}`,
    registration: { pendingPolls: 0 },
    database: options.database ?? 'sqlite',
  };
  if (auth !== undefined) {
    context.visibleExperiments = (request, id) => auth.canReadExperiment(request, id);
    context.visibleModels = (request, name) => auth.canReadModel(request, name);
  }
  createDefaultExperiment(context);
  const routes = mode === 3 ? [...apiRoutes, ...loggedModelRoutes] : apiRoutes;
  const authRoutes = auth?.routes() ?? [];
  const faults = new FaultInjector(options.faultSeed);
  const requests: RequestLogEntry[] = [];
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const security = {
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
  };

  async function answer(apiRequest: ApiRequest, pathname: string): Promise<ApiReply> {
    if (mode === 3) {
      const blocked = checkSecurity(apiRequest.method, pathname, apiRequest.headers, security);
      if (blocked !== undefined) return blocked;
    }
    const denied = auth?.authorize(apiRequest, pathname);
    if (denied !== undefined) return denied;
    if (pathname === '/health' && apiRequest.method === 'GET') {
      return htmlReply(200, 'OK');
    }
    if (pathname === '/version' && apiRequest.method === 'GET') {
      return htmlReply(200, versionText(mode));
    }
    const table = apiRequest.prefix === '' ? uiArtifactRoutes : [...routes, ...authRoutes];
    const resolved = resolveRoute(table, apiRequest);
    if (!('handler' in resolved)) return resolved;
    try {
      const reply = await resolved.handler(apiRequest, context, resolved.match);
      auth?.afterReply(apiRequest, reply);
      return reply;
    } catch (error) {
      if (error instanceof MlflowApiError) return error.toReply();
      if (error instanceof RawReplyError) return error.reply;
      return htmlReply(500, internalErrorPage);
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const rawPath = (request.url ?? '/').split('?')[0] ?? '/';
    const url = new URL(request.url ?? '/', 'http://placeholder');
    const method = request.method ?? 'GET';
    const entry: RequestLogEntry = {
      method,
      path: rawPath,
      query: Object.fromEntries(url.searchParams),
      body: logBody(body, request.headers['content-type']),
      status: 0,
    };
    requests.push(entry);
    const decision = faults.decide(method, rawPath);
    if (decision !== undefined && decision.delayMs > 0) await delay(decision.delayMs);
    if (decision?.reset === true) {
      request.socket.destroy();
      return;
    }
    if (decision?.status !== undefined && !decision.afterHandling) {
      entry.status = decision.status;
      writeReply(response, faultReply(decision.status, decision.body));
      return;
    }
    const reply = await route(method, rawPath, url.searchParams, request, body);
    entry.status = reply.status;
    if (decision?.afterHandling === true) {
      request.socket.destroy();
      return;
    }
    writeReply(response, reply);
  }

  function route(
    method: string,
    rawPath: string,
    query: URLSearchParams,
    request: IncomingMessage,
    body: Buffer,
  ): Promise<ApiReply> {
    if (basePath !== '' && rawPath !== basePath && !rawPath.startsWith(`${basePath}/`)) {
      return Promise.resolve(htmlReply(404, notFoundPage));
    }
    const pathname = safeDecode(rawPath.slice(basePath.length));
    const prefix = /^\/(api|ajax-api)\/2\.0\//.exec(pathname)?.[0] ?? '';
    const apiRequest: ApiRequest = {
      method,
      route: prefix === '' ? pathname.replace(/^\//, '') : pathname.slice(prefix.length),
      rawPath,
      query,
      headers: request.headers,
      body,
      prefix: prefix.replace(/\/$/, ''),
    };
    return answer(apiRequest, pathname);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) writeReply(response, htmlReply(500, internalErrorPage));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    mode,
    store,
    requests,
    faults: { add: (spec) => faults.add(spec), clear: () => faults.clear() },
    get registration() {
      return context.registration;
    },
    set registration(value: RegistrationBehaviour) {
      context.registration = value;
    },
    artifacts: () =>
      storage === undefined
        ? (s3?.storage(bucket, '').all() ?? Promise.resolve([]))
        : storage.all(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      s3?.close();
    },
  };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
