/**
 * The body of an inference request and the reading of its answer: a JSON header, followed,
 * when any tensor travels as binary data, by the raw tensors in order, with the header's
 * length in Inference-Header-Content-Length.
 */
import { UserError } from '../../user-error';
import { decodeBinaryTensor, encodeBinaryTensor } from './binary-tensors';
import type {
  InferRequest,
  InferResult,
  JsonObject,
  JsonValue,
  Tensor,
  TensorElement,
} from './kserve-types';

/** The header Triton reads to split a body into JSON and binary data. */
export const HEADER_LENGTH = 'Inference-Header-Content-Length';

/** Types that KServe's JSON form cannot carry, so they always travel as binary data. */
const BINARY_ONLY: ReadonlySet<string> = new Set(['FP16', 'BF16']);

/** True when a tensor of this type must travel as binary data. */
export function needsBinaryData(datatype: string): boolean {
  return BINARY_ONLY.has(datatype);
}

/** A ready-to-send request body with its headers. */
export interface EncodedInferRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/** Encodes a request; FP16/BF16 inputs (or every input, when asked) go as binary data. */
export function encodeInferRequest(request: InferRequest): EncodedInferRequest {
  const blobs: Buffer[] = [];
  const inputs = request.inputs.map((input): JsonObject => {
    const head: JsonObject = { name: input.name, datatype: input.datatype, shape: input.shape };
    if (request.binaryInputs === true || needsBinaryData(input.datatype)) {
      const blob = encodeBinaryTensor(input.datatype, input.data, input.name);
      head.parameters = { binary_data_size: blob.length };
      blobs.push(blob);
    } else {
      head.data = input.data;
    }
    return head;
  });

  const header: JsonObject = { inputs };
  if (request.id !== undefined) header.id = request.id;
  if (request.outputs !== undefined) {
    header.outputs = request.outputs.map((output): JsonObject =>
      output.binary === true
        ? { name: output.name, parameters: { binary_data: true } }
        : { name: output.name },
    );
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  if (blobs.length === 0) {
    return { body: json, headers: { 'Content-Type': 'application/json' } };
  }
  return {
    body: Buffer.concat([json, ...blobs]),
    headers: { 'Content-Type': 'application/octet-stream', [HEADER_LENGTH]: String(json.length) },
  };
}

/** Reads an inference answer: JSON alone, or JSON followed by binary output data. */
export function decodeInferResponse(body: Buffer, headerLength: string | undefined): InferResult {
  const jsonLength = headerLength === undefined ? body.length : Number(headerLength);
  if (!Number.isInteger(jsonLength) || jsonLength < 0 || jsonLength > body.length) {
    throw unreadable(`its ${HEADER_LENGTH} "${headerLength}" does not fit the body`);
  }
  let header: JsonValue;
  try {
    header = JSON.parse(body.toString('utf8', 0, jsonLength)) as JsonValue;
  } catch {
    throw unreadable('the body is not JSON');
  }
  if (!isObject(header) || !Array.isArray(header.outputs)) {
    throw unreadable('it has no "outputs" list');
  }

  let offset = jsonLength;
  const outputs = header.outputs.map((item): Tensor => {
    if (!isObject(item) || typeof item.name !== 'string' || typeof item.datatype !== 'string') {
      throw unreadable('an output has no name or datatype');
    }
    const shape = Array.isArray(item.shape) ? item.shape.map(Number) : [];
    const size = isObject(item.parameters) ? item.parameters.binary_data_size : undefined;
    let data: TensorElement[];
    if (typeof size === 'number') {
      if (offset + size > body.length) throw unreadable(`output '${item.name}' is cut short`);
      data = decodeBinaryTensor(item.datatype, body.subarray(offset, offset + size), item.name);
      offset += size;
    } else {
      data = flattenData(item.data ?? []);
    }
    return { name: item.name, datatype: item.datatype, shape, data };
  });

  const result: InferResult = {
    modelName: typeof header.model_name === 'string' ? header.model_name : '',
    modelVersion: typeof header.model_version === 'string' ? header.model_version : '',
    outputs,
  };
  if (typeof header.id === 'string') result.id = header.id;
  return result;
}

/** Flattens a JSON `data` array, nested or flat, into row-major elements. */
export function flattenData(data: JsonValue): TensorElement[] {
  const flat: TensorElement[] = [];
  const visit = (value: JsonValue): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
      flat.push(value);
    } else {
      flat.push(Number.NaN);
    }
  };
  visit(data);
  return flat;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unreadable(problem: string): UserError {
  return new UserError(
    `Triton's inference answer cannot be read: ${problem}. ` +
      "Check that the URL points at Triton's HTTP port (8000 by default) and that no proxy " +
      'alters the response.',
  );
}
