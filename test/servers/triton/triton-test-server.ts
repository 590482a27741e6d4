/**
 * A Triton Inference Server stand-in for tests: node:http on 127.0.0.1 speaking the KServe v2
 * HTTP endpoints Triton 2.x serves, with Triton's routes, status codes and error bodies, a
 * model repository folder, `none` or `explicit` model control, and real ONNX inference.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { JsonObject, JsonValue } from './config-source';
import { encodeInferResponse } from './infer-response';
import { parseInferRequest } from './infer-request-parser';
import { planInference } from './infer-validation';
import { LoadOverride, ModelLifecycle, RepositoryIndexEntry } from './model-lifecycle';
import { asTritonError, TritonError } from './triton-error';

/** How the server decides which models to load, as Triton's --model-control-mode. */
export type ModelControlMode = 'none' | 'explicit';

/** Options for {@link startTritonServer}. */
export interface TritonServerOptions {
  /** The model repository folder (Triton's --model-repository). */
  repository: string;
  /** 'none' loads every model at start and refuses load/unload; 'explicit' loads on request. */
  modelControl?: ModelControlMode;
  /** Explicit mode only: models to load at start (Triton's --load-model). */
  startupModels?: readonly string[];
  /** Triton's --strict-readiness: server ready only when every model is. True unless set. */
  strictReadiness?: boolean;
  /** The version reported by GET /v2. */
  serverVersion?: string;
  /** Resolve only after the startup loads settle (true unless set). */
  waitForStartupLoads?: boolean;
  /** Load failures in place from the start, by model: see {@link TritonTestServer.failLoad}. */
  loadFailures?: Readonly<Record<string, string>>;
  /** Load delays in place from the start, by model: see {@link TritonTestServer.setLoadDelay}. */
  loadDelaysMs?: Readonly<Record<string, number>>;
}

/** A fault to inject into the requests that match, for testing retries and timeouts. */
export interface RequestFault {
  /** Requests whose path matches get the fault (and whose method matches, when given). */
  path: RegExp;
  method?: 'GET' | 'POST';
  /** How many matching requests get it; 1 unless set. */
  times?: number;
  /** Answer with this status and `{"error": message}` instead of serving the request. */
  status?: number;
  message?: string;
  /** Drop the connection without an answer. */
  reset?: boolean;
  /** Wait this long first, then fail or serve. */
  delayMs?: number;
}

/** One request the server answered (status 0 when the connection was dropped on purpose). */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  status: number;
  /** Milliseconds from receiving the request to sending the response. */
  durationMs: number;
}

/** A running test server and its controls. */
export interface TritonTestServer {
  /** Base URL, e.g. http://127.0.0.1:43123 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Every request answered so far, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Makes every later load of `model` fail with `reason` as its state reason. */
  failLoad(model: string, reason: string): void;
  /** Lets `model` load normally again. */
  clearLoadFailure(model: string): void;
  /** Keeps `model` LOADING for `ms` milliseconds on every later load. */
  setLoadDelay(model: string, ms: number): void;
  /** Adds `ms` milliseconds to every inference, or only to `model`'s when given. */
  setInferenceLatency(ms: number, model?: string): void;
  /** The repository index, as POST /v2/repository/index would answer it. */
  index(): Promise<RepositoryIndexEntry[]>;
  /** Resolves when the loads started at server start have settled. */
  startupSettled(): Promise<void>;
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Fails (or slows) the next matching requests; see {@link RequestFault}. */
  injectFault(fault: RequestFault): void;
  /** Stops listening and drops open connections: afterwards the server is down. */
  close(): Promise<void>;
}

const DEFAULT_SERVER_VERSION = '2.59.0';
const EXTENSIONS = [
  'classification',
  'sequence',
  'model_repository',
  'model_repository(unload_dependents)',
  'schedule_policy',
  'model_configuration',
  'system_shared_memory',
  'cuda_shared_memory',
  'binary_tensor_data',
  'parameters',
  'statistics',
  'trace',
  'logging',
];

const MODEL_ROUTE =
  /^\/v2\/models\/([^/]+)(?:\/versions\/([0-9]+))?(?:\/(infer|ready|config|stats))?$/;
const HEALTH_ROUTE = /^\/v2(?:\/health\/(live|ready))?$/;
const REPOSITORY_ROUTE = /^\/v2\/repository(?:\/([^/]+))?\/(index|models\/([^/]+)\/(load|unload))$/;

interface Reply {
  status: number;
  body?: Buffer;
  headers?: Record<string, string>;
}

function jsonReply(status: number, value: JsonValue): Reply {
  return {
    status,
    body: Buffer.from(JSON.stringify(value), 'utf8'),
    headers: { 'Content-Type': 'application/json' },
  };
}

