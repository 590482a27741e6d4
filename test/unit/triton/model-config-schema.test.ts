import * as assert from 'node:assert/strict';
import {
  MODEL_CONFIG_SCHEMA,
  MODEL_CONFIG_TYPE,
} from '../../../tasks/common/triton/model-config-schema';
import { FieldDescriptor } from '../../../tasks/common/triton/proto-schema';
import { closestMatch } from '../../../tasks/common/triton/suggest';

function field(message: string, name: string): FieldDescriptor | undefined {
  return MODEL_CONFIG_SCHEMA.messages.get(`inference.${message}`)?.fields.get(name);
}

/** [message, field, number, how it is declared in model_config.proto]. */
const FIELDS: Array<[string, string, number, string]> = [
  ['ModelConfig', 'max_batch_size', 4, 'int32'],
  ['ModelConfig', 'backend', 17, 'string'],
  ['ModelConfig', 'runtime', 25, 'string'],
  ['ModelConfig', 'input', 5, 'repeated inference.ModelInput'],
  ['ModelConfig', 'parameters', 14, 'repeated inference.ModelConfig.ParametersEntry'],
  ['ModelConfig', 'ensemble_scheduling', 15, 'inference.ModelEnsembling oneof scheduling_choice'],
  ['ModelConfig', 'model_metrics', 26, 'inference.ModelMetrics'],
  ['ModelInput', 'data_type', 2, 'enum inference.DataType'],
  ['ModelInput', 'dims', 4, 'repeated int64'],
  ['ModelInput', 'is_non_linear_format_io', 9, 'bool'],
  ['ModelOutput', 'label_filename', 4, 'string'],
  ['ModelInstanceGroup', 'kind', 4, 'enum inference.ModelInstanceGroup.Kind'],
  ['ModelInstanceGroup', 'gpus', 3, 'repeated int32'],
  ['ModelInstanceGroup', 'profile', 5, 'repeated string'],
  ['ModelDynamicBatching', 'priority_levels', 4, 'uint64'],
  [
    'ModelDynamicBatching',
    'priority_queue_policy',
    7,
    'repeated' + ' inference.ModelDynamicBatching.PriorityQueuePolicyEntry',
  ],
  ['ModelSequenceBatching.Control', 'fp32_false_true', 3, 'repeated float'],
  ['ModelSequenceBatching.Control', 'bool_false_true', 5, 'repeated bool'],
  ['ModelSequenceBatching.InitialState', 'data_file', 4, 'string oneof state_data'],
  ['ModelSequenceBatching.StrategyDirect', 'minimum_slot_utilization', 2, 'float'],
  ['ModelEnsembling.Step', 'model_version', 2, 'int64'],
  ['ModelEnsembling.Step', 'model_namespace', 5, 'string'],
  ['ModelWarmup.Input', 'input_data_file', 5, 'string oneof input_data_type'],
  ['ModelMetrics.MetricControl.HistogramOptions', 'buckets', 1, 'repeated double'],
  [
    'ModelOptimizationPolicy.Cuda.GraphSpec',
    'input',
    2,
    'repeated' + ' inference.ModelOptimizationPolicy.Cuda.GraphSpec.InputEntry',
  ],
];

function describeField(f: FieldDescriptor): string {
  const type =
    f.type === 'enum' ? `enum ${f.typeName}` : f.type === 'message' ? f.typeName : f.type;
  return `${f.repeated ? 'repeated ' : ''}${type}${f.oneof ? ` oneof ${f.oneof}` : ''}`;
}

describe('Triton ModelConfig schema', () => {
  for (const [message, name, number, declared] of FIELDS) {
    it(`${message}.${name} = ${number} is ${declared}`, () => {
      const f = field(message, name);
      assert.ok(f, `${message}.${name} is missing`);
      assert.equal(f.number, number);
      assert.equal(describeField(f), declared);
    });
  }

  it('has every top-level field of ModelConfig', () => {
    assert.deepEqual([...MODEL_CONFIG_TYPE.fields.keys()].sort(), [
      'backend',
      'batch_input',
      'batch_output',
      'cc_model_filenames',
      'default_model_filename',
      'dynamic_batching',
      'ensemble_scheduling',
      'input',
      'instance_group',
      'max_batch_size',
      'metric_tags',
      'model_metrics',
      'model_operations',
      'model_repository_agents',
      'model_transaction_policy',
      'model_warmup',
      'name',
      'optimization',
      'output',
      'parameters',
      'platform',
      'response_cache',
      'runtime',
      'sequence_batching',
      'version_policy',
    ]);
  });

  it('gives each field of a message its own number and resolves every type', () => {
    for (const message of MODEL_CONFIG_SCHEMA.messages.values()) {
      const numbers = [...message.fields.values()].map((f) => f.number);
      assert.equal(new Set(numbers).size, numbers.length, message.fullName);
      for (const f of message.fields.values()) {
        if (f.type === 'message') assert.ok(MODEL_CONFIG_SCHEMA.messages.has(f.typeName ?? ''));
        if (f.type === 'enum') assert.ok(MODEL_CONFIG_SCHEMA.enums.has(f.typeName ?? ''));
      }
    }
  });

  it('starts every enum at 0 and matches the DataType numbers', () => {
    for (const e of MODEL_CONFIG_SCHEMA.enums.values()) assert.ok(e.byNumber.has(0), e.fullName);
    const dataType = MODEL_CONFIG_SCHEMA.enums.get('inference.DataType');
    assert.equal(dataType?.byName.get('TYPE_FP32'), 11);
    assert.equal(dataType?.byName.get('TYPE_STRING'), 13);
    assert.equal(dataType?.byName.get('TYPE_BF16'), 14);
  });

  it('describes map fields as key/value entry messages', () => {
    const entry = MODEL_CONFIG_SCHEMA.messages.get(
      'inference.ModelDynamicBatching.PriorityQueuePolicyEntry',
    );
    assert.equal(entry?.mapEntry, true);
    assert.equal(entry?.fields.get('key')?.type, 'uint64');
    assert.equal(entry?.fields.get('value')?.typeName, 'inference.ModelQueuePolicy');
  });
});

describe('did-you-mean suggestions', () => {
  const table: Array<[string, string[], string | undefined]> = [
    ['max_batch', ['max_batch_size', 'name'], 'max_batch_size'],
    ['instance_groups', ['instance_group', 'input'], 'instance_group'],
    ['dimss', ['dims', 'name'], 'dims'],
    ['KIND_GUP', ['KIND_GPU', 'KIND_CPU'], 'KIND_GPU'],
    ['onnxruntim', ['onnxruntime_onnx', 'tensorrt_plan'], 'onnxruntime_onnx'],
    ['zzz', ['dims', 'name'], undefined],
    ['name', ['name', 'dims'], undefined],
  ];
  for (const [word, candidates, expected] of table) {
    it(`${word} -> ${expected ?? 'no suggestion'}`, () => {
      assert.equal(closestMatch(word, candidates), expected);
    });
  }
});
