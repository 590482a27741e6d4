/**
 * The test server's model repository manager: which versions of which models are loading,
 * ready or unavailable and why, loading from the repository folder or from files sent in a
 * load request, with Triton's messages for each way this fails.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { configFromJson, configFromPbtxt, JsonObject } from './config-source';
import {
  completeModelConfig,
  ServedModelConfig,
  VersionPolicy,
  versionPolicyOf,
} from './model-config';
import { ModelRunner } from './model-runner';
import { readOnnxSignature } from './onnx-signature';
import { asTritonError, TritonError } from './triton-error';

/** A model version's state, as Triton names it in the repository index. */
export type ModelState = 'READY' | 'UNAVAILABLE' | 'LOADING' | 'UNLOADING';

/** One entry of POST /v2/repository/index. */
export interface RepositoryIndexEntry {
  name: string;
  version?: string;
  state?: ModelState;
  reason?: string;
}

/** A version that is ready to serve. */
export interface ServedVersion {
  name: string;
  version: number;
  config: ServedModelConfig;
  runner: ModelRunner;
}

/** What a load request carries: a JSON config and files by path under the model folder. */
export interface LoadOverride {
  config?: string;
  files: Map<string, Buffer>;
}

/** Hooks the tests use to shape loading: injected failures and delays. */
export interface LoadControls {
  /** A reason to fail every version of the model with, or undefined to load normally. */
  failureFor(model: string): string | undefined;
  /** Milliseconds to stay LOADING before the version settles. */
  delayFor(model: string): number;
}

interface VersionEntry {
  state: ModelState;
  reason: string;
  served?: ServedVersion;
}

interface ModelSource {
  raw: JsonObject;
  versions: Map<number, () => Promise<Uint8Array | undefined>>;
  describePath(version: number): string;
}

const CONFIG_FILE = 'config.pbtxt';
const MODEL_FILE = 'model.onnx';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The onnxruntime backend reports OrtStatus codes; these are the ones loading can produce.
function onnxRuntimeCode(message: string): number {
  if (message.includes('invalid model')) return 10;
  if (message.includes('Protobuf parsing failed')) return 7;
  return 1;
}

function selectVersions(policy: VersionPolicy, available: readonly number[]): number[] {
  const sorted = [...available].sort((a, b) => a - b);
  if (policy.kind === 'all') return sorted;
  if (policy.kind === 'specific') return sorted.filter((v) => policy.versions.includes(v));
  return sorted.slice(Math.max(0, sorted.length - policy.count));
}

/** Models and their versions, as Triton's model repository manager keeps them. */
export class ModelLifecycle {
  private readonly models = new Map<string, Map<number, VersionEntry>>();
  private readonly busy = new Map<string, Promise<void>>();

  constructor(
    private readonly repository: string,
    private readonly controls: LoadControls,
  ) {}

