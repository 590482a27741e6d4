/**
 * The smoke inference built from the model's metadata when no sample request is given: one
 * request of batch 1, every -1 dimension set to 1, and data that fits each type (numbers
 * within every integer range, booleans, short strings for BYTES).
 */
import { needsBinaryData } from '../kserve/infer-body';
import type { InferRequest, ModelMetadata, TensorElement } from '../kserve/kserve-types';
import { elementCount } from './tensor-shape';

/** The request, or why there is none; notes say what was assumed. */
export interface SmokeRequest {
  request?: InferRequest;
  skipped?: string;
  notes: string[];
}

const KNOWN_TYPES: ReadonlySet<string> = new Set([
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BF16',
  'BYTES',
]);

/**
 * Builds the smoke request. `configDims` gives each input's dims from the served config (no
 * batch dimension), to add the batch dimension where the metadata left it out.
 */
export function buildSmokeRequest(
  metadata: ModelMetadata,
  maxBatchSize: number,
  configDims: ReadonlyMap<string, readonly number[]>,
  binaryDataSupported: boolean,
): SmokeRequest {
  const notes: string[] = [];
  for (const tensor of [...metadata.inputs, ...metadata.outputs]) {
    if (!KNOWN_TYPES.has(tensor.datatype)) {
      return { skipped: `'${tensor.name}' has the unknown datatype "${tensor.datatype}"`, notes };
    }
    if (needsBinaryData(tensor.datatype) && !binaryDataSupported) {
      return {
        skipped:
          `'${tensor.name}' is ${tensor.datatype}, which travels only as binary data, and this ` +
          'server does not list the binary_tensor_data extension',
        notes,
      };
    }
  }

  const inputs = metadata.inputs.map((tensor) => {
    let shape = [...tensor.shape];
    const dims = configDims.get(tensor.name);
    if (maxBatchSize > 0 && dims !== undefined && shape.length === dims.length)
      shape = [1, ...shape];
    shape = shape.map((dim) => (dim < 0 ? 1 : dim));
    const data = Array.from({ length: elementCount(shape) }, (_, i) =>
      sampleValue(tensor.datatype, i),
    );
    return { name: tensor.name, datatype: tensor.datatype, shape, data };
  });
  const binaryInputs = inputs.filter((t) => needsBinaryData(t.datatype)).map((t) => t.name);
  if (binaryInputs.length > 0) {
    notes.push(`${binaryInputs.join(', ')} sent as binary data (FP16/BF16 have no JSON form)`);
  }
  const outputs = metadata.outputs.map((tensor) => ({
    name: tensor.name,
    binary: needsBinaryData(tensor.datatype),
  }));
  return { request: { inputs, outputs }, notes };
}

/** The i-th element of a smoke input: small values every type can hold exactly. */
export function sampleValue(datatype: string, index: number): TensorElement {
  if (datatype === 'BOOL') return index % 2 === 0;
  if (datatype === 'BYTES') return `smoke-${index}`;
  if (datatype.startsWith('FP') || datatype === 'BF16') return ((index % 7) + 1) / 8;
  return index % 7;
}
