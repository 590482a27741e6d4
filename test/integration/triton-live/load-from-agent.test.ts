import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { KserveClient } from '../../../tasks/common/triton/kserve/kserve-client';
import { LiveInputError } from '../../../tasks/common/triton/live/live-options';
import { validateLive } from '../../../tasks/common/triton/live/validate-live';
import {
  buildAddSubModel,
  buildBrokenModel,
  buildClassifierModel,
  writeTritonModelFolder,
} from '../../models';
import { startTritonServer, type TritonTestServer } from '../../servers/triton';
import { checkOf, liveOptions, statuses, tempFolder } from './live-fixtures';

interface LoadBody {
  parameters?: Record<string, string>;
}

describe('validateLive loading the model from the agent (explicit model control)', function () {
  this.timeout(20_000);
  let repo: { dir: string; remove: () => Promise<void> };
  let agent: { dir: string; remove: () => Promise<void> };
  let server: TritonTestServer;

  before(async () => {
    repo = await tempFolder('live-repo-');
    agent = await tempFolder('live-agent-');
    for (const model of [buildClassifierModel(), buildAddSubModel(), buildBrokenModel()]) {
      await writeTritonModelFolder(repo.dir, model);
      await writeTritonModelFolder(agent.dir, model);
    }
    server = await startTritonServer({ repository: repo.dir, modelControl: 'explicit' });
  });

  after(async () => {
    await server.close();
    await repo.remove();
    await agent.remove();
  });

  it('loads the config and files, validates, and unloads when asked', async () => {
    server.clearRequests();
    const report = await validateLive(
      liveOptions(server.url, 'classifier', {
        mode: 'load',
        modelFolder: path.join(agent.dir, 'classifier'),
        unloadAfter: true,
      }),
    );
    assert.equal(report.result, 'passed', JSON.stringify(report.checks, null, 2));
    assert.deepEqual(statuses(report), {
      server: 'passed',
      load: 'passed',
      ready: 'passed',
      config: 'passed',
      signature: 'passed',
      inference: 'passed',
      unload: 'passed',
    });
    assert.match(checkOf(report, 'load').summary, /config\.pbtxt and 1\/model\.onnx/);

    const load = server.requests.find((r) => r.path === '/v2/repository/models/classifier/load');
    const body = JSON.parse(load?.body.toString() ?? '{}') as LoadBody;
    const config = JSON.parse(body.parameters?.config ?? '{}') as Record<string, unknown>;
    assert.equal(config.max_batch_size, 8);
    assert.ok((body.parameters?.['file:1/model.onnx'] ?? '').length > 0);
    const entry = (await server.index()).find((e) => e.name === 'classifier');
    assert.deepEqual(entry, {
      name: 'classifier',
      version: '1',
      state: 'UNAVAILABLE',
      reason: 'unloaded',
    });
  });

  it("shows Triton's reason when the model fails to load", async () => {
    const report = await validateLive(
      liveOptions(server.url, 'broken', {
        mode: 'load',
        modelFolder: path.join(agent.dir, 'broken'),
      }),
    );
    assert.equal(report.result, 'failed');
    const load = checkOf(report, 'load');
    assert.equal(load.status, 'failed');
    assert.match(
      load.summary,
      new RegExp(
        /^Loading model 'broken' on Triton failed: Triton answered HTTP 400: load/.source +
          / failed for model 'broken': version 1 is at UNAVAILABLE/.source +
          / state: .*NoSuchOperator/.source,
      ),
    );
    assert.match(load.details[0] ?? '', /^Triton reports version 1 of 'broken' UNAVAILABLE: /);
    assert.deepEqual(Object.keys(statuses(report)), ['server', 'load']);
  });

  it('reports an injected load failure with its reason, and runs nothing after it', async () => {
    server.failLoad('add_sub', 'CUDA error: out of memory');
    try {
      const report = await validateLive(
        liveOptions(server.url, 'add_sub', {
          mode: 'load',
          modelFolder: path.join(agent.dir, 'add_sub'),
        }),
      );
      const load = checkOf(report, 'load');
      assert.equal(load.status, 'failed');
      assert.ok(
        load.summary.includes('version 1 is at UNAVAILABLE state: CUDA error: out of memory'),
      );
      assert.equal(report.checks.length, 2);
    } finally {
      server.clearLoadFailure('add_sub');
    }
  });

  it('reports a load that outlasts the timeout, with the model still LOADING', async () => {
    server.setLoadDelay('add_sub', 1_500);
    try {
      const report = await validateLive(
        liveOptions(server.url, 'add_sub', {
          mode: 'load',
          modelFolder: path.join(agent.dir, 'add_sub'),
          readyTimeoutMs: 600,
        }),
      );
      const load = checkOf(report, 'load');
      assert.equal(load.status, 'failed');
      assert.match(load.summary, /timed out/);
      assert.match(load.details[0] ?? '', /'add_sub' was still LOADING when the timeout ran out/);
    } finally {
      server.setLoadDelay('add_sub', 0);
      // Let the slow load finish before the server is closed.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
    }
  });

  it('waits for a model that another step is still loading', async () => {
    const client = new KserveClient({ url: server.url });
    await client.unloadModel('add_sub');
    server.setLoadDelay('add_sub', 600);
    const loading = client.loadModel('add_sub');
    try {
      const report = await validateLive(
        liveOptions(server.url, 'add_sub', { readyTimeoutMs: 5_000, pollIntervalMs: 100 }),
      );
      assert.equal(report.result, 'passed', JSON.stringify(report.checks, null, 2));
      assert.match(
        checkOf(report, 'ready').summary,
        /^Model 'add_sub' is ready \((0\.[5-9]|[1-4]\.\d) s\)/,
      );
    } finally {
      await loading;
      server.setLoadDelay('add_sub', 0);
    }
  });

  it('refuses to load without a local model folder or config.pbtxt', async () => {
    await assert.rejects(
      validateLive(liveOptions(server.url, 'classifier', { mode: 'load' })),
      (error: unknown) =>
        error instanceof LiveInputError && /needs the local model folder/.test(error.message),
    );
    const bare = await tempFolder('live-bare-');
    try {
      await writeTritonModelFolder(bare.dir, buildClassifierModel(), { omitConfig: true });
      await assert.rejects(
        validateLive(
          liveOptions(server.url, 'classifier', {
            mode: 'load',
            modelFolder: path.join(bare.dir, 'classifier'),
          }),
        ),
        /has no config\.pbtxt, which a load from the agent must send/,
      );
    } finally {
      await bare.remove();
    }
  });
});

describe('validateLive loading on a server without explicit model control', function () {
  this.timeout(20_000);

  it('tells the user to start Triton with --model-control-mode=explicit', async () => {
    const repo = await tempFolder('live-repo-');
    await writeTritonModelFolder(repo.dir, buildAddSubModel());
    const server = await startTritonServer({ repository: repo.dir });
    try {
      const report = await validateLive(
        liveOptions(server.url, 'add_sub', {
          mode: 'load',
          modelFolder: path.join(repo.dir, 'add_sub'),
        }),
      );
      const load = checkOf(report, 'load');
      assert.equal(load.status, 'failed');
      assert.match(load.summary, /explicit model load \/ unload is not allowed/);
      assert.match(load.summary, /start it with --model-control-mode=explicit/);
    } finally {
      await server.close();
      await repo.remove();
    }
  });
});
