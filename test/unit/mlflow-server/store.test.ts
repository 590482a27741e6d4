import * as assert from 'node:assert/strict';

import { type MlflowTestServer, startMlflowServer } from '../../servers/mlflow';
import { call, createRun } from './helpers';

const api = '/api/2.0/mlflow';

describe('MLflow test server: the store tests assert against', () => {
  let server: MlflowTestServer;

  beforeEach(async () => {
    server = await startMlflowServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('keeps a run with params, tags, status and the full metric history', async () => {
    const runId = await createRun(server);
    await call(server, 'POST', `${api}/runs/log-batch`, {
      run_id: runId,
      params: [{ key: 'lr', value: '0.01' }],
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 10, step: 0 },
        { key: 'loss', value: 0.3, timestamp: 20, step: 1 },
      ],
      tags: [{ key: 'git.commit', value: 'abc' }],
    });
    await call(server, 'POST', `${api}/runs/update`, { run_id: runId, status: 'FINISHED' });
    const run = server.store.runs.get(runId);
    assert.ok(run !== undefined);
    assert.equal(run.status, 'FINISHED');
    assert.equal(run.params.get('lr'), '0.01');
    assert.equal(run.tags.get('git.commit'), 'abc');
    assert.deepEqual(
      run.metrics.map((m) => [m.key, m.value, m.step]),
      [
        ['loss', 0.5, 0],
        ['loss', 0.3, 1],
      ],
    );
  });

  it('lists stored artifact files with their sizes', async () => {
    const runId = await createRun(server);
    const proxy = `${server.url}/api/2.0/mlflow-artifacts/artifacts`;
    const file = `${proxy}/1/${runId}/artifacts/model/MLmodel`;
    await fetch(file, { method: 'PUT', body: 'flavors: {}\n' });
    assert.deepEqual(await server.artifacts(), [
      { path: `1/${runId}/artifacts/model/MLmodel`, size: 12 },
    ]);
  });

  it('keeps registered models, versions with tags and aliases', async () => {
    const runId = await createRun(server);
    await call(server, 'POST', `${api}/registered-models/create`, { name: 'churn' });
    await call(server, 'POST', `${api}/model-versions/create`, {
      name: 'churn',
      source: `runs:/${runId}/model`,
      run_id: runId,
      tags: [{ key: 'validated', value: 'true' }],
    });
    await call(server, 'POST', `${api}/registered-models/alias`, {
      name: 'churn',
      alias: 'champion',
      version: '1',
    });
    const version = server.store.modelVersions[0];
    assert.equal(version?.status, 'READY');
    assert.equal(version?.tags.get('validated'), 'true');
    assert.equal(server.store.registeredModels.get('churn')?.aliases.get('champion'), 1);
  });
});

describe('MLflow test server: registration that takes time or fails', () => {
  let server: MlflowTestServer;

  beforeEach(async () => {
    server = await startMlflowServer();
    await call(server, 'POST', `${api}/registered-models/create`, { name: 'm' });
  });

  afterEach(async () => {
    await server.close();
  });

  async function statusAfterCreate(): Promise<string[]> {
    const created = await call(server, 'POST', `${api}/model-versions/create`, {
      name: 'm',
      source: 's3://bucket/model',
    });
    const statuses = [(created.body as { model_version: { status: string } }).model_version.status];
    for (let poll = 0; poll < 3; poll += 1) {
      const got = await call(server, 'GET', `${api}/model-versions/get?name=m&version=1`);
      statuses.push((got.body as { model_version: { status: string } }).model_version.status);
    }
    return statuses;
  }

  it('stays PENDING_REGISTRATION for the given number of polls, then READY', async () => {
    server.registration = { pendingPolls: 2 };
    assert.deepEqual(await statusAfterCreate(), [
      'PENDING_REGISTRATION',
      'PENDING_REGISTRATION',
      'PENDING_REGISTRATION',
      'READY',
    ]);
  });

  it('ends FAILED_REGISTRATION with the status message', async () => {
    server.registration = { pendingPolls: 0, failWith: 'copy failed' };
    assert.deepEqual(await statusAfterCreate(), [
      'PENDING_REGISTRATION',
      'FAILED_REGISTRATION',
      'FAILED_REGISTRATION',
      'FAILED_REGISTRATION',
    ]);
    assert.equal(server.store.modelVersions[0]?.statusMessage, 'copy failed');
  });
});
