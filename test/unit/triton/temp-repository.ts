import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OnnxModelProto } from '../../../tasks/common/triton/onnx-proto';

/** A file tree for a test: path to content; `null` makes an empty folder. */
export type Tree = Record<string, string | Uint8Array | null>;

/** Writes `tree` under a new temporary folder and returns the folder. */
export function writeTree(tree: Tree): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'triton-validate-'));
  for (const [relative, content] of Object.entries(tree)) {
    const target = path.join(root, relative);
    if (content === null) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return root;
}

/** Removes a folder made by writeTree. */
export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** A graph tensor for `onnxModel`: a dimension is a size, or a name for a symbolic one. */
export interface TensorSpec {
  name: string;
  elemType: number;
  shape: Array<number | string>;
}

function valueInfo(spec: TensorSpec): object {
  const dim = spec.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: spec.name, type: { tensorType: { elemType: spec.elemType, shape: { dim } } } };
}

/** Encodes a minimal ONNX model whose graph has these inputs and outputs. */
export function onnxModel(
  inputs: TensorSpec[],
  outputs: TensorSpec[],
  weights: string[] = [],
): Uint8Array {
  const message = OnnxModelProto.create({
    irVersion: 8,
    producerName: 'triton-validator-test',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      input: [
        ...inputs.map(valueInfo),
        ...weights.map((name) => valueInfo({ name, elemType: 1, shape: [1] })),
      ],
      output: outputs.map(valueInfo),
      initializer: weights.map((name) => ({ name, dims: [1], dataType: 1, floatData: [0] })),
    },
  });
  return OnnxModelProto.encode(message).finish();
}
