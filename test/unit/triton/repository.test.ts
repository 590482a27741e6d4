import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ONNX_ELEMENT_TYPES } from '../../../tasks/common/triton/onnx-proto';
import { Finding } from '../../../tasks/common/triton/finding';
import {
  ValidationResult,
  validateModel,
  validateModelRepository,
} from '../../../tasks/common/triton/validate';
import { onnxModel, removeTree, Tree, writeTree } from './temp-repository';

const FLOAT = ONNX_ELEMENT_TYPES.FLOAT ?? 1;
const INT64 = ONNX_ELEMENT_TYPES.INT64 ?? 7;

function onnxConfig(name: string, extra = ''): string {
  return [
    `name: "${name}"`,
    'backend: "onnxruntime"',
    'max_batch_size: 8',
    'input { name: "x" data_type: TYPE_FP32 dims: [ 4 ] }',
    'output { name: "y" data_type: TYPE_FP32 dims: [ 2 ] }',
    extra,
  ].join('\n');
}

const GOOD_ONNX = onnxModel(
  [{ name: 'x', elemType: FLOAT, shape: ['N', 4] }],
  [{ name: 'y', elemType: FLOAT, shape: ['N', 2] }],
);

const roots: string[] = [];
async function validateTree(tree: Tree, single = false): Promise<ValidationResult> {
  // A single model lives in a folder named after it, as Triton requires.
  const root = writeTree(
    single ? Object.fromEntries(Object.entries(tree).map(([p, c]) => [`m/${p}`, c])) : tree,
  );
  roots.push(root);
  return single ? validateModel(path.join(root, 'm')) : validateModelRepository(root);
}

function brief(findings: Finding[]): string[] {
  return findings.map((f) => `${f.severity} ${f.rule} ${f.file}${f.line > 0 ? `:${f.line}` : ''}`);
}

after(() => roots.forEach(removeTree));

interface LayoutCase {
  what: string;
  good: Tree;
  bad: Tree;
  /** `severity rule file[:line]` expected among the bad tree's findings. */
  expect: string;
}

