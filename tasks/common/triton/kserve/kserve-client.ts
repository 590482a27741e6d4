/**
 * A KServe v2 HTTP client for Triton over the project's one transport: health, model
 * readiness, metadata and config, inference (JSON and binary data), and the repository API
 * (index, load with config and files, unload).
 */
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS } from '../../http/settings';
import type {
  RetryPolicy,
  TimeoutSettings,
  TlsSettings,
  TransportSettings,
} from '../../http/settings';
import { HttpTransport, type HttpRequest } from '../../http/transport';
import { UserError } from '../../user-error';
import { decodeInferResponse, encodeInferRequest, HEADER_LENGTH } from './infer-body';
import type {
  InferRequest,
  InferResult,
  JsonObject,
  JsonValue,
  ModelMetadata,
  RepositoryIndexEntry,
  ServerMetadata,
  TensorMetadata,
} from './kserve-types';
import { asTritonCallError, type FixForAnswer } from './triton-call-error';

/** Where Triton is and how to reach it. */
export interface KserveClientOptions {
  /** Base URL of Triton's HTTP port, e.g. http://triton-staging:8000. */
  url: string;
  tls?: TlsSettings;
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<TimeoutSettings>;
  debug?: (line: string) => void;
}

/** The model's readiness as its own ready endpoint answers it. */
export interface ModelReadiness {
  ready: boolean;
  /** HTTP status of the answer. */
  status: number;
  /** Triton's message when it is not ready. */
  message?: string;
}

/** What a load request sends: the config (JSON) and files under the model folder. */
export interface LoadRequest {
  /** The model configuration in Triton's JSON form; required when files are sent. */
  config?: JsonObject;
  /** Files by path under the model folder, e.g. `1/model.onnx`. */
  files?: ReadonlyMap<string, Buffer>;
}

/** Per-call options for requests that may take long or may be repeated. */
export interface CallOptions {
  /** Read timeout of this call, overriding the client's. */
  readTimeoutMs?: number;
  /** The caller knows repeating the call is harmless, so the transport may retry it. */
  idempotent?: boolean;
}

/** Builds the transport settings for Triton: no auth, the given TLS, retries and timeouts. */
export function tritonTransportSettings(options: KserveClientOptions): TransportSettings {
  return {
    baseUrl: options.url,
    auth: { kind: 'none' },
    tls: options.tls ?? {},
    retry: { ...DEFAULT_RETRY, ...options.retry },
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    serverName: 'Triton',
    ...(options.debug ? { debug: options.debug } : {}),
  };
}

/** Typed calls to one Triton server. */
export class KserveClient {
  readonly transport: HttpTransport;

  constructor(options: KserveClientOptions | HttpTransport) {
    this.transport =
      options instanceof HttpTransport
        ? options
        : new HttpTransport(tritonTransportSettings(options));
  }

  /** The server's base URL. */
  get url(): string {
    return this.transport.settings.baseUrl;
  }

  /** GET /v2: name, version and extensions. */
  async serverMetadata(): Promise<ServerMetadata> {
    const data = await this.send<JsonValue>("Reading Triton's server metadata", {
      method: 'GET',
      path: 'v2',
    });
    if (!isObject(data) || typeof data.version !== 'string') {
      throw notKserve('GET /v2', 'it has no "version"');
    }
    return {
      name: typeof data.name === 'string' ? data.name : '',
      version: data.version,
      extensions: Array.isArray(data.extensions) ? data.extensions.map(String) : [],
    };
  }

  /** GET /v2/health/live: true when the server answers 200. */
  async isServerLive(): Promise<boolean> {
    return this.health('live');
  }

  /** GET /v2/health/ready: true when the server answers 200 (with strict readiness, all models). */
  async isServerReady(): Promise<boolean> {
    return this.health('ready');
  }

  /** GET the model's own ready endpoint; error answers read as "not ready", not as failures. */
  async modelReadiness(name: string, version?: number): Promise<ModelReadiness> {
    const response = await this.transport
      .request<JsonValue>({
        method: 'GET',
        path: `${modelPath(name, version)}/ready`,
        acceptStatus: (status) => status >= 400,
      })
      .catch((error: unknown) => {
        throw asTritonCallError(error, `Asking whether model '${name}' is ready`);
      });
    const readiness: ModelReadiness = { ready: response.status === 200, status: response.status };
    const said = isObject(response.data) ? response.data.error : undefined;
    if (typeof said === 'string') readiness.message = said;
    return readiness;
  }

  /** GET the model's metadata: versions, platform, inputs and outputs with full shapes. */
  async modelMetadata(name: string, version?: number): Promise<ModelMetadata> {
    const where = `GET /${modelPath(name, version)}`;
    const data = await this.send<JsonValue>(`Reading the metadata of model '${name}'`, {
      method: 'GET',
      path: modelPath(name, version),
    });
    if (!isObject(data) || !Array.isArray(data.inputs) || !Array.isArray(data.outputs)) {
      throw notKserve(where, 'it has no "inputs" and "outputs" lists');
    }
    return {
      name: typeof data.name === 'string' ? data.name : name,
      versions: Array.isArray(data.versions) ? data.versions.map(String) : [],
      platform: typeof data.platform === 'string' ? data.platform : '',
      inputs: data.inputs.map((t) => tensorMetadata(t, where)),
      outputs: data.outputs.map((t) => tensorMetadata(t, where)),
    };
  }

