/**
 * One deployment, shared by the DeployToTriton task and the sync service: resolve the version,
 * stage and validate its files, put them in place, load them on Triton, and only then drop
 * what they replaced. Any failure before that leaves the repository and Triton as they were.
 */
import { redactUrl } from '../http/redact';
import { randomUUID } from 'node:crypto';
import { repositoryForUri } from '../mlflow/artifacts/repository-for-uri';
import type { MlflowClient } from '../mlflow/mlflow-client';
import type { KserveClient } from '../triton/kserve/kserve-client';
import { validateModel, type ValidationOptions } from '../triton/validate';
import { isUserError, UserError } from '../user-error';
import { acquireDeployLock } from './deploy-lock';
import { type DeploymentRecord, readRecord, writeRecord } from './deployment-record';
import { tagDeployment } from './deployment-tags';
import { installVersion } from './install-version';
import { isServing, loadAndWait, type LoadWait } from './load-on-triton';
import { type DeploySource, type DeployTarget, resolveDeploySource } from './model-source';
import { type ModelStore, WORK_FOLDER_PREFIX } from './model-store';
import { stageModel } from './stage-model';
import { rejectionMessage } from './validation-message';

/** How Triton picks up models: by load requests, or on its own (startup or polling). */
export type ModelControl = 'explicit' | 'none';

/** What to deploy, where, and how. */
export interface DeployRequest {
  /** The registered model in MLflow. */
  registeredModel: string;
  /** The model's folder and name on Triton. */
  tritonModelName: string;
  target: DeployTarget;
  /** Older versions to keep in the repository besides the deployed one. */
  keepVersions: number;
  modelControl: ModelControl;
  wait: LoadWait;
  /** Who deploys, for the record and the registry tag, e.g. a pipeline run. */
  deployedBy: string;
  buildUrl?: string;
  validation?: ValidationOptions;
}

/** The clients a deployment works with. */
export interface DeployServices {
  mlflow: MlflowClient;
  triton: KserveClient;
  store: ModelStore;
  log: DeployLog;
}

/** Progress lines and warnings for the task log or the service's log. */
export interface DeployLog {
  info(line: string): void;
  warning(line: string): void;
}

/** What a deployment did. */
export interface DeployOutcome {
  /** False when the version was already deployed and serving. */
  changed: boolean;
  version: string;
  /** The version deployed before, from the model folder's record. */
  previousVersion?: string;
  modelUri: string;
  /** Older versions removed from the repository. */
  removedVersions: string[];
  message: string;
  /** Things that went wrong after the version was serving (e.g. the registry tag). */
  warnings: string[];
}

/** Deploys the version the target points to; a no-op when it is already deployed. */
export async function deployModel(
  services: DeployServices,
  request: DeployRequest,
): Promise<DeployOutcome> {
  const { store } = services;
  const model = request.tritonModelName;
  await store.checkReachable();
  const release = await acquireDeployLock(store, model, request.deployedBy, lockLimit(request));
  try {
    return await deployLocked(services, request);
  } finally {
    await release();
  }
}

/** A lock older than this was left by a deployer that died: downloads, load, and margin. */
function lockLimit(request: DeployRequest): number {
  return request.wait.readyTimeoutMs + 60 * 60_000;
}

async function deployLocked(
  services: DeployServices,
  request: DeployRequest,
): Promise<DeployOutcome> {
  const { store, log, triton } = services;
  const model = request.tritonModelName;
  const source = await resolveDeploySource(
    services.mlflow,
    request.registeredModel,
    request.target,
  );
  const version = source.version.version;
  const via = request.target.kind === 'alias' ? ` (alias "${request.target.alias}")` : '';
  log.info(`Deploying ${source.modelUri}${via} from ${source.artifactUri}.`);

  await removeLeftovers(store, model);
  const record = await readRecord(store, model);
  const folders = await store.list(model);
  const base = {
    version,
    modelUri: source.modelUri,
    ...(record ? { previousVersion: record.version } : {}),
    removedVersions: [],
    warnings: [],
  };
  if (record?.modelUri === source.modelUri && folders.get(version) === 'dir') {
    if (request.modelControl === 'none' || (await isServing(triton, model, Number(version)))) {
      return {
        ...base,
        changed: false,
        message:
          `Version ${version} of "${request.registeredModel}"${via} is already deployed as ` +
          `'${model}' in ${store.location}; nothing to do.`,
      };
    }
    log.info(`The files of version ${version} are in place but Triton does not serve them.`);
    await loadAndWait(triton, model, Number(version), request.wait);
    return {
      ...base,
      changed: true,
      message: `Version ${version} of '${model}' was in the repository; Triton now serves it.`,
    };
  }

  await installAndLoad(services, request, source, folders, record);
  const removedVersions = await pruneOlder(store, model, version, request.keepVersions);
  const warnings = await recordDeployment(services, request, source);

  const was = record ? ` (was version ${record.version})` : '';
  const served = request.modelControl === 'explicit' ? 'Triton serves it' : 'files in place';
  return {
    ...base,
    changed: true,
    removedVersions,
    warnings,
    message:
      `Deployed version ${version} of "${request.registeredModel}"${via} as '${model}' to ` +
      `${store.location}${was}; ${served}.`,
  };
}

/**
 * Stages, validates and installs the version, then loads it; on any failure the repository
 * is put back as it was and the error says what Triton still serves.
 */
