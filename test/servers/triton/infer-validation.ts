/**
 * Checks a parsed request against the served configuration the way Triton's core does before
 * running a model (InferenceRequest::Normalize): outputs, input count and names, batch size,
 * data types, shapes and byte sizes, in that order and with its messages.
 */
import { elementSize, ProtocolDataType } from './data-types';
import { InferRequest, RequestInput } from './infer-request-parser';
import { ServedModelConfig, ServedTensor } from './model-config';
import { elementCount, Tensor, valuesFromBinary } from './tensor-codec';
import { TritonError } from './triton-error';

/** An output to produce, with how to send it. */
export interface PlannedOutput {
  name: string;
  datatype: ProtocolDataType;
  binary: boolean;
}

/** What to run: checked input tensors and the outputs to return. */
export interface InferPlan {
  inputs: Tensor[];
  outputs: PlannedOutput[];
}

function dimsText(dims: readonly number[]): string {
  return `[${dims.join(',')}]`;
}

function invalid(message: string): TritonError {
  return new TritonError('INVALID_ARG', message);
}

function checkInputCount(request: InferRequest, config: ServedModelConfig, log: string): void {
  if (request.inputs.length === config.inputs.length) return;
  const given = request.inputs.map((i) => `'${i.name}'`);
  const missing = config.inputs
    .filter((c) => !request.inputs.some((i) => i.name === c.name))
    .map((c) => `'${c.name}'`);
  throw invalid(
    `${log}expected ${config.inputs.length} inputs but got ${request.inputs.length} inputs for ` +
      `model '${config.name}'. Got input(s) [${given.join(',')}], but missing required input(s) ` +
      `[${missing.join(',')}]. Please provide all required input(s).`,
  );
}

function checkBatch(inputs: readonly RequestInput[], config: ServedModelConfig, log: string): void {
  if (config.maxBatchSize === 0) return;
  let batch: number | undefined;
  for (const input of inputs) {
    const first = input.shape[0];
    if (first === undefined) {
      throw invalid(
        `${log}input '${input.name}' has no shape but model requires batch dimension for ` +
          `'${config.name}'`,
      );
    }
    if (batch === undefined) {
      batch = first;
    } else if (first !== batch) {
      throw invalid(
        `${log}input '${input.name}' batch size does not match other inputs for '${config.name}'`,
      );
    }
  }
  if ((batch ?? 0) > config.maxBatchSize) {
    throw invalid(
      `${log}inference request batch-size must be <= ${config.maxBatchSize} for '${config.name}'`,
    );
  }
}

function checkShape(
  input: RequestInput,
  served: ServedTensor,
  config: ServedModelConfig,
  log: string,
): void {
  const shape = config.maxBatchSize > 0 ? input.shape.slice(1) : input.shape;
  const fits =
    shape.length === served.dims.length &&
    served.dims.every((dim, i) => dim === -1 || dim === shape[i]);
  if (fits) return;
  const full = config.maxBatchSize > 0 ? [-1, ...served.dims] : served.dims;
  const note =
    config.maxBatchSize > 0
      ? 'NOTE: Setting a non-zero max_batch_size in the model config requires a batch ' +
        'dimension to be prepended to each input shape. If you want to specify the full shape ' +
        'including the batch dim in your input dims config, try setting max_batch_size to zero. ' +
        'See the model configuration docs for more info on max_batch_size.'
      : '';
  throw invalid(
    `${log}unexpected shape for input '${input.name}' for model '${config.name}'. Expected ` +
      `${dimsText(full)}, got ${dimsText(input.shape)}. ${note}`,
  );
}

function tensorOf(input: RequestInput, datatype: ProtocolDataType, model: string, log: string) {
  if (input.jsonValues !== undefined) {
    return { name: input.name, datatype, shape: input.shape, values: input.jsonValues };
  }
  const bytes = input.binary ?? Buffer.alloc(0);
  if (datatype !== 'BYTES') {
    const expected = elementCount(input.shape) * elementSize(datatype);
    if (bytes.length !== expected) {
      throw invalid(
        `${log}input byte size mismatch for input '${input.name}' for model '${model}'. ` +
          `Expected ${expected}, got ${bytes.length}`,
      );
    }
  }
  const context = { input: input.name, model };
  const values = valuesFromBinary(datatype, input.shape, bytes, context);
  return { name: input.name, datatype, shape: input.shape, values };
}

/** Checks `request` against `config` and returns what to run, or throws Triton's 400 error. */
export function planInference(request: InferRequest, config: ServedModelConfig): InferPlan {
  const log = `[request id: ${request.id === '' ? '<id_unknown>' : request.id}] `;

  for (const output of request.outputs ?? []) {
    if (!config.outputs.some((o) => o.name === output.name)) {
      throw invalid(`unexpected inference output '${output.name}' for model '${config.name}'`);
    }
  }
  checkInputCount(request, config, log);
  const sorted = [...request.inputs].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const input of sorted) {
    if (!config.inputs.some((c) => c.name === input.name)) {
      throw invalid(`unexpected inference input '${input.name}' for model '${config.name}'`);
    }
  }
  checkBatch(sorted, config, log);

  const inputs: Tensor[] = [];
  for (const input of sorted) {
    const served = config.inputs.find((c) => c.name === input.name);
    if (served === undefined) continue;
    if (input.datatype !== served.dataType) {
      throw invalid(
        `${log}inference input '${input.name}' data-type is '${input.datatype ?? 'INVALID'}', ` +
          `but model '${config.name}' expects '${served.dataType}'`,
      );
    }
    checkShape(input, served, config, log);
    inputs.push(tensorOf(input, served.dataType, config.name, log));
  }

  const asked = request.outputs;
  const outputs = config.outputs
    .filter((o) => asked === undefined || asked.some((a) => a.name === o.name))
    .map((o) => ({
      name: o.name,
      datatype: o.dataType,
      binary: asked?.find((a) => a.name === o.name)?.binary ?? request.binaryOutputDefault,
    }));
  return { inputs, outputs };
}
