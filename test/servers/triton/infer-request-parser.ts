/**
 * Reads a KServe v2 inference request body - a JSON header, optionally followed by binary
 * tensor data - with the checks and messages of Triton's HTTP frontend (HandleInfer).
 */
import { JsonObject, JsonValue } from './config-source';
import { parseProtocolDataType, ProtocolDataType } from './data-types';
import { TensorValues, valuesFromJson } from './tensor-codec';
import { TritonError } from './triton-error';

/** An input as the request gave it; binary data stays raw until the core checks it. */
export interface RequestInput {
  name: string;
  /** The datatype string as sent. */
  datatypeName: string;
  /** The known datatype, or undefined for a name Triton would call INVALID. */
  datatype: ProtocolDataType | undefined;
  shape: number[];
  jsonValues?: TensorValues;
  binary?: Buffer;
}

/** An output the request asked for. */
export interface RequestOutput {
  name: string;
  binary: boolean;
}

/** A parsed inference request. */
export interface InferRequest {
  id: string;
  /** Whether outputs not listed in `outputs` come back as binary data. */
  binaryOutputDefault: boolean;
  inputs: RequestInput[];
  /** The outputs asked for, or undefined for all of the model's outputs. */
  outputs: RequestOutput[] | undefined;
}

const HEADER_LENGTH = 'Inference-Header-Content-Length';

function jsonError(detail: string): TritonError {
  return new TritonError('INTERNAL', detail);
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function requireString(holder: JsonObject, field: string): string {
  const value = holder[field];
  if (value === undefined) {
    throw jsonError(`Unable to parse '${field}': Missing required member '${field}'`);
  }
  if (typeof value !== 'string') {
    throw jsonError(`Unable to parse '${field}': attempt to access JSON non-string as string`);
  }
  return value;
}

function requireArray(holder: JsonObject, field: string): JsonValue[] {
  const value = holder[field];
  if (value === undefined) {
    throw jsonError(`Unable to parse '${field}': Missing required member '${field}'`);
  }
  if (!Array.isArray(value)) {
    throw jsonError(`Unable to parse '${field}': attempt to access JSON non-array as array`);
  }
  return value;
}

function readBool(holder: JsonObject, field: string): boolean {
  const value = holder[field];
  if (typeof value !== 'boolean') {
    throw jsonError(`Unable to parse '${field}': attempt to access JSON non-boolean as boolean`);
  }
  return value;
}

/** Reads Inference-Header-Content-Length; the whole body is JSON when it is absent. */
export function headerLength(value: string | undefined, contentLength: number): number {
  if (value === undefined) return contentLength;
  if (!/^\s*[-+]?\d+/.test(value)) {
    throw new TritonError('INVALID_ARG', `Unable to parse ${HEADER_LENGTH}, got: ${value}`);
  }
  const parsed = parseInt(value, 10);
  if (parsed < 0 || parsed > contentLength) {
    throw new TritonError(
      'INVALID_ARG',
      `inference header size should be in range (0, ${contentLength}), got: ${value}`,
    );
  }
  return parsed;
}

function parseHeaderJson(text: string): JsonObject {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = /position (\d+)/.exec(message)?.[1] ?? String(text.length);
    throw jsonError(`failed to parse the request JSON buffer: ${message} at ${offset}`);
  }
  const object = asObject(parsed);
  if (object === undefined) {
    throw jsonError("Unable to parse 'inputs': attempt to access JSON non-object as object");
  }
  return object;
}

function validateContentType(input: JsonObject): void {
  const params = asObject(input.parameters);
  const hasData = input.data !== undefined;
  const hasBinary = params?.binary_data_size !== undefined;
  const hasShm = params?.shared_memory_region !== undefined;
  const count = Number(hasData) + Number(hasBinary) + Number(hasShm);
  if (count === 1) return;
  let message =
    "Input must set only one of the following fields: 'data', 'binary_data_size' in " +
    "'parameters', 'shared_memory_region' in 'parameters'. But";
  if (count === 0) {
    message += ' no field is set';
  } else {
    message += ' set';
    if (hasData) message += " 'data'";
    if (hasBinary) message += " 'binary_data_size'";
    if (hasShm) message += " 'shared_memory_region'";
  }
  throw new TritonError('INVALID_ARG', message);
}

