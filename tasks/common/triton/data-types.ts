/**
 * Tensor element types under their three spellings: Triton's config enum (`TYPE_FP32`), the
 * KServe v2 wire name (`FP32`, `BYTES`) and ONNX's TensorProto.DataType number, so the config
 * can be compared with a model file and a misspelt type can be corrected.
 */
import { ONNX_ELEMENT_TYPES } from './onnx-proto';

/** Triton config type name to KServe v2 wire name. */
export const CONFIG_TO_WIRE: Readonly<Record<string, string>> = {
  TYPE_BOOL: 'BOOL',
  TYPE_UINT8: 'UINT8',
  TYPE_UINT16: 'UINT16',
  TYPE_UINT32: 'UINT32',
  TYPE_UINT64: 'UINT64',
  TYPE_INT8: 'INT8',
  TYPE_INT16: 'INT16',
  TYPE_INT32: 'INT32',
  TYPE_INT64: 'INT64',
  TYPE_FP16: 'FP16',
  TYPE_FP32: 'FP32',
  TYPE_FP64: 'FP64',
  TYPE_STRING: 'BYTES',
  TYPE_BF16: 'BF16',
};

/** ONNX element type number to KServe v2 wire name (the types Triton's ONNX backend maps). */
export const ONNX_TO_WIRE: ReadonlyMap<number, string> = new Map([
  [ONNX_ELEMENT_TYPES.FLOAT ?? 1, 'FP32'],
  [ONNX_ELEMENT_TYPES.UINT8 ?? 2, 'UINT8'],
  [ONNX_ELEMENT_TYPES.INT8 ?? 3, 'INT8'],
  [ONNX_ELEMENT_TYPES.UINT16 ?? 4, 'UINT16'],
  [ONNX_ELEMENT_TYPES.INT16 ?? 5, 'INT16'],
  [ONNX_ELEMENT_TYPES.INT32 ?? 6, 'INT32'],
  [ONNX_ELEMENT_TYPES.INT64 ?? 7, 'INT64'],
  [ONNX_ELEMENT_TYPES.STRING ?? 8, 'BYTES'],
  [ONNX_ELEMENT_TYPES.BOOL ?? 9, 'BOOL'],
  [ONNX_ELEMENT_TYPES.FLOAT16 ?? 10, 'FP16'],
  [ONNX_ELEMENT_TYPES.DOUBLE ?? 11, 'FP64'],
  [ONNX_ELEMENT_TYPES.UINT32 ?? 12, 'UINT32'],
  [ONNX_ELEMENT_TYPES.UINT64 ?? 13, 'UINT64'],
  [ONNX_ELEMENT_TYPES.BFLOAT16 ?? 16, 'BF16'],
]);

/** Names people write for a type in other frameworks, mapped to the wire name. */
const ALIASES: Readonly<Record<string, string>> = {
  FLOAT: 'FP32',
  FLOAT32: 'FP32',
  FLOAT16: 'FP16',
  HALF: 'FP16',
  FLOAT64: 'FP64',
  DOUBLE: 'FP64',
  BFLOAT16: 'BF16',
  STRING: 'BYTES',
  STR: 'BYTES',
  OBJECT: 'BYTES',
  INT: 'INT32',
  LONG: 'INT64',
  BOOLEAN: 'BOOL',
};

/** Normalises any spelling (`TYPE_FP32`, `FP32`, `float32`, `BYTES`) to the wire name. */
export function toWireType(name: string): string | undefined {
  const upper = name.toUpperCase().replace(/^TYPE_/, '');
  const fromConfig = CONFIG_TO_WIRE[`TYPE_${upper}`];
  if (fromConfig !== undefined) return fromConfig;
  if (Object.values(CONFIG_TO_WIRE).includes(upper)) return upper;
  return ALIASES[upper];
}

/** The config enum name for a spelling such as `FLOAT32` or `BYTES`, when one is meant. */
export function toConfigType(name: string): string | undefined {
  const wire = toWireType(name);
  if (wire === undefined) return undefined;
  return Object.keys(CONFIG_TO_WIRE).find((key) => CONFIG_TO_WIRE[key] === wire);
}
