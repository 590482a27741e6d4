import * as assert from 'node:assert/strict';
import { Finding } from '../../../tasks/common/triton/finding';
import { ValidationOptions } from '../../../tasks/common/triton/rule-context';
import { validateConfigText } from '../../../tasks/common/triton/validate';

/** A config Triton loads: the cases below add to it or change it. */
const IO = `input { name: "x" data_type: TYPE_FP32 dims: [ 4 ] }
output { name: "y" data_type: TYPE_FP32 dims: [ 2 ] }
`;
const BASE = `name: "m"\nbackend: "onnxruntime"\nmax_batch_size: 8\n${IO}`;

interface RuleCase {
  rule: string;
  good: string;
  /** The line the finding must be on is marked with `#<`. */
  bad: string;
  severity?: Finding['severity'];
  options?: ValidationOptions;
}

const ENSEMBLE_HEAD = 'name: "e"\nplatform: "ensemble"\nmax_batch_size: 8\n';
const ENSEMBLE_IO = `input { name: "IN" data_type: TYPE_FP32 dims: [ 4 ] }
output { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] }
`;
function step(model: string, inputs: string[][], outputs: string[][]): string {
  const maps = (field: string, pairs: string[][]): string =>
    pairs.map(([k, v]) => `    ${field} { key: "${k}" value: "${v}" }`).join('\n');
  return (
    `  step {\n    model_name: "${model}"\n    model_version:` +
    ` -1\n${maps('input_map', inputs)}\n${maps('output_map', outputs)}\n  }\n`
  );
}
const GOOD_ENSEMBLE =
  ENSEMBLE_HEAD +
  ENSEMBLE_IO +
  `ensemble_scheduling` +
  ` {\n${step('a', [['x', 'IN']], [['y', 'MID']])}${step('b', [['x', 'MID']], [['y', 'OUT']])}}\n`;

function sequence(controls: string): string {
  return `${BASE}sequence_batching {\n${controls}}\n`;
}
const START =
  '  control_input { name: "S" control { kind: CONTROL_SEQUENCE_START int32_false_true: [0, 1]' +
  ' } }\n';

