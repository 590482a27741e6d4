/**
 * The validator's entry points: a model repository, one model folder, or a config text alone.
 * Each returns every finding at once with a summary, and never throws on bad input.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkConfigRules, effectiveModel } from './config-rules';
import { Finding } from './finding';
import { MODEL_CONFIG_SCHEMA, MODEL_CONFIG_TYPE } from './model-config-schema';
import { compareWithOnnx, readOnnxSignature } from './onnx-signature';
import { bool, children, PbMessageNode, scalar, str } from './pbtxt-ast';
import { parsePbtxt } from './pbtxt-parser';
import {
  checkModelLayout,
  listEntries,
  ModelFolderScan,
  scanModelFolder,
  servedVersions,
} from './repository-layout';
import { ModelFacts, RepositoryModel, ValidationOptions } from './rule-context';

export type { ValidationOptions } from './rule-context';

/** Counts and the overall outcome. */
export interface ValidationSummary {
  models: number;
  errors: number;
  warnings: number;
  result: 'passed' | 'passedWithWarnings' | 'failed';
}

/** Every finding, with file paths relative to `root`, and the summary. */
export interface ValidationResult {
  /** The folder the paths are relative to (absolute); '' for a config text. */
  root: string;
  findings: Finding[];
  summary: ValidationSummary;
}

/** ONNX files larger than this are not decoded (the graph would be read into memory). */
const MAX_ONNX_BYTES = 1024 * 1024 * 1024;

