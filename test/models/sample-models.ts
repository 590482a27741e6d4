/**
 * The real ONNX models the tests serve: each comes with the Triton configuration that fits it,
 * so a test can write it to a repository or send it in a load request as it is.
 */
import { encodeOnnxModel, OnnxElementType } from './onnx-graph';
import { TestModel, TritonConfigDataType } from './triton-model-folder';

/** Element types the identity model can be built for, by Triton protocol name. */
export type IdentityDataType = 'FP32' | 'FP16' | 'BF16' | 'INT32' | 'INT64' | 'BOOL' | 'BYTES';

const IDENTITY_TYPES: Record<IdentityDataType, [OnnxElementType, TritonConfigDataType]> = {
  FP32: ['FLOAT', 'TYPE_FP32'],
  FP16: ['FLOAT16', 'TYPE_FP16'],
  BF16: ['BFLOAT16', 'TYPE_BF16'],
  INT32: ['INT32', 'TYPE_INT32'],
  INT64: ['INT64', 'TYPE_INT64'],
  BOOL: ['BOOL', 'TYPE_BOOL'],
  BYTES: ['STRING', 'TYPE_STRING'],
};

/** The largest batch the sample configurations accept. */
export const SAMPLE_MAX_BATCH_SIZE = 8;

/**
 * Two FP32 inputs INPUT0 and INPUT1 of shape [-1,4]; OUTPUT0 is their sum and OUTPUT1 their
 * difference (INPUT0 - INPUT1), like Triton's own `simple` example.
 */
export function buildAddSubModel(name = 'add_sub'): TestModel {
  const value = (n: string): { name: string; type: OnnxElementType; shape: [string, number] } => ({
    name: n,
    type: 'FLOAT',
    shape: ['batch', 4],
  });
  const onnx = encodeOnnxModel({
    name,
    inputs: [value('INPUT0'), value('INPUT1')],
    outputs: [value('OUTPUT0'), value('OUTPUT1')],
    nodes: [
      { opType: 'Add', inputs: ['INPUT0', 'INPUT1'], outputs: ['OUTPUT0'] },
      { opType: 'Sub', inputs: ['INPUT0', 'INPUT1'], outputs: ['OUTPUT1'] },
    ],
  });
  const tensor = (n: string): { name: string; dataType: TritonConfigDataType; dims: number[] } => ({
    name: n,
    dataType: 'TYPE_FP32',
    dims: [4],
  });
  return {
    name,
    onnx,
    config: {
      name,
      maxBatchSize: SAMPLE_MAX_BATCH_SIZE,
      inputs: [tensor('INPUT0'), tensor('INPUT1')],
      outputs: [tensor('OUTPUT0'), tensor('OUTPUT1')],
    },
  };
}

/** INPUT0 -> OUTPUT0 unchanged, of shape [-1,-1] and the given element type. */
export function buildIdentityModel(dataType: IdentityDataType, name?: string): TestModel {
  const [onnxType, configType] = IDENTITY_TYPES[dataType];
  const modelName = name ?? `identity_${dataType.toLowerCase()}`;
  const onnx = encodeOnnxModel({
    name: modelName,
    inputs: [{ name: 'INPUT0', type: onnxType, shape: ['batch', 'n'] }],
    outputs: [{ name: 'OUTPUT0', type: onnxType, shape: ['batch', 'n'] }],
    nodes: [{ opType: 'Identity', inputs: ['INPUT0'], outputs: ['OUTPUT0'] }],
  });
  return {
    name: modelName,
    onnx,
    config: {
      name: modelName,
      maxBatchSize: SAMPLE_MAX_BATCH_SIZE,
      inputs: [{ name: 'INPUT0', dataType: configType, dims: [-1] }],
      outputs: [{ name: 'OUTPUT0', dataType: configType, dims: [-1] }],
    },
  };
}

/** Weights of the linear layer in front of the classifier's softmax. */
export interface ClassifierWeights {
  /** 4 rows (features) of 3 columns (classes). */
  weights: readonly (readonly number[])[];
  /** One bias per class. */
  bias: readonly number[];
}

/** Weights that make the three classes easy to tell apart in tests. */
export const DEFAULT_CLASSIFIER_WEIGHTS: ClassifierWeights = {
  weights: [
    [1, 0, -1],
    [0.5, 1, 0],
    [-1, 0.5, 1],
    [0, -0.5, 0.25],
  ],
  bias: [0.1, -0.2, 0],
};

/**
 * A small classifier: `features` FP32 [-1,4] -> MatMul -> Add -> Softmax -> `probabilities`
 * FP32 [-1,3].
 */
export function buildClassifierModel(
  weights: ClassifierWeights = DEFAULT_CLASSIFIER_WEIGHTS,
  name = 'classifier',
): TestModel {
  if (weights.weights.length !== 4 || weights.weights.some((row) => row.length !== 3)) {
    throw new Error('classifier weights must be 4 rows of 3 values');
  }
  if (weights.bias.length !== 3) {
    throw new Error('classifier bias must have 3 values');
  }
  const onnx = encodeOnnxModel({
    name,
    inputs: [{ name: 'features', type: 'FLOAT', shape: ['batch', 4] }],
    outputs: [{ name: 'probabilities', type: 'FLOAT', shape: ['batch', 3] }],
    initializers: [
      { name: 'W', dims: [4, 3], values: weights.weights.flat() },
      { name: 'B', dims: [3], values: [...weights.bias] },
    ],
    nodes: [
      { opType: 'MatMul', inputs: ['features', 'W'], outputs: ['logits_raw'] },
      { opType: 'Add', inputs: ['logits_raw', 'B'], outputs: ['logits'] },
      {
        opType: 'Softmax',
        inputs: ['logits'],
        outputs: ['probabilities'],
        attributes: [{ name: 'axis', i: -1 }],
      },
    ],
  });
  return {
    name,
    onnx,
    config: {
      name,
      maxBatchSize: SAMPLE_MAX_BATCH_SIZE,
      inputs: [{ name: 'features', dataType: 'TYPE_FP32', dims: [4] }],
      outputs: [{ name: 'probabilities', dataType: 'TYPE_FP32', dims: [3] }],
    },
  };
}

/** The classifier's math in plain TypeScript, to compute expected outputs independently. */
export function classifierProbabilities(
  weights: ClassifierWeights,
  features: readonly number[],
): number[] {
  const logits = weights.bias.map((bias, cls) =>
    features.reduce((sum, x, row) => sum + x * (weights.weights[row]?.[cls] ?? 0), bias),
  );
  const max = Math.max(...logits);
  const exps = logits.map((logit) => Math.exp(logit - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/**
 * A well-formed ONNX file whose only node uses an operator no runtime knows, so loading it
 * fails the way a model exported with a newer or custom opset fails on the server.
 */
export function buildBrokenModel(name = 'broken'): TestModel {
  const onnx = encodeOnnxModel({
    name,
    inputs: [{ name: 'INPUT0', type: 'FLOAT', shape: ['batch', 4] }],
    outputs: [{ name: 'OUTPUT0', type: 'FLOAT', shape: ['batch', 4] }],
    nodes: [{ opType: 'NoSuchOperator', inputs: ['INPUT0'], outputs: ['OUTPUT0'] }],
  });
  return {
    name,
    onnx,
    config: {
      name,
      maxBatchSize: SAMPLE_MAX_BATCH_SIZE,
      inputs: [{ name: 'INPUT0', dataType: 'TYPE_FP32', dims: [4] }],
      outputs: [{ name: 'OUTPUT0', dataType: 'TYPE_FP32', dims: [4] }],
    },
  };
}
