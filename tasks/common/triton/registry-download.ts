/**
 * Downloads a registry version's artifacts (through MLflow's artifact proxy or straight from
 * S3) into a temporary folder laid out as Triton reads a model: `<folder>/<model>/config.pbtxt`
 * and numeric version folders, so the offline and live validations can read it like any model.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArtifactFile, ArtifactLog } from '../mlflow/artifacts/artifact-repository';
import { repositoryForUri } from '../mlflow/artifacts/repository-for-uri';
import type { MlflowClient } from '../mlflow/mlflow-client';
import { getAliasVersion } from '../mlflow/registry/aliases';
import { modelUiUrl, versionUiUrl } from '../mlflow/registry/registry-links';
import { getVersion } from '../mlflow/registry/versions';
import type { ModelVersion } from '../mlflow/types';
import { versionArtifactUri } from '../mlflow/registry/version-files';
import { UserError } from '../user-error';
import { MODEL_CONFIG_SCHEMA, MODEL_CONFIG_TYPE } from './model-config-schema';
import { children, str } from './pbtxt-ast';
import { parsePbtxt } from './pbtxt-parser';

/** Which version of a registered model: the one an alias points to, or a version number. */
export type VersionSelector =
  { kind: 'alias'; alias: string } | { kind: 'version'; version: string };

/** The input names the selector came from, for messages. */
export interface SelectorInputs {
  alias: string;
  version: string;
}

/** How the version's files were arranged into a Triton model folder. */
export type ArtifactLayout =
  /** The artifacts already held numeric version folders. */
  | 'model-folder'
  /** Model files at the artifact root, moved into a version folder named after the version. */
  | 'flat';

/** A downloaded version, ready to validate. */
export interface DownloadedVersion {
  version: ModelVersion;
  /** Where the files came from, as MLflow names it. */
  artifactUri: string;
  /** The Triton model folder: `<destination>/<registered model name>`. */
  modelFolder: string;
  /** Files written, relative to the model folder, with forward slashes. */
  files: string[];
  layout: ArtifactLayout;
  /** Remarks for the log and summary (how the layout was decided). */
  notes: string[];
}

/** Files MLflow writes beside a model; Triton ignores them, so they stay at the model root. */
const MLFLOW_METADATA = new Set([
  'MLmodel',
  'conda.yaml',
  'python_env.yaml',
  'requirements.txt',
  'registered_model_meta',
  'input_example.json',
  'serving_input_example.json',
]);

/** Folders Triton reads at the model root, never as versions. */
const MODEL_ROOT_FOLDERS = new Set(['warmup', 'initial_state', 'configs']);

/** The version a selector names; a UserError naming the input when there is none or not READY. */
export async function resolveRegistryVersion(
  client: MlflowClient,
  name: string,
  selector: VersionSelector,
  inputs: SelectorInputs,
): Promise<ModelVersion> {
  let version: ModelVersion;
  if (selector.kind === 'version') {
    version = await getVersion(client, name, selector.version);
  } else {
    const found = await getAliasVersion(client, name, selector.alias);
    if (found === undefined) {
      throw new UserError(
        `Input ${inputs.alias}: alias "${selector.alias}" of "${name}" is not set, so there is ` +
          `no version to validate. Set the alias first (RegisterModel or SetAlias), or give a ` +
          `version number in ${inputs.version} (${modelUiUrl(client, name)}).`,
      );
    }
    version = found;
  }
  const status = version.status ?? 'READY';
  if (status !== 'READY') {
    throw new UserError(
      `Version ${version.version} of "${name}" is ${status}, not READY: its files may be ` +
        `incomplete. Wait for the registration to finish, or validate another version ` +
        `(${versionUiUrl(client, name, version.version)}).`,
    );
  }
  return version;
}

/**
 * Resolves the version, downloads its artifacts into `<destination>/<name>/` and lays them out
 * as a Triton model folder. The destination must be an empty or missing folder.
 */
export async function downloadRegistryVersion(
  client: MlflowClient,
  request: {
    name: string;
    selector: VersionSelector;
    inputs: SelectorInputs;
    destination: string;
  },
  log: ArtifactLog,
): Promise<DownloadedVersion> {
  const { name } = request;
  checkFolderName(name);
  const version = await resolveRegistryVersion(client, name, request.selector, request.inputs);
  const artifactUri = await versionArtifactUri(client, version);
  const repository = repositoryForUri(artifactUri, client, log);
  const listed = await repository.listFiles('');
  const what = `version ${version.version} of "${name}"`;
  if (listed.length === 0) {
    throw new UserError(
      `${capitalise(what)} has no files at ${artifactUri}. Log the model's files (config.pbtxt ` +
        `and the model file) with the run before registering it.`,
    );
  }

  const plan = planLayout(listed, name, version.version);
  const bytes = plan.files.reduce((sum, file) => sum + file.size, 0);
  log.info(
    `Downloading ${plan.files.length} file(s), ${(bytes / 1048576).toFixed(1)} MB, of ${what} ` +
      `from ${artifactUri}`,
  );
  const modelFolder = path.join(request.destination, name);
  await fs.mkdir(modelFolder, { recursive: true });
  for (const file of plan.files) {
    const target = path.join(modelFolder, ...file.target.split('/'));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await pipeline(await repository.download(file.source), createWriteStream(target));
  }

  const result: DownloadedVersion = {
    version,
    artifactUri,
    modelFolder,
    files: plan.files.map((file) => file.target).sort(),
    layout: plan.layout,
    notes: plan.notes,
  };
  if (plan.layout === 'flat') await keepLabelFilesAtRoot(modelFolder, version.version, result);
  return result;
}