const CASES: RuleCase[] = [
  // name, platform and backend
  {
    rule: 'config.platform',
    good: BASE.replace('backend: "onnxruntime"', 'backend: "python"'),
    bad: BASE.replace('backend: "onnxruntime"', 'platform: "python" #<'),
  },
  {
    rule: 'config.platform-backend',
    good: BASE.replace('backend: "onnxruntime"', 'platform: "onnxruntime_onnx"'),
    bad: BASE.replace(
      'backend: "onnxruntime"',
      'platform: "onnxruntim" #<\ndefault_model_filename: "model.onnx"',
    ),
  },
  {
    rule: 'config.platform-backend',
    good: BASE.replace('backend: "onnxruntime"', 'backend: "tensorrt"\nplatform: "tensorrt_plan"'),
    bad: BASE.replace(
      'backend: "onnxruntime"',
      'backend: "tensorrt"\nplatform: "onnxruntime_onnx" #<',
    ),
  },
  {
    rule: 'config.backend',
    good: BASE,
    bad: BASE.replace('backend: "onnxruntime"', 'backend: "tensorrt_plan" #<'),
  },
  {
    rule: 'config.backend',
    good: BASE,
    bad: BASE.replace('backend: "onnxruntime"', 'backend: "onnxrunitme" #<'),
    severity: 'warning',
  },
  {
    rule: 'config.max-batch-size',
    good: BASE.replace('max_batch_size: 8', 'max_batch_size: 0'),
    bad: BASE.replace('max_batch_size: 8', 'max_batch_size: -2 #<'),
  },
  // inputs and outputs
  {
    rule: 'config.io-data-type',
    good: BASE,
    bad: BASE.replace('input { name: "x" data_type: TYPE_FP32', 'input { name: "x" #<\n'),
  },
  {
    rule: 'config.io-name',
    good: BASE,
    bad: BASE.replace('input { name: "x"', 'input { #<\n'),
  },
  {
    rule: 'config.io-dims',
    good: BASE.replace('dims: [ 4 ]', 'dims: [ -1, 4 ]'),
    bad: BASE.replace('dims: [ 4 ]', '\ndims: [ 1, 0, 28 ] #<\n'),
  },
  {
    rule: 'config.io-dims',
    good: BASE,
    bad: BASE.replace(
      'input { name: "x" data_type: TYPE_FP32 dims: [ 4 ] }',
      'input { name: "x" data_type: TYPE_FP32 } #<',
    ),
  },
  {
    rule: 'config.io-duplicate',
    good: `${BASE}input { name: "x2" data_type: TYPE_FP32 dims: [ 4 ] }\n`,
    bad: `${BASE}input { name: "x" data_type: TYPE_FP32 dims: [ 4 ] } #<\n`,
  },
  {
    rule: 'config.batch-dim',
    good: BASE.replace('dims: [ 4 ]', 'dims: [ 4, -1 ]'),
    bad: BASE.replace('dims: [ 4 ]', '\ndims: [ -1, 4 ] #<\n'),
    severity: 'warning',
  },
  {
    rule: 'config.reshape',
    good: BASE.replace('dims: [ 4 ]', 'dims: [ 2, 3 ] reshape { shape: [ 6 ] }'),
    bad: BASE.replace('dims: [ 4 ]', 'dims: [ 1, 3, 2 ]\nreshape { shape: [ 5 ] } #<\n'),
  },
  {
    rule: 'config.reshape',
    good: BASE.replace('dims: [ 4 ]', 'dims: [ -1, 2, 3 ] reshape { shape: [ -1, 6 ] }'),
    bad: BASE.replace('dims: [ 4 ]', 'dims: [ -1, 2, 3 ]\nreshape { shape: [ -1, 5 ] } #<\n'),
  },
  {
    rule: 'config.reshape',
    good: BASE.replace('dims: [ 4 ]', 'dims: [ 1 ] reshape { shape: [ ] }'),
    bad: BASE.replace('max_batch_size: 8', 'max_batch_size: 0').replace(
      'dims: [ 4 ]',
      'dims: [ 1 ]\nreshape { shape: [ ] } #<\n',
    ),
  },
  {
    rule: 'config.io-format',
    good: BASE.replace('dims: [ 4 ]', 'format: FORMAT_NCHW dims: [ 3, 224, 224 ]'),
    bad: BASE.replace('dims: [ 4 ]', '\nformat: FORMAT_NCHW #<\ndims: [ 3, 224 ]'),
  },
  {
    rule: 'config.shape-tensor',
    good: BASE.replace('backend: "onnxruntime"', 'platform: "tensorrt_plan"').replace(
      'dims: [ 4 ]',
      'dims: [ 4 ] is_shape_tensor: true',
    ),
    bad: BASE.replace('dims: [ 4 ]', 'dims: [ 4 ]\nis_shape_tensor: true #<\n'),
  },
  {
    rule: 'config.non-linear-io',
    good: BASE.replace('backend: "onnxruntime"', 'platform: "tensorrt_plan"').replace(
      'dims: [ 4 ]',
      'dims: [ 3, 8, 8 ] is_non_linear_format_io: true',
    ),
    bad: BASE.replace('backend: "onnxruntime"', 'platform: "tensorrt_plan"').replace(
      'dims: [ 4 ]',
      'dims: [ 4 ]\nis_non_linear_format_io: true #<\n',
    ),
  },
  {
    rule: 'config.batch-io',
    good:
      `${BASE}batch_input { kind: BATCH_ELEMENT_COUNT target_name: "n" data_type:` +
      ` TYPE_INT32 source_input: "x" }\n`,
    bad:
      `${BASE}batch_input { kind: BATCH_ELEMENT_COUNT target_name: "n" data_type:` +
      ` TYPE_INT32\nsource_input: "nope" } #<\n`,
  },
  {
    rule: 'config.batch-io',
    good:
      `${BASE}batch_input { kind: BATCH_ITEM_SHAPE target_name: "n" data_type: TYPE_FP32` +
      ` source_input: "x" }\n`,
    bad: `${BASE}batch_input { kind: BATCH_ITEM_SHAPE target_name: "n" source_input: "x" } #<\n`,
  },
  {
    rule: 'config.batch-io',
    good:
      `${BASE}batch_output { kind: BATCH_SCATTER_WITH_INPUT_SHAPE target_name: "y"` +
      ` source_input: "x" }\n`,
    bad:
      `${BASE}batch_output { kind: BATCH_SCATTER_WITH_INPUT_SHAPE source_input:` +
      ` "x"\ntarget_name: [ "y", "y" ] } #<\n`,
  },
  {
    rule: 'config.enum-number',
    good: BASE.replace('data_type: TYPE_FP32', 'data_type: 11'),
    bad: BASE.replace(
      'input { name: "x" data_type: TYPE_FP32',
      'input { name: "x"\ndata_type: 99 #<\n',
    ),
  },
  // dynamic batching
  {
    rule: 'config.preferred-batch-size',
    good: `${BASE}dynamic_batching { preferred_batch_size: [ 4, 8 ] }\n`,
    bad: `${BASE}dynamic_batching {\npreferred_batch_size: [ 4, 16 ] #<\n}\n`,
  },
  {
    rule: 'config.preferred-batch-size',
    good: `${BASE}dynamic_batching { preferred_batch_size: 1 }\n`,
    bad: `${BASE}dynamic_batching {\npreferred_batch_size: 0 #<\n}\n`,
  },
  {
    rule: 'config.priority-levels',
    good: `${BASE}dynamic_batching { priority_levels: 2 default_priority_level: 2 }\n`,
    bad: `${BASE}dynamic_batching { priority_levels: 2\ndefault_priority_level: 3 #<\n}\n`,
  },
  {
    rule: 'config.priority-levels',
    good:
      `${BASE}dynamic_batching { priority_levels: 2 default_priority_level: 1` +
      ` priority_queue_policy { key: 2 value { } } }\n`,
    bad:
      `${BASE}dynamic_batching { priority_levels: 2 default_priority_level:` +
      ` 1\npriority_queue_policy { key: 3 value { } } #<\n}\n`,
  },
  {
    rule: 'config.preserve-ordering',
    good:
      `${BASE}dynamic_batching { preserve_ordering: true priority_levels: 1` +
      ` default_priority_level: 1 }\n`,
    bad:
      `${BASE}dynamic_batching {\npreserve_ordering: true #<\npriority_levels: 2` +
      ` default_priority_level: 1 }\n`,
  },
  {
    rule: 'config.preserve-ordering',
    good:
      `${BASE}dynamic_batching { preserve_ordering: true default_queue_policy {` +
      ` timeout_action: REJECT default_timeout_microseconds: 10 } }\n`,
    bad:
      `${BASE}dynamic_batching { preserve_ordering: true default_queue_policy` +
      ` {\ntimeout_action: DELAY #<\ndefault_timeout_microseconds: 10 } }\n`,
  },
  // sequence batching
  {
    rule: 'config.sequence-control',
    good: sequence(START),
    bad: sequence(
      `${START}  control_input { name: "R" control {\nkind: CONTROL_SEQUENCE_START` +
        ` #<\nint32_false_true: [0, 1] } }\n`,
    ),
  },
  {
    rule: 'config.sequence-control',
    good: sequence(
      '  control_input { name: "E" control { kind: CONTROL_SEQUENCE_END fp32_false_true: [0,' +
        ' 1] } }\n',
    ),
    bad: sequence('  control_input { name: "E" control {\nkind: CONTROL_SEQUENCE_END #<\n} }\n'),
  },
  {
    rule: 'config.sequence-control',
    good: sequence(
      '  control_input { name: "E" control { kind: CONTROL_SEQUENCE_END bool_false_true:' +
        ' [false, true] } }\n',
    ),
    bad: sequence(
      '  control_input { name: "E" control { kind: CONTROL_SEQUENCE_END\nint32_false_true: [0,' +
        ' 1, 2] #<\n} }\n',
    ),
  },
  {
    rule: 'config.sequence-control',
    good: sequence(
      '  control_input { name: "C" control { kind: CONTROL_SEQUENCE_CORRID data_type:' +
        ' TYPE_UINT64 } }\n',
    ),
    bad: sequence(
      '  control_input { name: "C" control { kind: CONTROL_SEQUENCE_CORRID\ndata_type:' +
        ' TYPE_FP32 #<\n} }\n',
    ),
  },
  {
    rule: 'config.sequence-control',
    good: sequence(`${START}`),
    bad: sequence(
      `${START}  control_input {\nname: "S" #<\ncontrol { kind: CONTROL_SEQUENCE_END` +
        ` int32_false_true: [0, 1] } }\n`,
    ),
  },
  {
    rule: 'config.sequence-strategy',
    good: sequence('  direct { minimum_slot_utilization: 0.5 }\n'),
    bad: sequence('  direct {\nminimum_slot_utilization: 1.5 #<\n}\n'),
  },
  {
    rule: 'config.preferred-batch-size',
    good: sequence('  oldest { preferred_batch_size: [ 2 ] }\n'),
    bad: sequence('  oldest {\npreferred_batch_size: [ 32 ] #<\n}\n'),
  },
  {
    rule: 'config.sequence-state',
    good: sequence(
      '  state { input_name: "si" output_name: "so" data_type: TYPE_FP32 dims: [ 1 ] }\n',
    ),
    bad: sequence('  state { #<\ninput_name: "si" data_type: TYPE_FP32 dims: [ 1 ] }\n'),
  },
  {
    rule: 'config.response-cache',
    good: `${sequence(START)}response_cache { enable: false }\n`,
    bad: `${sequence(START)}response_cache {\nenable: true #<\n}\n`,
  },
  {
    rule: 'config.response-cache',
    good: `${BASE}response_cache { enable: true }\n`,
    bad:
      `${BASE}model_transaction_policy { decoupled: true }\nresponse_cache {\nenable: true` +
      ` #<\n}\n`,
  },
  // ensembles
  {
    rule: 'ensemble.forbidden-field',
    good: GOOD_ENSEMBLE,
    bad: `${GOOD_ENSEMBLE}instance_group { kind: KIND_CPU } #<\n`,
  },
  {
    rule: 'ensemble.forbidden-field',
    good: GOOD_ENSEMBLE,
    bad: `${GOOD_ENSEMBLE}model_warmup { name: "w" } #<\n`,
  },
  {
    rule: 'config.platform-backend',
    good: GOOD_ENSEMBLE,
    bad: `${GOOD_ENSEMBLE}backend: "onnxruntime" #<\n`,
  },
  {
    rule: 'ensemble.scheduling',
    good: GOOD_ENSEMBLE,
    bad: ENSEMBLE_HEAD.replace('platform: "ensemble"', 'platform: "ensemble" #<') + ENSEMBLE_IO,
  },
  {
    rule: 'ensemble.platform',
    good: GOOD_ENSEMBLE,
    bad: `${BASE}ensemble_scheduling { #<\n${step('a', [['x', 'x']], [['y', 'y']])}}\n`,
  },
  {
    rule: 'ensemble.step',
    good: GOOD_ENSEMBLE,
    bad:
      `${ENSEMBLE_HEAD}${ENSEMBLE_IO}ensemble_scheduling {\n  step { #<\n model_name: "a"` +
      ` input_map { key: "x" value: "IN" } }\n${step('b', [['x', 'IN']], [['y', 'OUT']])}}\n`,
  },
  {
    rule: 'ensemble.unused-output',
    good: GOOD_ENSEMBLE,
    bad: `${GOOD_ENSEMBLE}output {\nname: "OUT2" #<\ndata_type: TYPE_FP32 dims: [ 2 ] }\n`,
  },
  {
    rule: 'ensemble.unused-input',
    good: GOOD_ENSEMBLE,
    bad: `${GOOD_ENSEMBLE}input {\nname: "IN2" #<\ndata_type: TYPE_FP32 dims: [ 2 ] }\n`,
  },
  {
    rule: 'ensemble.tensor-written-twice',
    good: GOOD_ENSEMBLE,
    bad: GOOD_ENSEMBLE.replace(
      '    output_map { key: "y" value: "OUT" }',
      '    output_map { key: "y" value: "OUT" }\n    output_map { key: "z" value: "MID" } #<',
    ),
  },
  {
    rule: 'ensemble.unused-tensor',
    good: GOOD_ENSEMBLE,
    bad: GOOD_ENSEMBLE.replace(
      '    output_map { key: "y" value: "OUT" }',
      '    output_map { key: "y" value: "OUT" }\n    output_map { key: "z" value: "SPARE" } #<',
    ),
  },
  {
    rule: 'ensemble.unreachable-output',
    good: GOOD_ENSEMBLE,
    bad: GOOD_ENSEMBLE.replace(
      'input_map { key: "x" value: "MID" }',
      'input_map { key: "x" value: "LOST" }',
    ).replace('output { name: "OUT"', 'output {\nname: "OUT" #<\n'),
  },
  {
    rule: 'ensemble.step-model',
    good: GOOD_ENSEMBLE,
    bad: GOOD_ENSEMBLE.replace('model_name: "b"', 'model_name: "e" #<'),
  },
  // instance groups
  {
    rule: 'instance-group.kind-gpus',
    good: `${BASE}instance_group { kind: KIND_CPU count: 2 }\n`,
    bad: `${BASE}instance_group { kind: KIND_CPU\ngpus: [ 0 ] #<\n}\n`,
  },
  {
    rule: 'instance-group.kind-gpus',
    good: `${BASE}instance_group { kind: KIND_MODEL }\n`,
    bad: `${BASE}instance_group { kind: KIND_MODEL\ngpus: [ 0 ] #<\n}\n`,
  },
  {
    rule: 'instance-group.gpu-required',
    good: `${BASE}instance_group { kind: KIND_CPU }\n`,
    bad: `${BASE}instance_group {\nkind: KIND_GPU #<\n}\n`,
    severity: 'warning',
  },
  {
    rule: 'instance-group.gpu-required',
    good: `${BASE}instance_group { kind: KIND_CPU }\n`,
    bad: `${BASE}instance_group {\nkind: KIND_GPU #<\n}\n`,
    options: { gpuCount: 0 },
  },
  {
    rule: 'instance-group.gpu-id',
    good: `${BASE}instance_group { kind: KIND_GPU gpus: [ 1 ] }\n`,
    bad: `${BASE}instance_group { kind: KIND_GPU\ngpus: [ 42 ] #<\n}\n`,
    options: { gpuCount: 2 },
  },
  {
    rule: 'instance-group.gpu-id',
    good: `${BASE}instance_group { kind: KIND_CPU }\n`,
    bad: `${BASE}instance_group { kind: KIND_GPU\ngpus: [ 42 ] #<\n}\n`,
    severity: 'warning',
  },
  {
    rule: 'instance-group.profile',
    good:
      BASE.replace('backend: "onnxruntime"', 'platform: "tensorrt_plan"') +
      'instance_group { kind: KIND_GPU gpus: [0] profile: [ "1" ] }\n',
    bad: `${BASE}instance_group { kind: KIND_GPU gpus: [0]\nprofile: [ "1" ] #<\n}\n`,
    options: { gpuCount: 1 },
  },
  {
    rule: 'instance-group.profile',
    good:
      BASE.replace('backend: "onnxruntime"', 'platform: "tensorrt_plan"') +
      'instance_group { kind: KIND_GPU gpus: [0] profile: [ "0" ] }\n',
    bad:
      BASE.replace('backend: "onnxruntime"', 'platform: "tensorrt_plan"') +
      'instance_group { kind: KIND_GPU gpus: [0]\nprofile: [ "first" ] #<\n}\n',
    options: { gpuCount: 1 },
  },
  // warmup, metrics, version policy
  {
    rule: 'warmup.input',
    good:
      `${BASE}model_warmup { name: "w" batch_size: 1 inputs { key: "x" value { data_type:` +
      ` TYPE_FP32 dims: [ 4 ] zero_data: true } } }\n`,
    bad:
      `${BASE}model_warmup { name: "w" batch_size: 1 inputs { key: "x" value { data_type:` +
      ` TYPE_FP32\ndims: [ -1 ] #<\nzero_data: true } } }\n`,
  },
  {
    rule: 'warmup.input',
    good:
      `${BASE}model_warmup { name: "w" batch_size: 1 inputs { key: "x" value { data_type:` +
      ` TYPE_FP32 dims: [ 4 ] random_data: true } } }\n`,
    bad:
      `${BASE}model_warmup { name: "w" batch_size: 1\ninputs { key: "x" value { data_type:` +
      ` TYPE_FP32 dims: [ 4 ] } } #<\n}\n`,
  },
  {
    rule: 'warmup.batch-size',
    good: `${BASE}model_warmup { name: "w" batch_size: 8 }\n`,
    bad: `${BASE}model_warmup { name: "w"\nbatch_size: 9 #<\n}\n`,
    severity: 'warning',
  },
  {
    rule: 'config.model-metrics',
    good:
      `${BASE}model_metrics { metric_control { metric_identifier { family: "f" }` +
      ` histogram_options { buckets: [ 1.0 ] } } }\n`,
    bad: `${BASE}model_metrics {\nmetric_control { metric_identifier { family: "f" } } #<\n}\n`,
  },
  {
    rule: 'config.version-policy',
    good: `${BASE}version_policy { latest { num_versions: 2 } }\n`,
    bad: `${BASE}version_policy {\nlatest { num_versions: 0 } #<\n}\n`,
    severity: 'warning',
  },
];

