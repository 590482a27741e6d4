/**
 * onnxruntime-node cannot pass BF16 tensors to or from JavaScript, but its CPU kernels run them.
 * So a model with BF16 inputs or outputs is given FP32 edges with Cast nodes inside the graph:
 * the model still computes in BF16, and the server converts bits at the edges, which is exact
 * because BF16 is the upper half of an FP32.
 */
import { OnnxModelProto } from '../../../tasks/common/triton/onnx-proto';

const ONNX_FLOAT = 1;
const ONNX_BFLOAT16 = 16;
const ATTRIBUTE_TYPE_INT = 2;

interface ValueInfoObject {
  name?: string;
  type?: { tensorType?: { elemType?: number } };
}

interface NodeObject {
  name?: string;
  opType?: string;
  input?: string[];
  output?: string[];
  attribute?: { name: string; i: number; type: number }[];
}

interface ModelObject {
  graph?: { node?: NodeObject[]; input?: ValueInfoObject[]; output?: ValueInfoObject[] };
}

function isBf16(info: ValueInfoObject): boolean {
  return info.type?.tensorType?.elemType === ONNX_BFLOAT16;
}

function castNode(from: string, to: string, elemType: number): NodeObject {
  return {
    name: `triton_test_server_cast_${to}`,
    opType: 'Cast',
    input: [from],
    output: [to],
    attribute: [{ name: 'to', i: elemType, type: ATTRIBUTE_TYPE_INT }],
  };
}

function rename(names: string[] | undefined, from: string, to: string): string[] {
  return (names ?? []).map((n) => (n === from ? to : n));
}

/** Returns the model with FP32 edges where it had BF16 ones, or the same bytes if none. */
export function adaptBf16Edges(bytes: Uint8Array): Uint8Array {
  const model = OnnxModelProto.toObject(OnnxModelProto.decode(bytes), {
    longs: Number,
    bytes: Array,
  }) as ModelObject;
  const graph = model.graph;
  if (graph === undefined) return bytes;
  const bf16Inputs = (graph.input ?? []).filter(isBf16);
  const bf16Outputs = (graph.output ?? []).filter(isBf16);
  if (bf16Inputs.length === 0 && bf16Outputs.length === 0) return bytes;

  let nodes = graph.node ?? [];
  const head: NodeObject[] = [];
  const tail: NodeObject[] = [];
  for (const input of bf16Inputs) {
    const name = input.name ?? '';
    const inner = `${name}__bf16`;
    nodes = nodes.map((n) => ({ ...n, input: rename(n.input, name, inner) }));
    head.push(castNode(name, inner, ONNX_BFLOAT16));
    if (input.type?.tensorType !== undefined) input.type.tensorType.elemType = ONNX_FLOAT;
  }
  for (const output of bf16Outputs) {
    const name = output.name ?? '';
    const inner = `${name}__bf16_out`;
    nodes = nodes.map((n) => ({
      ...n,
      input: rename(n.input, name, inner),
      output: rename(n.output, name, inner),
    }));
    tail.push(castNode(inner, name, ONNX_FLOAT));
    if (output.type?.tensorType !== undefined) output.type.tensorType.elemType = ONNX_FLOAT;
  }
  graph.node = [...head, ...nodes, ...tail];
  return OnnxModelProto.encode(OnnxModelProto.fromObject(model)).finish();
}

/** Widens BF16 values (as 16-bit patterns) to FP32 values. */
export function bf16ToFloat32(bits: Uint16Array): Float32Array {
  const wide = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) wide[i] = (bits[i] ?? 0) << 16;
  return new Float32Array(wide.buffer);
}

/** Narrows FP32 values that hold BF16 values back to their 16-bit patterns. */
export function float32ToBf16(values: Float32Array): Uint16Array {
  const wide = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) bits[i] = (wide[i] ?? 0) >>> 16;
  return bits;
}
