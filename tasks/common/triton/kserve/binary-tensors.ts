/**
 * Tensor elements in the binary tensor data extension's form: little-endian raw values, BOOL
 * as one byte, FP16/BF16 as 16-bit patterns, and BYTES as a 4-byte length before each element.
 */
import { UserError } from '../../user-error';
import { fromBf16Bits, fromFp16Bits, toBf16Bits, toFp16Bits } from './half-float';
import type { TensorElement } from './kserve-types';

/** Bytes per element of each fixed-size type. */
const ELEMENT_SIZE: Readonly<Record<string, number>> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  BF16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8,
};

/** The byte size of one element, or undefined for BYTES and unknown types. */
export function elementSize(datatype: string): number | undefined {
  return ELEMENT_SIZE[datatype];
}

function asNumber(element: TensorElement, datatype: string, tensor: string): number {
  if (typeof element === 'number') return element;
  if (typeof element === 'boolean') return element ? 1 : 0;
  throw new UserError(
    `Tensor '${tensor}' (${datatype}) holds the string "${element}" where a number belongs: ` +
      'give numbers for numeric tensors.',
  );
}

function writeElement(buffer: Buffer, offset: number, datatype: string, value: number): void {
  switch (datatype) {
    case 'BOOL':
      buffer.writeUInt8(value !== 0 ? 1 : 0, offset);
      return;
    case 'UINT8':
      buffer.writeUInt8(value, offset);
      return;
    case 'INT8':
      buffer.writeInt8(value, offset);
      return;
    case 'UINT16':
      buffer.writeUInt16LE(value, offset);
      return;
    case 'INT16':
      buffer.writeInt16LE(value, offset);
      return;
    case 'FP16':
      buffer.writeUInt16LE(toFp16Bits(value), offset);
      return;
    case 'BF16':
      buffer.writeUInt16LE(toBf16Bits(value), offset);
      return;
    case 'UINT32':
      buffer.writeUInt32LE(value, offset);
      return;
    case 'INT32':
      buffer.writeInt32LE(value, offset);
      return;
    case 'FP32':
      buffer.writeFloatLE(value, offset);
      return;
    case 'UINT64':
      buffer.writeBigUInt64LE(BigInt(Math.trunc(value)), offset);
      return;
    case 'INT64':
      buffer.writeBigInt64LE(BigInt(Math.trunc(value)), offset);
      return;
    default:
      buffer.writeDoubleLE(value, offset);
  }
}

function readElement(buffer: Buffer, offset: number, datatype: string): TensorElement {
  switch (datatype) {
    case 'BOOL':
      return buffer.readUInt8(offset) !== 0;
    case 'UINT8':
      return buffer.readUInt8(offset);
    case 'INT8':
      return buffer.readInt8(offset);
    case 'UINT16':
      return buffer.readUInt16LE(offset);
    case 'INT16':
      return buffer.readInt16LE(offset);
    case 'FP16':
      return fromFp16Bits(buffer.readUInt16LE(offset));
    case 'BF16':
      return fromBf16Bits(buffer.readUInt16LE(offset));
    case 'UINT32':
      return buffer.readUInt32LE(offset);
    case 'INT32':
      return buffer.readInt32LE(offset);
    case 'FP32':
      return buffer.readFloatLE(offset);
    case 'UINT64':
      return Number(buffer.readBigUInt64LE(offset));
    case 'INT64':
      return Number(buffer.readBigInt64LE(offset));
    default:
      return buffer.readDoubleLE(offset);
  }
}

/** Encodes a tensor's elements as binary tensor data. */
export function encodeBinaryTensor(
  datatype: string,
  data: readonly TensorElement[],
  tensor: string,
): Buffer {
  if (datatype === 'BYTES') {
    const parts: Buffer[] = [];
    for (const element of data) {
      const bytes = Buffer.from(String(element), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length, 0);
      parts.push(length, bytes);
    }
    return Buffer.concat(parts);
  }
  const size = elementSize(datatype);
  if (size === undefined) {
    throw new UserError(
      `Tensor '${tensor}' has the unknown datatype "${datatype}": use a KServe v2 type name ` +
        'such as FP32, INT64 or BYTES.',
    );
  }
  const buffer = Buffer.alloc(size * data.length);
  data.forEach((element, index) => {
    writeElement(buffer, index * size, datatype, asNumber(element, datatype, tensor));
  });
  return buffer;
}

/** Decodes binary tensor data; throws when the bytes do not hold whole elements. */
export function decodeBinaryTensor(
  datatype: string,
  bytes: Buffer,
  tensor: string,
): TensorElement[] {
  if (datatype === 'BYTES') {
    const elements: string[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      if (offset + 4 > bytes.length) throw brokenOutput(tensor, 'a string length is cut short');
      const length = bytes.readUInt32LE(offset);
      offset += 4;
      if (offset + length > bytes.length) throw brokenOutput(tensor, 'a string is cut short');
      elements.push(bytes.toString('utf8', offset, offset + length));
      offset += length;
    }
    return elements;
  }
  const size = elementSize(datatype);
  if (size === undefined) throw brokenOutput(tensor, `its datatype "${datatype}" is unknown`);
  if (bytes.length % size !== 0) {
    throw brokenOutput(tensor, `${bytes.length} bytes are not whole ${datatype} elements`);
  }
  const elements: TensorElement[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    elements.push(readElement(bytes, offset, datatype));
  }
  return elements;
}

function brokenOutput(tensor: string, problem: string): UserError {
  return new UserError(
    `Triton's binary data for output '${tensor}' cannot be read: ${problem}. ` +
      'Check that the URL points at Triton and that no proxy alters the response.',
  );
}
