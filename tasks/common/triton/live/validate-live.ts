/**
 * The live validation on a staging Triton: reach the server, load the model (when asked),
 * wait for it to be ready, compare what it serves with the local config, send a smoke (or
 * sample) inference and check the answer, time N requests, and unload (when asked). Problems
 * with the model are reported, never thrown; unusable options and files throw LiveInputError.
 */
import { redactUrl } from '../../http/redact';
import { KserveClient } from '../kserve/kserve-client';
import type { InferRequest, JsonObject, JsonValue, ModelMetadata } from '../kserve/kserve-types';
import { UserError } from '../../user-error';
import { compareServedConfig, describeDifference } from './config-comparison';
import { latencyStats, runLatencyTest } from './latency';
import { checkLiveOptions, LiveInputError, type LiveValidationOptions } from './live-options';
import type { CheckId, CheckStatus, LiveCheck, LiveReport } from './live-report';
import { type LocalModel, readLocalModel, versionFiles } from './local-model';
import { checkOutputs } from './output-check';
import { describeModelState, SYSTEM_CLOCK, waitForModelReady, waitForServer } from './readiness';
import {
  type ExpectedOutput,
  fitSampleRequest,
  readSampleRequest,
  type SampleRequest,
} from './sample-request';
import { compareSignature } from './signature-comparison';
import { buildSmokeRequest } from './smoke-request';

const DEFAULT_POLL_MS = 1_000;
const PROBE_CONNECT_MS = 5_000;
const PROBE_READ_MS = 10_000;
/** Triton's default --http-max-input-size: larger load requests are refused. */
const TRITON_MAX_INPUT_BYTES = 64 * 1024 * 1024;
const SHOWN_FILES = 5;

const TITLES: Readonly<Record<CheckId, string>> = {
  server: 'Server reachable',
  load: 'Model loaded',
  ready: 'Model ready',
  config: 'Served config',
  signature: 'Signature',
  inference: 'Inference',
  latency: 'Latency',
  unload: 'Model unloaded',
};

/** Validates a model on a live Triton server and reports what it found. */
export async function validateLive(options: LiveValidationOptions): Promise<LiveReport> {
  checkLiveOptions(options);
  const sample =
    options.sampleRequestFile === undefined
      ? undefined
      : await readSampleRequest(options.sampleRequestFile);
  const local =
    options.modelFolder === undefined ? undefined : await readLocalModel(options.modelFolder);
  let files: Map<string, Buffer> | undefined;
  if (options.mode === 'load' && local !== undefined) {
    if (local.config === undefined) {
      throw new LiveInputError(
        `Model folder "${local.folder}" has no config.pbtxt, which a load from the agent ` +
          'must send: add it, or choose to wait for a model already deployed.',
      );
    }
    files = await versionFiles(local, options.modelVersion);
  }
  const run = new LiveRun(options, local, sample, files);
  return run.execute();
}

/** One validation run: its clients, what it learnt so far, and the checks it recorded. */
class LiveRun {
  private readonly started = Date.now();
  private readonly deadline: number;
  private readonly main: KserveClient;
  private readonly probe: KserveClient;
  private readonly timed: KserveClient;
  private readonly checks: LiveCheck[] = [];
  private readonly notes: string[] = [];
  private serverVersion: string | undefined;
  private binaryData = true;
  private servedVersions: string[] = [];
  private latency: LiveReport['latency'];

  constructor(
    private readonly options: LiveValidationOptions,
    private readonly local: LocalModel | undefined,
    private readonly sample: SampleRequest | undefined,
    private readonly files: Map<string, Buffer> | undefined,
  ) {
    this.deadline = this.started + options.readyTimeoutMs;
    const connection = options.connection ?? {};
    const base = {
      url: options.tritonUrl,
      ...(connection.tls ? { tls: connection.tls } : {}),
      ...(options.debug ? { debug: options.debug } : {}),
    };
    this.main = new KserveClient({
      ...base,
      ...(connection.retry ? { retry: connection.retry } : {}),
      ...(connection.timeouts ? { timeouts: connection.timeouts } : {}),
    });
    // Polls are their own retries, bounded by the deadline: no retries inside a poll.
    this.probe = new KserveClient({
      ...base,
      retry: { maxRetries: 0 },
      timeouts: {
        connectMs: Math.min(PROBE_CONNECT_MS, options.readyTimeoutMs),
        readMs: Math.min(PROBE_READ_MS, Math.max(1_000, options.readyTimeoutMs)),
      },
    });
    // A retried request would measure the retry policy, not the model.
    this.timed = new KserveClient({
      ...base,
      retry: { maxRetries: 0 },
      ...(connection.timeouts ? { timeouts: connection.timeouts } : {}),
    });
  }