async function installAndLoad(
  services: DeployServices,
  request: DeployRequest,
  source: DeploySource,
  folders: ReadonlyMap<string, 'dir' | 'file'>,
  record: DeploymentRecord | undefined,
): Promise<void> {
  const { store, log, triton } = services;
  const model = request.tritonModelName;
  const version = source.version.version;
  const id = randomUUID().slice(0, 8);
  const staging = await store.createStaging(model, id);
  try {
    const artifacts = repositoryForUri(source.artifactUri, services.mlflow, log);
    const staged = await stageModel(artifacts, staging.localDir, model, version).catch(
      (error: unknown) => {
        throw downloadFailure(error, source.artifactUri, version);
      },
    );
    log.info(
      `Downloaded ${staged.plan.files.size} files (${staged.bytes} bytes), laid out as ` +
        `${staged.plan.shape}${staged.plan.generatedConfig ? ' with a generated config' : ''}.`,
    );
    await requireValid(staged.modelDir, request, source.modelUri, log);

    await staging.publish();
    const newer = [...folders.keys()].filter((name) => isVersionAbove(name, version));
    const stagedModel = `${staging.repoPath}/${model}`;
    const installation = await installVersion(store, model, stagedModel, version, newer, id);
    if (request.modelControl === 'explicit') {
      try {
        await loadAndWait(triton, model, Number(version), request.wait);
      } catch (error) {
        await installation.rollback();
        throw await withPreviousState(error, triton, model, record);
      }
    }
    await installation.commit();
  } finally {
    await staging.dispose();
    await removeIfEmpty(store, model);
  }
}

/** Runs the offline validation on the staged folder; warnings are logged, errors refuse. */
async function requireValid(
  modelDir: string,
  request: DeployRequest,
  modelUri: string,
  log: DeployLog,
): Promise<void> {
  const validation = await validateModel(modelDir, request.validation ?? {});
  for (const finding of validation.findings.filter((f) => f.severity === 'warning')) {
    log.warning(`${finding.file}:${finding.line}: ${finding.message}`);
  }
  if (validation.summary.errors > 0) {
    throw new UserError(rejectionMessage(validation, modelUri, request.tritonModelName));
  }
}

/** Writes the record and the registry tag; what fails here is a warning, the version serves. */
async function recordDeployment(
  services: DeployServices,
  request: DeployRequest,
  source: DeploySource,
): Promise<string[]> {
  const { store, triton } = services;
  const model = request.tritonModelName;
  const version = source.version.version;
  const at = new Date();
  const warnings: string[] = [];
  const record: DeploymentRecord = {
    registeredModel: request.registeredModel,
    version,
    modelUri: source.modelUri,
    ...(request.target.kind === 'alias' ? { alias: request.target.alias } : {}),
    artifactUri: source.artifactUri,
    deployedAt: at.toISOString(),
    deployedBy: request.deployedBy,
    ...(request.buildUrl ? { buildUrl: request.buildUrl } : {}),
    tritonUrl: redactUrl(triton.url).replace(/\/+$/, ''),
  };
  await writeRecord(store, model, record).catch((error: unknown) => {
    warnings.push(`The deployment record could not be written: ${describe(error)}`);
  });
  await tagDeployment(services.mlflow, {
    name: request.registeredModel,
    version,
    tritonUrl: redactUrl(triton.url).replace(/\/+$/, ''),
    repositoryPath: `${store.location}/${model}`,
    at,
    by: request.deployedBy,
  }).catch((error: unknown) => {
    warnings.push(`The registry tag that records the deployment was not set: ${describe(error)}`);
  });
  return warnings;
}

/** Removes staging and retired folders a killed deployment left behind. */
async function removeLeftovers(store: ModelStore, model: string): Promise<void> {
  for (const [name, kind] of await store.list(model)) {
    if (kind === 'dir' && name.startsWith(WORK_FOLDER_PREFIX))
      await store.remove(`${model}/${name}`);
  }
}

/**
 * A first deployment that failed leaves the model folder it created empty; Triton would read
 * an empty folder as a broken model at its next start, so it goes.
 */
async function removeIfEmpty(store: ModelStore, model: string): Promise<void> {
  if ((await store.list(model)).size === 0) await store.remove(model);
}

/** Removes the versions below the deployed one beyond the newest `keep` of them. */
async function pruneOlder(
  store: ModelStore,
  model: string,
  version: string,
  keep: number,
): Promise<string[]> {
  const older = [...(await store.list(model))]
    .filter(
      ([name, kind]) => kind === 'dir' && /^\d+$/.test(name) && Number(name) < Number(version),
    )
    .map(([name]) => name)
    .sort((a, b) => Number(b) - Number(a));
  const removed = older.slice(keep);
  for (const name of removed) await store.remove(`${model}/${name}`);
  return removed;
}

function isVersionAbove(name: string, version: string): boolean {
  return /^\d+$/.test(name) && Number(name) > Number(version);
}

function downloadFailure(error: unknown, uri: string, version: string): unknown {
  const reason = describe(error);
  return new UserError(
    `Downloading the files of version ${version} from ${uri} failed: ${reason} Nothing in the ` +
      'model repository was changed; the deployed version keeps serving. Run the deployment ' +
      'again once the artifact store answers.',
  );
}

async function withPreviousState(
  error: unknown,
  triton: KserveClient,
  model: string,
  record: DeploymentRecord | undefined,
): Promise<unknown> {
  if (!isUserError(error)) return error;
  let after = ' The repository was restored; no version of the model was serving before.';
  if (record !== undefined) {
    const serving = await isServing(triton, model, Number(record.version));
    after = serving
      ? ` The repository was restored and version ${record.version} keeps serving.`
      : ` The repository was restored to version ${record.version}, but Triton does not ` +
        'report it ready either: look at the repository index.';
  }
  return new UserError(
    `${error.message}${after} Fix the model (the reason above is Triton's) and register a ` +
      'new version.',
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
