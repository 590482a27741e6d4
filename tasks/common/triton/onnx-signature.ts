/**
 * Reads the inputs and outputs of an ONNX graph (names, element types, shapes) from model.onnx,
 * and compares them with a Triton config the way Triton's ONNX Runtime backend does: the batch
 * dimension is added in front of the config's dims when max_batch_size > 0, reshape gives the
 * model-side shape, and type names are compared in one spelling (FP32, BYTES, ...).
 */
import { children, enumName, has, nums, PbMessageNode, positionOf, str } from './pbtxt-ast';
import { CONFIG_TO_WIRE, ONNX_TO_WIRE } from './data-types';
import { Finding } from './finding';
import { OnnxModelProto } from './onnx-proto';

/** One graph input or output; a dimension is a number, or undefined when symbolic/unknown. */
export interface OnnxTensor {
  name: string;
  /** KServe wire type name (FP32, BYTES, ...), or `ONNX type <n>` when Triton has no match. */
  type: string;
  /** undefined when the graph gives no shape at all. */
  shape: Array<number | undefined> | undefined;
}

/** The graph's signature as Triton's ONNX backend sees it. */
export interface OnnxSignature {
  inputs: OnnxTensor[];
  outputs: OnnxTensor[];
}

interface DecodedDim {
  dimValue?: number | { toNumber(): number };
  dimParam?: string;
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

/** Decodes model.onnx bytes; throws when the bytes are not an ONNX model. */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  const model = OnnxModelProto.toObject(OnnxModelProto.decode(bytes)) as DecodedModel;
  const graph = model.graph;
  if (graph === undefined) throw new Error('the file holds no ONNX graph');
  // Initializers listed as graph inputs are weights with defaults, not inputs a client feeds.
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  return {
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(toTensor),
    outputs: (graph.output ?? []).map(toTensor),
  };
}

function toTensor(info: DecodedValueInfo): OnnxTensor {
  const tensorType = info.type?.tensorType;
  const elemType = tensorType?.elemType ?? 0;
  const dims = tensorType?.shape?.dim;
  return {
    name: info.name ?? '',
    type: ONNX_TO_WIRE.get(elemType) ?? `ONNX type ${elemType}`,
    shape: dims?.map((d) => {
      if (d.dimValue === undefined) return undefined;
      const value = typeof d.dimValue === 'number' ? d.dimValue : d.dimValue.toNumber();
      return value > 0 ? value : undefined;
    }),
  };
}

function shapeText(shape: Array<number | undefined>): string {
  return `[${shape.map((d) => (d === undefined ? '-1' : String(d))).join(', ')}]`;
}

/**
 * Compares the config's inputs and outputs with the graph's. Findings point at the config;
 * `modelFile` names the ONNX file in messages.
 */
export function compareWithOnnx(
  config: PbMessageNode,
  signature: OnnxSignature,
  configFile: string,
  modelFile: string,
): Finding[] {
  const findings: Finding[] = [];
  const maxBatch = nums(config, 'max_batch_size')[0] ?? 0;
  const report = (at: { line: number; column: number }, message: string, fix: string): void => {
    findings.push({
      severity: 'error',
      rule: 'onnx.signature',
      file: configFile,
      ...pick(at),
      message,
      fix,
    });
  };

  for (const [kind, graphTensors] of [
    ['input', signature.inputs],
    ['output', signature.outputs],
  ] as const) {
    const declared = children(config, kind);
    if (declared.length === 0) continue;
    const byName = new Map(graphTensors.map((t) => [t.name, t]));
    for (const io of declared) {
      const name = str(io, 'name');
      const at = positionOf(io, has(io, 'name') ? 'name' : undefined);
      const tensor = byName.get(name);
      if (tensor === undefined) {
        report(
          at,
          `${kind} '${name}' is not an ${kind} of ${modelFile} (its ${kind}s are: ` +
            `${graphTensors.map((t) => t.name).join(', ') || 'none'}).`,
          `Rename the ${kind} to one of the graph's ${kind} names.`,
        );
        continue;
      }
      compareType(io, tensor, kind, modelFile, report);
      compareShape(io, tensor, kind, maxBatch, modelFile, report);
    }
    if (kind === 'input') {
      const names = new Set(declared.map((io) => str(io, 'name')));
      for (const tensor of graphTensors) {
        if (names.has(tensor.name)) continue;
        report(
          config.pos,
          `${modelFile} has input '${tensor.name}' (${tensor.type}` +
            `${tensor.shape ? ` ${shapeText(tensor.shape)}` : ''}), which the config does not ` +
            'declare.',
          `Add an input '${tensor.name}' to the config.`,
        );
      }
    }
  }
  return findings;
}

