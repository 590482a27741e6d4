import * as assert from 'node:assert/strict';
import type { InferResult, ModelMetadata } from '../../../tasks/common/triton/kserve/kserve-types';
import { checkOutputs } from '../../../tasks/common/triton/live/output-check';
import {
  DEFAULT_TOLERANCE,
  fitSampleRequest,
  parseSampleRequest,
} from '../../../tasks/common/triton/live/sample-request';
import { buildSmokeRequest } from '../../../tasks/common/triton/live/smoke-request';

const METADATA: ModelMetadata = {
  name: 'm',
  versions: ['1'],
  platform: 'onnxruntime_onnx',
  inputs: [
    { name: 'x', datatype: 'FP32', shape: [-1, 2, -1] },
    { name: 'flag', datatype: 'BOOL', shape: [-1, 3] },
    { name: 'text', datatype: 'BYTES', shape: [-1, 2] },
    { name: 'ids', datatype: 'INT64', shape: [-1, 2] },
  ],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }],
};

describe('Live validation: the smoke request built from the metadata', () => {
  it('uses batch 1, sets -1 dims to 1 and fills data that fits each type', () => {
    const smoke = buildSmokeRequest(METADATA, 8, new Map(), true);
    assert.deepEqual(smoke.request?.inputs, [
      { name: 'x', datatype: 'FP32', shape: [1, 2, 1], data: [0.125, 0.25] },
      { name: 'flag', datatype: 'BOOL', shape: [1, 3], data: [true, false, true] },
      { name: 'text', datatype: 'BYTES', shape: [1, 2], data: ['smoke-0', 'smoke-1'] },
      { name: 'ids', datatype: 'INT64', shape: [1, 2], data: [0, 1] },
    ]);
    assert.deepEqual(smoke.request?.outputs, [{ name: 'y', binary: false }]);
  });

  it('adds the batch dimension when the metadata shape is the config dims alone', () => {
    const metadata = { ...METADATA, inputs: [{ name: 'x', datatype: 'INT8', shape: [3] }] };
    const smoke = buildSmokeRequest(metadata, 4, new Map([['x', [3]]]), true);
    assert.deepEqual(smoke.request?.inputs[0]?.shape, [1, 3]);
    const unbatched = buildSmokeRequest(metadata, 0, new Map([['x', [3]]]), true);
    assert.deepEqual(unbatched.request?.inputs[0]?.shape, [3]);
  });

  it('sends FP16 as binary data, or skips with a note when the server lacks the extension', () => {
    const metadata: ModelMetadata = {
      ...METADATA,
      inputs: [{ name: 'h', datatype: 'FP16', shape: [-1, 2] }],
      outputs: [{ name: 'o', datatype: 'BF16', shape: [-1, 2] }],
    };
    const smoke = buildSmokeRequest(metadata, 8, new Map(), true);
    assert.deepEqual(smoke.request?.outputs, [{ name: 'o', binary: true }]);
    assert.deepEqual(smoke.notes, ['h sent as binary data (FP16/BF16 have no JSON form)']);
    const skipped = buildSmokeRequest(metadata, 8, new Map(), false);
    assert.equal(skipped.request, undefined);
    assert.match(skipped.skipped ?? '', /'h' is FP16, which travels only as binary data/);
  });
});

