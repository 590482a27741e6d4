/**
 * The sample request file: inputs to send, the outputs expected back, and how close they must
 * be. Read and checked before anything is sent, then fitted to the model's metadata; a file
 * that cannot be used is a LiveInputError naming the file, the place in it and the fix.
 *
 * {
 *   "inputs": [{ "name": "features", "datatype": "FP32", "shape": [1, 4], "data": [...] }],
 *   "expected_outputs": [{ "name": "probabilities", "shape": [1, 3], "data": [...],
 *                          "tolerance": { "absolute": 1e-4 } }],
 *   "tolerance": { "absolute": 1e-6, "relative": 1e-5 }
 * }
 *
 * `datatype` may be left out (the metadata's is used) and `shape` too when `data` is nested.
 */
import { promises as fs } from 'node:fs';
import { flattenData } from '../kserve/infer-body';
import type {
  InferRequest,
  JsonObject,
  JsonValue,
  ModelMetadata,
  TensorElement,
} from '../kserve/kserve-types';
import { toWireType } from '../data-types';
import { didYouMean } from '../suggest';
import { LiveInputError } from './live-options';
import { elementCount, shapeFits, showShape } from './tensor-shape';

/** How close an output element must be: |got - expected| <= absolute + relative * |expected|. */
export interface Tolerance {
  absolute: number;
  relative: number;
}

/** Used when the file gives no tolerance: close to FP32 rounding. */
export const DEFAULT_TOLERANCE: Tolerance = { absolute: 1e-6, relative: 1e-5 };

/** An input as the file gives it. */
export interface SampleInput {
  name: string;
  datatype?: string;
  shape: number[];
  data: TensorElement[];
}

/** An output the file expects back. */
export interface ExpectedOutput {
  name: string;
  datatype?: string;
  shape?: number[];
  data: TensorElement[];
  tolerance: Tolerance;
}

/** A sample request file, read and checked on its own. */
export interface SampleRequest {
  file: string;
  inputs: SampleInput[];
  expected: ExpectedOutput[];
}

const TOP_KEYS = ['inputs', 'expected_outputs', 'tolerance'];
const INPUT_KEYS = ['name', 'datatype', 'shape', 'data'];
const OUTPUT_KEYS = ['name', 'datatype', 'shape', 'data', 'tolerance'];

/** Reads and checks the file; throws a LiveInputError for anything it cannot use. */
export async function readSampleRequest(file: string): Promise<SampleRequest> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new LiveInputError(
      `Sample request file "${file}" cannot be read: check the path (relative paths start at ` +
        'the working directory), or leave it empty to send a request built from the metadata.',
    );
  }
  return parseSampleRequest(text, file);
}

/** Checks the text of a sample request file. */
export function parseSampleRequest(text: string, file: string): SampleRequest {
  const fail = (where: string, problem: string): never => {
    throw new LiveInputError(`Sample request file "${file}": ${where} ${problem}`);
  };
  let root: JsonValue;
  try {
    root = JSON.parse(text) as JsonValue;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail('is not JSON', `(${detail}). Fix the JSON syntax.`);
  }
  if (!isObject(root)) return fail('the file', 'must hold one JSON object with "inputs".');
  checkKeys(root, TOP_KEYS, 'the file', fail);
  if (!Array.isArray(root.inputs) || root.inputs.length === 0) {
    return fail('"inputs"', 'must be a non-empty list of {"name", "shape", "data"}.');
  }
  const tolerance = readTolerance(root.tolerance, DEFAULT_TOLERANCE, 'tolerance', fail);
  const inputs = root.inputs.map((item, i) => readInput(item, `inputs[${i}]`, fail));
  const rawExpected = root.expected_outputs ?? [];
  if (!Array.isArray(rawExpected)) {
    return fail('"expected_outputs"', 'must be a list of {"name", "data"}.');
  }
  const expected = rawExpected.map((item, i) =>
    readExpected(item, `expected_outputs[${i}]`, tolerance, fail),
  );
  return { file, inputs, expected };
}

type Fail = (where: string, problem: string) => never;

function readInput(item: JsonValue, where: string, fail: Fail): SampleInput {
  if (!isObject(item)) return fail(where, 'must be an object with "name", "shape" and "data".');
  checkKeys(item, INPUT_KEYS, where, fail);
  const name = readName(item, where, fail);
  if (!Array.isArray(item.data)) return fail(`${where}.data`, 'must be a list of values.');
  const data = flattenData(item.data);
  const shape =
    item.shape === undefined ? nestedShape(item.data) : readShape(item.shape, where, fail);
  if (elementCount(shape) !== data.length) {
    fail(
      `${where}.data`,
      `holds ${data.length} values but shape ${showShape(shape)} needs ${elementCount(shape)}.`,
    );
  }
  const input: SampleInput = { name, shape, data };
  if (item.datatype !== undefined) input.datatype = readDatatype(item.datatype, where, fail);
  return input;
}

function readExpected(
  item: JsonValue,
  where: string,
  fallback: Tolerance,
  fail: Fail,
): ExpectedOutput {
  if (!isObject(item)) return fail(where, 'must be an object with "name" and "data".');
  checkKeys(item, OUTPUT_KEYS, where, fail);
  const name = readName(item, where, fail);
  if (!Array.isArray(item.data)) return fail(`${where}.data`, 'must be a list of values.');
  const expected: ExpectedOutput = {
    name,
    data: flattenData(item.data),
    tolerance: readTolerance(item.tolerance, fallback, `${where}.tolerance`, fail),
  };
  if (item.shape !== undefined) expected.shape = readShape(item.shape, where, fail);
  if (item.datatype !== undefined) expected.datatype = readDatatype(item.datatype, where, fail);
  return expected;
}

