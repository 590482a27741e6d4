/**
 * What every Triton config rule receives: the parsed config, what is known about the model's
 * folder and repository, the caller's options, and a way to report a finding at a place.
 */
import { Finding } from './finding';
import { PbMessageNode } from './pbtxt-ast';
import { Position } from './pbtxt-tokenizer';

/** Options of a validation run. */
export interface ValidationOptions {
  /**
   * GPUs on the server that will load the model. Unknown by default: then rules that depend on
   * the host (KIND_GPU, gpu ids) are reported as warnings, to be confirmed by a live check.
   */
  gpuCount?: number;
  /** Whether the model folder must be named after the model (Triton requires it). Default true. */
  checkFolderName?: boolean;
  /** Whether to compare model.onnx with the config for ONNX models. Default true. */
  checkOnnxSignature?: boolean;
}

/** A model elsewhere in the same repository, as an ensemble step sees it. */
export interface RepositoryModel {
  /** Numeric version folders present. */
  versions: number[];
  /** Input and output names from its config, when it parsed and lists them. */
  inputs?: string[];
  outputs?: string[];
  /** Inputs not marked optional: an ensemble step must feed each of them. */
  requiredInputs?: string[];
  /** Its max_batch_size, when its config parsed and gives one. */
  maxBatchSize?: number;
}

/** What is known about the model besides its config text. */
export interface ModelFacts {
  /** The model folder's name; undefined when only a config text is validated. */
  folderName?: string;
  /** Names in the version folder Triton looks at first (the first subfolder in sort order). */
  firstSubfolderEntries?: ReadonlyMap<string, 'file' | 'dir'>;
  /** Numeric version folders present. */
  versions?: number[];
  /** Other models of the repository by name; undefined when the repository is not known. */
  repository?: ReadonlyMap<string, RepositoryModel>;
}

/** The model's name, platform, backend and default file after Triton's auto-completion. */
export interface EffectiveModel {
  name: string;
  platform: string;
  backend: string;
  defaultModelFilename: string;
}

/** Everything a rule needs. */
export interface RuleContext {
  config: PbMessageNode;
  file: string;
  facts: ModelFacts;
  options: ValidationOptions;
  effective: EffectiveModel;
  report(
    severity: Finding['severity'],
    rule: string,
    at: Position,
    message: string,
    fix: string,
  ): void;
}

/** A rule: looks at the context and reports what it finds. */
export type ConfigRule = (ctx: RuleContext) => void;

/** Builds a context that appends to `findings`. */
export function createRuleContext(
  config: PbMessageNode,
  file: string,
  facts: ModelFacts,
  options: ValidationOptions,
  effective: EffectiveModel,
  findings: Finding[],
): RuleContext {
  return {
    config,
    file,
    facts,
    options,
    effective,
    report(severity, rule, at, message, fix) {
      findings.push({ severity, rule, file, line: at.line, column: at.column, message, fix });
    },
  };
}

/** How a model is named in messages: by its name, or "this model" when it has none yet. */
export function modelLabel(ctx: RuleContext): string {
  return ctx.effective.name === '' ? 'this model' : `model '${ctx.effective.name}'`;
}
