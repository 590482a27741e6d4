/**
 * Checks an inference answer: every output the model declares is there with its declared type
 * and a shape that fits, and, when a sample request gave expected values, each value is
 * within tolerance; the first differing elements are shown with their index.
 */
import type {
  InferRequest,
  InferResult,
  ModelMetadata,
  Tensor,
  TensorElement,
} from '../kserve/kserve-types';
import { toWireType } from '../data-types';
import type { ExpectedOutput } from './sample-request';
import { elementCount, indexOf, shapeFits, showShape } from './tensor-shape';

/** How many differing elements are listed per output. */
const SHOWN_DIFFERENCES = 5;

/** Problems with the answer, one line each; empty when it is as expected. */
export function checkOutputs(
  result: InferResult,
  metadata: ModelMetadata,
  request: InferRequest,
  expected: readonly ExpectedOutput[],
): string[] {
  const problems: string[] = [];
  const batch = batchSize(request, metadata);
  for (const declared of metadata.outputs) {
    const output = result.outputs.find((o) => o.name === declared.name);
    if (output === undefined) {
      problems.push(`output '${declared.name}' is missing from the answer`);
      continue;
    }
    const type = toWireType(output.datatype) ?? output.datatype;
    if (type !== declared.datatype) {
      problems.push(
        `output '${output.name}' is ${type}, the metadata declares ${declared.datatype}`,
      );
    }
    const pattern = [...declared.shape];
    if (batch !== undefined && pattern[0] === -1) pattern[0] = batch;
    if (!shapeFits(output.shape, pattern)) {
      problems.push(
        `output '${output.name}' has shape ${showShape(output.shape)}, expected ` +
          `${showShape(pattern)} (-1: any size)`,
      );
    } else if (elementCount(output.shape) !== output.data.length) {
      problems.push(
        `output '${output.name}' holds ${output.data.length} values for shape ` +
          `${showShape(output.shape)}`,
      );
    }
  }
  for (const output of result.outputs) {
    if (!metadata.outputs.some((d) => d.name === output.name)) {
      problems.push(`output '${output.name}' is in the answer but not in the metadata`);
    }
  }
  for (const want of expected) {
    const output = result.outputs.find((o) => o.name === want.name);
    if (output !== undefined) problems.push(...compareValues(output, want));
  }
  return problems;
}

/** Differences between an output and its expected values. */
export function compareValues(output: Tensor, want: ExpectedOutput): string[] {
  const name = output.name;
  if (want.shape !== undefined && showShape(want.shape) !== showShape(output.shape)) {
    return [
      `output '${name}' has shape ${showShape(output.shape)}, expected ${showShape(want.shape)}`,
    ];
  }
  if (want.data.length !== output.data.length) {
    return [`output '${name}' holds ${output.data.length} values, expected ${want.data.length}`];
  }
  const lines: string[] = [];
  let differing = 0;
  want.data.forEach((expected, i) => {
    const got = output.data[i] as TensorElement;
    const problem = difference(got, expected, want);
    if (problem === undefined) return;
    differing += 1;
    if (lines.length < SHOWN_DIFFERENCES) {
      const where = `${name}${indexOf(i, output.shape)}`;
      lines.push(`${where}: expected ${show(expected)}, got ${show(got)}${problem}`);
    }
  });
  if (differing === 0) return [];
  const header =
    `output '${name}': ${differing} of ${want.data.length} values differ from the expected ` +
    `(tolerance: absolute ${want.tolerance.absolute}, relative ${want.tolerance.relative})` +
    (differing > lines.length ? `; the first ${lines.length}:` : ':');
  return [header, ...lines.map((line) => `  ${line}`)];
}

/** '' or a remark when `got` is not close enough to `expected`; undefined when it is. */
function difference(
  got: TensorElement,
  expected: TensorElement,
  want: ExpectedOutput,
): string | undefined {
  if (typeof expected === 'number' && typeof got === 'number') {
    if (Number.isNaN(expected) && Number.isNaN(got)) return undefined;
    const gap = Math.abs(got - expected);
    const allowed = want.tolerance.absolute + want.tolerance.relative * Math.abs(expected);
    if (gap <= allowed) return undefined;
    return ` (off by ${round(gap)}, allowed ${round(allowed)})`;
  }
  return got === expected ? undefined : '';
}

function batchSize(request: InferRequest, metadata: ModelMetadata): number | undefined {
  const first = request.inputs[0];
  const declared = metadata.inputs.find((t) => t.name === first?.name);
  if (first === undefined || declared === undefined || declared.shape[0] !== -1) return undefined;
  return first.shape[0];
}

function show(value: TensorElement): string {
  if (typeof value === 'string') return JSON.stringify(value);
  // FP32 values decoded into doubles carry digits FP32 never had.
  if (typeof value === 'number' && !Number.isInteger(value)) {
    return Number(value.toPrecision(8)).toString();
  }
  return String(value);
}

function round(value: number): string {
  return Number(value.toPrecision(3)).toString();
}
