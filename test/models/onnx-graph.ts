/**
 * Small helpers to describe an ONNX graph as plain objects and encode it with the project's
 * ONNX schema subset, so tests can build real models without Python.
 */
import { ONNX_ELEMENT_TYPES, OnnxModelProto } from '../../tasks/common/triton/onnx-proto';

/** An ONNX element type, by ONNX's own name. */
export type OnnxElementType =
  | 'FLOAT'
  | 'UINT8'
  | 'INT8'
  | 'UINT16'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'STRING'
  | 'BOOL'
  | 'FLOAT16'
  | 'DOUBLE'
  | 'UINT32'
  | 'UINT64'
  | 'BFLOAT16';

/** One dimension of a graph input or output: a fixed size, or a named symbolic size. */
export type OnnxDim = number | string;

/** A graph input or output: name, element type and shape. */
export interface OnnxValue {
  name: string;
  type: OnnxElementType;
  shape: readonly OnnxDim[];
}

/** A node attribute: a float, an integer (also Cast's `to`) or a list of integers. */
export type OnnxAttribute =
  | { name: string; f: number }
  | { name: string; i: number }
  | { name: string; ints: readonly number[] };

/** One operator in the graph. */
export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttribute[];
  domain?: string;
}

/** A constant FP32 tensor stored in the graph. */
export interface OnnxFloatInitializer {
  name: string;
  dims: readonly number[];
  values: readonly number[];
}

/** A whole graph, ready to encode. */
export interface OnnxGraph {
  name: string;
  inputs: readonly OnnxValue[];
  outputs: readonly OnnxValue[];
  nodes: readonly OnnxNode[];
  initializers?: readonly OnnxFloatInitializer[];
  /** The default ONNX opset version; 13 unless set. */
  opset?: number;
}

// ONNX AttributeProto.AttributeType numbers for the attribute kinds we write.
const ATTRIBUTE_TYPE_FLOAT = 1;
const ATTRIBUTE_TYPE_INT = 2;
const ATTRIBUTE_TYPE_INTS = 7;

/** Returns ONNX's element type number for a type name. */
export function onnxElementTypeNumber(type: OnnxElementType): number {
  const value = ONNX_ELEMENT_TYPES[type];
  if (value === undefined) {
    throw new Error(`unknown ONNX element type ${type}`);
  }
  return value;
}

function valueInfo(value: OnnxValue): Record<string, unknown> {
  return {
    name: value.name,
    type: {
      tensorType: {
        elemType: onnxElementTypeNumber(value.type),
        shape: {
          dim: value.shape.map((dim) =>
            typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim },
          ),
        },
      },
    },
  };
}

function attribute(attr: OnnxAttribute): Record<string, unknown> {
  if ('f' in attr) {
    return { name: attr.name, f: attr.f, type: ATTRIBUTE_TYPE_FLOAT };
  }
  if ('i' in attr) {
    return { name: attr.name, i: attr.i, type: ATTRIBUTE_TYPE_INT };
  }
  return { name: attr.name, ints: [...attr.ints], type: ATTRIBUTE_TYPE_INTS };
}

/** Encodes a graph as the bytes of a model.onnx file (IR version 8). */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  const model = {
    irVersion: 8,
    producerName: 'mlflow-triton-pipelines tests',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: graph.opset ?? 13 }],
    graph: {
      name: graph.name,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      node: graph.nodes.map((node, index) => ({
        name: `${node.opType.toLowerCase()}_${index}`,
        opType: node.opType,
        input: [...node.inputs],
        output: [...node.outputs],
        attribute: (node.attributes ?? []).map(attribute),
        domain: node.domain ?? '',
      })),
      initializer: (graph.initializers ?? []).map((init) => ({
        name: init.name,
        dims: [...init.dims],
        dataType: onnxElementTypeNumber('FLOAT'),
        floatData: [...init.values],
      })),
    },
  };
  return OnnxModelProto.encode(OnnxModelProto.fromObject(model)).finish();
}