const LAYOUT_CASES: LayoutCase[] = [
  {
    what: 'the folder is named after the model',
    good: { 'm/config.pbtxt': onnxConfig('m'), 'm/1/model.onnx': GOOD_ONNX },
    bad: { 'other/config.pbtxt': onnxConfig('m'), 'other/1/model.onnx': GOOD_ONNX },
    expect: 'error layout.folder-name other/config.pbtxt:1',
  },
  {
    what: 'a version folder Triton ignores',
    good: { 'm/config.pbtxt': onnxConfig('m'), 'm/1/model.onnx': GOOD_ONNX },
    bad: { 'm/config.pbtxt': onnxConfig('m'), 'm/1/model.onnx': GOOD_ONNX, 'm/v2': null },
    expect: 'warning layout.version-folder m/v2',
  },
  {
    what: 'a version folder with a leading zero',
    good: { 'm/config.pbtxt': onnxConfig('m'), 'm/1/model.onnx': GOOD_ONNX },
    bad: { 'm/config.pbtxt': onnxConfig('m'), 'm/1/model.onnx': GOOD_ONNX, 'm/01': null },
    expect: 'warning layout.version-folder m/01',
  },
  {
    what: 'at least one version folder',
    good: { 'm/config.pbtxt': onnxConfig('m'), 'm/3/model.onnx': GOOD_ONNX },
    bad: { 'm/config.pbtxt': onnxConfig('m'), 'm/model.onnx': GOOD_ONNX },
    expect: 'error layout.version-folder m',
  },
  {
    what: 'the default model file in the served version',
    good: { 'm/config.pbtxt': onnxConfig('m'), 'm/1/model.onnx': GOOD_ONNX },
    bad: { 'm/config.pbtxt': onnxConfig('m'), 'm/1/resnet.onnx': GOOD_ONNX },
    expect: 'error layout.model-file m/1',
  },
  {
    what: 'default_model_filename names the file',
    good: {
      'm/config.pbtxt': onnxConfig('m', 'default_model_filename: "resnet.onnx"'),
      'm/1/resnet.onnx': GOOD_ONNX,
    },
    bad: {
      'm/config.pbtxt': onnxConfig('m', 'default_model_filename: "resnet.onnx"'),
      'm/1/model.onnx': GOOD_ONNX,
    },
    expect: 'error layout.model-file m/1:6',
  },
  {
    what: 'a version outside the policy still holds the model file',
    good: {
      'm/config.pbtxt': onnxConfig('m'),
      'm/1/model.onnx': GOOD_ONNX,
      'm/2/model.onnx': GOOD_ONNX,
    },
    bad: { 'm/config.pbtxt': onnxConfig('m'), 'm/1': null, 'm/2/model.onnx': GOOD_ONNX },
    expect: 'warning layout.model-file m/1',
  },
  {
    what: 'the python backend needs model.py',
    good: {
      'p/config.pbtxt': onnxConfig('p').replace('onnxruntime', 'python'),
      'p/1/model.py': 'import triton_python_backend_utils\n',
    },
    bad: { 'p/config.pbtxt': onnxConfig('p').replace('onnxruntime', 'python'), 'p/1': null },
    expect: 'error layout.model-file p/1',
  },
  {
    what: 'config.pbtxt at the model root',
    good: { 'm/config.pbtxt': onnxConfig('m'), 'm/1/model.onnx': GOOD_ONNX },
    bad: { 'm/config.pbtxt.txt': onnxConfig('m'), 'm/1/model.onnx': GOOD_ONNX },
    expect: 'error layout.config m/config.pbtxt',
  },
  {
    what: 'label files the config names',
    good: {
      'm/config.pbtxt': onnxConfig('m').replace(
        'dims: [ 2 ]',
        'dims: [ 2 ] label_filename: "l.txt"',
      ),
      'm/l.txt': 'cat\ndog\n',
      'm/1/model.onnx': GOOD_ONNX,
    },
    bad: {
      'm/config.pbtxt': onnxConfig('m').replace(
        'dims: [ 2 ]',
        'dims: [ 2 ] label_filename: "l.txt"',
      ),
      'm/1/model.onnx': GOOD_ONNX,
    },
    expect: 'error layout.label-file m/config.pbtxt:5',
  },
  {
    what: 'warmup data files',
    good: {
      'm/config.pbtxt': onnxConfig(
        'm',
        'model_warmup { name: "w" batch_size: 1 inputs { key: "x" value { data_type: TYPE_FP32' +
          ' dims: [4] input_data_file: "x.bin" } } }',
      ),
      'm/warmup/x.bin': new Uint8Array(16),
      'm/1/model.onnx': GOOD_ONNX,
    },
    bad: {
      'm/config.pbtxt': onnxConfig(
        'm',
        'model_warmup { name: "w" batch_size: 1 inputs { key: "x" value { data_type: TYPE_FP32' +
          ' dims: [4] input_data_file: "x.bin" } } }',
      ),
      'm/1/model.onnx': GOOD_ONNX,
    },
    expect: 'error layout.warmup-file m/config.pbtxt:6',
  },
  {
    what: 'a specific version policy names folders that exist',
    good: {
      'm/config.pbtxt': onnxConfig('m', 'version_policy { specific { versions: [ 2 ] } }'),
      'm/2/model.onnx': GOOD_ONNX,
    },
    bad: {
      'm/config.pbtxt': onnxConfig('m', 'version_policy { specific { versions: [ 2 ] } }'),
      'm/1/model.onnx': GOOD_ONNX,
    },
    expect: 'error config.version-policy m/config.pbtxt:6',
  },
  {
    what: 'an ensemble step names a model of the repository',
    good: {
      'e/config.pbtxt': ensembleConfig('m', -1),
      'e/1': null,
      'm/config.pbtxt': onnxConfig('m'),
      'm/1/model.onnx': GOOD_ONNX,
    },
    bad: {
      'e/config.pbtxt': ensembleConfig('missing', -1),
      'e/1': null,
      'm/config.pbtxt': onnxConfig('m'),
      'm/1/model.onnx': GOOD_ONNX,
    },
    expect: 'error ensemble.step-model e/config.pbtxt:8',
  },
  {
    what: 'an ensemble step pins a version that exists',
    good: {
      'e/config.pbtxt': ensembleConfig('m', 1),
      'e/1': null,
      'm/config.pbtxt': onnxConfig('m'),
      'm/1/model.onnx': GOOD_ONNX,
    },
    bad: {
      'e/config.pbtxt': ensembleConfig('m', 2),
      'e/1': null,
      'm/config.pbtxt': onnxConfig('m'),
      'm/1/model.onnx': GOOD_ONNX,
    },
    expect: 'error ensemble.step-model e/config.pbtxt:9',
  },
  {
    what: "an ensemble step maps the step model's own tensor names",
    good: {
      'e/config.pbtxt': ensembleConfig('m', -1),
      'e/1': null,
      'm/config.pbtxt': onnxConfig('m'),
      'm/1/model.onnx': GOOD_ONNX,
    },
    bad: {
      'e/config.pbtxt': ensembleConfig('m', -1).replace('key: "x"', 'key: "input0"'),
      'e/1': null,
      'm/config.pbtxt': onnxConfig('m'),
      'm/1/model.onnx': GOOD_ONNX,
    },
    expect: 'error ensemble.step-tensor e/config.pbtxt:10',
  },
  {
    what: 'an ensemble step feeds every required input of the step model',
    good: {
      'e/config.pbtxt': ensembleConfig('m', -1),
      'e/1': null,
      'm/config.pbtxt': onnxConfig(
        'm',
        'input { name: "z" data_type: TYPE_FP32 dims: [ 1 ] optional: true }',
      ).replace('onnxruntime', 'python'),
      'm/1/model.py': 'pass\n',
    },
    bad: {
      'e/config.pbtxt': ensembleConfig('m', -1),
      'e/1': null,
      'm/config.pbtxt': onnxConfig(
        'm',
        'input { name: "z" data_type: TYPE_FP32 dims: [ 1 ] }',
      ).replace('onnxruntime', 'python'),
      'm/1/model.py': 'pass\n',
    },
    expect: 'error ensemble.step-tensor e/config.pbtxt:7',
  },
  {
    what: "the ensemble's batch size fits every step model",
    good: {
      'e/config.pbtxt': ensembleConfig('m', -1),
      'e/1': null,
      'm/config.pbtxt': onnxConfig('m'),
      'm/1/model.onnx': GOOD_ONNX,
    },
    bad: {
      'e/config.pbtxt': ensembleConfig('m', -1).replace('max_batch_size: 8', 'max_batch_size: 16'),
      'e/1': null,
      'm/config.pbtxt': onnxConfig('m'),
      'm/1/model.onnx': GOOD_ONNX,
    },
    expect: 'error ensemble.step-batch-size e/config.pbtxt:8',
  },
];

