import * as assert from 'node:assert/strict';
import { minimalOnnxConfig, planLayout } from '../../../tasks/common/deploy/triton-layout';
import { UserError } from '../../../tasks/common/user-error';

const SOURCE = 'mlflow-artifacts:/1/abc/artifacts/model';

describe('planLayout: a registered model as a Triton model folder', () => {
  const cases: {
    name: string;
    files: string[];
    shape: string;
    expected: Record<string, string>;
    config?: string;
  }[] = [
    {
      name: 'a Triton model folder is renumbered to the registry version',
      files: ['config.pbtxt', '1/model.onnx', 'labels.txt', 'MLmodel'],
      shape: 'triton-folder',
      expected: {
        'config.pbtxt': 'config.pbtxt',
        '1/model.onnx': '7/model.onnx',
        'labels.txt': 'labels.txt',
        MLmodel: 'MLmodel',
      },
    },
    {
      name: 'config beside the model files: the files go into the version folder',
      files: ['MLmodel', 'model.onnx', 'config.pbtxt', 'data/vocab.txt'],
      shape: 'flat-with-config',
      expected: {
        'config.pbtxt': 'config.pbtxt',
        MLmodel: '7/MLmodel',
        'model.onnx': '7/model.onnx',
        'data/vocab.txt': '7/data/vocab.txt',
      },
    },
    {
      name: 'a bare ONNX model gets a minimal config',
      files: ['MLmodel', 'model.onnx', 'conda.yaml'],
      shape: 'bare-onnx',
      expected: {
        MLmodel: '7/MLmodel',
        'model.onnx': '7/model.onnx',
        'conda.yaml': '7/conda.yaml',
      },
      config: 'name: "churn"\nbackend: "onnxruntime"\n',
    },
    {
      name: 'a bare ONNX file with another name is named in the config',
      files: ['MLmodel', 'classifier.onnx'],
      shape: 'bare-onnx',
      expected: { MLmodel: '7/MLmodel', 'classifier.onnx': '7/classifier.onnx' },
      config: 'name: "churn"\nbackend: "onnxruntime"\ndefault_model_filename: "classifier.onnx"\n',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planLayout(c.files, 'churn', '7', SOURCE);
      assert.equal(plan.shape, c.shape);
      assert.deepEqual(Object.fromEntries(plan.files), c.expected);
      assert.equal(plan.generatedConfig, c.config);
    });
  }

  const refusals: { name: string; files: string[]; message: RegExp }[] = [
    {
      name: 'several version folders',
      files: ['config.pbtxt', '1/model.onnx', '2/model.onnx'],
      message: /several version folders \(1, 2\).*single version folder/,
    },
    {
      name: 'no config and no ONNX file',
      files: ['MLmodel', 'model.pkl'],
      message: /no config\.pbtxt and no ONNX file at its root.*exactly one \.onnx/,
    },
    {
      name: 'no config and two ONNX files',
      files: ['a.onnx', 'b.onnx'],
      message: /2 ONNX files/,
    },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}, naming the source`, () => {
      assert.throws(
        () => planLayout(r.files, 'churn', '7', SOURCE),
        (error: unknown) =>
          error instanceof UserError &&
          r.message.test(error.message) &&
          error.message.includes(SOURCE),
      );
    });
  }

  it('writes the minimal config the way Triton reads it', () => {
    assert.equal(minimalOnnxConfig('m', 'model.onnx'), 'name: "m"\nbackend: "onnxruntime"\n');
  });
});
