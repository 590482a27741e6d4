/**
 * Runs a loaded ONNX model with onnxruntime-node: converts request tensors to runtime tensors
 * and the runtime's results back, including BF16 through FP32 edges.
 */
import * as ort from 'onnxruntime-node';
import { adaptBf16Edges, bf16ToFloat32, float32ToBf16 } from './bf16-adapter';
import { ProtocolDataType } from './data-types';
import { Tensor, TensorValues } from './tensor-codec';
import { TritonError } from './triton-error';

type OrtType = ort.Tensor.Type;

const ORT_TYPES: Record<ProtocolDataType, OrtType> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
  BF16: 'float32',
};

function toOrtTensor(tensor: Tensor): ort.Tensor {
  const values = tensor.values;
  if (Array.isArray(values)) {
    return new ort.Tensor(
      'string',
      values.map((v) => v.toString('utf8')),
      tensor.shape,
    );
  }
  if (tensor.datatype === 'BF16') {
    return new ort.Tensor('float32', bf16ToFloat32(values as Uint16Array), tensor.shape);
  }
  return new ort.Tensor(ORT_TYPES[tensor.datatype], values as Float32Array, tensor.shape);
}

function fromOrtTensor(name: string, datatype: ProtocolDataType, value: ort.Tensor): Tensor {
  const shape = [...value.dims];
  let values: TensorValues;
  if (datatype === 'BYTES') {
    values = (value.data as string[]).map((s) => Buffer.from(s, 'utf8'));
  } else if (datatype === 'BF16') {
    values = float32ToBf16(value.data as Float32Array);
  } else if (datatype === 'BOOL') {
    values = Uint8Array.from(value.data as Uint8Array);
  } else {
    values = value.data as TensorValues;
  }
  return { name, datatype, shape, values };
}

/** A model loaded into onnxruntime, ready to run. */
export class ModelRunner {
  private constructor(private readonly session: ort.InferenceSession) {}

  /** Loads model.onnx bytes; throws the runtime's message when it cannot. */
  static async load(bytes: Uint8Array): Promise<ModelRunner> {
    const session = await ort.InferenceSession.create(adaptBf16Edges(bytes), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    return new ModelRunner(session);
  }

  /** Runs the model on `inputs` and returns the requested outputs in the order asked. */
  async run(
    inputs: readonly Tensor[],
    outputs: readonly { name: string; datatype: ProtocolDataType }[],
  ): Promise<Tensor[]> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of inputs) feeds[input.name] = toOrtTensor(input);
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(
        feeds,
        outputs.map((o) => o.name),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new TritonError('INTERNAL', `onnx runtime error: ${message}`);
    }
    return outputs.map((output) => {
      const value = results[output.name];
      if (value === undefined) {
        throw new TritonError('INTERNAL', `onnx runtime returned no output '${output.name}'`);
      }
      return fromOrtTensor(output.name, output.datatype, value);
    });
  }

  /** Frees the runtime session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
