/**
 * The layout of one model folder as Triton reads it (core model_lifecycle VersionsToLoad and
 * the backends' file lookup): config.pbtxt at the root, numeric version folders, the model file
 * in each version that will be served, and the label, warmup and initial-state files the config
 * names.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Finding } from './finding';
import {
  child,
  children,
  mapEntries,
  nums,
  PbMessageNode,
  positionOf,
  scalar,
  str,
} from './pbtxt-ast';
import { EffectiveModel } from './rule-context';

/** Folders in a model folder that are not versions. */
const NON_VERSION_FOLDERS: ReadonlySet<string> = new Set(['warmup', 'initial_state', 'configs']);

/** What a model folder holds. */
export interface ModelFolderScan {
  /** Absolute path. */
  dir: string;
  /** The folder's name. */
  name: string;
  /** config.pbtxt's text, when present and readable. */
  configText?: string;
  /** Names in the folder, with their kind. */
  entries: ReadonlyMap<string, 'file' | 'dir'>;
  /** Version number to folder name, for the folders Triton reads as versions. */
  versions: ReadonlyMap<number, string>;
  /** Entries of the first subfolder in sort order, the one Triton's auto-completion looks in. */
  firstSubfolderEntries?: ReadonlyMap<string, 'file' | 'dir'>;
}

/** Lists a folder's entries as file or folder; an unreadable folder reads as empty. */
export async function listEntries(dir: string): Promise<Map<string, 'file' | 'dir'>> {
  const result = new Map<string, 'file' | 'dir'>();
  try {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        isDir =
          (await fs.stat(path.join(dir, entry.name)).catch(() => undefined))?.isDirectory() ??
          false;
      }
      result.set(entry.name, isDir ? 'dir' : 'file');
    }
  } catch {
    // Reported by the caller as a missing or unreadable folder.
  }
  return result;
}

/** Triton reads a version folder's name with stoll: leading digits, no leading zero. */
export function versionOfFolder(name: string): number | undefined {
  if (NON_VERSION_FOLDERS.has(name)) return undefined;
  if (name.length > 1 && name.startsWith('0')) return undefined;
  const match = /^\s*([+-]?\d+)/.exec(name);
  return match === null ? undefined : Number(match[1]);
}

/** Reads what a model folder holds. */
export async function scanModelFolder(dir: string): Promise<ModelFolderScan> {
  const entries = await listEntries(dir);
  const versions = new Map<number, string>();
  const subfolders = [...entries].filter(([, kind]) => kind === 'dir').map(([name]) => name);
  for (const name of subfolders) {
    const version = versionOfFolder(name);
    if (version !== undefined && !versions.has(version)) versions.set(version, name);
  }
  const scan: ModelFolderScan = { dir, name: path.basename(dir), entries, versions };
  const first = [...subfolders].sort()[0];
  if (first !== undefined) scan.firstSubfolderEntries = await listEntries(path.join(dir, first));
  if (entries.get('config.pbtxt') === 'file') {
    scan.configText = await fs
      .readFile(path.join(dir, 'config.pbtxt'), 'utf8')
      .catch(() => undefined);
  }
  return scan;
}

/** The versions Triton will serve under the config's version policy. */
export function servedVersions(scan: ModelFolderScan, config: PbMessageNode | undefined): number[] {
  const present = [...scan.versions.keys()].sort((a, b) => b - a);
  const policy = child(config, 'version_policy');
  if (child(policy, 'all') !== undefined) return present;
  const specific = child(policy, 'specific');
  if (specific !== undefined) return nums(specific, 'versions').filter((v) => scan.versions.has(v));
  const latest = child(policy, 'latest');
  const count = latest === undefined ? 1 : (nums(latest, 'num_versions')[0] ?? 0);
  return present.slice(0, count);
}

