import * as assert from 'node:assert/strict';
import {
  MODEL_CONFIG_SCHEMA,
  MODEL_CONFIG_TYPE,
} from '../../../tasks/common/triton/model-config-schema';
import { nums, scalar, str, child, children } from '../../../tasks/common/triton/pbtxt-ast';
import { parsePbtxt, ParseResult } from '../../../tasks/common/triton/pbtxt-parser';

function parse(text: string): ParseResult {
  return parsePbtxt(text, MODEL_CONFIG_TYPE, MODEL_CONFIG_SCHEMA);
}

function errorsOf(result: ParseResult): string[] {
  return result.issues
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.line}:${i.column} ${i.rule} ${i.message}`);
}

interface ParserCase {
  what: string;
  good: string;
  bad: string;
  /** `line:column` of the first error in `bad`, and words its message must contain. */
  at: string;
  says: string;
}

/** Each protobuf text-format behaviour, with an input protobuf accepts and one it refuses. */
const CASES: ParserCase[] = [
  {
    what: 'comments run to the end of the line',
    good: '# licence\nname: "m" # trailing\n',
    bad: '// not a comment\nname: "m"',
    at: '1:1',
    says: 'Expected identifier',
  },
  {
    what: 'single and double quotes',
    good: 'name: \'m\'\nplatform: "onnxruntime_onnx"',
    bad: 'name: "m\nplatform: "x"',
    at: '1:7',
    says: 'cannot cross line boundaries',
  },
  {
    what: 'escapes in strings',
    good: 'name: "a\\"b\\x41\\101\\n"',
    bad: 'name: "a\\qb"',
    at: '1:10',
    says: 'Invalid escape',
  },
  {
    what: 'adjacent strings',
    good: 'name: "a" "b"',
    bad: 'name: "a" 5',
    at: '1:11',
    says: 'Expected identifier',
  },
  {
    what: 'angle brackets for a message',
    good: 'instance_group < kind: KIND_CPU >',
    bad: 'instance_group < kind: KIND_CPU }',
    at: '1:33',
    says: 'Expected ">"',
  },
  {
    what: 'hex and octal integers',
    good: 'max_batch_size: 0x10\ninput { name: "x" dims: [ 010, 0X1f ] }',
    bad: 'max_batch_size: 09',
    at: '1:18',
    says: 'octal',
  },
  {
    what: 'no floats in integer fields',
    good: 'max_batch_size: 8',
    bad: 'max_batch_size: 8.0',
    at: '1:17',
    says: 'Expected integer, got: 8.0',
  },
  {
    what: 'no scientific notation in integer fields',
    good: 'max_batch_size: 1000',
    bad: 'max_batch_size: 1e3',
    at: '1:17',
    says: 'Expected integer',
  },
  {
    what: 'integer range of int32',
    good: 'max_batch_size: 2147483647',
    bad: 'max_batch_size: 2147483648',
    at: '1:17',
    says: 'out of range',
  },
  {
    what: 'unsigned fields refuse a minus sign',
    good: 'dynamic_batching { max_queue_delay_microseconds: 100 }',
    bad: 'dynamic_batching { max_queue_delay_microseconds: -100 }',
    at: '1:50',
    says: 'Expected integer, got: -',
  },
  {
    what: 'boolean spellings',
    good:
      'model_transaction_policy { decoupled: True }\nresponse_cache { enable: t }\n' +
      'input { name: "a" optional: 1 allow_ragged_batch: False is_shape_tensor: f }',
    bad: 'model_transaction_policy { decoupled: TRUE }',
    at: '1:39',
    says: 'Invalid value for boolean field "decoupled"',
  },
  {
    what: 'booleans as numbers are 0 or 1 only',
    good: 'response_cache { enable: 0 }',
    bad: 'response_cache { enable: 2 }',
    at: '1:26',
    says: 'out of range',
  },
  {
    what: 'a non-repeated field given twice',
    good: 'max_batch_size: 0 max_batch_size: 8',
    bad: 'max_batch_size: 4 max_batch_size: 8',
    at: '1:19',
    says: 'specified multiple times',
  },
  {
    what: 'a message field given twice',
    good: 'dynamic_batching { } name: "m"',
    bad: 'dynamic_batching { }\ndynamic_batching { }',
    at: '2:1',
    says: 'specified multiple times',
  },
  {
    what: 'two members of one oneof',
    good: 'sequence_batching { oldest { } }',
    bad: 'dynamic_batching { }\nsequence_batching { }',
    at: '2:1',
    says: 'oneof "scheduling_choice"',
  },
  {
    what: 'enums by name or number',
    good: 'input { name: "x" data_type: 11 }',
    bad: 'input { name: "x" data_type: TYPE_FLOAT32 }',
    at: '1:30',
    says: 'Did you mean "TYPE_FP32"',
  },
  {
    what: 'unknown field with a suggestion',
    good: 'max_batch_size: 4',
    bad: 'max_batch: 4',
    at: '1:1',
    says: 'has no field named "max_batch". Did you mean "max_batch_size"',
  },
  {
    what: 'separators after fields',
    good: 'name: "m"; max_batch_size: 4, platform: "onnxruntime_onnx";',
    bad: 'name: "m" ;; max_batch_size: 4',
    at: '1:12',
    says: 'Expected identifier',
  },
  {
    what: 'empty lists',
    good: 'input [ ]\noutput: []',
    bad: 'input [ , ]',
    at: '1:9',
    says: 'Expected "{"',
  },
  {
    what: 'trailing comma in a list',
    good: 'input { name: "x" dims: [ 1, 2 ] }',
    bad: 'input { name: "x" dims: [ 1, 2, ] }',
    at: '1:33',
    says: 'Expected integer',
  },
  {
    what: 'colon required before a scalar',
    good: 'name: "m"',
    bad: 'name "m"',
    at: '1:6',
    says: 'Expected ":"',
  },
  {
    what: 'colon optional before a message',
    good: 'version_policy: { latest { num_versions: 1 } }\ninput: [ { name: "x" } ]',
    bad: 'version_policy: latest',
    at: '1:17',
    says: 'Expected "{"',
  },
  {
    what: 'a list only for a repeated field',
    good: 'input [ { name: "a" } ] input [ { name: "b" } ]',
    bad: 'dynamic_batching [ { } ]',
    at: '1:18',
    says: 'Expected "{"',
  },
  {
    what: 'a single scalar for a repeated field',
    good: 'input { name: "x" dims: 4 dims: 5 }',
    bad: 'input { name: "x" dims: [ 4 5 ] }',
    at: '1:29',
    says: 'Expected ","',
  },
  {
    what: 'JSON is not text format',
    good: 'name: "m"',
    bad: '{"name": "m"}',
    at: '1:1',
    says: 'Expected identifier, got: {',
  },
  {
    what: 'strings where strings belong',
    good: 'parameters { key: "k" value: { string_value: "5" } }',
    bad: 'parameters { key: "k" value: { string_value: 5 } }',
    at: '1:46',
    says: 'Expected string, got: 5',
  },
  {
    what: 'float fields accept inf and nan',
    good: 'sequence_batching { direct { minimum_slot_utilization: -Infinity } }',
    bad: 'sequence_batching { direct { minimum_slot_utilization: many } }',
    at: '1:56',
    says: 'Invalid float number',
  },
  {
    what: 'an unfilled template placeholder',
    good: 'max_batch_size: 8',
    bad: 'name: "m"\nmax_batch_size: ${triton_max_batch_size}',
    at: '2:17',
    says: 'placeholder',
  },
  {
    what: 'an unclosed message',
    good: 'input { name: "x" }',
    bad: 'input {\n  name: "x"\n',
    at: '3:1',
    says: 'opened at 1:7',
  },
  {
    what: 'map fields as key/value entries',
    good: 'metric_tags { key: "team" value: "vision" } metric_tags [ { key: "a" value: "b" } ]',
    bad: 'metric_tags { team: "vision" }',
    at: '1:15',
    says: 'has no field named "team"',
  },
  {
    what: 'number followed by letters',
    good: 'max_batch_size: 4 name: "x"',
    bad: 'max_batch_size: 4name: "x"',
    at: '1:18',
    says: 'Need space between number and identifier',
  },
];

describe('pbtxt parser: protobuf text format cases', () => {
  for (const c of CASES) {
    it(`${c.what}: accepts the good input`, () => {
      assert.deepEqual(errorsOf(parse(c.good)), []);
    });
    it(`${c.what}: refuses the bad input at ${c.at}`, () => {
      const errors = errorsOf(parse(c.bad));
      assert.ok(errors.length > 0, 'expected an error');
      assert.ok(errors[0]?.startsWith(`${c.at} pbtxt.`), `first error: ${errors[0]}`);
      assert.ok(errors[0]?.includes(c.says), `"${c.says}" not in: ${errors[0]}`);
    });
  }
});

describe('pbtxt parser: values and positions', () => {
  it('joins adjacent strings and decodes escapes', () => {
    const root = parse('name: "a\\"" \'b\\x41\' "\\101"').root;
    assert.equal(str(root, 'name'), 'a"bAA');
  });

  it('reads hex, octal and negative integers', () => {
    const root = parse('input { name: "x" dims: [ 0x10, 010, -1 ] }').root;
    assert.deepEqual(nums(children(root, 'input')[0], 'dims'), [16, 8, -1]);
  });

  it('keeps the last value of a singular field given first as its default', () => {
    const root = parse('max_batch_size: 0\nmax_batch_size: 8').root;
    assert.equal(scalar(root, 'max_batch_size')?.value, 8);
    assert.deepEqual(scalar(root, 'max_batch_size')?.pos, { line: 2, column: 17 });
  });

  it('concatenates repeated fields given as several lists', () => {
    const root = parse('input [ { name: "a" } ]\ninput [ { name: "b" }, { name: "c" } ]').root;
    assert.deepEqual(
      children(root, 'input').map((io) => str(io, 'name')),
      ['a', 'b', 'c'],
    );
  });

  it('reads an enum given by number as its name', () => {
    const root = parse('input { name: "x" data_type: 11 }').root;
    assert.equal(scalar(children(root, 'input')[0], 'data_type')?.value, 'TYPE_FP32');
  });

  it('places nested values on their own line and column', () => {
    const root = parse('dynamic_batching {\n  preferred_batch_size: [ 2, 4 ]\n}').root;
    const batching = child(root, 'dynamic_batching');
    assert.deepEqual(batching?.pos, { line: 1, column: 18 });
    assert.deepEqual(
      batching?.entries.map((e) => e.value.pos),
      [
        { line: 2, column: 27 },
        { line: 2, column: 30 },
      ],
    );
  });

  it('reports every field error at once, not only the first', () => {
    const result = parse('max_batch: 4\ninput { name: "x" data_type: TYPE_FLOAT }\nname: 5');
    assert.deepEqual(
      result.issues.map((i) => `${i.line}:${i.column}`),
      ['1:1', '2:30', '3:7'],
    );
  });

  it('warns about a repeated map key, which protobuf drops silently', () => {
    const result = parse(
      'metric_tags { key: "a" value: "x" }\nmetric_tags { key: "a" value: "y" }',
    );
    assert.deepEqual(
      result.issues.map((i) => [i.severity, i.rule, i.line]),
      [['warning', 'pbtxt.duplicate-map-key', 2]],
    );
  });

  it('warns about a placeholder inside a string', () => {
    const result = parse('parameters { key: "dir" value: { string_value: "${tokenizer_dir}" } }');
    assert.deepEqual(
      result.issues.map((i) => [i.severity, i.rule]),
      [['warning', 'pbtxt.placeholder']],
    );
  });

  it('survives deeply nested unknown blocks without overflowing the stack', () => {
    const result = parse('optimization { '.repeat(20000));
    assert.equal(result.root, undefined);
    assert.deepEqual(
      result.issues.map((i) => i.rule),
      ['pbtxt.unknown-field', 'pbtxt.syntax'],
    );
  });
});