  /** GET the configuration Triton serves the model with (its ModelConfig as JSON). */
  async modelConfig(name: string, version?: number): Promise<JsonObject> {
    const data = await this.send<JsonValue>(`Reading the configuration of model '${name}'`, {
      method: 'GET',
      path: `${modelPath(name, version)}/config`,
    });
    if (!isObject(data))
      throw notKserve(`GET /${modelPath(name, version)}/config`, 'not an object');
    return data;
  }

  /** POST an inference request and decode the answer; FP16/BF16 travel as binary data. */
  async infer(
    name: string,
    version: number | undefined,
    request: InferRequest,
    options: CallOptions & { fixFor?: FixForAnswer } = {},
  ): Promise<InferResult> {
    const encoded = encodeInferRequest(request);
    const response = await this.transport
      .request<Buffer>({
        method: 'POST',
        path: `${modelPath(name, version)}/infer`,
        body: () => encoded.body,
        bodyLength: encoded.body.length,
        headers: encoded.headers,
        responseType: 'buffer',
        ...callOptions(options),
      })
      .catch((error: unknown) => {
        throw asTritonCallError(error, `Inference on model '${name}'`, options.fixFor);
      });
    return decodeInferResponse(response.data, response.headers[HEADER_LENGTH.toLowerCase()]);
  }

  /** POST /v2/repository/index: every model Triton's repository holds, with state and reason. */
  async repositoryIndex(readyOnly = false): Promise<RepositoryIndexEntry[]> {
    const data = await this.send<JsonValue>("Reading Triton's repository index", {
      method: 'POST',
      path: 'v2/repository/index',
      json: readyOnly ? { ready: true } : {},
      idempotent: true,
    });
    if (!Array.isArray(data)) throw notKserve('POST /v2/repository/index', 'not a list');
    return data.filter(isObject).map((entry) => {
      const item: RepositoryIndexEntry = { name: scalarText(entry.name) };
      const version = scalarText(entry.version);
      if (version !== '') item.version = version;
      if (typeof entry.state === 'string') item.state = entry.state;
      if (typeof entry.reason === 'string' && entry.reason !== '') item.reason = entry.reason;
      return item;
    });
  }

  /** POST load: Triton answers when the load has finished or failed (explicit mode only). */
  async loadModel(name: string, load: LoadRequest = {}, options: CallOptions = {}): Promise<void> {
    const parameters: JsonObject = {};
    if (load.config !== undefined) parameters.config = JSON.stringify(load.config);
    for (const [file, bytes] of load.files ?? []) {
      parameters[`file:${file}`] = bytes.toString('base64');
    }
    await this.send<JsonValue>(`Loading model '${name}' on Triton`, {
      method: 'POST',
      path: `v2/repository/models/${encodeURIComponent(name)}/load`,
      json: Object.keys(parameters).length > 0 ? { parameters } : {},
      ...callOptions(options),
    });
  }

  /** POST unload: Triton answers once the unload has started; retried only if never sent. */
  async unloadModel(name: string, unloadDependents = false): Promise<void> {
    await this.send<JsonValue>(`Unloading model '${name}' from Triton`, {
      method: 'POST',
      path: `v2/repository/models/${encodeURIComponent(name)}/unload`,
      json: unloadDependents ? { parameters: { unload_dependents: true } } : {},
      // Triton answers 503 when unloading is not allowed at all: repeating cannot help.
      idempotent: false,
    });
  }

  private async health(kind: 'live' | 'ready'): Promise<boolean> {
    const response = await this.transport
      .request<JsonValue>({
        method: 'GET',
        path: `v2/health/${kind}`,
        acceptStatus: (status) => status >= 400 && status !== 404 && status !== 405,
      })
      .catch((error: unknown) => {
        throw asTritonCallError(error, `Asking whether Triton is ${kind}`);
      });
    return response.status === 200;
  }

  private async send<T>(step: string, request: HttpRequest, fixFor?: FixForAnswer): Promise<T> {
    try {
      return (await this.transport.request<T>(request)).data;
    } catch (error) {
      throw asTritonCallError(error, step, fixFor);
    }
  }
}

/** The path of a model, or of one of its versions. */
export function modelPath(name: string, version?: number): string {
  const base = `v2/models/${encodeURIComponent(name)}`;
  return version === undefined ? base : `${base}/versions/${version}`;
}

function callOptions(options: CallOptions): Partial<HttpRequest> {
  return {
    ...(options.readTimeoutMs !== undefined ? { readTimeoutMs: options.readTimeoutMs } : {}),
    ...(options.idempotent !== undefined ? { idempotent: options.idempotent } : {}),
  };
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return (
    value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value)
  );
}

function scalarText(value: JsonValue | undefined): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function tensorMetadata(value: JsonValue, where: string): TensorMetadata {
  if (!isObject(value) || typeof value.name !== 'string' || !Array.isArray(value.shape)) {
    throw notKserve(where, 'a tensor has no name or shape');
  }
  return {
    name: value.name,
    datatype: typeof value.datatype === 'string' ? value.datatype : '',
    shape: value.shape.map(Number),
  };
}

function notKserve(where: string, problem: string): UserError {
  return new UserError(
    `The answer to ${where} is not KServe v2 (${problem}): check that the Triton URL is the ` +
      "base URL of Triton's HTTP port, e.g. http://triton-staging:8000.",
  );
}
