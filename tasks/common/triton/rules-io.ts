/**
 * Rules on inputs, outputs, batch inputs and batch outputs (Triton core ValidateModelIOConfig,
 * ValidateIOShape, ValidateBatchIO): names, data types, dims and reshape, image formats, shape
 * tensors, non-linear formats, and the implicit batch dimension.
 */
import {
  bool,
  children,
  enumName,
  has,
  nums,
  PbMessageNode,
  positionOf,
  scalar,
  scalars,
  str,
} from './pbtxt-ast';
import { modelLabel, RuleContext } from './rule-context';

const WILDCARD = -1;

/** Inputs and outputs: every rule of ValidateModelInput / ValidateModelOutput. */
export function checkInputsAndOutputs(ctx: RuleContext): void {
  const maxBatch = numberOf(ctx.config, 'max_batch_size');
  const seen = new Map<string, string>();
  for (const [kind, list] of [
    ['input', children(ctx.config, 'input')],
    ['output', children(ctx.config, 'output')],
  ] as const) {
    for (const io of list) {
      checkTensor(ctx, io, kind, maxBatch);
      const name = str(io, 'name');
      if (name === '') continue;
      const key = `${kind}:${name}`;
      if (seen.has(key)) {
        ctx.report(
          'error',
          'config.io-duplicate',
          positionOf(io, 'name'),
          `model ${kind} '${name}' is declared twice for ${modelLabel(ctx)}.`,
          `Remove one of the two '${name}' ${kind}s, or rename one.`,
        );
      }
      seen.set(key, name);
    }
  }
}

function numberOf(msg: PbMessageNode, field: string): number {
  const value = scalar(msg, field)?.value;
  return typeof value === 'number' ? value : 0;
}

function checkTensor(
  ctx: RuleContext,
  io: PbMessageNode,
  kind: 'input' | 'output',
  maxBatch: number,
): void {
  const name = str(io, 'name');
  const at = positionOf(io, has(io, 'name') ? 'name' : undefined);
  const label = `model ${kind} '${name}'`;
  if (name === '') {
    ctx.report(
      'error',
      'config.io-name',
      io.pos,
      `A model ${kind} must specify 'name'.`,
      `Add name: "<tensor name>" to this ${kind}.`,
    );
    return;
  }
  const dataType = enumName(io, 'data_type', 'TYPE_INVALID');
  if (dataType === 'TYPE_INVALID') {
    ctx.report(
      'error',
      'config.io-data-type',
      at,
      `${label} must specify 'data_type'.`,
      `Add data_type: TYPE_FP32 (or the tensor's real type) to ${kind} '${name}'.`,
    );
  }
  const dims = nums(io, 'dims');
  if (dims.length === 0) {
    ctx.report(
      'error',
      'config.io-dims',
      at,
      `${label} must specify 'dims'.`,
      'Add dims: [ ... ] without the batch dimension; for a scalar write dims: [ 1 ] and ' +
        'reshape: { shape: [ ] }.',
    );
    return;
  }
  checkDims(ctx, io, label, dims, maxBatch);
  checkReshape(ctx, io, label, dims, maxBatch);
  checkFormatAndSpecialKinds(ctx, io, kind, label, dims);
}

function checkDims(
  ctx: RuleContext,
  io: PbMessageNode,
  label: string,
  dims: number[],
  maxBatch: number,
): void {
  const dimNodes = scalars(io, 'dims');
  dims.forEach((dim, index) => {
    if (dim < 1 && dim !== WILDCARD) {
      ctx.report(
        'error',
        'config.io-dims',
        dimNodes[index]?.pos ?? io.pos,
        `${label}: dimension must be an integer >= 1, or -1 for a variable-size dimension ` +
          `(got ${dim}).`,
        dim === 0
          ? 'A dimension cannot be 0; use -1 if its size varies.'
          : 'Use -1 for a variable-size dimension.',
      );
    }
  });
  if (maxBatch > 0 && dims[0] === WILDCARD && dims.length > 1) {
    ctx.report(
      'warning',
      'config.batch-dim',
      dimNodes[0]?.pos ?? io.pos,
      `${label}: max_batch_size is ${maxBatch}, so Triton already puts a batch dimension in ` +
        `front of dims; the leading -1 may duplicate it (full shape [-1, ${dims.join(', ')}]).`,
      'Leave the batch dimension out of dims when max_batch_size > 0, unless the model really ' +
        'has a second variable dimension there.',
    );
  }
}