function errorReply(error: TritonError): Reply {
  return jsonReply(error.httpStatus, { error: error.message });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

async function decompressed(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  if (encoding === 'gzip') return gunzip(body);
  if (encoding === 'deflate') return inflate(body);
  return body;
}

// Optional JSON bodies of repository requests; TritonJson parse errors are internal errors.
function optionalJson(body: Buffer, kind: string): JsonObject | undefined {
  if (body.length === 0) return undefined;
  try {
    const value = JSON.parse(body.toString('utf8')) as JsonValue;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new TritonError(
      'INTERNAL',
      `failed to parse the request JSON buffer for ${kind}: ${message}`,
    );
  }
}

function loadOverrideOf(body: JsonObject | undefined): LoadOverride | undefined {
  const params = body?.parameters;
  if (params === undefined || params === null || typeof params !== 'object') return undefined;
  const override: LoadOverride = { files: new Map() };
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'string') {
      throw new TritonError('INTERNAL', 'attempt to access JSON non-string as string');
    }
    if (key === 'config') {
      override.config = value;
    } else if (key.startsWith('file:')) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value.replace(/\s/g, ''))) {
        throw new TritonError('INVALID_ARG', `base64 decode failed for ${key}`);
      }
      override.files.set(key.slice('file:'.length), Buffer.from(value, 'base64'));
    } else {
      throw new TritonError('INTERNAL', 'unexpected error on creating Triton parameter');
    }
  }
  return override;
}