function markedLine(text: string): number {
  const index = text.split('\n').findIndex((line) => line.includes('#<'));
  assert.ok(index >= 0, 'the bad input marks its line with #<');
  return index + 1;
}

describe('Triton config rules: each rule with a good and a bad config', () => {
  CASES.forEach((c, index) => {
    const severity = c.severity ?? 'error';
    it(`${c.rule} #${index}: the good config has no error and no ${c.rule}`, () => {
      const { findings } = validateConfigText(c.good, 'config.pbtxt', c.options);
      const unexpected = findings.filter((f) => f.severity === 'error' || f.rule === c.rule);
      assert.deepEqual(unexpected, []);
    });
    it(`${c.rule} #${index}: the bad config is reported as ${severity} on the marked line`, () => {
      const { findings } = validateConfigText(c.bad, 'config.pbtxt', c.options);
      const line = markedLine(c.bad);
      const hit = findings.find(
        (f) => f.rule === c.rule && f.severity === severity && f.line === line,
      );
      assert.ok(hit, `no ${severity} ${c.rule} on line ${line}: ${JSON.stringify(findings)}`);
      assert.ok(hit.fix !== undefined && hit.fix.length > 0, 'every finding says what to do');
      assert.equal(hit.file, 'config.pbtxt');
    });
  });

  it('reports every rule broken in one config at once', () => {
    const text =
      BASE.replace('max_batch_size: 8', 'max_batch_size: -1').replace(
        'dims: [ 2 ]',
        'dims: [ 0 ]',
      ) + 'instance_group { kind: KIND_CPU gpus: [ 0 ] }\n';
    const rules = validateConfigText(text, 'config.pbtxt').findings.map((f) => f.rule);
    assert.deepEqual(rules.sort(), [
      'config.io-dims',
      'config.max-batch-size',
      'instance-group.kind-gpus',
    ]);
  });

  it('summarises: a config with only warnings passes with warnings', () => {
    const text = `${BASE}instance_group { kind: KIND_GPU }\n`;
    const { summary } = validateConfigText(text, 'config.pbtxt');
    assert.deepEqual(summary, { models: 1, errors: 0, warnings: 1, result: 'passedWithWarnings' });
  });

  it('runs no rule on a config protobuf cannot parse', () => {
    const { findings } = validateConfigText(
      `${BASE}input { name: "z" dims: [ 1.5 ] }\n`,
      'config.pbtxt',
    );
    assert.deepEqual(
      findings.map((f) => f.rule),
      ['pbtxt.field-type'],
    );
  });
});
