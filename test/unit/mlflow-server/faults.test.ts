import * as assert from 'node:assert/strict';

import { type MlflowTestServer, startMlflowServer } from '../../servers/mlflow';
import { call } from './helpers';

const createExperiment = '/api/2.0/mlflow/experiments/create';

async function statusesOf(server: MlflowTestServer, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    statuses.push(
      (await call(server, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0')).status,
    );
  }
  return statuses;
}

describe('MLflow test server: fault injection', () => {
  let server: MlflowTestServer;

  beforeEach(async () => {
    server = await startMlflowServer({ faultSeed: 7 });
  });

  afterEach(async () => {
    await server.close();
  });

  it('answers a status with its body a given number of times, then handles normally', async () => {
    const fault = server.faults.add({
      method: 'POST',
      path: createExperiment,
      status: 503,
      body: '{"error_code":"TEMPORARILY_UNAVAILABLE","message":"try later"}',
      times: 2,
    });
    const first = await call(server, 'POST', createExperiment, { name: 'a' });
    const second = await call(server, 'POST', createExperiment, { name: 'a' });
    const third = await call(server, 'POST', createExperiment, { name: 'a' });
    assert.deepEqual([first.status, second.status, third.status], [503, 503, 200]);
    assert.deepEqual(first.body, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'try later' });
    assert.equal(first.contentType, 'application/json');
    assert.equal(fault.hits, 2);
    assert.equal(server.store.experiments.size, 2, 'only the third request created one');
  });

  it('matches paths by pattern and methods exactly', async () => {
    server.faults.add({ method: 'GET', path: /experiments\/get$/, status: 500 });
    assert.equal(
      (await call(server, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0')).status,
      500,
    );
    assert.equal((await call(server, 'POST', createExperiment, { name: 'b' })).status, 200);
  });

  it('resets the connection without an answer', async () => {
    server.faults.add({ path: createExperiment, reset: true, times: 1 });
    await assert.rejects(call(server, 'POST', createExperiment, { name: 'c' }));
    assert.equal(server.store.experiments.size, 1, 'nothing was created');
  });

  it('loses the answer after handling: the change is made, the client sees an error', async () => {
    server.faults.add({ path: createExperiment, afterHandling: true, times: 1 });
    await assert.rejects(call(server, 'POST', createExperiment, { name: 'lost' }));
    const names = [...server.store.experiments.values()].map((e) => e.name);
    assert.ok(names.includes('lost'));
    const retry = await call(server, 'POST', createExperiment, { name: 'lost' });
    assert.equal(retry.status, 400, 'a blind retry meets RESOURCE_ALREADY_EXISTS');
  });

  it('delays the answer', async () => {
    server.faults.add({ path: createExperiment, delayMs: 150, times: 1 });
    const started = Date.now();
    const answer = await call(server, 'POST', createExperiment, { name: 'slow' });
    assert.equal(answer.status, 200);
    assert.ok(Date.now() - started >= 140);
  });

  it('fails a fraction of requests, the same ones for the same seed', async () => {
    server.faults.add({ path: /experiments\/get/, status: 502, probability: 0.5 });
    const first = await statusesOf(server, 20);
    const again = await startMlflowServer({ faultSeed: 7 });
    try {
      again.faults.add({ path: /experiments\/get/, status: 502, probability: 0.5 });
      assert.deepEqual(await statusesOf(again, 20), first);
    } finally {
      await again.close();
    }
    assert.ok(first.includes(502) && first.includes(200), first.join(','));
  });

  it('clears every fault', async () => {
    server.faults.add({ status: 500 });
    server.faults.clear();
    assert.equal((await call(server, 'POST', createExperiment, { name: 'd' })).status, 200);
  });

  it('logs every request with its status, faulted ones included', async () => {
    server.faults.add({ path: createExperiment, status: 429, times: 1 });
    await call(server, 'POST', createExperiment, { name: 'e' });
    await call(server, 'GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=e');
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.path, r.status]),
      [
        ['POST', createExperiment, 429],
        ['GET', '/api/2.0/mlflow/experiments/get-by-name', 404],
      ],
    );
    assert.deepEqual(server.requests[0]?.body, { name: 'e' });
    assert.deepEqual(server.requests[1]?.query, { experiment_name: 'e' });
  });
});