function ensembleConfig(model: string, version: number): string {
  return [
    'name: "e"',
    'platform: "ensemble"',
    'max_batch_size: 8',
    'input { name: "IN" data_type: TYPE_FP32 dims: [ 4 ] }',
    'output { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] }',
    'ensemble_scheduling {',
    '  step {',
    `    model_name: "${model}"`,
    `    model_version: ${version}`,
    '    input_map { key: "x" value: "IN" }',
    '    output_map { key: "y" value: "OUT" }',
    '  }',
    '}',
  ].join('\n');
}

describe('Triton repository layout: good and bad trees', () => {
  for (const c of LAYOUT_CASES) {
    it(`${c.what}: the good tree passes`, async () => {
      const result = await validateTree(c.good);
      assert.deepEqual(brief(result.findings), []);
      assert.equal(result.summary.result, 'passed');
    });
    it(`${c.what}: the bad tree is reported (${c.expect})`, async () => {
      const result = await validateTree(c.bad);
      assert.ok(brief(result.findings).includes(c.expect), brief(result.findings).join('\n'));
    });
  }
});

interface OnnxCase {
  what: string;
  config: string;
  model: Uint8Array;
  /** Expected `rule:line` findings; empty when the model matches. */
  expect: string[];
}

const ONNX_CASES: OnnxCase[] = [
  { what: 'a matching signature', config: onnxConfig('m'), model: GOOD_ONNX, expect: [] },
  {
    what: 'weights listed as graph inputs are not inputs',
    config: onnxConfig('m'),
    model: onnxModel(
      [{ name: 'x', elemType: FLOAT, shape: ['N', 4] }],
      [{ name: 'y', elemType: FLOAT, shape: ['N', 2] }],
      ['w'],
    ),
    expect: [],
  },
  {
    what: 'an input name the graph lacks',
    config: onnxConfig('m').replace('name: "x"', 'name: "input"'),
    model: GOOD_ONNX,
    expect: ['onnx.signature:4', 'onnx.signature:1'],
  },
  {
    what: 'a type that differs once names are normalised',
    config: onnxConfig('m'),
    model: onnxModel(
      [{ name: 'x', elemType: INT64, shape: ['N', 4] }],
      [{ name: 'y', elemType: FLOAT, shape: ['N', 2] }],
    ),
    expect: ['onnx.signature:4'],
  },
  {
    what: 'a batch dimension given twice',
    config: onnxConfig('m').replace('dims: [ 4 ]', 'dims: [ -1, 4 ]'),
    model: GOOD_ONNX,
    expect: ['config.batch-dim:4', 'onnx.signature:4'],
  },
  {
    what: 'a fixed first dimension with max_batch_size > 0',
    config: onnxConfig('m'),
    model: onnxModel(
      [{ name: 'x', elemType: FLOAT, shape: [1, 4] }],
      [{ name: 'y', elemType: FLOAT, shape: ['N', 2] }],
    ),
    expect: ['onnx.signature:4'],
  },
  {
    what: 'the full shape in dims for a non-batching model',
    config: onnxConfig('m')
      .replace('max_batch_size: 8', 'max_batch_size: 0')
      .replace('dims: [ 4 ]', 'dims: [ 1, 4 ]')
      .replace('dims: [ 2 ]', 'dims: [ 1, 2 ]'),
    model: onnxModel(
      [{ name: 'x', elemType: FLOAT, shape: [1, 4] }],
      [{ name: 'y', elemType: FLOAT, shape: [1, 2] }],
    ),
    expect: [],
  },
  {
    what: 'a dimension that differs',
    config: onnxConfig('m').replace('dims: [ 2 ]', 'dims: [ 3 ]'),
    model: GOOD_ONNX,
    expect: ['onnx.signature:5'],
  },
  {
    what: 'a string tensor is TYPE_STRING in the config',
    config: onnxConfig('m').replace(
      'input { name: "x" data_type: TYPE_FP32',
      'input { name: "x" data_type: TYPE_STRING',
    ),
    model: onnxModel(
      [{ name: 'x', elemType: ONNX_ELEMENT_TYPES.STRING ?? 8, shape: ['N', 4] }],
      [{ name: 'y', elemType: FLOAT, shape: ['N', 2] }],
    ),
    expect: [],
  },
  {
    what: 'a file that is not ONNX',
    config: onnxConfig('m'),
    model: new TextEncoder().encode('this is not a protobuf message at all \u00ff\u00ff'),
    expect: ['onnx.read:0'],
  },
];

