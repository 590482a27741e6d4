import * as assert from 'node:assert/strict';
import { buildAddSubModel, buildIdentityModel, TestModel } from '../../models';
import { configFromPbtxt, JsonObject } from '../../servers/triton/config-source';
import { completeModelConfig } from '../../servers/triton/model-config';
import { readOnnxSignature } from '../../servers/triton/onnx-signature';

function complete(model: TestModel, pbtxt: string) {
  return completeModelConfig(configFromPbtxt(pbtxt), model.name, readOnnxSignature(model.onnx));
}

const ADD_SUB = buildAddSubModel();
const ADD_SUB_IO = `
input [
  { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] },
  { name: "INPUT1" data_type: TYPE_FP32 dims: [ 4 ] }
]
output [
  { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] },
  { name: "OUTPUT1" data_type: TYPE_FP32 dims: [ 4 ] }
]`;

// The dims of the first input in ADD_SUB_IO.
const FIRST_DIMS = 'dims: [ 4 ] },';

describe('Triton test server: completing and checking a model config', () => {
  it('fills inputs, outputs and batching from the model when config.pbtxt is empty', () => {
    const config = complete(ADD_SUB, '');
    assert.equal(config.maxBatchSize, 4);
    assert.deepEqual(config.inputs, [
      { name: 'INPUT0', dataType: 'FP32', dims: [4] },
      { name: 'INPUT1', dataType: 'FP32', dims: [4] },
    ]);
    assert.deepEqual((config.json.dynamic_batching as JsonObject).preferred_batch_size, [4]);
    assert.equal(config.json.platform, 'onnxruntime_onnx');
  });

  it('keeps what the config sets and completes the rest', () => {
    const config = complete(
      ADD_SUB,
      `max_batch_size: 2\n${ADD_SUB_IO}\ninstance_group [ { kind: KIND_CPU count: 1 } ]\n` +
        'version_policy: { specific: { versions: [ 1, 3 ] } }',
    );
    assert.equal(config.json.max_batch_size, 2);
    assert.deepEqual(config.versionPolicy, { kind: 'specific', versions: [1, 3] });
    const [group] = config.json.instance_group as JsonObject[];
    assert.equal(group?.name, 'add_sub_0');
    assert.equal(group?.count, 1);
    assert.equal(config.json.dynamic_batching, undefined);
  });

  it('accepts a model without batching when the dims include the first dimension', () => {
    const config = complete(
      buildIdentityModel('INT32'),
      'max_batch_size: 0\n' +
        'input [ { name: "INPUT0" data_type: TYPE_INT32 dims: [ -1, -1 ] } ]\n' +
        'output [ { name: "OUTPUT0" data_type: TYPE_INT32 dims: [ -1, -1 ] } ]',
    );
    assert.equal(config.maxBatchSize, 0);
    assert.deepEqual(config.inputs[0]?.dims, [-1, -1]);
  });

  const refusals: { name: string; pbtxt: string; message: string }[] = [
    {
      name: 'a wrong dimension',
      pbtxt: `max_batch_size: 8\n${ADD_SUB_IO.replace(FIRST_DIMS, 'dims: [ 3 ] },')}`,
      message:
        "model 'add_sub', tensor 'INPUT0': the model expects 2 dimensions (shape [-1,4]) but " +
        'the model configuration specifies 2 dimensions (an initial batch dimension because ' +
        'max_batch_size > 0 followed by the explicit tensor shape, making complete shape [-1,3])',
    },
    {
      name: 'a missing input',
      pbtxt:
        'max_batch_size: 8\ninput [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]\n' +
        'output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] } ]',
      message: "unable to load model 'add_sub', configuration expects 1 inputs, model provides 2",
    },
    {
      name: 'an input the model does not have',
      pbtxt: `max_batch_size: 8\n${ADD_SUB_IO.replace('"INPUT1"', '"IN1"')}`,
      message: "unexpected inference input 'IN1', allowed inputs are: INPUT0, INPUT1",
    },
    {
      name: 'an input without dims',
      pbtxt: `max_batch_size: 8\n${ADD_SUB_IO.replace(FIRST_DIMS, '},')}`,
      message: "model input 'INPUT0' must specify 'dims'",
    },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.name} with the backend's message`, () => {
      assert.throws(
        () => complete(ADD_SUB, refusal.pbtxt),
        (error: Error) => {
          assert.equal(error.message, refusal.message);
          return true;
        },
      );
    });
  }
});
