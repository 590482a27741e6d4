/**
 * Tensor contents in and out of the KServe v2 wire forms: JSON `data` arrays and the binary
 * tensor data extension (little-endian raw values; BYTES as 4-byte length + bytes each).
 */
import { JsonValue } from './config-source';
import { elementSize, ProtocolDataType } from './data-types';
import { TritonError } from './triton-error';

/** Tensor contents: a typed array matching the type, or the raw bytes of each BYTES element. */
export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Buffer[];

/** A tensor with its type and full shape (batch dimension included). */
export interface Tensor {
  name: string;
  datatype: ProtocolDataType;
  shape: number[];
  values: TensorValues;
}

/** The number of elements a shape holds. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((count, dim) => count * dim, 1);
}

function typedFromBuffer(type: ProtocolDataType, bytes: Buffer): TensorValues {
  // Copy so the typed array is aligned and owns its memory.
  const copy = new Uint8Array(bytes).buffer;
  switch (type) {
    case 'BOOL':
    case 'UINT8':
      return new Uint8Array(copy);
    case 'INT8':
      return new Int8Array(copy);
    case 'UINT16':
    case 'FP16':
    case 'BF16':
      return new Uint16Array(copy);
    case 'INT16':
      return new Int16Array(copy);
    case 'UINT32':
      return new Uint32Array(copy);
    case 'INT32':
      return new Int32Array(copy);
    case 'UINT64':
      return new BigUint64Array(copy);
    case 'INT64':
      return new BigInt64Array(copy);
    case 'FP32':
      return new Float32Array(copy);
    case 'FP64':
      return new Float64Array(copy);
    case 'BYTES':
      throw new Error('BYTES tensors are not typed arrays');
  }
}

/**
 * Reads a tensor's binary data. The byte size is checked later against the shape, as Triton's
 * core does; BYTES elements are split here and their count checked against the shape.
 */
export function valuesFromBinary(
  type: ProtocolDataType,
  shape: readonly number[],
  bytes: Buffer,
  context: { input: string; model: string },
): TensorValues {
  if (type !== 'BYTES') {
    const size = elementSize(type);
    const expected = elementCount(shape) * size;
    if (bytes.length !== expected) {
      throw new TritonError(
        'INVALID_ARG',
        `input byte size mismatch for input '${context.input}' for model '${context.model}'. ` +
          `Expected ${expected}, got ${bytes.length}`,
      );
    }
    return typedFromBuffer(type, bytes);
  }
  const elements: Buffer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) {
      throw new TritonError(
        'INVALID_ARG',
        `incomplete string length indicator for inference input '${context.input}' for model ` +
          `'${context.model}', expecting 4 bytes but only ${bytes.length - offset} bytes ` +
          'available. Please make sure the string length indicator is in one buffer.',
      );
    }
    const length = bytes.readUInt32LE(offset);
    offset += 4;
    if (offset + length > bytes.length) {
      throw new TritonError(
        'INVALID_ARG',
        `incomplete string data for inference input '${context.input}' for model ` +
          `'${context.model}', expecting string of length ${length} but only ` +
          `${bytes.length - offset} bytes available.`,
      );
    }
    elements.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  const expected = elementCount(shape);
  if (elements.length !== expected) {
    throw new TritonError(
      'INVALID_ARG',
      `expected ${expected} string elements for inference input '${context.input}' for model ` +
        `'${context.model}', got ${elements.length}`,
    );
  }
  return elements;
}

/** Writes a tensor's values in the binary tensor data form. */
export function valuesToBinary(values: TensorValues): Buffer {
  if (Array.isArray(values)) {
    const parts: Buffer[] = [];
    for (const element of values) {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(element.length, 0);
      parts.push(length, element);
    }
    return Buffer.concat(parts);
  }
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function flatten(data: JsonValue, out: JsonValue[]): void {
  if (Array.isArray(data)) {
    for (const item of data) flatten(item, out);
  } else {
    out.push(data);
  }
}

function parseError(detail: string): TritonError {
  return new TritonError('INTERNAL', `Unable to parse 'data': ${detail}`);
}

function numberAt(value: JsonValue, integer: boolean, unsigned: boolean): number {
  if (typeof value !== 'number') {
    throw parseError(`attempt to access JSON non-number as ${integer ? 'integer' : 'double'}`);
  }
  if (integer && !Number.isInteger(value)) {
    throw parseError(
      unsigned
        ? 'attempt to access JSON non-unsigned-integer as unsigned-integer'
        : 'attempt to access JSON non-signed-integer as signed-integer',
    );
  }
  if (unsigned && value < 0) {
    throw parseError('attempt to access JSON non-unsigned-integer as unsigned-integer');
  }
  return value;
}

/**
 * Reads a JSON `data` array (flat or nested) for a tensor of the given type and shape, with
 * the codes Triton's HTTP frontend uses: FP16/BF16 are refused (400), a count that does not fit
 * the shape or a value of the wrong kind is an internal error (500).
 */
export function valuesFromJson(
  type: ProtocolDataType,
  shape: readonly number[],
  data: JsonValue,
  inputName: string,
): TensorValues {
  if (type === 'FP16' || type === 'BF16') {
    throw new TritonError(
      'INVALID_ARG',
      `receiving ${type} data via JSON is not supported. Please use the binary data format ` +
        `for input ${inputName}`,
    );
  }
  const flat: JsonValue[] = [];
  flatten(data, flat);
  const expected = elementCount(shape);
  if (flat.length > expected) {
    throw parseError("Shape does not match true shape of 'data' field");
  }
  if (flat.length < expected) {
    throw new TritonError(
      'INTERNAL',
      "Failed to parse 'data' field: shape does not match true shape",
    );
  }
  switch (type) {
    case 'BYTES':
      return flat.map((v) => {
        if (typeof v !== 'string') throw parseError('attempt to access JSON non-string as string');
        return Buffer.from(v, 'utf8');
      });
    case 'BOOL':
      return Uint8Array.from(flat, (v) => {
        if (typeof v !== 'boolean') {
          throw parseError('attempt to access JSON non-boolean as boolean');
        }
        return v ? 1 : 0;
      });
    case 'INT64':
      return BigInt64Array.from(flat, (v) => BigInt(numberAt(v, true, false)));
    case 'UINT64':
      return BigUint64Array.from(flat, (v) => BigInt(numberAt(v, true, true)));
    default: {
      const integer = type !== 'FP32' && type !== 'FP64';
      const unsigned = type.startsWith('UINT');
      const numbers = flat.map((v) => numberAt(v, integer, unsigned));
      const empty = typedFromBuffer(type, Buffer.alloc(numbers.length * elementSize(type)));
      (empty as Float64Array).set(numbers);
      return empty;
    }
  }
}

/** Writes a tensor's values as a flat JSON `data` array; FP16/BF16 are refused as Triton does. */
export function valuesToJson(type: ProtocolDataType, values: TensorValues): JsonValue[] {
  if (type === 'FP16' || type === 'BF16') {
    throw new TritonError(
      'INVALID_ARG',
      `sending ${type} data via JSON is not supported. Please use the binary data format for ` +
        'output',
    );
  }
  if (Array.isArray(values)) {
    return values.map((element) => element.toString('utf8'));
  }
  if (type === 'BOOL') {
    return Array.from(values as Uint8Array, (v) => v !== 0);
  }
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    return Array.from(values, (v) => Number(v));
  }
  return Array.from(values as Float64Array);
}