function pick(at: { line: number; column: number }): { line: number; column: number } {
  return { line: at.line, column: at.column };
}

type Report = (at: { line: number; column: number }, message: string, fix: string) => void;

function compareType(
  io: PbMessageNode,
  tensor: OnnxTensor,
  kind: string,
  modelFile: string,
  report: Report,
): void {
  const configType = enumName(io, 'data_type', 'TYPE_INVALID');
  const wire = CONFIG_TO_WIRE[configType];
  if (wire === undefined || wire === tensor.type) return;
  const wanted = Object.keys(CONFIG_TO_WIRE).find((k) => CONFIG_TO_WIRE[k] === tensor.type);
  report(
    positionOf(io, 'data_type'),
    `${kind} '${tensor.name}' is ${configType} (${wire}) in the config but ${tensor.type} in ` +
      `${modelFile}.`,
    wanted === undefined
      ? `Change the model: Triton has no type for ${tensor.type}.`
      : `Write data_type: ${wanted}.`,
  );
}

function compareShape(
  io: PbMessageNode,
  tensor: OnnxTensor,
  kind: string,
  maxBatch: number,
  modelFile: string,
  report: Report,
): void {
  if (tensor.shape === undefined) return;
  const reshape = children(io, 'reshape').at(-1);
  const configShape = reshape === undefined ? nums(io, 'dims') : nums(reshape, 'shape');
  const full = maxBatch > 0 ? [-1, ...configShape] : configShape;
  const at = positionOf(io, reshape === undefined ? 'dims' : 'reshape');
  const source = reshape === undefined ? 'dims' : 'reshape';
  const batchNote =
    maxBatch > 0 ? ' (with the batch dimension Triton adds for max_batch_size > 0)' : '';
  if (full.length !== tensor.shape.length) {
    report(
      at,
      `${kind} '${tensor.name}' has ${full.length} dimensions ${shapeText(full)} in the config` +
        `${batchNote}, but ${tensor.shape.length} ${shapeText(tensor.shape)} in ${modelFile}.`,
      maxBatch > 0 && full.length === tensor.shape.length + 1
        ? `Drop the batch dimension from ${source}, or set max_batch_size: 0.`
        : maxBatch === 0 && full.length + 1 === tensor.shape.length
          ? 'Set max_batch_size > 0 so Triton adds the batch dimension, or add it to dims.'
          : `Make ${source} match the graph's shape.`,
    );
    return;
  }
  full.forEach((dim, index) => {
    const graphDim = tensor.shape?.[index];
    if (graphDim === undefined || dim === graphDim) return;
    if (index === 0 && maxBatch > 0) {
      report(
        at,
        `${kind} '${tensor.name}' has a fixed first dimension ${graphDim} in ${modelFile}, so ` +
          `it cannot take the batch dimension that max_batch_size ${maxBatch} adds.`,
        'Set max_batch_size: 0 and give the full shape in dims, or export the model with a ' +
          'dynamic batch dimension.',
      );
    } else if (dim !== -1) {
      report(
        at,
        `${kind} '${tensor.name}' has dimension ${index} = ${dim} in the config${batchNote} but ` +
          `${graphDim} in ${modelFile} (config ${shapeText(full)}, model ` +
          `${shapeText(tensor.shape ?? [])}).`,
        `Make ${source} match the graph's shape.`,
      );
    }
  });
}
