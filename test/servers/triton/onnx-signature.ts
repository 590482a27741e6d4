/**
 * The inputs and outputs of a model.onnx file as the test server's onnxruntime backend checks
 * them, read with the project's own ONNX reader and put in the server's terms: protocol data
 * types, and -1 for symbolic or unknown dimensions.
 */
import * as onnxGraph from '../../../tasks/common/triton/onnx-signature';
import { parseProtocolDataType, type ProtocolDataType } from './data-types';

/** One graph input or output; symbolic or unknown dimensions are -1. */
export interface OnnxTensorSignature {
  name: string;
  /** The element type as the reader names it (FP32, ..., or `ONNX type <n>`), for messages. */
  typeName: string;
  /** The protocol type, or undefined when Triton has no equivalent. */
  dataType: ProtocolDataType | undefined;
  dims: number[];
}

/** The graph's inputs (initializers excluded) and outputs. */
export interface OnnxSignature {
  inputs: OnnxTensorSignature[];
  outputs: OnnxTensorSignature[];
}

/** Decodes model.onnx bytes and returns its signature; throws when the bytes are no model. */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  const graph = onnxGraph.readOnnxSignature(bytes);
  const convert = (tensor: (typeof graph.inputs)[number]): OnnxTensorSignature => ({
    name: tensor.name,
    typeName: tensor.type,
    dataType: parseProtocolDataType(tensor.type),
    dims: (tensor.shape ?? []).map((dim) => dim ?? -1),
  });
  return { inputs: graph.inputs.map(convert), outputs: graph.outputs.map(convert) };
}
