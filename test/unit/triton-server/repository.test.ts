import * as assert from 'node:assert/strict';
import {
  buildAddSubModel,
  buildClassifierModel,
  buildIdentityModel,
  loadRequestBody,
  renderConfigJson,
  writeTritonModelFolder,
} from '../../models';
import { RepositoryIndexEntry, startTritonServer, TritonTestServer } from '../../servers/triton';
import { call, json, postJson, tempRepository } from './http-helpers';

describe('Triton test server: model repository API', () => {
  let repo: { dir: string; remove: () => Promise<void> };
  let server: TritonTestServer;
  let url: string;

  const index = async (body?: unknown): Promise<RepositoryIndexEntry[]> =>
    json<RepositoryIndexEntry[]>(
      body === undefined
        ? await call(`${url}/v2/repository/index`, 'POST')
        : await postJson(`${url}/v2/repository/index`, body),
    );
  const control = (model: string, action: 'load' | 'unload', body?: unknown) =>
    body === undefined
      ? call(`${url}/v2/repository/models/${model}/${action}`, 'POST')
      : postJson(`${url}/v2/repository/models/${model}/${action}`, body);

  beforeEach(async () => {
    repo = await tempRepository();
    await writeTritonModelFolder(repo.dir, buildAddSubModel());
    await writeTritonModelFolder(repo.dir, buildIdentityModel('INT32'));
    server = await startTritonServer({ repository: repo.dir, modelControl: 'explicit' });
    url = server.url;
  });

  afterEach(async () => {
    await server.close();
    await repo.remove();
  });

  it('starts with nothing loaded in explicit mode and lists model folders by name', async () => {
    assert.deepEqual(await index(), [{ name: 'add_sub' }, { name: 'identity_int32' }]);
    const ready = await call(`${url}/v2/models/add_sub/ready`, 'GET');
    assert.equal(ready.status, 404);
    assert.equal((await call(`${url}/v2/health/ready`, 'GET')).status, 200);
  });

  it('loads and unloads a model from the repository folder', async () => {
    const load = await control('add_sub', 'load');
    assert.equal(load.status, 200);
    assert.equal(load.text, '');
    assert.equal((await call(`${url}/v2/models/add_sub/ready`, 'GET')).status, 200);
    assert.deepEqual(await index({ ready: true }), [
      { name: 'add_sub', version: '1', state: 'READY' },
    ]);

    assert.equal((await control('add_sub', 'unload')).status, 200);
    assert.deepEqual((await index())[0], {
      name: 'add_sub',
      version: '1',
      state: 'UNAVAILABLE',
      reason: 'unloaded',
    });
    assert.equal((await call(`${url}/v2/models/add_sub/ready`, 'GET')).status, 404);
    assert.deepEqual(await index({ ready: true }), []);
  });

  it('loads a model from config and files sent in the request', async () => {
    const model = buildClassifierModel(undefined, 'sent_classifier');
    const load = await control(model.name, 'load', loadRequestBody(model));
    assert.equal(load.status, 200, load.text);
    const infer = await postJson(`${url}/v2/models/sent_classifier/infer`, {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [1, 0, 0, 0] }],
    });
    assert.equal(infer.status, 200);
    const config = json<{ max_batch_size: number; input: { name: string }[] }>(
      await call(`${url}/v2/models/sent_classifier/config`, 'GET'),
    );
    assert.equal(config.max_batch_size, 8);
    assert.deepEqual(
      config.input.map((i) => i.name),
      ['features'],
    );
  });

  it("refuses files without a config, with Triton's poll failure", async () => {
    const model = buildAddSubModel('no_config');
    const load = await control(model.name, 'load', {
      parameters: { 'file:1/model.onnx': Buffer.from(model.onnx).toString('base64') },
    });
    assert.equal(load.status, 500);
    assert.deepEqual(json(load), {
      error: "failed to load 'no_config', failed to poll from model repository",
    });
  });

  it('reports an injected load failure in the answer and in the index', async () => {
    server.failLoad('add_sub', 'Internal: CUDA out of memory');
    const load = await control('add_sub', 'load');
    assert.equal(load.status, 400);
    assert.deepEqual(json(load), {
      error:
        "load failed for model 'add_sub': version 1 is at UNAVAILABLE state: " +
        'Internal: CUDA out of memory;\n',
    });
    assert.deepEqual((await index())[0], {
      name: 'add_sub',
      version: '1',
      state: 'UNAVAILABLE',
      reason: 'Internal: CUDA out of memory',
    });
    assert.equal((await call(`${url}/v2/health/ready`, 'GET')).status, 400);

    server.clearLoadFailure('add_sub');
    assert.equal((await control('add_sub', 'load')).status, 200);
    assert.equal((await index())[0]?.state, 'READY');
  });

  it('reports a config that does not fit the model with the backend message', async () => {
    const model = buildAddSubModel('mismatch');
    const config = { ...model.config, inputs: [...model.config.inputs] };
    config.inputs[1] = { name: 'INPUT1', dataType: 'TYPE_INT32', dims: [4] };
    const load = await control(model.name, 'load', {
      parameters: {
        config: renderConfigJson(config),
        'file:1/model.onnx': Buffer.from(model.onnx).toString('base64'),
      },
    });
    assert.equal(load.status, 400);
    assert.equal(
      json<{ error: string }>(load).error,
      "load failed for model 'mismatch': version 1 is at UNAVAILABLE state: Invalid argument: " +
        "unable to load model 'mismatch', configuration expects datatype TYPE_INT32 for input " +
        "'INPUT1', model provides TYPE_FP32;\n",
    );
  });

  it('shows LOADING while a delayed load is in progress, then READY', async () => {
    server.setLoadDelay('add_sub', 300);
    const loading = control('add_sub', 'load');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual((await index())[0], { name: 'add_sub', version: '1', state: 'LOADING' });
    const notYet = await call(`${url}/v2/models/add_sub/versions/1/ready`, 'GET');
    assert.equal(notYet.status, 503);
    assert.equal((await loading).status, 200);
    assert.equal((await index())[0]?.state, 'READY');
  });

  it("answers 500 with Triton's message for a model that is not in the repository", async () => {
    const load = await control('nowhere', 'load');
    assert.equal(load.status, 500);
    assert.deepEqual(json(load), {
      error: "failed to load 'nowhere', failed to poll from model repository",
    });
  });

  it('is unreachable once closed', async () => {
    await server.close();
    await assert.rejects(call(`${url}/v2/health/live`, 'GET'));
    server = await startTritonServer({ repository: repo.dir, modelControl: 'explicit' });
  });
});

