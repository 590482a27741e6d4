import * as assert from 'node:assert/strict';
import {
  decodeBinaryTensor,
  encodeBinaryTensor,
} from '../../../tasks/common/triton/kserve/binary-tensors';
import {
  fromBf16Bits,
  fromFp16Bits,
  toBf16Bits,
  toFp16Bits,
} from '../../../tasks/common/triton/kserve/half-float';
import {
  decodeInferResponse,
  encodeInferRequest,
} from '../../../tasks/common/triton/kserve/infer-body';

describe('KServe encoding: FP16 and BF16 bit patterns', () => {
  const fp16: [number, number][] = [
    [0, 0x0000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [65504, 0x7bff],
    [1e6, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001],
    [2 ** -26, 0x0000],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
  ];
  for (const [value, bits] of fp16) {
    it(`FP16 ${value} is 0x${bits.toString(16)}`, () => {
      assert.equal(toFp16Bits(value), bits);
    });
  }

  it('FP16 NaN stays NaN and values round-trip', () => {
    assert.ok(Number.isNaN(fromFp16Bits(toFp16Bits(NaN))));
    for (const value of [0.125, -3.5, 1024, 2 ** -20])
      assert.equal(fromFp16Bits(toFp16Bits(value)), value);
  });

  const bf16: [number, number][] = [
    [1, 0x3f80],
    [-2, 0xc000],
    [0.1, 0x3dcd],
    [1 + 2 ** -8, 0x3f80],
    [1 + 3 * 2 ** -8, 0x3f82],
  ];
  for (const [value, bits] of bf16) {
    it(`BF16 ${value} is 0x${bits.toString(16)}`, () => {
      assert.equal(toBf16Bits(value), bits);
    });
  }

  it('BF16 keeps 8 bits of mantissa', () => {
    assert.equal(fromBf16Bits(toBf16Bits(3.140625)), 3.140625);
    assert.ok(Number.isNaN(fromBf16Bits(toBf16Bits(NaN))));
  });
});

describe('KServe encoding: binary tensor data', () => {
  it('writes BYTES as a 4-byte little-endian length before each element', () => {
    const blob = encodeBinaryTensor('BYTES', ['ab', 'é'], 'x');
    assert.deepEqual([...blob], [2, 0, 0, 0, 0x61, 0x62, 2, 0, 0, 0, 0xc3, 0xa9]);
    assert.deepEqual(decodeBinaryTensor('BYTES', blob, 'x'), ['ab', 'é']);
  });

  it('round-trips every fixed-size type', () => {
    const cases: [string, (number | boolean)[]][] = [
      ['BOOL', [true, false]],
      ['INT8', [-3, 4]],
      ['UINT16', [65535, 0]],
      ['INT32', [-70000, 9]],
      ['INT64', [-5, 2 ** 40]],
      ['UINT64', [7, 2 ** 33]],
      ['FP32', [0.5, -1.25]],
      ['FP64', [0.1, 1e300]],
      ['FP16', [0.5, -2]],
      ['BF16', [1, -0.5]],
    ];
    for (const [type, data] of cases) {
      assert.deepEqual(
        decodeBinaryTensor(type, encodeBinaryTensor(type, data, 't'), 't'),
        data,
        type,
      );
    }
  });

  it('refuses a string in a numeric tensor and a cut-short answer, naming the tensor', () => {
    assert.throws(
      () => encodeBinaryTensor('FP16', ['x'], 'INPUT0'),
      /Tensor 'INPUT0' \(FP16\) holds the string "x"/,
    );
    assert.throws(
      () => decodeBinaryTensor('FP32', Buffer.alloc(6), 'OUTPUT0'),
      /binary data for output 'OUTPUT0' cannot be read: 6 bytes are not whole FP32 elements/,
    );
  });
});

describe('KServe encoding: inference bodies', () => {
  it('sends JSON alone when no tensor needs binary data', () => {
    const encoded = encodeInferRequest({
      inputs: [{ name: 'a', datatype: 'FP32', shape: [1, 2], data: [1, 2] }],
      outputs: [{ name: 'b' }],
    });
    assert.equal(encoded.headers['Content-Type'], 'application/json');
    assert.deepEqual(JSON.parse(encoded.body.toString()), {
      inputs: [{ name: 'a', datatype: 'FP32', shape: [1, 2], data: [1, 2] }],
      outputs: [{ name: 'b' }],
    });
  });

  it('sends FP16 inputs as binary data after the JSON header and asks binary FP16 outputs', () => {
    const encoded = encodeInferRequest({
      inputs: [
        { name: 'h', datatype: 'FP16', shape: [2], data: [1, -2] },
        { name: 's', datatype: 'BYTES', shape: [1], data: ['x'] },
      ],
      outputs: [{ name: 'o', binary: true }],
    });
    const length = Number(encoded.headers['Inference-Header-Content-Length']);
    const header = JSON.parse(encoded.body.toString('utf8', 0, length)) as unknown;
    assert.deepEqual(header, {
      inputs: [
        { name: 'h', datatype: 'FP16', shape: [2], parameters: { binary_data_size: 4 } },
        { name: 's', datatype: 'BYTES', shape: [1], data: ['x'] },
      ],
      outputs: [{ name: 'o', parameters: { binary_data: true } }],
    });
    assert.deepEqual([...encoded.body.subarray(length)], [0x00, 0x3c, 0x00, 0xc0]);
  });

  it('reads an answer with JSON and binary outputs in order', () => {
    const header = JSON.stringify({
      model_name: 'm',
      model_version: '1',
      outputs: [
        { name: 'a', datatype: 'INT32', shape: [2], parameters: { binary_data_size: 8 } },
        { name: 'b', datatype: 'BYTES', shape: [1], data: [['x']] },
      ],
    });
    const blob = Buffer.alloc(8);
    blob.writeInt32LE(-1, 0);
    blob.writeInt32LE(5, 4);
    const result = decodeInferResponse(
      Buffer.concat([Buffer.from(header), blob]),
      String(header.length),
    );
    assert.deepEqual(result, {
      modelName: 'm',
      modelVersion: '1',
      outputs: [
        { name: 'a', datatype: 'INT32', shape: [2], data: [-1, 5] },
        { name: 'b', datatype: 'BYTES', shape: [1], data: ['x'] },
      ],
    });
  });

  it('says what is wrong with an answer that is not an inference answer', () => {
    assert.throws(
      () => decodeInferResponse(Buffer.from('<html>'), undefined),
      /the body is not JSON/,
    );
    assert.throws(
      () => decodeInferResponse(Buffer.from('{}'), undefined),
      /it has no "outputs" list/,
    );
    assert.throws(() => decodeInferResponse(Buffer.from('{}'), '99'), /does not fit the body/);
  });
});
