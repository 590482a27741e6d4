/**
 * Completes a model configuration the way Triton does for an ONNX model (fill what is missing
 * from the model, normalise defaults) and checks it against the model as the onnxruntime
 * backend does. The result is the JSON Triton returns from /config.
 */
import { JsonObject, JsonValue } from './config-source';
import { configTypeOf, ProtocolDataType, protocolFromConfigType } from './data-types';
import { OnnxSignature, OnnxTensorSignature } from './onnx-signature';
import { TritonError } from './triton-error';

/** An input or output as the server serves it; dims exclude the batch dimension. */
export interface ServedTensor {
  name: string;
  dataType: ProtocolDataType;
  dims: number[];
}

/** Which versions Triton serves, from the config's version_policy. */
export type VersionPolicy =
  { kind: 'latest'; count: number } | { kind: 'all' } | { kind: 'specific'; versions: number[] };

/** A completed configuration: the parts the server uses, and the full JSON form. */
export interface ServedModelConfig {
  name: string;
  maxBatchSize: number;
  inputs: ServedTensor[];
  outputs: ServedTensor[];
  versionPolicy: VersionPolicy;
  json: JsonObject;
}

// The onnxruntime backend's default when it fills max_batch_size for a batching model.
const AUTOFILL_MAX_BATCH_SIZE = 4;
// Triton starts two CPU instances of an onnxruntime model unless told otherwise.
const DEFAULT_CPU_INSTANCE_COUNT = 2;

function shapeText(dims: readonly number[]): string {
  return `[${dims.join(',')}]`;
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function asArray(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function asNumber(value: JsonValue | undefined, fallback: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value))) {
    return Number(value);
  }
  return fallback;
}