  async execute(): Promise<LiveReport> {
    try {
      await this.steps();
    } finally {
      if (this.options.unloadAfter === true) await this.guard('unload', () => this.unload());
    }
    const failed = this.checks.some((check) => check.status === 'failed');
    const report: LiveReport = {
      result: failed ? 'failed' : 'passed',
      serverUrl: redactUrl(this.options.tritonUrl).replace(/\/+$/, ''),
      model: this.options.modelName,
      servedVersions: this.servedVersions,
      checks: this.checks,
      notes: this.notes,
      durationMs: Date.now() - this.started,
    };
    if (this.serverVersion !== undefined) report.serverVersion = this.serverVersion;
    const version = this.options.modelVersion;
    if (version !== undefined) report.requestedVersion = version;
    if (this.latency !== undefined) report.latency = this.latency;
    return report;
  }

  private async steps(): Promise<void> {
    if (!(await this.guard('server', () => this.reachServer()))) return;
    if (this.options.mode === 'load' && !(await this.guard('load', () => this.load()))) return;
    if (!(await this.guard('ready', () => this.waitUntilReady()))) return;
    const served = await this.guard('config', () => this.readServed());
    if (served === undefined) return;
    const request = await this.guard('inference', () => this.infer(served.config, served.metadata));
    if (request !== undefined) await this.guard('latency', () => this.measure(request));
    else if ((this.options.latency?.requests ?? 0) > 0) {
      this.record('latency', 'skipped', 'Not measured: no inference passed that could be timed.');
    }
  }

  /** Runs a step; a UserError (other than a bad input) becomes a failed check. */
  private async guard<T>(id: CheckId, step: () => Promise<T | false>): Promise<T | undefined> {
    try {
      const outcome = await step();
      return outcome === false ? undefined : outcome;
    } catch (error) {
      if (error instanceof LiveInputError || !(error instanceof UserError)) throw error;
      this.record(id, 'failed', error.message);
      return undefined;
    }
  }

