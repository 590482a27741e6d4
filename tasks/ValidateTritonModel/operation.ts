import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { MlflowClient } from '../common/mlflow/mlflow-client';
import { versionUiUrl } from '../common/mlflow/registry/registry-links';
import { setVersionTags } from '../common/mlflow/registry/versions';
import type { LiveValidationOptions } from '../common/triton/live/live-options';
import type { LiveReport } from '../common/triton/live/live-report';
import { downloadRegistryVersion } from '../common/triton/registry-download';
import {
  summarize,
  validateModel,
  validateModelRepository,
  type ValidationOptions,
  type ValidationResult,
} from '../common/triton/validate';
import { UserError } from '../common/user-error';
import { redactLiveReport } from './live-redaction';
import type { ModelSource, ValidateParameters } from './parameters';
import type { ValidationReport } from './report';
import { validationTags } from './version-tags';

/** What the story needs from outside: servers, a scratch folder, and the log. */
export interface ValidationDependencies {
  /** The MLflow client; called only for the registry source. */
  mlflow: () => MlflowClient;
  /** The live validation (tasks/common/triton/live), behind a seam for tests. */
  validateLive: (options: LiveValidationOptions) => Promise<LiveReport>;
  /** A new empty folder for downloaded artifacts. */
  tempFolder: () => Promise<string>;
  log: (line: string) => void;
  debug: (line: string) => void;
  now: () => Date;
}

/**
 * The task's story: get the model (folder or registry download), validate it offline, then on
 * the staging Triton when asked, and record the result on the registry version. Fills `report`
 * as it goes, so the caller can publish what is known even when a step throws.
 */
export async function runValidation(
  params: ValidateParameters,
  deps: ValidationDependencies,
  report: ValidationReport,
): Promise<void> {
  const target = await prepareModel(params, deps, report);
  const options = params.gpuCount === undefined ? {} : { gpuCount: params.gpuCount };
  const result = await validateTarget(target, params.modelName, options);
  report.findings = result.findings;
  report.summary = result.summary;
  deps.log(
    `Offline validation: ${result.summary.models} model(s) checked, ` +
      `${result.summary.errors} error(s), ${result.summary.warnings} warning(s).`,
  );

  try {
    if (params.live !== undefined) await runLive(params, target, deps, report);
  } catch (error) {
    report.live = { kind: 'error', reason: error instanceof Error ? error.message : String(error) };
    throw error;
  } finally {
    if (report.source?.registry !== undefined) await tagVersion(params, deps, report);
  }
}

/** The folder to validate and what it holds. */
interface ValidationTarget {
  /** The folder handed to the validator: a repository, or one model folder. */
  folder: string;
  /** The folder of the model the live part uses, when one model is meant. */
  modelFolder?: string;
  /** Triton's name for that model. */
  modelName?: string;
  /** Whether `folder` is a single model (config.pbtxt at its root or a registry download). */
  singleModel: boolean;
}

async function prepareModel(
  params: ValidateParameters,
  deps: ValidationDependencies,
  report: ValidationReport,
): Promise<ValidationTarget> {
  if (params.source.kind === 'registry') return downloadModel(params, params.source, deps, report);
  const folder = params.source.folder;
  const shown = path.relative(params.workingDirectory, folder) || '.';
  report.source = { kind: 'folder', description: `folder ${shown}`, root: folder };
  const stat = await fs.stat(folder).catch(() => undefined);
  if (stat?.isDirectory() !== true) {
    throw new UserError(
      `Input modelRepository: "${shown}" is not a folder on the agent. Give the Triton model ` +
        `repository (<repository>/<model>/config.pbtxt) or one model folder, relative to the ` +
        `sources folder; check out the repository first if it is in another one.`,
    );
  }
  const isModel = (
    await fs.stat(path.join(folder, 'config.pbtxt')).catch(() => undefined)
  )?.isFile();
  if (isModel === true) {
    const name = params.modelName ?? path.basename(folder);
    report.modelName = name;
    return { folder, modelFolder: folder, modelName: name, singleModel: true };
  }
  const models = await modelFolders(folder);
  const name = params.modelName ?? (models.length === 1 ? models[0] : undefined);
  if (params.modelName !== undefined && !models.includes(params.modelName)) {
    throw new UserError(
      `Input modelName: the repository "${shown}" has no model folder "${params.modelName}" ` +
        `(it holds ${models.length === 0 ? 'none' : models.join(', ')}). Give one of these ` +
        `names, or leave it empty to validate every model.`,
    );
  }
  if (name === undefined) return { folder, singleModel: false };
  report.modelName = name;
  return { folder, modelFolder: path.join(folder, name), modelName: name, singleModel: false };
}

