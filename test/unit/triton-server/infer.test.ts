import * as assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  buildAddSubModel,
  buildClassifierModel,
  buildIdentityModel,
  classifierProbabilities,
  DEFAULT_CLASSIFIER_WEIGHTS,
  writeTritonModelFolder,
} from '../../models';
import { startTritonServer, TritonTestServer } from '../../servers/triton';
import {
  binaryRequest,
  bytesTensor,
  call,
  json,
  postJson,
  splitBinaryResponse,
  tempRepository,
} from './http-helpers';

interface OutputJson {
  name: string;
  datatype: string;
  shape: number[];
  data?: unknown[];
  parameters?: { binary_data_size: number };
}

interface InferResponse {
  id?: string;
  model_name: string;
  model_version: string;
  outputs: OutputJson[];
}

function fp32(values: readonly number[]): Buffer {
  return Buffer.from(Float32Array.from(values).buffer);
}

function addSubInputs(a: number[], b: number[], shape = [1, 4]): unknown[] {
  return [
    { name: 'INPUT0', datatype: 'FP32', shape, data: a },
    { name: 'INPUT1', datatype: 'FP32', shape, data: b },
  ];
}

describe('Triton test server: inference', () => {
  let repo: { dir: string; remove: () => Promise<void> };
  let server: TritonTestServer;
  let infer: (model: string) => string;

  before(async () => {
    repo = await tempRepository();
    await writeTritonModelFolder(repo.dir, buildAddSubModel());
    await writeTritonModelFolder(repo.dir, buildClassifierModel());
    for (const type of ['BYTES', 'INT32', 'FP16', 'BF16'] as const) {
      await writeTritonModelFolder(repo.dir, buildIdentityModel(type));
    }
    server = await startTritonServer({ repository: repo.dir });
    infer = (model) => `${server.url}/v2/models/${model}/infer`;
  });

  after(async () => {
    await server.close();
    await repo.remove();
  });

  it('runs add_sub on JSON tensors, flat or nested, for a batch of two', async () => {
    const result = await postJson(infer('add_sub'), {
      id: 'req-7',
      inputs: [
        {
          name: 'INPUT0',
          datatype: 'FP32',
          shape: [2, 4],
          data: [
            [1, 2, 3, 4],
            [5, 6, 7, 8],
          ],
        },
        { name: 'INPUT1', datatype: 'FP32', shape: [2, 4], data: [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5] },
      ],
    });
    assert.equal(result.status, 200);
    assert.match(result.headers.get('content-type') ?? '', /application\/json/);
    const response = json<InferResponse>(result);
    assert.equal(response.id, 'req-7');
    assert.equal(response.model_name, 'add_sub');
    assert.equal(response.model_version, '1');
    assert.deepEqual(response.outputs, [
      { name: 'OUTPUT0', datatype: 'FP32', shape: [2, 4], data: [2, 3, 4, 5, 5.5, 6.5, 7.5, 8.5] },
      { name: 'OUTPUT1', datatype: 'FP32', shape: [2, 4], data: [0, 1, 2, 3, 4.5, 5.5, 6.5, 7.5] },
    ]);
  });

  it('returns only the outputs asked for', async () => {
    const result = await postJson(infer('add_sub'), {
      inputs: addSubInputs([1, 2, 3, 4], [4, 3, 2, 1]),
      outputs: [{ name: 'OUTPUT1' }],
    });
    const response = json<InferResponse>(result);
    assert.equal(response.id, undefined);
    assert.deepEqual(response.outputs, [
      { name: 'OUTPUT1', datatype: 'FP32', shape: [1, 4], data: [-3, -1, 1, 3] },
    ]);
  });

  it("computes the classifier's probabilities", async () => {
    const features = [0.5, -1, 2, 1.5];
    const result = await postJson(infer('classifier'), {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: features }],
    });
    const [output] = json<InferResponse>(result).outputs;
    assert.deepEqual(output?.shape, [1, 3]);
    const expected = classifierProbabilities(DEFAULT_CLASSIFIER_WEIGHTS, features);
    (output?.data as number[]).forEach((p, i) => {
      assert.ok(Math.abs(p - (expected[i] ?? NaN)) < 1e-6, `class ${i}: ${p}`);
    });
  });

  it('takes binary inputs and returns binary outputs (binary tensor data extension)', async () => {
    const request = binaryRequest(
      {
        inputs: [
          { name: 'INPUT0', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } },
          { name: 'INPUT1', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } },
        ],
        outputs: [
          { name: 'OUTPUT0', parameters: { binary_data: true } },
          { name: 'OUTPUT1', parameters: { binary_data: false } },
        ],
      },
      [fp32([1.5, 2, 3, 4]), fp32([1, 1, 1, 1])],
    );
    const result = await call(infer('add_sub'), 'POST', request.body, request.headers);
    assert.equal(result.status, 200);
    assert.equal(result.headers.get('content-type'), 'application/octet-stream');
    const { header, data } = splitBinaryResponse<InferResponse>(result);
    assert.deepEqual(header.outputs[0], {
      name: 'OUTPUT0',
      datatype: 'FP32',
      shape: [1, 4],
      parameters: { binary_data_size: 16 },
    });
    assert.deepEqual(Array.from(new Float32Array(new Uint8Array(data).buffer)), [2.5, 3, 4, 5]);
    assert.deepEqual(header.outputs[1]?.data, [0.5, 1, 2, 3]);
  });

  it('sends every output as binary when binary_data_output is set', async () => {
    const result = await postJson(infer('add_sub'), {
      parameters: { binary_data_output: true },
      inputs: addSubInputs([1, 2, 3, 4], [1, 1, 1, 1]),
    });
    const { header, data } = splitBinaryResponse<InferResponse>(result);
    assert.deepEqual(
      header.outputs.map((o) => o.parameters?.binary_data_size),
      [16, 16],
    );
    const values = Array.from(new Float32Array(new Uint8Array(data).buffer));
    assert.deepEqual(values, [2, 3, 4, 5, 0, 1, 2, 3]);
  });

  it('round-trips strings as BYTES, in JSON and in binary form', async () => {
    const viaJson = await postJson(infer('identity_bytes'), {
      inputs: [{ name: 'INPUT0', datatype: 'BYTES', shape: [1, 3], data: ['a', '', 'héllo'] }],
    });
    assert.deepEqual(json<InferResponse>(viaJson).outputs[0]?.data, ['a', '', 'héllo']);

    const blob = bytesTensor(['x', 'yz']);
    const request = binaryRequest(
      {
        inputs: [
          {
            name: 'INPUT0',
            datatype: 'BYTES',
            shape: [2, 1],
            parameters: { binary_data_size: blob.length },
          },
        ],
        parameters: { binary_data_output: true },
      },
      [blob],
    );
    const viaBinary = await call(infer('identity_bytes'), 'POST', request.body, request.headers);
    const { header, data } = splitBinaryResponse<InferResponse>(viaBinary);
    assert.deepEqual(header.outputs[0]?.shape, [2, 1]);
    assert.ok(data.equals(blob));
  });

  it('round-trips INT32 values', async () => {
    const result = await postJson(infer('identity_int32'), {
      inputs: [{ name: 'INPUT0', datatype: 'INT32', shape: [1, 3], data: [-5, 0, 2147483647] }],
    });
    assert.deepEqual(json<InferResponse>(result).outputs[0], {
      name: 'OUTPUT0',
      datatype: 'INT32',
      shape: [1, 3],
      data: [-5, 0, 2147483647],
    });
  });

  for (const type of ['FP16', 'BF16'] as const) {
    it(`runs ${type} through binary data and refuses it in JSON`, async () => {
      // 1.0, -2.0 and 0.5 in each format.
      const bits = type === 'FP16' ? [0x3c00, 0xc000, 0x3800] : [0x3f80, 0xc000, 0x3f00];
      const blob = Buffer.from(Uint16Array.from(bits).buffer);
      const model = `identity_${type.toLowerCase()}`;
      const request = binaryRequest(
        {
          inputs: [
            { name: 'INPUT0', datatype: type, shape: [1, 3], parameters: { binary_data_size: 6 } },
          ],
          outputs: [{ name: 'OUTPUT0', parameters: { binary_data: true } }],
        },
        [blob],
      );
      const result = await call(infer(model), 'POST', request.body, request.headers);
      assert.equal(result.status, 200);
      const { header, data } = splitBinaryResponse<InferResponse>(result);
      assert.equal(header.outputs[0]?.datatype, type);
      assert.ok(data.equals(blob));

      const jsonIn = await postJson(infer(model), {
        inputs: [{ name: 'INPUT0', datatype: type, shape: [1, 1], data: [1] }],
      });
      assert.equal(jsonIn.status, 400);
      assert.deepEqual(json(jsonIn), {
        error:
          `receiving ${type} data via JSON is not supported. Please use the binary data ` +
          'format for input INPUT0',
      });

      const blobOne = Buffer.from(Uint16Array.from(bits.slice(0, 1)).buffer);
      const jsonOut = binaryRequest(
        {
          inputs: [
            { name: 'INPUT0', datatype: type, shape: [1, 1], parameters: { binary_data_size: 2 } },
          ],
        },
        [blobOne],
      );
      const refused = await call(infer(model), 'POST', jsonOut.body, jsonOut.headers);
      assert.equal(refused.status, 400);
      assert.match(json<{ error: string }>(refused).error, /sending .* via JSON is not supported/);
    });
  }

  const badRequests: { name: string; body: unknown; status: number; error: string }[] = [
    {
      name: 'a shape that does not fit the config',
      body: { inputs: addSubInputs([1, 2, 3], [1, 2, 3], [1, 3]) },
      status: 400,
      error:
        "[request id: <id_unknown>] unexpected shape for input 'INPUT0' for model 'add_sub'. " +
        'Expected [-1,4], got [1,3]. NOTE: Setting a non-zero max_batch_size',
    },
    {
      name: 'a batch larger than max_batch_size',
      body: { inputs: addSubInputs(Array<number>(36).fill(1), Array<number>(36).fill(1), [9, 4]) },
      status: 400,
      error: "[request id: <id_unknown>] inference request batch-size must be <= 8 for 'add_sub'",
    },
    {
      name: 'the wrong data type',
      body: {
        id: 'r1',
        inputs: [
          { name: 'INPUT0', datatype: 'INT32', shape: [1, 4], data: [1, 2, 3, 4] },
          { name: 'INPUT1', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] },
        ],
      },
      status: 400,
      error:
        "[request id: r1] inference input 'INPUT0' data-type is 'INT32', but model 'add_sub' " +
        "expects 'FP32'",
    },
    {
      name: 'a missing input',
      body: { inputs: addSubInputs([1, 2, 3, 4], [1, 2, 3, 4]).slice(0, 1) },
      status: 400,
      error:
        "[request id: <id_unknown>] expected 2 inputs but got 1 inputs for model 'add_sub'. " +
        "Got input(s) ['INPUT0'], but missing required input(s) ['INPUT1']. Please provide all " +
        'required input(s).',
    },
    {
      name: 'an unknown output',
      body: { inputs: addSubInputs([1, 2, 3, 4], [1, 2, 3, 4]), outputs: [{ name: 'OUT' }] },
      status: 400,
      error: "unexpected inference output 'OUT' for model 'add_sub'",
    },
    {
      name: 'data that does not fill the shape (a JSON parse error: 500 in Triton)',
      body: { inputs: addSubInputs([1, 2, 3], [1, 2, 3, 4]) },
      status: 500,
      error: "Failed to parse 'data' field: shape does not match true shape",
    },
  ];
  for (const bad of badRequests) {
    it(`answers ${bad.status} with Triton's message for ${bad.name}`, async () => {
      const result = await postJson(infer('add_sub'), bad.body);
      assert.equal(result.status, bad.status);
      const { error } = json<{ error: string }>(result);
      assert.ok(error.startsWith(bad.error), error);
    });
  }

  it('answers 400 when binary data is shorter than binary_data_size', async () => {
    const request = binaryRequest(
      {
        inputs: [
          { name: 'INPUT0', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } },
          { name: 'INPUT1', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } },
        ],
      },
      [fp32([1, 2, 3, 4]), fp32([1, 2])],
    );
    const result = await call(infer('add_sub'), 'POST', request.body, request.headers);
    assert.equal(result.status, 400);
    assert.deepEqual(json(result), {
      error: "unexpected size for input 'INPUT1', expecting 8 additional bytes for model 'add_sub'",
    });
  });

  it('serves a named version and reads a gzip-compressed request', async () => {
    const body = gzipSync(JSON.stringify({ inputs: addSubInputs([1, 2, 3, 4], [0, 0, 0, 0]) }));
    const result = await call(`${server.url}/v2/models/add_sub/versions/1/infer`, 'POST', body, {
      'Content-Encoding': 'gzip',
    });
    assert.equal(result.status, 200);
    const response = json<InferResponse>(result);
    assert.equal(response.model_version, '1');
    assert.deepEqual(response.outputs[0]?.data, [1, 2, 3, 4]);
  });

  it('answers 404 for inference on an unknown model', async () => {
    const result = await postJson(infer('nope'), { inputs: [] });
    assert.equal(result.status, 404);
    assert.deepEqual(json(result), { error: "Request for unknown model: 'nope' is not found" });
  });

  it('adds the configured latency to each inference', async () => {
    server.setInferenceLatency(150, 'add_sub');
    try {
      const started = Date.now();
      const result = await postJson(infer('add_sub'), {
        inputs: addSubInputs([1, 2, 3, 4], [1, 2, 3, 4]),
      });
      assert.equal(result.status, 200);
      assert.ok(Date.now() - started >= 150);
    } finally {
      server.setInferenceLatency(0, 'add_sub');
    }
  });
});