describe('Live validation: the sample request file', () => {
  const parse = (value: unknown): ReturnType<typeof parseSampleRequest> =>
    parseSampleRequest(JSON.stringify(value), 'sample.json');

  it('reads inputs, nested data, expected outputs and tolerances', () => {
    const sample = parse({
      inputs: [{ name: 'x', data: [[[1], [2]]] }],
      expected_outputs: [
        { name: 'y', data: [1, 2, 3] },
        { name: 'y', data: [1, 2, 3], tolerance: { relative: 0.1 } },
      ],
      tolerance: { absolute: 0.5 },
    });
    assert.deepEqual(sample.inputs, [{ name: 'x', shape: [1, 2, 1], data: [1, 2] }]);
    assert.deepEqual(sample.expected[0]?.tolerance, {
      absolute: 0.5,
      relative: DEFAULT_TOLERANCE.relative,
    });
    assert.deepEqual(sample.expected[1]?.tolerance, { absolute: 0.5, relative: 0.1 });
  });

  const bad: [string, unknown, RegExp][] = [
    ['not JSON', '{', /Sample request file "sample\.json": is not JSON \(/],
    ['no inputs', { inputs: [] }, /"inputs" must be a non-empty list/],
    [
      'an unknown key',
      { inputs: [{ name: 'x', data: [1] }], expected_output: [] },
      /the file has the unknown key "expected_output"\. Did you mean "expected_outputs"\?/,
    ],
    [
      'a count that does not fit the shape',
      { inputs: [{ name: 'x', shape: [2, 2], data: [1, 2, 3] }] },
      /inputs\[0\]\.data holds 3 values but shape \[2, 2\] needs 4\./,
    ],
    [
      'a negative tolerance',
      { inputs: [{ name: 'x', data: [1] }], tolerance: { absolute: -1 } },
      /tolerance\.absolute must be a number >= 0\./,
    ],
    [
      'an unknown datatype',
      { inputs: [{ name: 'x', datatype: 'FLOAT128', data: [1] }] },
      /inputs\[0\]\.datatype "FLOAT128" is not a type/,
    ],
  ];
  for (const [name, content, message] of bad) {
    it(`rejects ${name}`, () => {
      const text = typeof content === 'string' ? content : JSON.stringify(content);
      assert.throws(() => parseSampleRequest(text, 'sample.json'), message);
    });
  }

  it('fits the model: type from the metadata, optional inputs may be left out', () => {
    const sample = parse({
      inputs: [
        { name: 'x', datatype: 'float32', shape: [1, 2, 5], data: Array(10).fill(0.5) },
        { name: 'flag', shape: [2, 3], data: [true, false, true, true, false, true] },
        { name: 'text', shape: [1, 2], data: ['a', 'b'] },
      ],
    });
    const request = fitSampleRequest(sample, METADATA, new Set(['ids']));
    assert.deepEqual(
      request.inputs.map((t) => [t.name, t.datatype, t.shape]),
      [
        ['x', 'FP32', [1, 2, 5]],
        ['flag', 'BOOL', [2, 3]],
        ['text', 'BYTES', [1, 2]],
      ],
    );
    assert.throws(
      () => fitSampleRequest(sample, METADATA, new Set()),
      /does not fit model 'm': the model needs the input\(s\) ids, which the file lacks\./,
    );
  });

  it('refuses a type the model does not take and values of the wrong kind', () => {
    const typed = parse({
      inputs: [{ name: 'ids', datatype: 'INT32', shape: [1, 2], data: [1, 2] }],
    });
    assert.throws(
      () => fitSampleRequest(typed, METADATA, new Set(['x', 'flag', 'text'])),
      /input 'ids' is INT64 on the server, INT32 in the file\./,
    );
    const fraction = parse({ inputs: [{ name: 'ids', shape: [1, 2], data: [1, 2.5] }] });
    assert.throws(
      () => fitSampleRequest(fraction, METADATA, new Set(['x', 'flag', 'text'])),
      /input 'ids' value 2\.5 at position 1 is not a whole number \(INT64\)\./,
    );
  });
});

describe('Live validation: the answer against the metadata and the expected values', () => {
  const metadata: ModelMetadata = {
    name: 'm',
    versions: ['1'],
    platform: '',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }],
    outputs: [
      { name: 'y', datatype: 'FP32', shape: [-1, 3] },
      { name: 'z', datatype: 'INT64', shape: [-1] },
    ],
  };
  const request = { inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 2], data: [1, 2, 3, 4] }] };
  const answer = (outputs: InferResult['outputs']): InferResult => ({
    modelName: 'm',
    modelVersion: '1',
    outputs,
  });
  const y = { name: 'y', datatype: 'FP32', shape: [2, 3], data: [0, 1, 2, 3, 4, 5] };
  const z = { name: 'z', datatype: 'INT64', shape: [2], data: [7, 8] };

  it('passes a declared answer', () => {
    assert.deepEqual(checkOutputs(answer([y, z]), metadata, request, []), []);
  });

  it('names a missing output, a wrong type, a wrong batch and an undeclared output', () => {
    const problems = checkOutputs(
      answer([
        { ...y, datatype: 'FP64' },
        { name: 'w', datatype: 'FP32', shape: [1], data: [0] },
        { ...z, shape: [3], data: [1, 2, 3] },
      ]),
      metadata,
      request,
      [],
    );
    assert.deepEqual(problems, [
      "output 'y' is FP64, the metadata declares FP32",
      "output 'z' has shape [3], expected [2] (-1: any size)",
      "output 'w' is in the answer but not in the metadata",
    ]);
    assert.deepEqual(checkOutputs(answer([z]), metadata, request, []), [
      "output 'y' is missing from the answer",
    ]);
  });

  it('allows absolute plus relative tolerance and shows only the first differing elements', () => {
    const tolerance = { absolute: 0.1, relative: 0.1 };
    // Got 5 for an expected 5.6: off by 0.6, allowed 0.1 + 0.1 * 5.6 = 0.66.
    const close = [{ name: 'y', data: [0.1, 1, 2.3, 3, 4, 5.6], tolerance }];
    assert.deepEqual(checkOutputs(answer([y, z]), metadata, request, close), []);
    // Got 5 for an expected 5.7: off by 0.7, allowed 0.67.
    const over = [{ name: 'y', data: [0, 1, 2, 3, 4, 5.7], tolerance }];
    assert.deepEqual(checkOutputs(answer([y, z]), metadata, request, over).slice(1), [
      '  y[1, 2]: expected 5.7, got 5 (off by 0.7, allowed 0.67)',
    ]);

    const far = [
      { name: 'y', data: [9, 9, 9, 9, 9, 9.01], tolerance: { absolute: 0, relative: 0 } },
    ];
    const problems = checkOutputs(answer([y, z]), metadata, request, far);
    assert.equal(
      problems[0],
      "output 'y': 6 of 6 values differ from the expected (tolerance: absolute 0, relative 0); " +
        'the first 5:',
    );
    assert.equal(problems[1], '  y[0, 0]: expected 9, got 0 (off by 9, allowed 0)');
    assert.equal(problems[5], '  y[1, 1]: expected 9, got 4 (off by 5, allowed 0)');
    assert.equal(problems.length, 6);
  });

  it('compares strings exactly and says when the value count differs', () => {
    const text = {
      name: 'y',
      datatype: 'FP32',
      shape: [2, 3],
      data: ['a', 'b', 'c', 'd', 'e', 'f'],
    };
    const expected = [
      { name: 'y', data: ['a', 'b', 'c', 'd', 'e', 'F'], tolerance: DEFAULT_TOLERANCE },
    ];
    assert.deepEqual(checkOutputs(answer([text, z]), metadata, request, expected).slice(1), [
      '  y[1, 2]: expected "F", got "f"',
    ]);
    const short = [{ name: 'y', data: [1], tolerance: DEFAULT_TOLERANCE }];
    assert.deepEqual(checkOutputs(answer([y, z]), metadata, request, short), [
      "output 'y' holds 6 values, expected 1",
    ]);
  });
});
