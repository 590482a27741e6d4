import * as assert from 'node:assert/strict';

import { type MlflowTestServer, startMlflowServer } from '../../servers/mlflow';
import { call, createRun } from './helpers';
import { send } from './replay-http';

const api = '/api/2.0/mlflow';

function many(count: number, make: (i: number) => unknown): unknown[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

describe('MLflow test server: limits and rules the recordings do not show', () => {
  let server: MlflowTestServer;
  let runId: string;

  before(async () => {
    server = await startMlflowServer();
    runId = await createRun(server);
  });

  after(async () => {
    await server.close();
  });

  const metric = (i: number): unknown => ({ key: `m${i}`, value: 1, timestamp: 1, step: 0 });
  const pair = (i: number): unknown => ({ key: `k${i}`, value: 'v' });
  const limitCases: { name: string; body: Record<string, unknown>; message: string }[] = [
    {
      name: '1001 metrics',
      body: { metrics: many(1001, metric) },
      message:
        'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please ' +
        'split up metrics across multiple requests and try again.',
    },
    {
      name: '101 params',
      body: { params: many(101, pair) },
      message:
        'A batch logging request can contain at most 100 params. Got 101 params. Please split ' +
        'up params across multiple requests and try again.',
    },
    {
      name: '101 tags',
      body: { tags: many(101, pair) },
      message:
        'A batch logging request can contain at most 100 tags. Got 101 tags. Please split up ' +
        'tags across multiple requests and try again.',
    },
    {
      name: '1001 entities in all',
      body: { metrics: many(950, metric), params: many(51, pair) },
      message:
        'A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 ' +
        'metrics, params, and tags. Please split up metrics, params, and tags across multiple ' +
        'requests and try again.',
    },
    {
      name: 'a null metric value',
      body: { metrics: [{ key: 'loss', value: null, timestamp: 1, step: 0 }] },
      message:
        "Missing value for required parameter 'metrics[0].value'. See the API docs for more " +
        'information about request parameters.',
    },
  ];

  for (const testCase of limitCases) {
    it(`rejects a log-batch with ${testCase.name}`, async () => {
      const answer = await call(server, 'POST', `${api}/runs/log-batch`, {
        run_id: runId,
        ...testCase.body,
      });
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.body, {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: testCase.message,
      });
    });
  }

  it('truncates a param value to 6000 and a tag value to 8000 characters', async () => {
    const answer = await call(server, 'POST', `${api}/runs/log-batch`, {
      run_id: runId,
      params: [{ key: 'long', value: 'p'.repeat(6001) }],
      tags: [{ key: 'long', value: 't'.repeat(8001) }],
    });
    assert.equal(answer.status, 200);
    const run = server.store.runs.get(runId);
    assert.equal(run?.params.get('long')?.length, 6000);
    assert.equal(run?.tags.get('long')?.length, 8000);
  });

  it('rejects a param key over 250 characters', async () => {
    const key = 'k'.repeat(251);
    const answer = await call(server, 'POST', `${api}/runs/log-parameter`, {
      run_id: runId,
      key,
      value: 'v',
    });
    assert.deepEqual(answer.body, {
      error_code: 'INVALID_PARAMETER_VALUE',
      message: `Param key '${'k'.repeat(250)}' had length 251, which exceeded length limit of 250`,
    });
  });

  it('stores +Infinity as the largest double and answers NaN as "NaN"', async () => {
    await call(server, 'POST', `${api}/runs/log-batch`, {
      run_id: runId,
      metrics: [
        { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
        { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
      ],
    });
    const inf = await call(
      server,
      'GET',
      `${api}/metrics/get-history?run_id=${runId}&metric_key=inf`,
    );
    const nan = await call(
      server,
      'GET',
      `${api}/metrics/get-history?run_id=${runId}&metric_key=nan`,
    );
    assert.equal(
      (inf.body as { metrics: { value: number }[] }).metrics[0]?.value,
      Number.MAX_VALUE,
    );
    assert.equal((nan.body as { metrics: { value: string }[] }).metrics[0]?.value, 'NaN');
  });

  it('refuses writes to a deleted run', async () => {
    const deleted = await createRun(server, 'for-delete');
    await call(server, 'POST', `${api}/runs/delete`, { run_id: deleted });
    const answer = await call(server, 'POST', `${api}/runs/set-tag`, {
      run_id: deleted,
      key: 'k',
      value: 'v',
    });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      error_code: 'INVALID_PARAMETER_VALUE',
      message: `The run ${deleted} must be in the 'active' state. Current state is deleted.`,
    });
  });

  it('answers HTML 404 when the client puts a wrong base path before /api', async () => {
    const answer = await call(server, 'GET', `/mlflow${api}/experiments/get?experiment_id=0`);
    assert.equal(answer.status, 404);
    assert.equal(answer.contentType, 'text/html; charset=utf-8');
  });
});

describe('MLflow test server: 3.x mode', () => {
  it('pages metric history and returns the start again without max_results', async () => {
    const server = await startMlflowServer({ mode: 3 });
    try {
      const runId = await createRun(server);
      await call(server, 'POST', `${api}/runs/log-batch`, {
        run_id: runId,
        metrics: many(3, (i) => ({ key: 'loss', value: i, timestamp: 1, step: i })),
      });
      const history = `${api}/metrics/get-history?run_id=${runId}&metric_key=loss`;
      const bare = await call(server, 'GET', history);
      assert.deepEqual(bare.body, { next_page_token: 'eyJvZmZzZXQiOiAwfQ==' });
      const first = await call(server, 'GET', `${history}&max_results=2`);
      const token = (first.body as { next_page_token: string }).next_page_token;
      const second = await call(server, 'GET', `${history}&max_results=2&page_token=${token}`);
      assert.deepEqual(second.body, {
        metrics: [{ key: 'loss', value: 2, timestamp: 1, step: 2 }],
      });
    } finally {
      await server.close();
    }
  });

  it('refuses a foreign Host unless it is in the allowed hosts', async () => {
    const strict = await startMlflowServer({ mode: 3 });
    const open = await startMlflowServer({ mode: 3, allowedHosts: ['mlflow:5000'] });
    try {
      const path = '/api/2.0/mlflow/experiments/get?experiment_id=0';
      const refused = await send('GET', `${strict.url}${path}`, { host: 'mlflow:5000' }, undefined);
      const allowed = await send('GET', `${open.url}${path}`, { host: 'mlflow:5000' }, undefined);
      const health = await send('GET', `${strict.url}/health`, { host: 'mlflow:5000' }, undefined);
      assert.equal(refused.status, 403);
      assert.equal(
        refused.body.toString(),
        'Invalid Host header - possible DNS rebinding attack detected',
      );
      assert.equal(allowed.status, 200);
      assert.equal(health.status, 200);
    } finally {
      await strict.close();
      await open.close();
    }
  });

  it('has no logged-models routes in 2.x mode', async () => {
    const server = await startMlflowServer({ mode: 2 });
    try {
      const answer = await call(server, 'POST', `${api}/logged-models`, { experiment_id: '0' });
      assert.equal(answer.status, 404);
    } finally {
      await server.close();
    }
  });
});
