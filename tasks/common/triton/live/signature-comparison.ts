/**
 * Compares the model's metadata (what clients of the server see) with the local config's
 * inputs and outputs: the same names, the same types in one spelling, and the config's dims
 * behind a -1 batch dimension when max_batch_size > 0.
 */
import type { JsonObject, JsonValue, ModelMetadata, TensorMetadata } from '../kserve/kserve-types';
import { toWireType } from '../data-types';

/** One line per difference between the metadata and the local config's inputs and outputs. */
export function compareSignature(metadata: ModelMetadata, local: JsonObject): string[] {
  const maxBatchSize = Number(local.max_batch_size ?? 0);
  return [
    ...compareTensors('input', objectsOf(local.input), metadata.inputs, maxBatchSize),
    ...compareTensors('output', objectsOf(local.output), metadata.outputs, maxBatchSize),
  ];
}

function compareTensors(
  kind: 'input' | 'output',
  configured: JsonObject[],
  served: TensorMetadata[],
  maxBatchSize: number,
): string[] {
  // A config without inputs or outputs leaves them to Triton's auto-completion.
  if (configured.length === 0) return [];
  const problems: string[] = [];
  for (const tensor of configured) {
    const name = text(tensor.name);
    const match = served.find((candidate) => candidate.name === name);
    if (match === undefined) {
      const names = served.map((t) => t.name).join(', ') || 'none';
      problems.push(`${kind} '${name}' is in the local config but not served (served: ${names})`);
      continue;
    }
    const localType = toWireType(text(tensor.data_type)) ?? text(tensor.data_type);
    const servedType = toWireType(match.datatype) ?? match.datatype;
    if (localType !== servedType) {
      problems.push(
        `${kind} '${name}' is ${servedType} on the server, ${localType} in the local config`,
      );
    }
    // A reshape changes what the metadata shows; the config check compares reshape itself.
    if (tensor.reshape !== undefined) continue;
    const dims = numbersOf(tensor.dims);
    const expected = maxBatchSize > 0 ? [-1, ...dims] : dims;
    if (expected.join(',') !== match.shape.join(',')) {
      problems.push(
        `${kind} '${name}' has shape [${match.shape.join(', ')}] on the server, ` +
          `[${expected.join(', ')}] by the local config` +
          (maxBatchSize > 0 ? ' (its dims behind the batch dimension)' : ''),
      );
    }
  }
  for (const tensor of served) {
    if (!configured.some((t) => t.name === tensor.name)) {
      problems.push(`${kind} '${tensor.name}' is served but not in the local config`);
    }
  }
  return problems;
}

function objectsOf(value: JsonValue | undefined): JsonObject[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is JsonObject => item !== null && typeof item === 'object' && !Array.isArray(item),
  );
}

function numbersOf(value: JsonValue | undefined): number[] {
  return Array.isArray(value) ? value.map(Number) : [];
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