/** Summarises findings; `passed` means no error. */
export function summarize(findings: Finding[], models: number): ValidationSummary {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const result = errors > 0 ? 'failed' : warnings > 0 ? 'passedWithWarnings' : 'passed';
  return { models, errors, warnings, result };
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function internalError(file: string, error: unknown): Finding {
  return {
    severity: 'error',
    rule: 'validator.internal',
    file,
    line: 0,
    column: 0,
    message: `The validator could not check this file: ${describe(error)}.`,
    fix: 'Report this to the extension maintainers with the file attached.',
  };
}

/** Validates one config text without any folder (no layout or model-file checks). */
export function validateConfigText(
  text: string,
  fileName: string,
  options: ValidationOptions = {},
): ValidationResult {
  let findings: Finding[];
  try {
    const parsed = parsePbtxt(text, MODEL_CONFIG_TYPE, MODEL_CONFIG_SCHEMA);
    findings = parsed.issues.map((issue) => ({ ...issue, file: fileName }));
    if (parsed.root !== undefined && !findings.some((f) => f.severity === 'error')) {
      findings.push(...checkConfigRules(parsed.root, fileName, {}, options));
    }
  } catch (error) {
    findings = [internalError(fileName, error)];
  }
  return { root: '', findings: sortFindings(findings), summary: summarize(findings, 1) };
}

/** A model folder read and parsed, before the rules run. */
interface LoadedModel {
  scan: ModelFolderScan;
  prefix: string;
  config: PbMessageNode | undefined;
  parseFindings: Finding[];
}

async function loadModel(dir: string, prefix: string): Promise<LoadedModel> {
  const scan = await scanModelFolder(dir);
  const configFile = path.posix.join(prefix, 'config.pbtxt');
  if (scan.configText === undefined) return { scan, prefix, config: undefined, parseFindings: [] };
  const parsed = parsePbtxt(scan.configText, MODEL_CONFIG_TYPE, MODEL_CONFIG_SCHEMA);
  const parseFindings = parsed.issues.map((issue) => ({ ...issue, file: configFile }));
  const parses = parsed.root !== undefined && !parseFindings.some((f) => f.severity === 'error');
  return { scan, prefix, config: parses ? parsed.root : undefined, parseFindings };
}

function repositoryEntry(model: LoadedModel): RepositoryModel {
  const entry: RepositoryModel = { versions: [...model.scan.versions.keys()] };
  if (model.config !== undefined) {
    entry.inputs = children(model.config, 'input').map((io) => str(io, 'name'));
    entry.outputs = children(model.config, 'output').map((io) => str(io, 'name'));
    entry.requiredInputs = children(model.config, 'input')
      .filter((io) => !bool(io, 'optional'))
      .map((io) => str(io, 'name'));
    const maxBatch = scalar(model.config, 'max_batch_size')?.value;
    if (typeof maxBatch === 'number') entry.maxBatchSize = maxBatch;
  }
  return entry;
}

async function checkLoadedModel(
  model: LoadedModel,
  repository: ReadonlyMap<string, RepositoryModel> | undefined,
  options: ValidationOptions,
): Promise<Finding[]> {
  const { scan, prefix, config } = model;
  const configFile = path.posix.join(prefix, 'config.pbtxt');
  const findings = [...model.parseFindings];
  const facts: ModelFacts = { folderName: scan.name, versions: [...scan.versions.keys()] };
  if (scan.firstSubfolderEntries !== undefined) {
    facts.firstSubfolderEntries = scan.firstSubfolderEntries;
  }
  if (repository !== undefined) facts.repository = repository;

  const effective = config === undefined ? undefined : effectiveModel(config, facts);
  if (config !== undefined) findings.push(...checkConfigRules(config, configFile, facts, options));
  const checkName = options.checkFolderName !== false;
  findings.push(...(await checkModelLayout(scan, config, effective, prefix, checkName)));
  if (config !== undefined && effective?.backend === 'onnxruntime') {
    if (options.checkOnnxSignature !== false) {
      findings.push(...(await checkOnnx(model, config, effective.defaultModelFilename)));
    }
  }
  return findings;
}

async function checkOnnx(
  model: LoadedModel,
  config: PbMessageNode,
  fileName: string,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const configFile = path.posix.join(model.prefix, 'config.pbtxt');
  for (const version of servedVersions(model.scan, config)) {
    const folder = model.scan.versions.get(version) ?? String(version);
    const relative = path.posix.join(model.prefix, folder, fileName);
    const absolute = path.join(model.scan.dir, folder, fileName);
    const stat = await fs.stat(absolute).catch(() => undefined);
    if (stat === undefined || !stat.isFile()) continue;
    if (stat.size > MAX_ONNX_BYTES) {
      findings.push({
        severity: 'warning',
        rule: 'onnx.signature',
        file: relative,
        line: 0,
        column: 0,
        message: `${relative} is larger than 1 GB; its inputs and outputs were not compared.`,
        fix: 'Check the signature with the live validation.',
      });
      continue;
    }
    try {
      const signature = readOnnxSignature(await fs.readFile(absolute));
      findings.push(...compareWithOnnx(config, signature, configFile, relative));
    } catch (error) {
      findings.push({
        severity: 'error',
        rule: 'onnx.read',
        file: relative,
        line: 0,
        column: 0,
        message:
          `${relative} could not be read as an ONNX model ` +
          `(${error instanceof Error ? error.message : String(error)}).`,
        fix: 'Export the model again with torch.onnx.export or tf2onnx, and check the upload.',
      });
    }
  }
  return findings;
}

async function isFolder(folder: string): Promise<boolean> {
  return (await fs.stat(folder).catch(() => undefined))?.isDirectory() ?? false;
}

function missingFolder(folder: string): ValidationResult {
  const findings: Finding[] = [
    {
      severity: 'error',
      rule: 'input.folder',
      file: '',
      line: 0,
      column: 0,
      message: `The folder '${folder}' does not exist or is not a folder.`,
      fix: 'Give the path of a Triton model repository or model folder.',
    },
  ];
  return { root: path.resolve(folder), findings, summary: summarize(findings, 0) };
}

/** Validates one model folder (config.pbtxt plus version folders); paths are relative to it. */
export async function validateModel(
  modelDir: string,
  options: ValidationOptions = {},
): Promise<ValidationResult> {
  const root = path.resolve(modelDir);
  if (!(await isFolder(root))) return missingFolder(modelDir);
  let findings: Finding[];
  try {
    findings = await checkLoadedModel(await loadModel(root, ''), undefined, options);
  } catch (error) {
    findings = [internalError('config.pbtxt', error)];
  }
  return { root, findings: sortFindings(findings), summary: summarize(findings, 1) };
}

/**
 * Validates a model repository: every subfolder is a model, and ensemble steps are checked
 * against the other models. A folder holding config.pbtxt is validated as one model.
 */
export async function validateModelRepository(
  folder: string,
  options: ValidationOptions = {},
): Promise<ValidationResult> {
  const root = path.resolve(folder);
  if (!(await isFolder(root))) return missingFolder(folder);
  const entries = await listEntries(root);
  if (entries.get('config.pbtxt') === 'file') return validateModel(root, options);

  const modelNames = [...entries]
    .filter(([name, kind]) => kind === 'dir' && !name.startsWith('.'))
    .map(([name]) => name)
    .sort();
  const findings: Finding[] = [];
  if (modelNames.length === 0) {
    findings.push({
      severity: 'error',
      rule: 'layout.repository',
      file: '',
      line: 0,
      column: 0,
      message: `The model repository '${folder}' holds no model folder.`,
      fix: 'Put each model in its own folder: <repository>/<model>/config.pbtxt and <model>/1/.',
    });
    return { root, findings, summary: summarize(findings, 0) };
  }

  const models: LoadedModel[] = [];
  for (const name of modelNames) models.push(await loadModel(path.join(root, name), name));
  const repository = new Map<string, RepositoryModel>();
  for (const model of models) {
    const name = (model.config && str(model.config, 'name')) || model.scan.name;
    repository.set(name, repositoryEntry(model));
  }
  for (const model of models) {
    try {
      findings.push(...(await checkLoadedModel(model, repository, options)));
    } catch (error) {
      findings.push(internalError(path.posix.join(model.prefix, 'config.pbtxt'), error));
    }
  }
  return { root, findings: sortFindings(findings), summary: summarize(findings, models.length) };
}
