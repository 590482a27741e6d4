import * as assert from 'node:assert/strict';
import { buildAddSubModel, buildBrokenModel, writeTritonModelFolder } from '../../models';
import { startTritonServer, TritonTestServer } from '../../servers/triton';
import { call, json, tempRepository } from './http-helpers';

interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

describe('Triton test server: health, metadata and config', () => {
  let repo: { dir: string; remove: () => Promise<void> };
  let server: TritonTestServer;

  before(async () => {
    repo = await tempRepository();
    await writeTritonModelFolder(repo.dir, buildAddSubModel());
    await writeTritonModelFolder(repo.dir, buildAddSubModel('add_sub_v2'), { version: 1 });
    await writeTritonModelFolder(repo.dir, buildAddSubModel('add_sub_v2'), { version: 2 });
    await writeTritonModelFolder(repo.dir, buildBrokenModel());
    server = await startTritonServer({ repository: repo.dir });
  });

  after(async () => {
    await server.close();
    await repo.remove();
  });

  it('is live, but not ready while a model failed to load (strict readiness)', async () => {
    assert.equal((await call(`${server.url}/v2/health/live`, 'GET')).status, 200);
    const ready = await call(`${server.url}/v2/health/ready`, 'GET');
    assert.equal(ready.status, 400);
    assert.equal(ready.text, '');
  });

  it('describes itself at /v2', async () => {
    const result = await call(`${server.url}/v2`, 'GET');
    const metadata = json<{ name: string; version: string; extensions: string[] }>(result);
    assert.equal(metadata.name, 'triton');
    assert.match(metadata.version, /^2\.\d+\.\d+$/);
    assert.ok(metadata.extensions.includes('binary_tensor_data'));
    assert.ok(metadata.extensions.includes('model_repository'));
  });

  it('gives model metadata with the batch dimension and the ready versions', async () => {
    const result = await call(`${server.url}/v2/models/add_sub`, 'GET');
    assert.equal(result.status, 200);
    const metadata = json<{
      name: string;
      versions: string[];
      platform: string;
      inputs: TensorMetadata[];
      outputs: TensorMetadata[];
    }>(result);
    assert.equal(metadata.name, 'add_sub');
    assert.deepEqual(metadata.versions, ['1']);
    assert.equal(metadata.platform, 'onnxruntime_onnx');
    assert.deepEqual(metadata.inputs, [
      { name: 'INPUT0', datatype: 'FP32', shape: [-1, 4] },
      { name: 'INPUT1', datatype: 'FP32', shape: [-1, 4] },
    ]);
    assert.deepEqual(
      metadata.outputs.map((o) => o.name),
      ['OUTPUT0', 'OUTPUT1'],
    );
  });

  it('serves only the latest version by default', async () => {
    const latest = json<{ versions: string[] }>(
      await call(`${server.url}/v2/models/add_sub_v2`, 'GET'),
    );
    assert.deepEqual(latest.versions, ['2']);
    const old = await call(`${server.url}/v2/models/add_sub_v2/versions/1/ready`, 'GET');
    assert.equal(old.status, 404);
    assert.deepEqual(json(old), {
      error: "Request for unknown model: 'add_sub_v2' version 1 is not found",
    });
    const current = await call(`${server.url}/v2/models/add_sub_v2/versions/2/ready`, 'GET');
    assert.equal(current.status, 200);
  });

  it('returns the completed config as Triton JSON: proto names, numbers, defaults', async () => {
    const result = await call(`${server.url}/v2/models/add_sub/config`, 'GET');
    assert.equal(result.status, 200);
    const config = json<Record<string, unknown>>(result);
    assert.equal(config.name, 'add_sub');
    assert.equal(config.backend, 'onnxruntime');
    assert.equal(config.max_batch_size, 8);
    assert.deepEqual(config.version_policy, { latest: { num_versions: 1 } });
    const inputs = config.input as Record<string, unknown>[];
    assert.equal(inputs[0]?.data_type, 'TYPE_FP32');
    assert.deepEqual(inputs[0]?.dims, [4]);
    assert.equal(inputs[0]?.format, 'FORMAT_NONE');
    assert.deepEqual(config.instance_group, [
      {
        name: 'add_sub',
        kind: 'KIND_CPU',
        count: 2,
        gpus: [],
        secondary_devices: [],
        profile: [],
        passive: false,
        host_policy: '',
      },
    ]);
    assert.equal(config.default_model_filename, 'model.onnx');
  });

  it('answers 404 with an error body for an unknown model', async () => {
    for (const suffix of ['', '/ready', '/config']) {
      const result = await call(`${server.url}/v2/models/nope${suffix}`, 'GET');
      assert.equal(result.status, 404, suffix);
      assert.deepEqual(json(result), { error: "Request for unknown model: 'nope' is not found" });
    }
  });

  it('tells a model without a ready version from a version that is not ready', async () => {
    const anyVersion = await call(`${server.url}/v2/models/broken/ready`, 'GET');
    assert.equal(anyVersion.status, 404);
    assert.deepEqual(json(anyVersion), {
      error: "Request for unknown model: 'broken' has no available versions",
    });
    const version = await call(`${server.url}/v2/models/broken/versions/1/config`, 'GET');
    assert.equal(version.status, 503);
    assert.deepEqual(json(version), {
      error: "Request for unknown model: 'broken' version 1 is not at ready state",
    });
  });

  it('answers unknown routes and wrong methods as Triton does', async () => {
    const unknown = await call(`${server.url}/v2/nothing/here`, 'GET');
    assert.equal(unknown.status, 404);
    assert.deepEqual(json(unknown), { error: 'Not Found' });
    const wrongMethod = await call(`${server.url}/v2/models/add_sub/infer`, 'GET');
    assert.equal(wrongMethod.status, 405);
    assert.deepEqual(json(wrongMethod), { error: 'Method Not Allowed' });
  });

  it('records every request it answered', async () => {
    server.clearRequests();
    await call(`${server.url}/v2/models/add_sub/ready`, 'GET');
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.path, r.status]),
      [['GET', '/v2/models/add_sub/ready', 200]],
    );
  });
});
