import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  buildAddSubModel,
  buildBrokenModel,
  buildClassifierModel,
  buildIdentityModel,
  classifierProbabilities,
  renderConfigJson,
  writeTritonModelFolder,
} from '../../models';
import { configFromJson, configFromPbtxt } from '../../servers/triton/config-source';
import { tempRepository } from './http-helpers';

function floats(values: readonly number[], dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.from(values), dims);
}

describe('ONNX test models', () => {
  it('add_sub returns the sum and the difference of its inputs', async () => {
    const session = await ort.InferenceSession.create(buildAddSubModel().onnx);
    const result = await session.run({
      INPUT0: floats([1, 2, 3, 4, 10, 20, 30, 40], [2, 4]),
      INPUT1: floats([4, 3, 2, 1, 1, 1, 1, 1], [2, 4]),
    });
    assert.deepEqual(
      Array.from(result.OUTPUT0?.data as Float32Array),
      [5, 5, 5, 5, 11, 21, 31, 41],
    );
    assert.deepEqual(
      Array.from(result.OUTPUT1?.data as Float32Array),
      [-3, -1, 1, 3, 9, 19, 29, 39],
    );
  });

  it('the classifier matches its weights computed independently', async () => {
    const weights = {
      weights: [
        [0.2, -0.1, 0.4],
        [1, 0, -1],
        [0, 0.3, 0.3],
        [-0.5, 0.5, 0],
      ],
      bias: [0, 0.5, -0.5],
    };
    const session = await ort.InferenceSession.create(buildClassifierModel(weights).onnx);
    const features = [1.5, -2, 0.25, 3];
    const result = await session.run({ features: floats(features, [1, 4]) });
    const expected = classifierProbabilities(weights, features);
    const actual = Array.from(result.probabilities?.data as Float32Array);
    assert.equal(actual.length, 3);
    actual.forEach((p, i) => assert.ok(Math.abs(p - (expected[i] ?? NaN)) < 1e-6));
    assert.ok(Math.abs(actual.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  });

  it('identity models return strings and integers unchanged', async () => {
    const strings = await ort.InferenceSession.create(buildIdentityModel('BYTES').onnx);
    const text = await strings.run({ INPUT0: new ort.Tensor('string', ['a', 'héllo'], [1, 2]) });
    assert.deepEqual(text.OUTPUT0?.data, ['a', 'héllo']);

    const ints = await ort.InferenceSession.create(buildIdentityModel('INT32').onnx);
    const data = Int32Array.from([7, -3, 2147483647]);
    const out = await ints.run({ INPUT0: new ort.Tensor('int32', data, [1, 3]) });
    assert.deepEqual(Array.from(out.OUTPUT0?.data as Int32Array), [7, -3, 2147483647]);
  });

  it('the broken model is refused by onnxruntime', async () => {
    await assert.rejects(ort.InferenceSession.create(buildBrokenModel().onnx), /NoSuchOperator/);
  });

  it('writes a Triton model folder whose config describes the model', async () => {
    const repo = await tempRepository();
    try {
      const model = buildClassifierModel();
      const folder = await writeTritonModelFolder(repo.dir, model, { version: 3 });
      const onnx = await readFile(path.join(folder, '3', 'model.onnx'));
      assert.ok(Buffer.from(model.onnx).equals(onnx));
      const config = configFromPbtxt(await readFile(path.join(folder, 'config.pbtxt'), 'utf8'));
      assert.equal(config.name, 'classifier');
      assert.equal(config.max_batch_size, 8);
      assert.deepEqual(config.input, [{ name: 'features', data_type: 'TYPE_FP32', dims: [4] }]);
      assert.deepEqual(config.output, [
        { name: 'probabilities', data_type: 'TYPE_FP32', dims: [3] },
      ]);
      assert.deepEqual(configFromJson(renderConfigJson(model.config)), config);
    } finally {
      await repo.remove();
    }
  });
});