describe('Triton test server: model control mode none', () => {
  let repo: { dir: string; remove: () => Promise<void> };
  let server: TritonTestServer;

  before(async () => {
    repo = await tempRepository();
    await writeTritonModelFolder(repo.dir, buildAddSubModel());
    server = await startTritonServer({ repository: repo.dir });
  });

  after(async () => {
    await server.close();
    await repo.remove();
  });

  it('loads every model at start and refuses load and unload requests', async () => {
    assert.deepEqual(await server.index(), [{ name: 'add_sub', version: '1', state: 'READY' }]);
    for (const action of ['load', 'unload']) {
      const result = await call(`${server.url}/v2/repository/models/add_sub/${action}`, 'POST');
      assert.equal(result.status, 503);
      assert.deepEqual(json(result), {
        error: 'explicit model load / unload is not allowed if polling is enabled',
      });
    }
  });

  it('serves a slow model once it is ready, and shows why a failed one is not', async () => {
    const slowRepo = await tempRepository();
    await writeTritonModelFolder(slowRepo.dir, buildAddSubModel('slow'));
    await writeTritonModelFolder(slowRepo.dir, buildAddSubModel('failing'));
    const slow = await startTritonServer({
      repository: slowRepo.dir,
      waitForStartupLoads: false,
      loadDelaysMs: { slow: 300 },
      loadFailures: { failing: 'Internal: injected failure' },
    });
    try {
      const early = await call(`${slow.url}/v2/models/slow/ready`, 'GET');
      assert.equal(early.status, 404);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual((await slow.index())[1], { name: 'slow', version: '1', state: 'LOADING' });
      assert.equal((await call(`${slow.url}/v2/health/ready`, 'GET')).status, 400);
      await slow.startupSettled();
      assert.equal((await call(`${slow.url}/v2/models/slow/ready`, 'GET')).status, 200);
      assert.deepEqual(await slow.index(), [
        {
          name: 'failing',
          version: '1',
          state: 'UNAVAILABLE',
          reason: 'Internal: injected failure',
        },
        { name: 'slow', version: '1', state: 'READY' },
      ]);
    } finally {
      await slow.close();
      await slowRepo.remove();
    }
  });
});