function elementCount(shape: number[]): number {
  if (shape.includes(WILDCARD)) return WILDCARD;
  return shape.reduce((product, dim) => product * dim, 1);
}

function segments(shape: number[]): number[] {
  const result: number[] = [];
  let current = 1;
  for (const dim of shape) {
    if (dim === WILDCARD) {
      result.push(current);
      current = 1;
    } else {
      current *= dim;
    }
  }
  result.push(current);
  return result;
}

function checkReshape(
  ctx: RuleContext,
  io: PbMessageNode,
  label: string,
  dims: number[],
  maxBatch: number,
): void {
  const reshape = children(io, 'reshape').at(-1);
  if (reshape === undefined) return;
  const shape = nums(reshape, 'shape');
  if (shape.length === 0 && maxBatch === 0) {
    ctx.report(
      'error',
      'config.reshape',
      reshape.pos,
      `${label} cannot have an empty reshape for a non-batching model, as scalar tensors ` +
        'are not supported.',
      'Give reshape a shape, or set max_batch_size > 0.',
    );
    return;
  }
  if (shape.some((dim) => dim < 1 && dim !== WILDCARD)) {
    ctx.report(
      'error',
      'config.reshape',
      reshape.pos,
      `${label}: reshape dimensions must be integers >= 1, or -1 for a variable-size dimension.`,
      'Fix the reshape shape.',
    );
    return;
  }
  if (dims.some((dim) => dim < 1 && dim !== WILDCARD)) return;
  const dimsCount = elementCount(dims);
  const reshapeCount = shape.length === 0 ? 0 : elementCount(shape);
  const fix =
    `Make dims [${dims.join(', ')}] and reshape [${shape.join(', ')}] hold the same ` +
    'number of elements.';
  if (dimsCount !== reshapeCount && (reshapeCount !== 0 || dimsCount !== 1)) {
    ctx.report(
      'error',
      'config.reshape',
      reshape.pos,
      `${label} has a different size for dims (${describeCount(dimsCount)}) and reshape ` +
        `(${describeCount(reshapeCount)}).`,
      fix,
    );
    return;
  }
  if (dimsCount !== WILDCARD) return;
  const dimSegments = segments(dims);
  const reshapeSegments = segments(shape);
  if (dimSegments.length !== reshapeSegments.length) {
    ctx.report(
      'error',
      'config.reshape',
      reshape.pos,
      `${label} has a different number of variable-size dimensions for dims and reshape.`,
      'Use the same number of -1 dimensions in dims and reshape.',
    );
  } else if (dimSegments.some((count, i) => count !== reshapeSegments[i])) {
    ctx.report(
      'error',
      'config.reshape',
      reshape.pos,
      `${label} has a different size for dims and reshape between its -1 dimensions.`,
      fix,
    );
  }
}

function describeCount(count: number): string {
  return count === WILDCARD ? 'variable' : `${count} elements`;
}