function readName(item: JsonObject, where: string, fail: Fail): string {
  if (typeof item.name !== 'string' || item.name === '') {
    return fail(`${where}.name`, "must be the tensor's name as the model's metadata gives it.");
  }
  return item.name;
}

function readShape(value: JsonValue, where: string, fail: Fail): number[] {
  const valid =
    Array.isArray(value) &&
    value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0);
  if (!valid) return fail(`${where}.shape`, 'must be a list of whole numbers >= 0, e.g. [1, 4].');
  return value as number[];
}

function readDatatype(value: JsonValue, where: string, fail: Fail): string {
  const wire = typeof value === 'string' ? toWireType(value) : undefined;
  if (wire === undefined) {
    return fail(
      `${where}.datatype`,
      `${JSON.stringify(value)} is not a type: use FP32, INT64, BYTES...`,
    );
  }
  return wire;
}

function readTolerance(
  value: JsonValue | undefined,
  fallback: Tolerance,
  where: string,
  fail: Fail,
): Tolerance {
  if (value === undefined) return fallback;
  if (!isObject(value)) return fail(where, 'must be {"absolute": number, "relative": number}.');
  checkKeys(value, ['absolute', 'relative'], where, fail);
  const read = (key: 'absolute' | 'relative'): number => {
    const raw = value[key];
    if (raw === undefined) return fallback[key];
    if (typeof raw !== 'number' || !(raw >= 0))
      return fail(`${where}.${key}`, 'must be a number >= 0.');
    return raw;
  };
  return { absolute: read('absolute'), relative: read('relative') };
}

function checkKeys(item: JsonObject, allowed: readonly string[], where: string, fail: Fail): void {
  for (const key of Object.keys(item)) {
    if (!allowed.includes(key)) {
      fail(
        where,
        `has the unknown key "${key}".${didYouMean(key, allowed)} Known: ${allowed.join(', ')}.`,
      );
    }
  }
}

function nestedShape(data: JsonValue[]): number[] {
  const shape: number[] = [];
  let level: JsonValue = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] ?? null;
  }
  return shape;
}

/**
 * Fits the file to the model: every input known and of the right type and shape, every input
 * the model needs present, every expected output one the model has. Throws a LiveInputError.
 */
export function fitSampleRequest(
  sample: SampleRequest,
  metadata: ModelMetadata,
  optionalInputs: ReadonlySet<string>,
): InferRequest {
  const fail = (problem: string): never => {
    throw new LiveInputError(
      `Sample request file "${sample.file}" does not fit model '${metadata.name}': ${problem}`,
    );
  };
  const inputNames = metadata.inputs.map((t) => t.name);
  const inputs = sample.inputs.map((input, i) => {
    const served = metadata.inputs.find((t) => t.name === input.name);
    if (served === undefined) {
      return fail(
        `inputs[${i}] '${input.name}' is not an input of the model (its inputs: ` +
          `${inputNames.join(', ')}).${didYouMean(input.name, inputNames)}`,
      );
    }
    if (input.datatype !== undefined && input.datatype !== served.datatype) {
      fail(
        `input '${input.name}' is ${served.datatype} on the server, ${input.datatype} in the file.`,
      );
    }
    if (!shapeFits(input.shape, served.shape)) {
      fail(
        `input '${input.name}' has shape ${showShape(input.shape)} in the file, but the model ` +
          `takes ${showShape(served.shape)} (-1: any size).`,
      );
    }
    const misfit = input.data.findIndex((value) => !fitsType(value, served.datatype));
    if (misfit >= 0) {
      fail(
        `input '${input.name}' value ${JSON.stringify(input.data[misfit])} at position ${misfit} ` +
          `is not ${describeType(served.datatype)}.`,
      );
    }
    return { name: input.name, datatype: served.datatype, shape: input.shape, data: input.data };
  });
  const missing = inputNames.filter(
    (name) => !optionalInputs.has(name) && !sample.inputs.some((input) => input.name === name),
  );
  if (missing.length > 0)
    fail(`the model needs the input(s) ${missing.join(', ')}, which the file lacks.`);

  const outputNames = metadata.outputs.map((t) => t.name);
  for (const [i, expected] of sample.expected.entries()) {
    if (!outputNames.includes(expected.name)) {
      fail(
        `expected_outputs[${i}] '${expected.name}' is not an output of the model (its outputs: ` +
          `${outputNames.join(', ')}).${didYouMean(expected.name, outputNames)}`,
      );
    }
  }
  const outputs = metadata.outputs.map((t) => ({
    name: t.name,
    binary: t.datatype === 'FP16' || t.datatype === 'BF16',
  }));
  return { inputs, outputs };
}

function fitsType(value: TensorElement, datatype: string): boolean {
  if (datatype === 'BYTES') return typeof value === 'string';
  if (datatype === 'BOOL') return typeof value === 'boolean';
  if (typeof value !== 'number') return false;
  if (datatype.startsWith('FP') || datatype === 'BF16') return true;
  return Number.isInteger(value) && (!datatype.startsWith('UINT') || value >= 0);
}

function describeType(datatype: string): string {
  if (datatype === 'BYTES') return 'a string (BYTES)';
  if (datatype === 'BOOL') return 'true or false (BOOL)';
  if (datatype.startsWith('FP') || datatype === 'BF16') return `a number (${datatype})`;
  return `a whole number${datatype.startsWith('UINT') ? ' >= 0' : ''} (${datatype})`;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return (
    value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value)
  );
}
