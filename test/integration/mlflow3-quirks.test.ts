import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS } from '../../tasks/common/http/settings';
import { MlflowClient } from '../../tasks/common/mlflow/mlflow-client';
import { readMetricHistory } from '../../tasks/common/mlflow/tracking/metric-history';
import { REPO_ROOT, runBundledTask } from '../harness/task-runner';
import { startScriptedServer } from '../helpers/scripted-server';
import { startMlflowServer, type MlflowTestServer } from '../servers/mlflow';

const RESOLVER = path.join(REPO_ROOT, 'test', 'helpers', 'resolve-test-hosts.js');
const RESOLVE_TEST_HOSTS = `--require ${RESOLVER}`;

function clientFor(url: string): MlflowClient {
  return new MlflowClient({
    trackingUri: url,
    auth: { kind: 'none' },
    tls: {},
    s3: { region: 'us-east-1', tls: {} },
    retry: { ...DEFAULT_RETRY, maxRetries: 0 },
    timeouts: DEFAULT_TIMEOUTS,
    origin: 'test',
  });
}

describe('MLflow 3.x: the Host check', function () {
  this.timeout(60_000);
  let server: MlflowTestServer | undefined;
  afterEach(async () => server?.close());

  it('explains a 403 "Invalid Host header": allow the agent host on the server', async () => {
    server = await startMlflowServer({ mode: 3 });
    const url = server.url.replace('127.0.0.1', 'mlflow.hospital.test');
    const result = await runBundledTask('MLflowLogRun', {
      inputs: { experimentName: 'host-check' },
      env: { MLFLOW_TRACKING_URI: url, NODE_OPTIONS: RESOLVE_TEST_HOSTS },
    });
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage, /HTTP 403/);
    assert.match(result.resultMessage, /Invalid Host header/);
    assert.match(result.resultMessage, /allowed hosts \(mlflow server --allowed-hosts/);
    assert.equal(server.store.runs.size, 0);
  });

  it('works once the server allows that host', async () => {
    server = await startMlflowServer({ mode: 3, allowedHosts: ['mlflow.hospital.test'] });
    const url = server.url.replace('127.0.0.1', 'mlflow.hospital.test');
    const result = await runBundledTask('MLflowLogRun', {
      inputs: { experimentName: 'host-check' },
      env: { MLFLOW_TRACKING_URI: url, NODE_OPTIONS: RESOLVE_TEST_HOSTS },
    });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    assert.equal(server.store.runs.size, 1);
  });
});

describe('MLflow 3.x: metric history paging', function () {
  this.timeout(60_000);

  it('reads a long history across pages; without max_results 3.x answers nothing', async () => {
    const server = await startMlflowServer({ mode: 3 });
    try {
      const client = clientFor(server.url);
      const experiment = await client.raw<{ experiment_id: string }>({
        method: 'POST',
        path: 'api/2.0/mlflow/experiments/create',
        json: { name: 'history' },
      });
      const created = await client.raw<{ run: { info: { run_id: string } } }>({
        method: 'POST',
        path: 'api/2.0/mlflow/runs/create',
        json: { experiment_id: experiment.experiment_id },
      });
      const runId = created.run.info.run_id;
      const total = 26_500;
      for (let start = 0; start < total; start += 1000) {
        const metrics = Array.from({ length: Math.min(1000, total - start) }, (_, i) => ({
          key: 'loss',
          value: 1 / (start + i + 1),
          step: start + i,
          timestamp: 1_796_000_000_000 + start + i,
        }));
        await client.raw({
          method: 'POST',
          path: 'api/2.0/mlflow/runs/log-batch',
          json: { run_id: runId, metrics },
        });
      }
      const quirk = await client.raw<{ metrics?: unknown[]; next_page_token?: string }>({
        method: 'GET',
        path: 'api/2.0/mlflow/metrics/get-history',
        query: { run_id: runId, metric_key: 'loss' },
      });
      assert.equal(quirk.metrics, undefined, 'the quirk: no max_results, no points');
      assert.ok(quirk.next_page_token, 'and a token pointing back to the start');

      const before = server.requests.length;
      const history = await readMetricHistory(client, runId, 'loss');
      assert.equal(history.length, total);
      assert.equal(server.requests.length - before, 2, 'two pages of at most 25,000 points');
      assert.deepEqual(
        history.slice(0, 3).map((point) => Number(point.step)),
        [0, 1, 2],
      );
      assert.equal(Number(history.at(-1)?.step), total - 1);
    } finally {
      await server.close();
    }
  });

  it('stops with a clear error when the server hands out the same page token again', async () => {
    const page = JSON.stringify({
      metrics: [{ key: 'loss', value: 0.5, step: 0, timestamp: 1 }],
      next_page_token: 'same-token',
    });
    const server = await startScriptedServer([{ status: 200, body: page }]);
    try {
      await assert.rejects(
        readMetricHistory(clientFor(server.url), 'r1', 'loss'),
        /returned the same page token twice while reading the history of metric "loss"/,
      );
      assert.ok(server.received.length <= 3, 'it stopped instead of reading forever');
      assert.ok(server.received.every((request) => request.url.includes('max_results=')));
    } finally {
      await server.close();
    }
  });
});
