import * as assert from 'node:assert/strict';
import type { JsonObject, ModelMetadata } from '../../../tasks/common/triton/kserve/kserve-types';
import {
  compareServedConfig,
  describeDifference,
} from '../../../tasks/common/triton/live/config-comparison';
import { configTextToJson } from '../../../tasks/common/triton/live/local-model';
import { compareSignature } from '../../../tasks/common/triton/live/signature-comparison';

const SERVED: JsonObject = {
  name: 'm',
  platform: 'onnxruntime_onnx',
  backend: 'onnxruntime',
  max_batch_size: 8,
  input: [
    { name: 'b', data_type: 'TYPE_STRING', dims: [-1], optional: false },
    { name: 'a', data_type: 'TYPE_FP32', dims: ['4'], optional: false },
  ],
  output: [{ name: 'y', data_type: 'TYPE_FP32', dims: [3] }],
  instance_group: [{ name: 'm_0', kind: 'KIND_GPU', count: 2, gpus: [0] }],
  dynamic_batching: { preferred_batch_size: [8], max_queue_delay_microseconds: 100 },
  parameters: { threads: { string_value: '4' } },
};

describe('Live validation: the served config holds what the local config sets', () => {
  const cases: { name: string; local: JsonObject; differences: string[] }[] = [
    {
      name: 'a subset in another order, int64 as strings, KIND_AUTO resolved by Triton',
      local: {
        max_batch_size: 8,
        input: [
          { name: 'a', data_type: 'TYPE_FP32', dims: [4] },
          { name: 'b', data_type: 'TYPE_STRING', dims: [-1] },
        ],
        instance_group: [{ kind: 'KIND_AUTO', count: 2 }],
        parameters: { threads: { string_value: '4' } },
      },
      differences: [],
    },
    {
      name: 'fields at their default that the server leaves out',
      local: { optional_field: false, runtime: '', model_warmup: [] },
      differences: [],
    },
    {
      name: 'a different number, dims, type and a missing tensor',
      local: {
        max_batch_size: 4,
        input: [
          { name: 'a', data_type: 'TYPE_INT32', dims: [5] },
          { name: 'c', data_type: 'TYPE_FP32', dims: [1] },
        ],
      },
      differences: [
        'max_batch_size: the local config sets 4, Triton serves 8',
        'input[a].data_type: the local config sets TYPE_INT32, Triton serves TYPE_FP32',
        'input[a].dims: the local config sets [5], Triton serves [4]',
        'input[c]: the local config sets an entry named "c", Triton serves (absent)',
      ],
    },
    {
      name: 'a message the local config sets that the server lacks, even empty',
      local: { sequence_batching: {}, dynamic_batching: { max_queue_delay_microseconds: 50 } },
      differences: [
        'sequence_batching: the local config sets {}, Triton serves (absent)',
        'dynamic_batching.max_queue_delay_microseconds: ' +
          'the local config sets 50, Triton serves 100',
      ],
    },
    {
      name: 'a map value and an instance group count',
      local: {
        parameters: { threads: { string_value: '8' } },
        instance_group: [{ count: 1, kind: 'KIND_CPU' }],
      },
      differences: [
        'parameters.threads.string_value: the local config sets 8, Triton serves 4',
        'instance_group[0].count: the local config sets 1, Triton serves 2',
        'instance_group[0].kind: the local config sets KIND_CPU, Triton serves KIND_GPU',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(compareServedConfig(c.local, SERVED).map(describeDifference), c.differences);
    });
  }

  it('compares a parsed config.pbtxt with repeated fields, maps and enums', () => {
    const local = configTextToJson(
      [
        'name: "m"',
        'max_batch_size: 8',
        'input [ { name: "a", data_type: TYPE_FP32, dims: [ 4 ] } ]',
        'instance_group [ { kind: KIND_GPU, count: 2 } ]',
        'parameters { key: "threads" value { string_value: "4" } }',
        'dynamic_batching { max_queue_delay_microseconds: 100 }',
      ].join('\n'),
      'config.pbtxt',
    );
    assert.deepEqual(local, {
      name: 'm',
      max_batch_size: 8,
      input: [{ name: 'a', data_type: 'TYPE_FP32', dims: [4] }],
      instance_group: [{ kind: 'KIND_GPU', count: 2 }],
      parameters: { threads: { string_value: '4' } },
      dynamic_batching: { max_queue_delay_microseconds: 100 },
    });
    assert.deepEqual(compareServedConfig(local, SERVED), []);
  });

  it('rejects a config.pbtxt that does not parse, with file, line and column', () => {
    assert.throws(
      () => configTextToJson('name: "m"\nmax_batch_sise: 8\n', '/agent/m/config.pbtxt'),
      /^LiveInputError: \/agent\/m\/config\.pbtxt:2:1: .*max_batch_sise/,
    );
  });
});

describe('Live validation: the metadata matches the local config', () => {
  const metadata: ModelMetadata = {
    name: 'm',
    versions: ['1'],
    platform: 'onnxruntime_onnx',
    inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1, 1] }],
    outputs: [{ name: 'score', datatype: 'FP32', shape: [-1, 2] }],
  };

  it('normalises type names and adds the batch dimension', () => {
    const local = {
      max_batch_size: 4,
      input: [{ name: 'text', data_type: 'TYPE_STRING', dims: [1] }],
      output: [{ name: 'score', data_type: 'TYPE_FP32', dims: [2] }],
    };
    assert.deepEqual(compareSignature(metadata, local), []);
  });

  it('reports the shape without batching, other types and unknown names', () => {
    const local = {
      max_batch_size: 0,
      input: [{ name: 'text', data_type: 'TYPE_INT64', dims: [1] }],
      output: [{ name: 'scores', data_type: 'TYPE_FP32', dims: [2] }],
    };
    assert.deepEqual(compareSignature(metadata, local), [
      "input 'text' is BYTES on the server, INT64 in the local config",
      "input 'text' has shape [-1, 1] on the server, [1] by the local config",
      "output 'scores' is in the local config but not served (served: score)",
      "output 'score' is served but not in the local config",
    ]);
  });

  it('leaves inputs and outputs to auto-completion when the local config lists none', () => {
    assert.deepEqual(compareSignature(metadata, { max_batch_size: 4 }), []);
  });
});
