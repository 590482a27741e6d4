import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Finding } from '../../../tasks/common/triton/finding';
import { ONNX_ELEMENT_TYPES } from '../../../tasks/common/triton/onnx-proto';
import { validateConfigText, validateModel } from '../../../tasks/common/triton/validate';
import { onnxModel, removeTree, writeTree } from './temp-repository';

/**
 * Thousands of seeded random edits of valid configs: the validator must never crash, and every
 * input must end in well-formed findings or a pass. Bounded in time so it stays a unit test.
 */
const fixtures = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'triton',
  'valid',
);

/** Configs of our own, so the test runs even where the shared fixtures are absent. */
const OWN_CONFIGS = [
  `name: "m"
backend: "onnxruntime"
max_batch_size: 8
input [ { name: "x" data_type: TYPE_FP32 format: FORMAT_NCHW dims: [ 3, 224, 224 ] } ]
output [ { name: "y" data_type: TYPE_FP32 dims: [ 1000 ] reshape { shape: [ 1, 1000 ] } } ]
dynamic_batching { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 100
  priority_levels: 2 default_priority_level: 1
  priority_queue_policy { key: 2 value { timeout_action: DELAY default_timeout_microseconds: 5 } } }
instance_group [ { kind: KIND_GPU count: 2 gpus: [ 0, 1 ] }, { kind: KIND_CPU } ]
model_warmup [ { name: "w" batch_size: 2 inputs { key: "x" value: { data_type: TYPE_FP32
  dims: [ 3, 224, 224 ] random_data: true } } } ]
parameters { key: "k" value: { string_value: "v" } }
`,
  `name: "e"
platform: "ensemble"
max_batch_size: 4
input { name: "IN" data_type: TYPE_STRING dims: [ -1 ] }
output { name: "OUT" data_type: TYPE_INT64 dims: [ 2 ] }
ensemble_scheduling { step [
  { model_name: "a" model_version: -1 input_map { key: "i" value: "IN" }
    output_map { key: "o" value: "T" } },
  { model_name: "b" model_version: 1 input_map: { key: "i", value: "T" },
    output_map < key: 'o' value: 'OUT' > }
] }
`,
  `name: "s"
backend: "python"
max_batch_size: 2
input { name: "x" data_type: TYPE_INT32 dims: 1 }
output { name: "y" data_type: TYPE_INT32 dims: 1 }
sequence_batching {
  oldest { max_candidate_sequences: 4 preferred_batch_size: 2 }
  control_input [
    { name: "START" control [ { kind: CONTROL_SEQUENCE_START fp32_false_true: [ 0, 1 ] } ] },
    { name: "CORRID" control { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_UINT64 } } ]
  state { input_name: "si" output_name: "so" data_type: TYPE_FP32 dims: [ -1 ]
    initial_state { data_type: TYPE_FP32 dims: [ 1 ] zero_data: true name: "z" } }
}
model_transaction_policy { decoupled: True }
`,
];

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '<',
  '>',
  ':',
  ',',
  ';',
  '"',
  "'",
  '#',
  '$',
  '${x}',
  '-',
  '-1',
  '0',
  '0x1F',
  '017',
  '09',
  '1e3',
  '8.0',
  'inf',
  'nan',
  'true',
  'True',
  'TRUE',
  't',
  '2',
  'TYPE_FP32',
  'KIND_GPU',
  'KIND_CPU',
  'name',
  'dims',
  'input',
  'output',
  'max_batch_size',
  'platform',
  'backend',
  'ensemble',
  'instance_group',
  'gpus',
  'reshape',
  'shape',
  'key',
  'value',
  'step',
  'control_input',
  '\n',
  '\\',
  '\\x',
  '\u00e9',
  '\u0000',
  '\t',
  ' ',
  '"a" "b"',
  '99999999999999999999',
  'sequence_batching {',
];

