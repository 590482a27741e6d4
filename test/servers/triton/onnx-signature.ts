/**
 * Reads the inputs and outputs of a model.onnx file, as the onnxruntime backend sees them when
 * it checks a configuration against the model.
 */
import { OnnxModelProto } from '../../../tasks/common/triton/onnx-proto';
import { ProtocolDataType, protocolFromOnnxType } from './data-types';

/** One graph input or output; symbolic or unknown dimensions are -1. */
export interface OnnxTensorSignature {
  name: string;
  /** ONNX's element type number. */
  onnxType: number;
  /** The protocol type, or undefined when Triton has no equivalent. */
  dataType: ProtocolDataType | undefined;
  dims: number[];
}

/** The graph's inputs (initializers excluded) and outputs. */
export interface OnnxSignature {
  inputs: OnnxTensorSignature[];
  outputs: OnnxTensorSignature[];
}

interface DecodedDim {
  dimValue?: number | { toNumber(): number };
}

interface DecodedValueInfo {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: DecodedDim[] } } };
}

interface DecodedModel {
  graph?: {
    input?: DecodedValueInfo[];
    output?: DecodedValueInfo[];
    initializer?: { name?: string }[];
  };
}

function dimOf(dim: DecodedDim): number {
  const raw = dim.dimValue;
  const value = typeof raw === 'object' ? raw.toNumber() : (raw ?? 0);
  return value > 0 ? value : -1;
}

function tensorOf(info: DecodedValueInfo): OnnxTensorSignature {
  const tensorType = info.type?.tensorType;
  const onnxType = tensorType?.elemType ?? 0;
  return {
    name: info.name ?? '',
    onnxType,
    dataType: protocolFromOnnxType(onnxType),
    dims: (tensorType?.shape?.dim ?? []).map(dimOf),
  };
}

/** Decodes model.onnx bytes and returns its signature; throws when the bytes are no model. */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  const model = OnnxModelProto.decode(bytes) as unknown as DecodedModel;
  const graph = model.graph;
  if (graph === undefined) {
    throw new Error('the file holds no ONNX graph');
  }
  const initializers = new Set((graph.initializer ?? []).map((init) => init.name));
  return {
    inputs: (graph.input ?? []).filter((i) => !initializers.has(i.name)).map(tensorOf),
    outputs: (graph.output ?? []).map(tensorOf),
  };
}