async function downloadModel(
  params: ValidateParameters,
  source: Extract<ModelSource, { kind: 'registry' }>,
  deps: ValidationDependencies,
  report: ValidationReport,
): Promise<ValidationTarget> {
  const name = params.modelName ?? '';
  const client = deps.mlflow();
  const server = await client.server();
  deps.log(`MLflow ${server.version} at ${client.uiBase()} (${source.connection.origin}).`);
  const destination = await deps.tempFolder();
  const downloaded = await downloadRegistryVersion(
    client,
    {
      name,
      selector: source.selector,
      inputs: { alias: 'registryAlias', version: 'registryVersion' },
      destination,
    },
    { info: deps.log, warning: deps.log },
  );
  const version = downloaded.version.version;
  const alias = source.selector.kind === 'alias' ? source.selector.alias : undefined;
  const label = alias === undefined ? '' : ` (alias ${alias})`;
  report.source = {
    kind: 'registry',
    description: `version ${version} of "${name}"${label}`,
    root: downloaded.modelFolder,
    registry: {
      name,
      version,
      ...(alias !== undefined ? { alias } : {}),
      artifactUri: downloaded.artifactUri,
      versionUrl: versionUiUrl(client, name, version),
    },
  };
  report.notes.push(...downloaded.notes);
  report.modelName = name;
  deps.log(`Downloaded ${downloaded.files.join(', ')}`);
  for (const note of downloaded.notes) deps.log(note);
  return {
    folder: downloaded.modelFolder,
    modelFolder: downloaded.modelFolder,
    modelName: name,
    singleModel: true,
  };
}

/** Validates the folder; with a model named in a repository, keeps that model's findings. */
async function validateTarget(
  target: ValidationTarget,
  modelName: string | undefined,
  options: ValidationOptions,
): Promise<ValidationResult> {
  if (target.singleModel) return validateModel(target.folder, options);
  // The whole repository is read so that ensemble steps are checked against their models.
  const result = await validateModelRepository(target.folder, options);
  if (modelName === undefined) return result;
  const findings = result.findings.filter((finding) => finding.file.startsWith(`${modelName}/`));
  return { ...result, findings, summary: summarize(findings, 1) };
}

async function modelFolders(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

async function runLive(
  params: ValidateParameters,
  target: ValidationTarget,
  deps: ValidationDependencies,
  report: ValidationReport,
): Promise<void> {
  const live = params.live;
  if (live === undefined) return;
  if ((report.summary?.errors ?? 0) > 0) {
    report.live = {
      kind: 'skipped',
      reason: 'the offline validation found errors: fix them before testing the model on Triton',
    };
    deps.log(`Live validation skipped: ${report.live.reason}.`);
    return;
  }
  if (target.modelName === undefined || target.modelFolder === undefined) {
    throw new UserError(
      `Input modelName: the repository holds several models, and the live validation tests ` +
        `one. Name the model to test on ${live.tritonUrl}.`,
    );
  }
  const liveReport = await deps.validateLive({
    tritonUrl: live.tritonUrl,
    modelName: target.modelName,
    ...(live.tritonVersion !== undefined ? { modelVersion: live.tritonVersion } : {}),
    mode: live.mode,
    readyTimeoutMs: live.readyTimeoutMs,
    modelFolder: target.modelFolder,
    unloadAfter: live.unloadAfter,
    ...(live.sampleRequestFile !== undefined ? { sampleRequestFile: live.sampleRequestFile } : {}),
    latency: {
      requests: live.latencyRequests,
      concurrency: live.latencyConcurrency,
      ...(live.p95BudgetMs !== undefined ? { p95BudgetMs: live.p95BudgetMs } : {}),
    },
    connection: {
      retry: { maxRetries: live.maxRetries },
      timeouts: { readMs: live.requestTimeoutMs },
    },
    log: deps.log,
    debug: deps.debug,
  });
  report.live = { kind: 'ran', report: redactLiveReport(liveReport, live.tritonUrl) };
}

/** Records the result on the registry version; a failure here is reported, not thrown. */
async function tagVersion(
  params: ValidateParameters,
  deps: ValidationDependencies,
  report: ValidationReport,
): Promise<void> {
  const registry = report.source?.registry;
  if (registry === undefined) return;
  const tags = validationTags(report, params.pipeline, deps.now());
  if (tags.length === 0) return;
  try {
    await setVersionTags(deps.mlflow(), registry.name, registry.version, tags);
    report.tagsWritten = tags;
  } catch (error) {
    report.tagProblem = error instanceof Error ? error.message : String(error);
  }
}