  /** The model folders in the repository, sorted as Triton lists them. */
  async repositoryModels(): Promise<string[]> {
    const entries = await readdir(this.repository, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  }

  /** Loads a model, waiting for any load or unload of the same model to finish first. */
  async load(name: string, override?: LoadOverride): Promise<void> {
    await this.exclusive(name, () => this.loadNow(name, override));
  }

  /** Unloads every version of a model; unknown models are fine, as in Triton. */
  async unload(name: string): Promise<void> {
    await this.exclusive(name, async () => {
      const versions = this.models.get(name);
      if (versions === undefined) return;
      for (const entry of versions.values()) {
        const served = entry.served;
        entry.state = 'UNAVAILABLE';
        entry.reason = 'unloaded';
        entry.served = undefined;
        if (served !== undefined) await served.runner.release();
      }
    });
  }

  /** The repository index: every model folder, with its versions' states once it was loaded. */
  async index(readyOnly: boolean): Promise<RepositoryIndexEntry[]> {
    const index: RepositoryIndexEntry[] = [];
    for (const name of await this.repositoryModels()) {
      const versions = this.models.get(name);
      if (versions === undefined) {
        if (!readyOnly) index.push({ name });
        continue;
      }
      for (const [version, entry] of [...versions].sort((a, b) => a[0] - b[0])) {
        if (readyOnly && entry.state !== 'READY') continue;
        const item: RepositoryIndexEntry = { name, version: String(version), state: entry.state };
        if (entry.reason !== '') item.reason = entry.reason;
        index.push(item);
      }
    }
    return index;
  }

  /** Every known model's version states, for strict server readiness. */
  allVersionStates(): { state: ModelState; reason: string }[][] {
    return [...this.models.values()].map((versions) =>
      [...versions.values()].map((e) => ({ state: e.state, reason: e.reason })),
    );
  }

  /** The served version, or Triton's error for a model or version that cannot serve. */
  getModel(name: string, version: number | undefined): ServedVersion {
    const prefix = 'Request for unknown model: ';
    const versions = this.models.get(name);
    if (versions === undefined) {
      throw new TritonError('NOT_FOUND', `${prefix}'${name}' is not found`);
    }
    if (version === undefined) {
      const ready = [...versions]
        .filter(([, e]) => e.state === 'READY' && e.served !== undefined)
        .sort((a, b) => b[0] - a[0])[0];
      if (ready?.[1].served === undefined) {
        throw new TritonError('NOT_FOUND', `${prefix}'${name}' has no available versions`);
      }
      return ready[1].served;
    }
    const entry = versions.get(version);
    if (entry === undefined) {
      throw new TritonError('NOT_FOUND', `${prefix}'${name}' version ${version} is not found`);
    }
    if (entry.state !== 'READY' || entry.served === undefined) {
      throw new TritonError(
        'UNAVAILABLE',
        `${prefix}'${name}' version ${version} is not at ready state`,
      );
    }
    return entry.served;
  }

  /** The versions of a model that are ready, in ascending order. */
  readyVersions(name: string): number[] {
    const versions = this.models.get(name) ?? new Map<number, VersionEntry>();
    return [...versions]
      .filter(([, e]) => e.state === 'READY')
      .map(([v]) => v)
      .sort((a, b) => a - b);
  }

  /** Releases every runtime session. */
  async releaseAll(): Promise<void> {
    for (const versions of this.models.values()) {
      for (const entry of versions.values()) {
        if (entry.served !== undefined) await entry.served.runner.release();
        entry.served = undefined;
      }
    }
  }

  private async exclusive(name: string, work: () => Promise<void>): Promise<void> {
    const previous = this.busy.get(name) ?? Promise.resolve();
    const current = previous.then(work, work);
    const settled = current.catch(() => undefined);
    this.busy.set(name, settled);
    try {
      await current;
    } finally {
      if (this.busy.get(name) === settled) this.busy.delete(name);
    }
  }

  private async loadNow(name: string, override: LoadOverride | undefined): Promise<void> {
    let source: ModelSource;
    try {
      source = await this.pollModel(name, override);
    } catch {
      throw new TritonError(
        'INTERNAL',
        `failed to load '${name}', failed to poll from model repository`,
      );
    }
    const selected = selectVersions(versionPolicyOf(source.raw), [...source.versions.keys()]);
    if (selected.length === 0) {
      throw new TritonError('INTERNAL', `failed to load '${name}', no version is available`);
    }

    const versions = this.models.get(name) ?? new Map<number, VersionEntry>();
    this.models.set(name, versions);
    for (const version of selected) {
      const current = versions.get(version);
      if (current?.state !== 'READY') versions.set(version, { state: 'LOADING', reason: '' });
    }
    const delay = this.controls.delayFor(name);
    if (delay > 0) await sleep(delay);

    const failures: string[] = [];
    for (const version of selected) {
      const outcome = await this.loadVersion(name, version, source);
      const previous = versions.get(version);
      if (outcome.served !== undefined) {
        if (previous?.served !== undefined) await previous.served.runner.release();
        versions.set(version, { state: 'READY', reason: '', served: outcome.served });
      } else {
        if (previous?.state !== 'READY') {
          versions.set(version, { state: 'UNAVAILABLE', reason: outcome.reason });
        }
        failures.push(`version ${version} is at UNAVAILABLE state: ${outcome.reason};`);
      }
    }
    if (failures.length > 0) {
      throw new TritonError(
        'INVALID_ARG',
        `load failed for model '${name}': ${failures.join('')}\n`,
      );
    }

    for (const [version, entry] of versions) {
      if (!selected.includes(version) && entry.state === 'READY') {
        if (entry.served !== undefined) await entry.served.runner.release();
        versions.set(version, { state: 'UNAVAILABLE', reason: 'unloaded' });
      }
    }
  }

  private async loadVersion(
    name: string,
    version: number,
    source: ModelSource,
  ): Promise<{ served?: ServedVersion; reason: string }> {
    const injected = this.controls.failureFor(name);
    if (injected !== undefined) return { reason: injected };
    const bytes = await source.versions.get(version)?.();
    if (bytes === undefined) {
      const missing = new TritonError(
        'UNAVAILABLE',
        `unable to find '${source.describePath(version)}' for model instance '${name}_0'`,
      );
      return { reason: missing.asStatusString() };
    }
    let runner: ModelRunner;
    try {
      runner = await ModelRunner.load(bytes);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = onnxRuntimeCode(message);
      const failure = new TritonError('INTERNAL', `onnx runtime error ${code}: ${message}`);
      return { reason: failure.asStatusString() };
    }
    try {
      const config = completeModelConfig(source.raw, name, readOnnxSignature(bytes));
      return { served: { name, version, config, runner }, reason: '' };
    } catch (error) {
      await runner.release();
      return { reason: asTritonError(error).asStatusString() };
    }
  }

  private async pollModel(name: string, override: LoadOverride | undefined): Promise<ModelSource> {
    if (override !== undefined && override.files.size > 0) {
      return this.pollOverride(name, override);
    }
    const modelDir = path.join(this.repository, name);
    if (!(await stat(modelDir)).isDirectory()) {
      throw new Error(`${modelDir} is not a folder`);
    }
    let raw: JsonObject = {};
    if (override?.config !== undefined) {
      raw = configFromJson(override.config);
    } else if (existsSync(path.join(modelDir, CONFIG_FILE))) {
      raw = configFromPbtxt(await readFile(path.join(modelDir, CONFIG_FILE), 'utf8'));
    }
    const versions = new Map<number, () => Promise<Uint8Array | undefined>>();
    for (const entry of await readdir(modelDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !/^\d+$/.test(entry.name)) continue;
      const file = path.join(modelDir, entry.name, MODEL_FILE);
      versions.set(Number(entry.name), async () =>
        existsSync(file) ? new Uint8Array(await readFile(file)) : undefined,
      );
    }
    return {
      raw,
      versions,
      describePath: (v) => path.join(modelDir, String(v), MODEL_FILE),
    };
  }

  private pollOverride(name: string, override: LoadOverride): ModelSource {
    if (override.config === undefined) {
      throw new Error("Load parameter 'config' must be specified for model file override");
    }
    const raw = configFromJson(override.config);
    const versions = new Map<number, () => Promise<Uint8Array | undefined>>();
    for (const file of override.files.keys()) {
      const normalised = path.posix.normalize(file);
      if (normalised.startsWith('..') || path.posix.isAbsolute(normalised)) {
        throw new Error(`Invalid file parameter 'file:${file}' must stay within model directory.`);
      }
      const [first] = normalised.split('/');
      if (first !== undefined && /^\d+$/.test(first)) {
        const modelFile = `${first}/${MODEL_FILE}`;
        versions.set(Number(first), () =>
          Promise.resolve(
            override.files.has(modelFile)
              ? new Uint8Array(override.files.get(modelFile) ?? [])
              : undefined,
          ),
        );
      }
    }
    return {
      raw,
      versions,
      describePath: (v) => `<override:${name}>/${v}/${MODEL_FILE}`,
    };
  }
}