function checkFormatAndSpecialKinds(
  ctx: RuleContext,
  io: PbMessageNode,
  kind: 'input' | 'output',
  label: string,
  dims: number[],
): void {
  const format = enumName(io, 'format', 'FORMAT_NONE');
  if ((format === 'FORMAT_NHWC' || format === 'FORMAT_NCHW') && dims.length !== 3) {
    ctx.report(
      'error',
      'config.io-format',
      positionOf(io, 'format'),
      `${label}: NHWC/NCHW formats require 3 dims (got ${dims.length}).`,
      'Give the three non-batch dimensions only, or remove the format.',
    );
  }
  const isTensorRt = ctx.effective.platform === 'tensorrt_plan';
  if (bool(io, 'is_shape_tensor') && !isTensorRt) {
    ctx.report(
      'error',
      'config.shape-tensor',
      positionOf(io, 'is_shape_tensor'),
      `${label}: shape tensors are only supported for the TensorRT platform.`,
      'Remove is_shape_tensor.',
    );
  }
  if (bool(io, 'is_non_linear_format_io')) {
    if (!isTensorRt) {
      ctx.report(
        'error',
        'config.non-linear-io',
        positionOf(io, 'is_non_linear_format_io'),
        `${label}: non-linear IO format is only supported for the TensorRT platform.`,
        'Remove is_non_linear_format_io.',
      );
    } else if (dims.length !== 3) {
      ctx.report(
        'error',
        'config.non-linear-io',
        positionOf(io, 'is_non_linear_format_io'),
        `${label}: a non-linear IO format ${kind} requires 3 dims.`,
        'Give exactly three dims.',
      );
    }
  }
}

/** batch_input and batch_output (ValidateBatchIO). */
export function checkBatchInputsAndOutputs(ctx: RuleContext): void {
  const inputs = new Set(children(ctx.config, 'input').map((io) => str(io, 'name')));
  const outputs = new Set(children(ctx.config, 'output').map((io) => str(io, 'name')));
  for (const batchInput of children(ctx.config, 'batch_input')) {
    const kind = enumName(batchInput, 'kind', 'BATCH_ELEMENT_COUNT');
    checkSources(ctx, batchInput, 'batch input', kind, inputs);
    const dataType = enumName(batchInput, 'data_type', 'TYPE_INVALID');
    if (dataType !== 'TYPE_INT32' && dataType !== 'TYPE_FP32') {
      ctx.report(
        'error',
        'config.batch-io',
        positionOf(batchInput, has(batchInput, 'data_type') ? 'data_type' : undefined),
        `batch input data type must be TYPE_INT32 or TYPE_FP32 (got ${dataType}).`,
        'Set data_type: TYPE_INT32 or TYPE_FP32.',
      );
    }
  }
  for (const batchOutput of children(ctx.config, 'batch_output')) {
    const kind = enumName(batchOutput, 'kind', 'BATCH_SCATTER_WITH_INPUT_SHAPE');
    checkSources(ctx, batchOutput, 'batch output', kind, inputs);
    const targets = new Set<string>();
    for (const target of scalars(batchOutput, 'target_name')) {
      const name = String(target.value);
      if (!outputs.has(name)) {
        ctx.report(
          'error',
          'config.batch-io',
          target.pos,
          `unknown target output name '${name}' in batch_output.`,
          'Name an output declared in this config.',
        );
      }
      if (targets.has(name)) {
        ctx.report(
          'error',
          'config.batch-io',
          target.pos,
          `target output name '${name}' can only be specified once.`,
          'Remove the repeated target name.',
        );
      }
      targets.add(name);
    }
  }
}

function checkSources(
  ctx: RuleContext,
  msg: PbMessageNode,
  what: string,
  kind: string,
  inputs: ReadonlySet<string>,
): void {
  const sources = scalars(msg, 'source_input');
  if (sources.length !== 1) {
    ctx.report(
      'error',
      'config.batch-io',
      msg.pos,
      `${what} kind '${kind}' expects 1 source input, got ${sources.length}.`,
      'List exactly one source_input.',
    );
  }
  for (const source of sources) {
    if (!inputs.has(String(source.value))) {
      ctx.report(
        'error',
        'config.batch-io',
        source.pos,
        `unknown source input name '${String(source.value)}' in ${what}.`,
        'Name an input declared in this config.',
      );
    }
  }
}