/** Layout findings for one model folder; `prefix` is the folder relative to what is validated. */
export async function checkModelLayout(
  scan: ModelFolderScan,
  config: PbMessageNode | undefined,
  effective: EffectiveModel | undefined,
  prefix: string,
  checkFolderName: boolean,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const rel = (...parts: string[]): string => path.posix.join(prefix, ...parts);
  const configFile = rel('config.pbtxt');
  const add = (
    severity: Finding['severity'],
    rule: string,
    file: string,
    at: { line: number; column: number } | undefined,
    message: string,
    fix: string,
  ): void => {
    findings.push({
      severity,
      rule,
      file,
      line: at?.line ?? 0,
      column: at?.column ?? 0,
      message,
      fix,
    });
  };

  checkConfigPresent(scan, rel, add);
  checkVersionFolders(scan, rel, add);

  const name = str(config, 'name');
  if (checkFolderName && config !== undefined && name !== '' && name !== scan.name) {
    add(
      'error',
      'layout.folder-name',
      configFile,
      positionOf(config, 'name'),
      `unexpected directory name '${scan.name}' for model '${name}': the directory name must ` +
        'equal the model name.',
      `Rename the folder to '${name}', or set name: "${scan.name}".`,
    );
  }
  if (effective === undefined) return findings;

  const served = servedVersions(scan, config);
  if (scan.versions.size > 0 && served.length === 0) {
    add(
      'error',
      'layout.version-policy',
      configFile,
      config === undefined ? undefined : positionOf(config, 'version_policy'),
      'The version policy selects none of the version folders present, so no version loads.',
      'Change version_policy, or add the version folders it names.',
    );
  }
  if (effective.platform !== 'ensemble') {
    // A version outside the policy is not loaded now, but would be once the policy changes.
    for (const version of [...scan.versions.keys()].sort((a, b) => a - b)) {
      const severity = served.includes(version) ? 'error' : 'warning';
      await checkModelFile(scan, config, effective, version, severity, rel, add);
    }
  }
  if (config !== undefined) await checkNamedFiles(scan, config, configFile, rel, add);
  return findings;
}

type Add = (
  severity: Finding['severity'],
  rule: string,
  file: string,
  at: { line: number; column: number } | undefined,
  message: string,
  fix: string,
) => void;

function checkConfigPresent(
  scan: ModelFolderScan,
  rel: (...p: string[]) => string,
  add: Add,
): void {
  if (scan.entries.get('config.pbtxt') === 'file') return;
  const lookalike = [...scan.entries.keys()].find(
    (n) => /^config(\.pbtxt.+|\.txt|\.prototxt)$|^Config\.pbtxt$/i.test(n) && n !== 'config.pbtxt',
  );
  add(
    lookalike === undefined ? 'warning' : 'error',
    'layout.config',
    rel('config.pbtxt'),
    undefined,
    lookalike === undefined
      ? 'The model has no config.pbtxt; Triton can generate one only for backends that ' +
          'auto-complete their configuration (ONNX Runtime, TensorRT, TensorFlow, Python).'
      : `The model has no config.pbtxt but has '${lookalike}', which Triton does not read.`,
    lookalike === undefined
      ? 'Add config.pbtxt at the model folder root.'
      : `Rename '${lookalike}' to 'config.pbtxt'.`,
  );
}

function checkVersionFolders(
  scan: ModelFolderScan,
  rel: (...p: string[]) => string,
  add: Add,
): void {
  for (const [name, kind] of scan.entries) {
    if (kind !== 'dir' || NON_VERSION_FOLDERS.has(name) || name.startsWith('.')) continue;
    const version = versionOfFolder(name);
    if (version === undefined) {
      add(
        'warning',
        'layout.version-folder',
        rel(name),
        undefined,
        `Triton ignores the folder '${name}': version folders are named by a number without ` +
          'leading zeros (1, 2, ...).',
        /^0\d+$/.test(name)
          ? `Rename '${name}' to '${String(Number(name))}'.`
          : /^v\d+$/i.test(name)
            ? `Rename '${name}' to '${name.slice(1)}'.`
            : `Rename '${name}' to a version number, or move it out of the model folder.`,
      );
    } else if (String(version) !== name) {
      add(
        'warning',
        'layout.version-folder',
        rel(name),
        undefined,
        `Triton reads the folder '${name}' as version ${version}.`,
        `Rename '${name}' to '${version}'.`,
      );
    }
  }
  if (scan.versions.size === 0) {
    add(
      'error',
      'layout.version-folder',
      rel(),
      undefined,
      'The model has no version folder, so Triton has no version to load.',
      'Put the model file in a numbered version folder, e.g. 1/model.onnx.',
    );
  }
}