/** One file to fetch: its path under the artifact root and where it goes in the model folder. */
interface PlannedFile {
  source: string;
  target: string;
  size: number;
}

/** Decides which folder of the artifacts is the model and where each file goes. */
function planLayout(
  listed: ArtifactFile[],
  name: string,
  version: string,
): { files: PlannedFile[]; layout: ArtifactLayout; notes: string[] } {
  const notes: string[] = [];
  const root = modelRoot(listed, name, notes);
  const inRoot = listed
    .filter((file) => root === '' || file.path.startsWith(`${root}/`))
    .map((file) => ({
      ...file,
      relative: root === '' ? file.path : file.path.slice(root.length + 1),
    }));
  for (const file of inRoot) checkRelativePath(file.relative);

  const hasVersionFolder = inRoot.some((file) => /^[1-9]\d*\//.test(file.relative));
  if (hasVersionFolder) {
    const files = inRoot.map((file) => ({
      source: file.path,
      target: file.relative,
      size: file.size,
    }));
    return { files, layout: 'model-folder', notes };
  }
  const files = inRoot.map((file) => ({
    source: file.path,
    target: staysAtRoot(file.relative) ? file.relative : `${version}/${file.relative}`,
    size: file.size,
  }));
  notes.push(
    `The artifacts hold no version folder: the model files were put in version folder ` +
      `${version} (the registry version), as a deployment lays them out.`,
  );
  return { files, layout: 'flat', notes };
}

/** The artifact folder holding config.pbtxt: the root, or the one subfolder that has it. */
function modelRoot(listed: ArtifactFile[], name: string, notes: string[]): string {
  const configs = listed
    .filter((file) => file.path === 'config.pbtxt' || file.path.endsWith('/config.pbtxt'))
    .map((file) => file.path.slice(0, -'config.pbtxt'.length).replace(/\/$/, ''));
  if (configs.length === 0 || configs.includes('')) return '';
  const depth = (folder: string): number => folder.split('/').length;
  const shallowest = Math.min(...configs.map(depth));
  const candidates = configs.filter((folder) => depth(folder) === shallowest);
  const chosen =
    candidates.length === 1
      ? candidates[0]
      : candidates.find((folder) => path.posix.basename(folder) === name);
  if (chosen === undefined) {
    throw new UserError(
      `The version's artifacts hold several models (${candidates.join(', ')}) and none is ` +
        `named "${name}". Register one model per version, or name its folder "${name}".`,
    );
  }
  notes.push(`The Triton model was found in the artifact folder "${chosen}".`);
  return chosen;
}

function staysAtRoot(relative: string): boolean {
  const first = relative.split('/')[0] ?? '';
  if (relative === 'config.pbtxt' || MLFLOW_METADATA.has(relative)) return true;
  return relative.includes('/') && MODEL_ROOT_FOLDERS.has(first);
}

/**
 * Triton reads label files from the model root. In a flat layout they were downloaded with the
 * model files, so the ones config.pbtxt names move back to the root.
 */
async function keepLabelFilesAtRoot(
  modelFolder: string,
  version: string,
  result: DownloadedVersion,
): Promise<void> {
  const text = await fs
    .readFile(path.join(modelFolder, 'config.pbtxt'), 'utf8')
    .catch(() => undefined);
  if (text === undefined) return;
  const parsed = parsePbtxt(text, MODEL_CONFIG_TYPE, MODEL_CONFIG_SCHEMA);
  const labels = children(parsed.root, 'output')
    .map((output) => str(output, 'label_filename'))
    .filter((label) => label !== '' && !label.includes('/'));
  for (const label of new Set(labels)) {
    const moved = `${version}/${label}`;
    if (!result.files.includes(moved)) continue;
    await fs.rename(path.join(modelFolder, version, label), path.join(modelFolder, label));
    result.files = result.files.map((file) => (file === moved ? label : file)).sort();
  }
}

function checkFolderName(name: string): void {
  if (name === '.' || name === '..' || /[/\\]/.test(name) || name.trim() === '') {
    throw new UserError(
      `Model name "${name}" cannot name a Triton model folder: Triton names a model after its ` +
        `folder. Register the model under a name without slashes.`,
    );
  }
}

function checkRelativePath(relative: string): void {
  const segments = relative.split('/');
  if (relative.startsWith('/') || segments.includes('..') || segments.includes('')) {
    throw new UserError(
      `The artifact store listed a file "${relative}" that would land outside the model ` +
        `folder. Check the artifact store; the download was stopped.`,
    );
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