function asString(value: JsonValue | undefined, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function autofillTensors(
  tensors: readonly OnnxTensorSignature[],
  maxBatchSize: number,
  kind: string,
): JsonObject[] {
  return tensors.map((tensor) => {
    if (tensor.dataType === undefined) {
      throw new TritonError(
        'INTERNAL',
        `unsupported ONNX element type ${tensor.typeName} for ${kind} '${tensor.name}'`,
      );
    }
    return {
      name: tensor.name,
      data_type: configTypeOf(tensor.dataType),
      dims: maxBatchSize > 0 ? tensor.dims.slice(1) : tensor.dims,
    };
  });
}

function modelSupportsBatching(signature: OnnxSignature): boolean {
  return [...signature.inputs, ...signature.outputs].every((t) => t.dims[0] === -1);
}

function servedTensor(io: JsonObject, kind: 'input' | 'output'): ServedTensor {
  const name = asString(io.name, '');
  if (name === '') {
    throw new TritonError('INVALID_ARG', `model ${kind} must specify 'name'`);
  }
  const dataType = protocolFromConfigType(asString(io.data_type, 'TYPE_INVALID'));
  if (dataType === undefined) {
    throw new TritonError('INVALID_ARG', `model ${kind} '${name}' must specify 'data_type'`);
  }
  const dims = asArray(io.dims).map((d) => asNumber(d, 0));
  if (dims.length === 0) {
    throw new TritonError('INVALID_ARG', `model ${kind} '${name}' must specify 'dims'`);
  }
  return { name, dataType, dims };
}

function compareDims(
  modelName: string,
  tensor: ServedTensor,
  modelDims: readonly number[],
  maxBatchSize: number,
  exact: boolean,
): void {
  const prefix = `model '${modelName}', tensor '${tensor.name}'`;
  const fullDims = maxBatchSize > 0 ? [-1, ...tensor.dims] : tensor.dims;
  if (maxBatchSize > 0 && modelDims[0] !== -1) {
    throw new TritonError(
      'INVALID_ARG',
      `${prefix}: for the model to support batching the shape should have at least 1 ` +
        'dimension and the first dimension must be -1; but shape expected by the model is ' +
        shapeText(modelDims),
    );
  }
  const matches =
    modelDims.length === fullDims.length &&
    fullDims.every((dim, i) => (!exact && modelDims[i] === -1) || modelDims[i] === dim);
  if (matches) return;
  const specified =
    maxBatchSize > 0
      ? `${fullDims.length} dimensions (an initial batch dimension because max_batch_size > 0 ` +
        `followed by the explicit tensor shape, making complete shape ${shapeText(fullDims)})`
      : `${fullDims.length} dimensions (shape ${shapeText(fullDims)})`;
  throw new TritonError(
    'INVALID_ARG',
    `${prefix}: the model expects ${modelDims.length} dimensions (shape ` +
      `${shapeText(modelDims)}) but the model configuration specifies ${specified}`,
  );
}

function checkAgainstModel(
  modelName: string,
  tensor: ServedTensor,
  modelTensors: readonly OnnxTensorSignature[],
  maxBatchSize: number,
  kind: 'input' | 'output',
): void {
  const found = modelTensors.find((t) => t.name === tensor.name);
  if (found === undefined) {
    const allowed = modelTensors.map((t) => t.name).sort();
    throw new TritonError(
      'INVALID_ARG',
      `unexpected inference ${kind} '${tensor.name}', allowed ${kind}s are: ${allowed.join(', ')}`,
    );
  }
  if (found.dataType !== tensor.dataType) {
    throw new TritonError(
      'INVALID_ARG',
      `unable to load model '${modelName}', configuration expects datatype ` +
        `${configTypeOf(tensor.dataType)} for ${kind} '${tensor.name}', model provides TYPE_` +
        `${found.dataType ?? 'INVALID'}`,
    );
  }
  if (found.dims.length > 0) {
    compareDims(modelName, tensor, found.dims, maxBatchSize, kind === 'output');
  }
}

/** The version policy a config sets, Latest 1 when it sets none. */
export function versionPolicyOf(json: JsonObject): VersionPolicy {
  const policy = asObject(json.version_policy);
  const specific = asObject(policy?.specific);
  if (specific !== undefined) {
    return { kind: 'specific', versions: asArray(specific.versions).map((v) => asNumber(v, 0)) };
  }
  if (asObject(policy?.all) !== undefined) {
    return { kind: 'all' };
  }
  return { kind: 'latest', count: asNumber(asObject(policy?.latest)?.num_versions, 1) };
}

function normalisedInput(io: JsonObject): JsonObject {
  const json: JsonObject = {
    name: io.name ?? '',
    data_type: io.data_type ?? 'TYPE_INVALID',
    format: io.format ?? 'FORMAT_NONE',
    dims: asArray(io.dims).map((d) => asNumber(d, 0)),
    is_shape_tensor: io.is_shape_tensor ?? false,
    allow_ragged_batch: io.allow_ragged_batch ?? false,
    optional: io.optional ?? false,
    is_non_linear_format_io: io.is_non_linear_format_io ?? false,
  };
  const reshape = asObject(io.reshape);
  if (reshape !== undefined) {
    json.reshape = { shape: asArray(reshape.shape).map((d) => asNumber(d, 0)) };
  }
  return json;
}

function normalisedOutput(io: JsonObject): JsonObject {
  const json: JsonObject = {
    name: io.name ?? '',
    data_type: io.data_type ?? 'TYPE_INVALID',
    dims: asArray(io.dims).map((d) => asNumber(d, 0)),
    label_filename: io.label_filename ?? '',
    is_shape_tensor: io.is_shape_tensor ?? false,
    is_non_linear_format_io: io.is_non_linear_format_io ?? false,
  };
  const reshape = asObject(io.reshape);
  if (reshape !== undefined) {
    json.reshape = { shape: asArray(reshape.shape).map((d) => asNumber(d, 0)) };
  }
  return json;
}

function normalisedInstanceGroups(json: JsonObject, name: string): JsonObject[] {
  const groups = asArray(json.instance_group)
    .map(asObject)
    .filter((g) => g !== undefined);
  const source = groups.length > 0 ? groups : [{ name }];
  return source.map((group, index) => ({
    name: asString(group.name, groups.length > 0 ? `${name}_${index}` : name),
    kind:
      asString(group.kind, 'KIND_CPU') === 'KIND_AUTO' ? 'KIND_CPU' : (group.kind ?? 'KIND_CPU'),
    count: asNumber(group.count, DEFAULT_CPU_INSTANCE_COUNT),
    gpus: asArray(group.gpus),
    secondary_devices: asArray(group.secondary_devices),
    profile: asArray(group.profile),
    passive: group.passive ?? false,
    host_policy: group.host_policy ?? '',
  }));
}

function normalisedDynamicBatching(value: JsonObject, maxBatchSize: number): JsonObject {
  const preferred = asArray(value.preferred_batch_size);
  return {
    preferred_batch_size: preferred.length > 0 ? preferred : maxBatchSize > 0 ? [maxBatchSize] : [],
    max_queue_delay_microseconds: asNumber(value.max_queue_delay_microseconds, 0),
    preserve_ordering: value.preserve_ordering ?? false,
    priority_levels: asNumber(value.priority_levels, 0),
    default_priority_level: asNumber(value.default_priority_level, 0),
    priority_queue_policy: asObject(value.priority_queue_policy) ?? {},
  };
}

function normalisedOptimization(value: JsonObject | undefined): JsonObject {
  return {
    priority: value?.priority ?? 'PRIORITY_DEFAULT',
    input_pinned_memory: asObject(value?.input_pinned_memory) ?? { enable: true },
    output_pinned_memory: asObject(value?.output_pinned_memory) ?? { enable: true },
    gather_kernel_buffer_threshold: asNumber(value?.gather_kernel_buffer_threshold, 0),
    eager_batching: value?.eager_batching ?? false,
  };
}

/**
 * Completes `raw` for the model `modelName` whose graph has `signature`, and checks that the
 * two fit; throws a TritonError with the backend's message when they do not.
 */
export function completeModelConfig(
  raw: JsonObject,
  modelName: string,
  signature: OnnxSignature,
): ServedModelConfig {
  const hasIo = asArray(raw.input).length > 0 || asArray(raw.output).length > 0;
  let maxBatchSize = asNumber(raw.max_batch_size, 0);
  let dynamicBatching = asObject(raw.dynamic_batching);
  if (!hasIo && raw.max_batch_size === undefined && modelSupportsBatching(signature)) {
    maxBatchSize = AUTOFILL_MAX_BATCH_SIZE;
    dynamicBatching = dynamicBatching ?? {};
  }
  if (maxBatchSize < 0) {
    throw new TritonError(
      'INVALID_ARG',
      `'max_batch_size' must be non-negative value for ${modelName}`,
    );
  }

  const rawInputs = hasIo
    ? asArray(raw.input)
        .map(asObject)
        .filter((io) => io !== undefined)
    : autofillTensors(signature.inputs, maxBatchSize, 'input');
  const rawOutputs = hasIo
    ? asArray(raw.output)
        .map(asObject)
        .filter((io) => io !== undefined)
    : autofillTensors(signature.outputs, maxBatchSize, 'output');
  const inputs = rawInputs.map((io) => servedTensor(io, 'input'));
  const outputs = rawOutputs.map((io) => servedTensor(io, 'output'));

  if (inputs.length !== signature.inputs.length) {
    throw new TritonError(
      'INVALID_ARG',
      `unable to load model '${modelName}', configuration expects ${inputs.length} inputs, ` +
        `model provides ${signature.inputs.length}`,
    );
  }
  for (const input of inputs) {
    checkAgainstModel(modelName, input, signature.inputs, maxBatchSize, 'input');
  }
  for (const output of outputs) {
    checkAgainstModel(modelName, output, signature.outputs, maxBatchSize, 'output');
  }

  const json: JsonObject = {
    name: modelName,
    platform: asString(raw.platform, 'onnxruntime_onnx'),
    backend: asString(raw.backend, 'onnxruntime'),
    runtime: asString(raw.runtime, ''),
    version_policy: asObject(raw.version_policy) ?? { latest: { num_versions: 1 } },
    max_batch_size: maxBatchSize,
    input: rawInputs.map(normalisedInput),
    output: rawOutputs.map(normalisedOutput),
    batch_input: asArray(raw.batch_input),
    batch_output: asArray(raw.batch_output),
    optimization: normalisedOptimization(asObject(raw.optimization)),
  };
  if (dynamicBatching !== undefined) {
    json.dynamic_batching = normalisedDynamicBatching(dynamicBatching, maxBatchSize);
  }
  json.instance_group = normalisedInstanceGroups(raw, modelName);
  json.default_model_filename = asString(raw.default_model_filename, 'model.onnx');
  json.cc_model_filenames = asObject(raw.cc_model_filenames) ?? {};
  json.metric_tags = asObject(raw.metric_tags) ?? {};
  json.parameters = asObject(raw.parameters) ?? {};
  json.model_warmup = asArray(raw.model_warmup);

  return {
    name: modelName,
    maxBatchSize,
    inputs,
    outputs,
    versionPolicy: versionPolicyOf(json),
    json,
  };
}