function readShape(input: JsonObject): number[] {
  return requireArray(input, 'shape').map((dim) => {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0) {
      throw jsonError(
        "Unable to parse 'shape': attempt to access JSON non-unsigned-integer as unsigned-integer",
      );
    }
    return dim;
  });
}

function readParameters(header: JsonObject): boolean {
  const params = asObject(header.parameters);
  if (params === undefined) return false;
  let binaryOutput = false;
  for (const key of Object.keys(params)) {
    if (key === 'binary_data_output') {
      binaryOutput = readBool(params, key);
    } else if (key.startsWith('triton_')) {
      throw new TritonError(
        'INVALID_ARG',
        "parameter keys starting with 'triton_' are reserved for Triton usage and should not " +
          'be specified.',
      );
    }
  }
  return binaryOutput;
}

/**
 * Parses a request body for `model`. `headerLengthValue` is the raw
 * Inference-Header-Content-Length header, if any.
 */
export function parseInferRequest(
  body: Buffer,
  headerLengthValue: string | undefined,
  model: string,
): InferRequest {
  const jsonLength = headerLength(headerLengthValue, body.length);
  const header = parseHeaderJson(body.subarray(0, jsonLength).toString('utf8'));

  let id = '';
  if (header.id !== undefined) id = requireString(header, 'id');
  const binaryOutputDefault = readParameters(header);

  let offset = jsonLength;
  const inputs: RequestInput[] = [];
  for (const item of requireArray(header, 'inputs')) {
    const input = asObject(item) ?? {};
    validateContentType(input);
    const name = requireString(input, 'name');
    const datatypeName = requireString(input, 'datatype');
    const datatype = parseProtocolDataType(datatypeName);
    const shape = readShape(input);
    const params = asObject(input.parameters);
    const parsed: RequestInput = { name, datatypeName, datatype, shape };

    if (params?.binary_data_size !== undefined) {
      const size = params.binary_data_size;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
        throw jsonError(
          "Unable to parse 'binary_data_size': attempt to access JSON non-unsigned-integer as " +
            'unsigned-integer',
        );
      }
      const available = body.length - offset;
      if (size > available) {
        throw new TritonError(
          'INVALID_ARG',
          `unexpected size for input '${name}', expecting ${size - available} additional ` +
            `bytes for model '${model}'`,
        );
      }
      parsed.binary = body.subarray(offset, offset + size);
      offset += size;
    } else if (params?.shared_memory_region !== undefined) {
      throw new TritonError(
        'INVALID_ARG',
        `Unable to find shared memory region: ${JSON.stringify(params.shared_memory_region)}`,
      );
    } else {
      if (datatype === undefined) {
        throw new TritonError('INVALID_ARG', `invalid datatype for input ${name}`);
      }
      parsed.jsonValues = valuesFromJson(datatype, shape, input.data ?? [], name);
    }
    inputs.push(parsed);
  }
  if (offset !== body.length) {
    throw new TritonError('INVALID_ARG', `unexpected additional input data for model '${model}'`);
  }

  let outputs: RequestOutput[] | undefined;
  if (header.outputs !== undefined) {
    outputs = requireArray(header, 'outputs').map((item) => {
      const output = asObject(item) ?? {};
      const params = asObject(output.parameters);
      const binary = params?.binary_data !== undefined ? readBool(params, 'binary_data') : false;
      return { name: requireString(output, 'name'), binary };
    });
  }
  return { id, binaryOutputDefault, inputs, outputs };
}