async function checkModelFile(
  scan: ModelFolderScan,
  config: PbMessageNode | undefined,
  effective: EffectiveModel,
  version: number,
  severity: Finding['severity'],
  rel: (...p: string[]) => string,
  add: Add,
): Promise<void> {
  const folder = scan.versions.get(version);
  if (folder === undefined || effective.defaultModelFilename === '') return;
  const entries = await listEntries(path.join(scan.dir, folder));
  const accepted = [
    effective.defaultModelFilename,
    ...mapEntries(config, 'cc_model_filenames').map((e) =>
      e.value?.kind === 'scalar' ? String(e.value.value) : '',
    ),
  ].filter((n) => n !== '');
  if (accepted.some((n) => entries.has(n))) {
    const wantsDir = effective.platform === 'tensorflow_savedmodel';
    const kind = entries.get(effective.defaultModelFilename);
    if (wantsDir && kind === 'file') {
      add(
        severity,
        'layout.model-file',
        rel(folder, effective.defaultModelFilename),
        undefined,
        `${effective.defaultModelFilename} must be a SavedModel folder, not a file.`,
        'Export the model with tf.saved_model.save into this folder.',
      );
    }
    return;
  }
  const others = [...entries.keys()].filter((n) => /^model\./.test(n));
  const written = scalar(config, 'default_model_filename');
  add(
    severity,
    'layout.model-file',
    rel(folder),
    written === undefined ? undefined : written.pos,
    `Version ${version} has no '${effective.defaultModelFilename}', the file the ` +
      `${effective.backend || effective.platform} backend loads` +
      (others.length > 0 ? ` (found: ${others.join(', ')}).` : '.'),
    others.length > 0
      ? `Rename the file to '${effective.defaultModelFilename}', or set ` +
          `default_model_filename: "${others[0] ?? ''}".`
      : `Put the model file at ${folder}/${effective.defaultModelFilename}.`,
  );
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function checkNamedFiles(
  scan: ModelFolderScan,
  config: PbMessageNode,
  configFile: string,
  rel: (...p: string[]) => string,
  add: Add,
): Promise<void> {
  for (const output of children(config, 'output')) {
    const label = scalar(output, 'label_filename');
    if (label === undefined || label.value === '') continue;
    const name = String(label.value);
    if (!(await exists(path.join(scan.dir, name)))) {
      add(
        'error',
        'layout.label-file',
        configFile,
        label.pos,
        `Output '${str(output, 'name')}' names the label file '${name}', which is not in the ` +
          'model folder.',
        `Add ${rel(name)} (one label per line), or remove label_filename.`,
      );
    }
  }
  for (const warmup of children(config, 'model_warmup')) {
    for (const entry of mapEntries(warmup, 'inputs')) {
      const input = entry.value?.kind === 'message' ? entry.value : undefined;
      const file = scalar(input, 'input_data_file');
      if (file === undefined) continue;
      const name = String(file.value);
      if (!(await exists(path.join(scan.dir, 'warmup', name)))) {
        add(
          'error',
          'layout.warmup-file',
          configFile,
          file.pos,
          `Warmup input '${entry.key}' reads '${name}', which is not in the model's ` +
            'warmup/ folder.',
          `Add ${rel('warmup', name)}, or use zero_data / random_data.`,
        );
      }
    }
  }
  const states = children(child(config, 'sequence_batching'), 'state');
  for (const initial of states.flatMap((s) => children(s, 'initial_state'))) {
    const file = scalar(initial, 'data_file');
    if (file === undefined) continue;
    const name = String(file.value);
    if (!(await exists(path.join(scan.dir, 'initial_state', name)))) {
      add(
        'error',
        'layout.initial-state-file',
        configFile,
        file.pos,
        `Initial state '${str(initial, 'name')}' reads '${name}', which is not in the model's ` +
          'initial_state/ folder.',
        `Add ${rel('initial_state', name)}, or use zero_data.`,
      );
    }
  }
}
