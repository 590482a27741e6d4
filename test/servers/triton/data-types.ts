/**
 * Tensor data types under their three names: the KServe v2 protocol name ('FP32'), the
 * ModelConfig enum name ('TYPE_FP32') and ONNX's element type number, with element sizes.
 */

/** A tensor data type as the KServe v2 protocol names it. */
export type ProtocolDataType =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES'
  | 'BF16';

interface DataTypeInfo {
  protocol: ProtocolDataType;
  config: string;
  /** Bytes per element; 0 for BYTES, whose elements carry their own length. */
  size: number;
}

const DATA_TYPES: readonly DataTypeInfo[] = [
  { protocol: 'BOOL', config: 'TYPE_BOOL', size: 1 },
  { protocol: 'UINT8', config: 'TYPE_UINT8', size: 1 },
  { protocol: 'UINT16', config: 'TYPE_UINT16', size: 2 },
  { protocol: 'UINT32', config: 'TYPE_UINT32', size: 4 },
  { protocol: 'UINT64', config: 'TYPE_UINT64', size: 8 },
  { protocol: 'INT8', config: 'TYPE_INT8', size: 1 },
  { protocol: 'INT16', config: 'TYPE_INT16', size: 2 },
  { protocol: 'INT32', config: 'TYPE_INT32', size: 4 },
  { protocol: 'INT64', config: 'TYPE_INT64', size: 8 },
  { protocol: 'FP16', config: 'TYPE_FP16', size: 2 },
  { protocol: 'FP32', config: 'TYPE_FP32', size: 4 },
  { protocol: 'FP64', config: 'TYPE_FP64', size: 8 },
  { protocol: 'BYTES', config: 'TYPE_STRING', size: 0 },
  { protocol: 'BF16', config: 'TYPE_BF16', size: 2 },
];

/** The protocol name for a protocol string, or undefined when Triton would call it INVALID. */
export function parseProtocolDataType(name: string): ProtocolDataType | undefined {
  return DATA_TYPES.find((t) => t.protocol === name)?.protocol;
}

/** The protocol name for a ModelConfig enum name, or undefined for TYPE_INVALID and others. */
export function protocolFromConfigType(configType: string): ProtocolDataType | undefined {
  return DATA_TYPES.find((t) => t.config === configType)?.protocol;
}

/** The ModelConfig enum name for a protocol name. */
export function configTypeOf(type: ProtocolDataType): string {
  return info(type).config;
}

/** Bytes per element; 0 for BYTES. */
export function elementSize(type: ProtocolDataType): number {
  return info(type).size;
}

function info(type: ProtocolDataType): DataTypeInfo {
  const found = DATA_TYPES.find((t) => t.protocol === type);
  if (found === undefined) {
    throw new Error(`unknown data type ${type}`);
  }
  return found;
}