describe('Triton ONNX signature against the config', () => {
  for (const c of ONNX_CASES) {
    it(c.what, async () => {
      const result = await validateTree(
        { 'config.pbtxt': c.config, '1/model.onnx': c.model },
        true,
      );
      const got = result.findings.map((f) => `${f.rule}:${f.line}`);
      assert.deepEqual(got.sort(), [...c.expect].sort(), JSON.stringify(result.findings, null, 1));
    });
  }
});

describe('Triton validation entries', () => {
  it('reports a folder that does not exist, without throwing', async () => {
    const result = await validateModelRepository('/nonexistent/triton/repository');
    assert.deepEqual(brief(result.findings), ['error input.folder ']);
    assert.equal(result.summary.result, 'failed');
  });

  it('reports an empty repository', async () => {
    const result = await validateTree({ 'README.md': 'models go here' });
    assert.deepEqual(brief(result.findings), ['error layout.repository ']);
  });

  it('validates a folder holding config.pbtxt as one model, paths relative to it', async () => {
    const root = writeTree({ 'm/config.pbtxt': onnxConfig('m'), 'm/1': null });
    roots.push(root);
    const result = await validateModelRepository(path.join(root, 'm'));
    assert.deepEqual(brief(result.findings), ['error layout.model-file 1']);
    assert.equal(result.root, path.join(root, 'm'));
  });

  it('reports parse errors of one model and still checks the others', async () => {
    const result = await validateTree({
      'a/config.pbtxt': 'name: "a"\nmax_batch_size: 8.0\n',
      'a/1': null,
      'b/config.pbtxt': onnxConfig('b', 'instance_group { kind: KIND_CPU gpus: [ 0 ] }'),
      'b/1/model.onnx': GOOD_ONNX,
    });
    assert.deepEqual(brief(result.findings), [
      'error pbtxt.field-type a/config.pbtxt:2',
      'error instance-group.kind-gpus b/config.pbtxt:6',
    ]);
    assert.deepEqual(result.summary, { models: 2, errors: 2, warnings: 0, result: 'failed' });
  });
});