class TritonTestServerImpl implements TritonTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly loadFailures: Map<string, string>;
  private readonly loadDelays: Map<string, number>;
  private readonly modelLatency = new Map<string, number>();
  private latency = 0;
  private readonly faults: { fault: RequestFault; remaining: number }[] = [];
  private startup: Promise<void> = Promise.resolve();
  private readonly lifecycle: ModelLifecycle;
  private readonly server: http.Server;
  private readonly mode: ModelControlMode;

  constructor(private readonly options: TritonServerOptions) {
    this.mode = options.modelControl ?? 'none';
    this.loadFailures = new Map(Object.entries(options.loadFailures ?? {}));
    this.loadDelays = new Map(Object.entries(options.loadDelaysMs ?? {}));
    this.lifecycle = new ModelLifecycle(options.repository, {
      failureFor: (model) => this.loadFailures.get(model),
      delayFor: (model) => this.loadDelays.get(model) ?? 0,
    });
    this.server = http.createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const names =
      this.mode === 'none' || this.options.startupModels?.includes('*') === true
        ? await this.lifecycle.repositoryModels()
        : [...(this.options.startupModels ?? [])];
    // A model that fails at start stays UNAVAILABLE with its reason, as with
    // --exit-on-error=false; the index shows why.
    this.startup = Promise.all(
      names.map((name) => this.lifecycle.load(name).catch(() => undefined)),
    ).then(() => undefined);
    if (this.options.waitForStartupLoads !== false) await this.startup;
  }

  failLoad(model: string, reason: string): void {
    this.loadFailures.set(model, reason);
  }

  clearLoadFailure(model: string): void {
    this.loadFailures.delete(model);
  }

  setLoadDelay(model: string, ms: number): void {
    this.loadDelays.set(model, ms);
  }

  setInferenceLatency(ms: number, model?: string): void {
    if (model === undefined) this.latency = ms;
    else this.modelLatency.set(model, ms);
  }

  index(): Promise<RepositoryIndexEntry[]> {
    return this.lifecycle.index(false);
  }

  startupSettled(): Promise<void> {
    return this.startup;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  injectFault(fault: RequestFault): void {
    this.faults.push({ fault, remaining: fault.times ?? 1 });
  }

  private takeFault(method: string, path: string): RequestFault | undefined {
    const found = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        f.fault.path.test(path) &&
        (f.fault.method === undefined || f.fault.method === method),
    );
    if (found === undefined) return undefined;
    found.remaining -= 1;
    return found.fault;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    await this.startup;
    await this.lifecycle.releaseAll();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let body: Buffer = Buffer.alloc(0);
    let reply: Reply;
    const record = (status: number): void => {
      const durationMs = Date.now() - started;
      this.requests.push({ method, path, headers: req.headers, body, status, durationMs });
    };
    try {
      body = await readBody(req);
      const fault = this.takeFault(method, path);
      if (fault?.delayMs !== undefined) await sleep(fault.delayMs);
      if (fault?.reset === true) {
        req.socket.destroy();
        record(0);
        return;
      }
      reply =
        fault?.status !== undefined
          ? jsonReply(fault.status, { error: fault.message ?? 'injected fault' })
          : await this.route(method, path, req, body);
    } catch (error) {
      reply = errorReply(asTritonError(error));
    }
    res.writeHead(reply.status, {
      ...(reply.headers ?? {}),
      'Content-Length': String(reply.body?.length ?? 0),
    });
    res.end(reply.body);
    record(reply.status);
  }

  private async route(
    method: string,
    path: string,
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<Reply> {
    const notAllowed = jsonReply(405, { error: 'Method Not Allowed' });
    const model = MODEL_ROUTE.exec(path);
    if (model !== null) {
      const name = decodeURIComponent(model[1] ?? '');
      const version = model[2] === undefined ? undefined : Number(model[2]);
      const kind = model[3];
      if (kind === 'infer') {
        return method === 'POST' ? this.infer(name, version, req, body) : notAllowed;
      }
      if (method !== 'GET') return notAllowed;
      if (kind === 'ready') return this.modelReady(name, version);
      if (kind === 'config') return this.modelConfig(name, version);
      if (kind === undefined) return this.modelMetadata(name, version);
      return errorReply(new TritonError('UNAVAILABLE', 'statistics not supported'));
    }
    const health = HEALTH_ROUTE.exec(path);
    if (health !== null) {
      if (method !== 'GET') return notAllowed;
      if (health[1] === undefined) return this.serverMetadata();
      return { status: health[1] === 'live' || this.serverReady() ? 200 : 400 };
    }
    const repository = REPOSITORY_ROUTE.exec(path);
    if (repository !== null) {
      if (method !== 'POST') return notAllowed;
      if (repository[2] === 'index') return this.repositoryIndex(body);
      if (repository[1] !== undefined) {
        throw new TritonError('UNSUPPORTED', "'repository_name' specification is not supported");
      }
      const name = decodeURIComponent(repository[3] ?? '');
      return this.repositoryControl(name, repository[4] === 'load', body);
    }
    return jsonReply(404, { error: 'Not Found' });
  }

  private serverReady(): boolean {
    if (this.options.strictReadiness === false) return true;
    return this.lifecycle
      .allVersionStates()
      .every(
        (versions) =>
          versions.length > 0 &&
          versions.every((v) => v.state === 'READY' || v.reason === 'unloaded'),
      );
  }

  private serverMetadata(): Reply {
    return jsonReply(200, {
      name: 'triton',
      version: this.options.serverVersion ?? DEFAULT_SERVER_VERSION,
      extensions: EXTENSIONS,
    });
  }

  private modelReady(name: string, version: number | undefined): Reply {
    this.lifecycle.getModel(name, version);
    return { status: 200 };
  }

  private modelMetadata(name: string, version: number | undefined): Reply {
    const served = this.lifecycle.getModel(name, version);
    const config = served.config;
    const batch = config.maxBatchSize >= 1 ? [-1] : [];
    const io = (t: { name: string; dataType: string; dims: number[] }): JsonObject => ({
      name: t.name,
      datatype: t.dataType,
      shape: [...batch, ...t.dims],
    });
    const versions =
      version !== undefined ? [String(version)] : this.lifecycle.readyVersions(name).map(String);
    return jsonReply(200, {
      name,
      versions,
      platform: typeof config.json.platform === 'string' ? config.json.platform : '',
      inputs: config.inputs.map(io),
      outputs: config.outputs.map(io),
    });
  }

  private modelConfig(name: string, version: number | undefined): Reply {
    return jsonReply(200, this.lifecycle.getModel(name, version).config.json);
  }

  private async infer(
    name: string,
    version: number | undefined,
    req: http.IncomingMessage,
    rawBody: Buffer,
  ): Promise<Reply> {
    const served = this.lifecycle.getModel(name, version);
    const encoding = req.headers['content-encoding'];
    const body = await decompressed(rawBody, typeof encoding === 'string' ? encoding : undefined);
    const headerLength = req.headers['inference-header-content-length'];
    const request = parseInferRequest(
      body,
      typeof headerLength === 'string' ? headerLength : undefined,
      name,
    );
    const plan = planInference(request, served.config);
    const latency = this.modelLatency.get(name) ?? this.latency;
    if (latency > 0) await sleep(latency);
    const results = await served.runner.run(plan.inputs, plan.outputs);
    const encoded = encodeInferResponse(request, served, plan.outputs, results);
    return { status: 200, body: encoded.body, headers: encoded.headers };
  }

  private async repositoryIndex(body: Buffer): Promise<Reply> {
    const request = optionalJson(body, 'registry index');
    const ready = request?.ready;
    if (ready !== undefined && typeof ready !== 'boolean') {
      throw new TritonError('INVALID_ARG', "Invalid value for 'ready': expected a boolean");
    }
    const index = await this.lifecycle.index(ready === true);
    return jsonReply(200, index as unknown as JsonValue);
  }

  private async repositoryControl(name: string, load: boolean, body: Buffer): Promise<Reply> {
    const request = optionalJson(body, load ? 'load model' : 'unload model');
    const override = load ? loadOverrideOf(request) : undefined;
    if (this.mode !== 'explicit') {
      throw new TritonError(
        'UNAVAILABLE',
        'explicit model load / unload is not allowed if polling is enabled',
      );
    }
    if (load) await this.lifecycle.load(name, override);
    else await this.lifecycle.unload(name);
    return { status: 200, headers: { 'Content-Type': 'application/json' } };
  }
}

/** Starts a Triton test server on 127.0.0.1 at a free port. */
export async function startTritonServer(options: TritonServerOptions): Promise<TritonTestServer> {
  const server = new TritonTestServerImpl(options);
  await server.listen();
  return server;
}
