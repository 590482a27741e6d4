/**
 * ValidateTritonModel offline: configs validated per second, against JSON.parse of a document
 * of the same size; and the time to validate a generated 500-model repository, against the time
 * to just read its files.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Benchmark, BenchRow } from './bench-types';
import { ONNX_ELEMENT_TYPES, OnnxModelProto } from '../tasks/common/triton/onnx-proto';
import { validateConfigText, validateModelRepository } from '../tasks/common/triton/validate';

const MODELS = 500;

/** A realistic config: batching, I/O with reshape, instance groups, parameters, warmup. */
function config(index: number, backend: 'onnxruntime' | 'python'): string {
  return `# generated model ${index}
name: "model_${index}"
backend: "${backend}"
max_batch_size: ${8 + (index % 4) * 8}
input [
  { name: "INPUT0" data_type: TYPE_FP32 format: FORMAT_NCHW dims: [ 3, 224, 224 ] },
  { name: "INPUT1" data_type: TYPE_INT64 dims: [ -1 ] }
]
output [
  { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 1000 ] reshape { shape: [ 1, 1000 ] } }
]
dynamic_batching { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 100 }
instance_group [ { kind: KIND_CPU count: 2 } ]
parameters { key: "threads" value: { string_value: "${index % 8}" } }
model_warmup [ { name: "w" batch_size: 1 inputs { key: "INPUT1" value: {
  data_type: TYPE_INT64 dims: [ 4 ] zero_data: true } } } ]
`;
}

/** The same content as JSON, for the baseline. */
function asJson(index: number): string {
  return JSON.stringify({
    name: `model_${index}`,
    backend: 'onnxruntime',
    max_batch_size: 8 + (index % 4) * 8,
    input: [
      { name: 'INPUT0', data_type: 'TYPE_FP32', format: 'FORMAT_NCHW', dims: [3, 224, 224] },
      { name: 'INPUT1', data_type: 'TYPE_INT64', dims: [-1] },
    ],
    output: [
      { name: 'OUTPUT0', data_type: 'TYPE_FP32', dims: [1000], reshape: { shape: [1, 1000] } },
    ],
    dynamic_batching: { preferred_batch_size: [4, 8], max_queue_delay_microseconds: 100 },
    instance_group: [{ kind: 'KIND_CPU', count: 2 }],
    parameters: { threads: { string_value: String(index % 8) } },
    model_warmup: [
      {
        name: 'w',
        batch_size: 1,
        inputs: { INPUT1: { data_type: 'TYPE_INT64', dims: [4], zero_data: true } },
      },
    ],
  });
}

function onnxBytes(): Uint8Array {
  const tensor = (name: string, elemType: number, dims: Array<number | string>): object => ({
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  });
  const model = OnnxModelProto.create({
    irVersion: 8,
    graph: {
      name: 'g',
      input: [
        tensor('INPUT0', ONNX_ELEMENT_TYPES.FLOAT ?? 1, ['N', 3, 224, 224]),
        tensor('INPUT1', ONNX_ELEMENT_TYPES.INT64 ?? 7, ['N', 'L']),
      ],
      output: [tensor('OUTPUT0', ONNX_ELEMENT_TYPES.FLOAT ?? 1, ['N', 1, 1000])],
    },
  });
  return OnnxModelProto.encode(model).finish();
}

/** Runs `work` repeatedly for about `millis` and returns runs per second. */
function ratePerSecond(work: (i: number) => void, millis: number): number {
  const start = process.hrtime.bigint();
  let runs = 0;
  let elapsed = 0;
  while (elapsed < millis) {
    for (let i = 0; i < 50; i += 1) work(runs + i);
    runs += 50;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (runs * 1000) / elapsed;
}

async function writeRepository(root: string): Promise<void> {
  const onnx = onnxBytes();
  for (let i = 0; i < MODELS; i += 1) {
    const backend = i % 5 === 0 ? 'onnxruntime' : 'python';
    const dir = path.join(root, `model_${i}`, '1');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(root, `model_${i}`, 'config.pbtxt'), config(i, backend));
    await fs.writeFile(
      path.join(dir, backend === 'python' ? 'model.py' : 'model.onnx'),
      backend === 'python' ? 'class TritonPythonModel:\n    pass\n' : onnx,
    );
  }
}

/** Reads every file of the repository: the floor for any validation of it. */
async function readAll(folder: string): Promise<void> {
  for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) await readAll(full);
    else await fs.readFile(full);
  }
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Times validating a generated repository, and reading its files, in a temporary folder. */
async function measureRepository(): Promise<{
  repositorySeconds: number;
  readSeconds: number;
  findings: number;
}> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'triton-bench-'));
  try {
    await writeRepository(root);
    const readSeconds = await seconds(() => readAll(root));
    let findings = 0;
    const repositorySeconds = await seconds(async () => {
      findings = (await validateModelRepository(root)).findings.length;
    });
    return { repositorySeconds, readSeconds, findings };
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

/** Measures both figures. */
export const run: Benchmark = async () => {
  const texts = Array.from({ length: 64 }, (_, i) => config(i, 'onnxruntime'));
  const documents = Array.from({ length: 64 }, (_, i) => asJson(i));
  validateConfigText(texts[0] ?? '', 'warm-up');
  const validated = ratePerSecond((i) => {
    validateConfigText(texts[i % texts.length] ?? '', 'config.pbtxt');
  }, 1500);
  const parsed = ratePerSecond((i) => {
    JSON.parse(documents[i % documents.length] ?? '{}');
  }, 500);

  const { repositorySeconds, readSeconds, findings } = await measureRepository();

  const rows: BenchRow[] = [
    {
      name: 'ValidateTritonModel: config.pbtxt files parsed and checked per second',
      value: Math.round(validated),
      unit: 'configs/s',
      baseline: { name: 'JSON.parse of the same config as JSON', value: Math.round(parsed) },
      ratio: validated / parsed,
    },
    {
      name: `ValidateTritonModel: ${MODELS}-model repository (${findings} findings)`,
      value: Number(repositorySeconds.toFixed(3)),
      unit: 's',
      baseline: {
        name: 'reading every file of the repository',
        value: Number(readSeconds.toFixed(3)),
      },
      ratio: repositorySeconds / readSeconds,
      target: '<= 10 s',
      pass: repositorySeconds <= 10 && findings === 0,
    },
  ];
  return rows;
};