/** A small seeded generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const at = Math.floor(next() * (text.length + 1));
  const lines = text.split('\n');
  switch (Math.floor(next() * 7)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 20));
    case 1:
      return text.slice(0, at) + pick(TOKENS) + text.slice(at);
    case 2: {
      const line = Math.floor(next() * lines.length);
      lines.splice(line, 0, lines[line] ?? '');
      return lines.join('\n');
    }
    case 3: {
      const a = Math.floor(next() * lines.length);
      const b = Math.floor(next() * lines.length);
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      return lines.join('\n');
    }
    case 4:
      return text.replace(/-?\d+/g, (n) =>
        next() < 0.2 ? String(Math.floor(next() * 40) - 20) : n,
      );
    case 5:
      return text.slice(0, at);
    default:
      return text.slice(0, at) + pick(TOKENS) + ' ' + pick(TOKENS) + text.slice(at + 3);
  }
}

function assertWellFormed(finding: Finding, lineCount: number, seed: number): void {
  const where = `seed ${seed}: ${JSON.stringify(finding)}`;
  assert.notEqual(finding.rule, 'validator.internal', where);
  assert.ok(finding.severity === 'error' || finding.severity === 'warning', where);
  assert.ok(finding.line >= 1 && finding.line <= lineCount + 1, where);
  assert.ok(finding.column >= 1, where);
  assert.ok(finding.message.length > 0 && (finding.fix ?? '').length > 0, where);
}

describe('Triton validator under random edits', function () {
  this.timeout(60000);

  it('never crashes: thousands of mutated configs end in findings or a pass', () => {
    const corpus = [...OWN_CONFIGS];
    if (fs.existsSync(fixtures)) {
      for (const name of fs.readdirSync(fixtures).sort()) {
        const file = path.join(fixtures, name, 'config.pbtxt');
        if (fs.existsSync(file)) corpus.push(fs.readFileSync(file, 'utf8'));
      }
    }
    const deadline = Date.now() + 8000;
    let runs = 0;
    const outcomes = new Map<string, number>();
    for (let seed = 1; seed <= 20000 && Date.now() < deadline; seed += 1) {
      const next = random(seed);
      let text = corpus[seed % corpus.length] ?? '';
      const edits = 1 + Math.floor(next() * 3);
      for (let i = 0; i < edits; i += 1) text = mutate(text, next);

      const result = validateConfigText(text, 'config.pbtxt');
      const lineCount = text.split('\n').length;
      for (const finding of result.findings) assertWellFormed(finding, lineCount, seed);
      assert.equal(result.summary.errors > 0, result.summary.result === 'failed', `seed ${seed}`);
      outcomes.set(result.summary.result, (outcomes.get(result.summary.result) ?? 0) + 1);
      runs += 1;
    }
    if (process.env.TRITON_MUTATION_VERBOSE) console.log(runs, [...outcomes]);
    assert.ok(runs >= 2000, `only ${runs} mutations ran before the time bound`);
    // Random edits must exercise both outcomes, or the test is not testing much.
    assert.ok((outcomes.get('failed') ?? 0) > runs / 10, JSON.stringify([...outcomes]));
    assert.ok((outcomes.get('passed') ?? 0) + (outcomes.get('passedWithWarnings') ?? 0) > 0);
  });

  it('never crashes on model folders with mutated configs and corrupted model.onnx', async () => {
    const onnx = onnxModel(
      [{ name: 'x', elemType: ONNX_ELEMENT_TYPES.FLOAT ?? 1, shape: ['N', 4] }],
      [{ name: 'y', elemType: ONNX_ELEMENT_TYPES.FLOAT ?? 1, shape: ['N', 2] }],
    );
    const config = `name: "m"\nbackend: "onnxruntime"\nmax_batch_size: 8
input { name: "x" data_type: TYPE_FP32 dims: [ 4 ] }
output { name: "y" data_type: TYPE_FP32 dims: [ 2 ] label_filename: "labels.txt" }\n`;
    const deadline = Date.now() + 3000;
    let runs = 0;
    for (let seed = 1; seed <= 300 && Date.now() < deadline; seed += 1) {
      const next = random(seed);
      const bytes = Uint8Array.from(onnx);
      for (let i = 0; i < 1 + Math.floor(next() * 4); i += 1) {
        bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      }
      const cut = next() < 0.3 ? bytes.slice(0, Math.floor(next() * bytes.length)) : bytes;
      const root = writeTree({
        'm/config.pbtxt': mutate(config, next),
        'm/1/model.onnx': cut,
        [next() < 0.5 ? 'm/labels.txt' : 'm/2/other.txt']: 'a\n',
      });
      try {
        const result = await validateModel(`${root}/m`);
        for (const finding of result.findings) {
          assert.notEqual(finding.rule, 'validator.internal', `seed ${seed}: ${finding.message}`);
          assert.ok(finding.message.length > 0 && finding.line >= 0, `seed ${seed}`);
        }
      } finally {
        removeTree(root);
      }
      runs += 1;
    }
    assert.ok(runs >= 50, `only ${runs} model folders ran before the time bound`);
  });
});
