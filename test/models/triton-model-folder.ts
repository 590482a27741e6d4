/**
 * Describes a Triton model configuration for test models and lays a model out the way Triton
 * reads a repository: `<repository>/<name>/config.pbtxt` and `<version>/model.onnx`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** A data type as written in config.pbtxt (Triton's ModelConfig DataType enum). */
export type TritonConfigDataType =
  | 'TYPE_BOOL'
  | 'TYPE_UINT8'
  | 'TYPE_UINT16'
  | 'TYPE_UINT32'
  | 'TYPE_UINT64'
  | 'TYPE_INT8'
  | 'TYPE_INT16'
  | 'TYPE_INT32'
  | 'TYPE_INT64'
  | 'TYPE_FP16'
  | 'TYPE_FP32'
  | 'TYPE_FP64'
  | 'TYPE_STRING'
  | 'TYPE_BF16';

/** One input or output in a model configuration; dims exclude the batch dimension. */
export interface TritonTensorSpec {
  name: string;
  dataType: TritonConfigDataType;
  dims: readonly number[];
}

/** The parts of a Triton model configuration the test models use. */
export interface TritonModelConfigSpec {
  name: string;
  /** 'onnxruntime_onnx' unless set. */
  platform?: string;
  maxBatchSize: number;
  inputs: readonly TritonTensorSpec[];
  outputs: readonly TritonTensorSpec[];
  /** Adds `instance_group [{ kind: KIND_CPU, count }]` when set. */
  instanceCount?: number;
  /** Adds an empty `dynamic_batching { }` block when true. */
  dynamicBatching?: boolean;
}

/** A real ONNX model together with the Triton configuration that serves it. */
export interface TestModel {
  name: string;
  onnx: Uint8Array;
  config: TritonModelConfigSpec;
}

/** Options for writing a model folder. */
export interface ModelFolderOptions {
  /** The version folder; 1 unless set. */
  version?: number;
  /** config.pbtxt text to write instead of the one rendered from the model's config. */
  configText?: string;
  /** Writes no config.pbtxt, so the server has to fill the configuration from the model. */
  omitConfig?: boolean;
}

function renderTensor(tensor: TritonTensorSpec): string {
  return [
    '  {',
    `    name: "${tensor.name}"`,
    `    data_type: ${tensor.dataType}`,
    `    dims: [ ${tensor.dims.join(', ')} ]`,
    '  }',
  ].join('\n');
}

/** Renders a configuration as config.pbtxt text, in the layout Triton's docs use. */
export function renderConfigPbtxt(config: TritonModelConfigSpec): string {
  const lines = [
    `name: "${config.name}"`,
    `platform: "${config.platform ?? 'onnxruntime_onnx'}"`,
    `max_batch_size: ${config.maxBatchSize}`,
    'input [',
    config.inputs.map(renderTensor).join(',\n'),
    ']',
    'output [',
    config.outputs.map(renderTensor).join(',\n'),
    ']',
  ];
  if (config.instanceCount !== undefined) {
    lines.push(`instance_group [ { kind: KIND_CPU, count: ${config.instanceCount} } ]`);
  }
  if (config.dynamicBatching === true) {
    lines.push('dynamic_batching { }');
  }
  return `${lines.join('\n')}\n`;
}

/** Renders a configuration as the JSON Triton accepts in a load request's `config` parameter. */
export function renderConfigJson(config: TritonModelConfigSpec): string {
  const tensor = (t: TritonTensorSpec): Record<string, unknown> => ({
    name: t.name,
    data_type: t.dataType,
    dims: [...t.dims],
  });
  const json: Record<string, unknown> = {
    name: config.name,
    platform: config.platform ?? 'onnxruntime_onnx',
    max_batch_size: config.maxBatchSize,
    input: config.inputs.map(tensor),
    output: config.outputs.map(tensor),
  };
  if (config.instanceCount !== undefined) {
    json.instance_group = [{ kind: 'KIND_CPU', count: config.instanceCount }];
  }
  if (config.dynamicBatching === true) {
    json.dynamic_batching = {};
  }
  return JSON.stringify(json);
}

/** Writes a model into a Triton repository folder and returns the model's folder. */
export async function writeTritonModelFolder(
  repository: string,
  model: TestModel,
  options: ModelFolderOptions = {},
): Promise<string> {
  const modelDir = path.join(repository, model.name);
  const versionDir = path.join(modelDir, String(options.version ?? 1));
  await mkdir(versionDir, { recursive: true });
  await writeFile(path.join(versionDir, 'model.onnx'), model.onnx);
  if (options.omitConfig !== true) {
    const text = options.configText ?? renderConfigPbtxt(model.config);
    await writeFile(path.join(modelDir, 'config.pbtxt'), text);
  }
  return modelDir;
}

/**
 * The body of a Triton load request that sends this model's config and model.onnx, as the
 * deploy and validation tasks do in explicit mode.
 */
export function loadRequestBody(
  model: TestModel,
  version = 1,
): { parameters: Record<string, string> } {
  return {
    parameters: {
      config: renderConfigJson(model.config),
      [`file:${version}/model.onnx`]: Buffer.from(model.onnx).toString('base64'),
    },
  };
}