  private record(id: CheckId, status: CheckStatus, summary: string, details: string[] = []): void {
    this.checks.push({ id, title: TITLES[id], status, summary, details });
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)} s`;
  }

  private async reachServer(): Promise<boolean> {
    const url = this.options.tritonUrl;
    const shown = redactUrl(url).replace(/\/+$/, '');
    this.log(`Reaching Triton at ${shown} (timeout ${this.seconds(this.options.readyTimeoutMs)})`);
    const pollMs = this.options.pollIntervalMs ?? DEFAULT_POLL_MS;
    const outcome = await waitForServer(this.probe, this.deadline, pollMs, SYSTEM_CLOCK);
    if (!outcome.ok) {
      const summary =
        outcome.stoppedEarly === true
          ? (outcome.last ?? 'Triton refused the request.')
          : `Triton at ${url} did not answer within ${this.seconds(outcome.waitedMs)}: ` +
            `${outcome.last ?? 'no answer'}`;
      this.record('server', 'failed', summary);
      return false;
    }
    try {
      const metadata = await this.main.serverMetadata();
      this.serverVersion = metadata.version;
      this.binaryData = metadata.extensions.includes('binary_tensor_data');
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      this.notes.push(`Triton's server metadata could not be read: ${error.message}`);
    }
    const version = this.serverVersion === undefined ? '' : ` ${this.serverVersion}`;
    this.record('server', 'passed', `Triton${version} answers at ${url}.`);
    return true;
  }

  private async load(): Promise<boolean> {
    const name = this.options.modelName;
    const files = this.files ?? new Map<string, Buffer>();
    const bytes = [...files.values()].reduce((sum, file) => sum + file.length, 0);
    this.log(`Loading '${name}' on Triton with config.pbtxt and ${files.size} file(s)`);
    if (bytes * 1.34 > TRITON_MAX_INPUT_BYTES) {
      this.notes.push(
        `The load request carries ${(bytes / 1048576).toFixed(1)} MB of files in base64; ` +
          'Triton refuses requests above --http-max-input-size (64 MB by default).',
      );
    }
    const config = this.local?.config;
    try {
      await this.main.loadModel(
        name,
        { ...(config !== undefined ? { config } : {}), files },
        { readTimeoutMs: Math.max(1_000, this.deadline - Date.now()) },
      );
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      this.record('load', 'failed', error.message, await this.stateDetails());
      return false;
    }
    const names = [...files.keys()];
    const shown = names.slice(0, SHOWN_FILES).join(', ');
    const list =
      names.length > SHOWN_FILES ? `${shown} and ${names.length - SHOWN_FILES} more` : shown;
    this.record('load', 'passed', `Loaded from the agent: config.pbtxt and ${list}.`);
    return true;
  }

  private async stateDetails(): Promise<string[]> {
    try {
      const index = await this.main.repositoryIndex();
      const state = describeModelState(index, this.options.modelName, this.options.modelVersion);
      return [state.summary, ...state.details];
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return [`The repository index could not be read: ${error.message}`];
    }
  }

  private async waitUntilReady(): Promise<boolean> {
    const { modelName: name, modelVersion: version } = this.options;
    const which = version === undefined ? `'${name}'` : `'${name}' version ${version}`;
    this.log(`Waiting for model ${which} to be ready`);
    const pollMs = this.options.pollIntervalMs ?? DEFAULT_POLL_MS;
    const outcome = await waitForModelReady(this.probe, name, version, this.deadline, pollMs);
    if (outcome.ok) {
      this.record(
        'ready',
        'passed',
        `Model ${which} is ready (${this.seconds(outcome.waitedMs)}).`,
      );
      return true;
    }
    const waited = this.seconds(outcome.waitedMs);
    if (outcome.unreachable !== undefined) {
      this.record(
        'ready',
        'failed',
        `Triton stopped answering while the task waited ${waited} ` +
          `for model ${which}: ${outcome.unreachable.message}`,
      );
      return false;
    }
    const [summary, ...details] = await this.stateDetails();
    if (outcome.last !== undefined)
      details.push(`last answer of the ready endpoint: ${outcome.last}`);
    this.record(
      'ready',
      'failed',
      `Model ${which} was not ready after ${waited}. ${summary ?? ''}`.trim(),
      details,
    );
    return false;
  }

  private async readServed(): Promise<{ config: JsonObject; metadata: ModelMetadata }> {
    const { modelName: name, modelVersion: version } = this.options;
    const config = await this.main.modelConfig(name, version);
    const metadata = await this.main.modelMetadata(name, version);
    this.servedVersions = metadata.versions;
    const localConfig = this.local?.config;
    if (localConfig === undefined) {
      const why = 'no local config.pbtxt was given to compare with';
      this.record('config', 'skipped', `Not compared: ${why}.`);
      this.record('signature', 'skipped', `Not compared: ${why}.`);
      return { config, metadata };
    }
    const differences = compareServedConfig(localConfig, config).map(describeDifference);
    if (differences.length === 0) {
      this.record(
        'config',
        'passed',
        'Everything the local config.pbtxt sets holds on the server.',
      );
    } else {
      this.record(
        'config',
        'failed',
        `${differences.length} setting(s) of the local config.pbtxt differ on the server: ` +
          'Triton serves another config (check the deployed config.pbtxt and the version).',
        differences,
      );
    }
    const mismatches = compareSignature(metadata, localConfig);
    if (mismatches.length === 0) {
      const count = `${metadata.inputs.length} input(s), ${metadata.outputs.length} output(s)`;
      this.record('signature', 'passed', `The metadata matches the local config: ${count}.`);
    } else {
      this.record(
        'signature',
        'failed',
        `The served inputs and outputs differ from the local config in ${mismatches.length} ` +
          'place(s).',
        mismatches,
      );
    }
    return { config, metadata };
  }

  private async infer(config: JsonObject, metadata: ModelMetadata): Promise<InferRequest | false> {
    let request: InferRequest;
    let expected: readonly ExpectedOutput[] = [];
    let source: string;
    if (this.sample !== undefined) {
      request = fitSampleRequest(this.sample, metadata, optionalInputs(config));
      expected = this.sample.expected;
      source = `the sample request ${this.sample.file}`;
    } else {
      const smoke = buildSmokeRequest(
        metadata,
        Number(config.max_batch_size ?? 0),
        inputDims(config),
        this.binaryData,
      );
      this.notes.push(...smoke.notes);
      if (smoke.request === undefined) {
        this.record('inference', 'skipped', `No smoke inference: ${smoke.skipped ?? ''}.`);
        return false;
      }
      request = smoke.request;
      source = 'a smoke request built from the metadata';
    }
    this.log(`Sending ${source}`);
    const { modelName: name, modelVersion: version } = this.options;
    const fixFor =
      this.sample === undefined
        ? undefined
        : (status: number): string | undefined =>
            status === 400 ? `Check the inputs of ${this.sample?.file ?? ''}.` : undefined;
    const result = await this.main.infer(name, version, request, {
      idempotent: true,
      ...(fixFor ? { fixFor } : {}),
    });
    const problems = checkOutputs(result, metadata, request, expected);
    if (problems.length > 0) {
      this.record(
        'inference',
        'failed',
        `The answer to ${source} is not as expected (${problems.length} problem(s)).`,
        problems,
      );
      return false;
    }
    const compared = expected.length > 0 ? ', with the expected values' : '';
    const outputs = result.outputs.map((o) => `${o.name} ${o.datatype} [${o.shape.join(', ')}]`);
    this.record(
      'inference',
      'passed',
      `Triton answered ${source} with every declared output${compared}.`,
      outputs,
    );
    return request;
  }

  private async measure(request: InferRequest): Promise<boolean> {
    const latency = this.options.latency;
    if (latency === undefined || latency.requests === 0) return true;
    const { modelName: name, modelVersion: version } = this.options;
    this.log(`Timing ${latency.requests} requests, ${latency.concurrency} at a time`);
    const run = await runLatencyTest(
      () => this.timed.infer(name, version, request),
      latency.requests,
      latency.concurrency,
    );
    const stats = latencyStats(run, latency.requests, latency.concurrency, latency.p95BudgetMs);
    this.latency = stats;
    const figures =
      `p50 ${stats.p50Ms.toFixed(1)} ms, p95 ${stats.p95Ms.toFixed(1)} ms, ` +
      `p99 ${stats.p99Ms.toFixed(1)} ms, ${stats.throughputPerSecond.toFixed(1)} requests/s`;
    if (run.failures > 0) {
      this.record(
        'latency',
        'failed',
        `${run.failures} of ${latency.requests} timed requests ` +
          `failed (${figures}). The first: ${run.firstError ?? ''}`,
      );
    } else if (latency.p95BudgetMs !== undefined && stats.p95Ms > latency.p95BudgetMs) {
      this.record(
        'latency',
        'failed',
        `p95 ${stats.p95Ms.toFixed(1)} ms is over the budget of ` +
          `${latency.p95BudgetMs} ms (${figures}).`,
      );
    } else {
      const budget =
        latency.p95BudgetMs === undefined ? '' : ` (p95 budget ${latency.p95BudgetMs} ms)`;
      this.record('latency', 'passed', `${figures}${budget}.`);
    }
    return true;
  }

  private async unload(): Promise<boolean> {
    const name = this.options.modelName;
    this.log(`Unloading '${name}'`);
    try {
      await this.main.unloadModel(name);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      this.record('unload', 'warning', error.message);
      return false;
    }
    this.record('unload', 'passed', `Asked Triton to unload '${name}'.`);
    return true;
  }
}

function inputObjects(config: JsonObject): JsonObject[] {
  const inputs = config.input;
  if (!Array.isArray(inputs)) return [];
  return inputs.filter(
    (item): item is JsonObject => item !== null && typeof item === 'object' && !Array.isArray(item),
  );
}

function optionalInputs(config: JsonObject): Set<string> {
  return new Set(
    inputObjects(config)
      .filter((input) => input.optional === true && typeof input.name === 'string')
      .map((input) => input.name as string),
  );
}

function inputDims(config: JsonObject): Map<string, number[]> {
  const dims = new Map<string, number[]>();
  for (const input of inputObjects(config)) {
    const list: JsonValue | undefined = input.dims;
    if (typeof input.name === 'string' && Array.isArray(list))
      dims.set(input.name, list.map(Number));
  }
  return dims;
}
