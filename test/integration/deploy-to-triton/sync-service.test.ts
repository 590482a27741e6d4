import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSync } from '../../../bin/sync';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { startTritonServer, type TritonTestServer } from '../../servers/triton';
import { classifierNamed, moveAlias, registerVersion } from './registry-seed';

const MODEL = 'churn';

interface LogLine {
  level: string;
  event: string;
  model?: string;
  version?: string;
  message: string;
  retryInSeconds?: number;
}

/** Polls until `check` holds; fails with `what` and the log's last lines after `ms`. */
async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  lines: LogLine[],
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const tail = lines.slice(-5).map((line) => JSON.stringify(line));
  assert.fail(`${what} did not happen within ${ms} ms; last log lines:\n${tail.join('\n')}`);
}

for (const mode of [2, 3] as const) {
  describe(`sync service against MLflow ${mode}.x and Triton`, function () {
    this.timeout(90_000);
    let mlflow: MlflowTestServer;
    let triton: TritonTestServer;
    let repo: string;

    beforeEach(async () => {
      mlflow = await startMlflowServer({ mode });
      repo = await mkdtemp(path.join(os.tmpdir(), 'sync-repo-'));
      triton = await startTritonServer({ repository: repo, modelControl: 'explicit' });
    });
    afterEach(async () => {
      await triton.close();
      await mlflow.close();
      await rm(repo, { recursive: true, force: true });
    });

    const readyVersion = async (): Promise<string | undefined> =>
      (await triton.index()).find((e) => e.name === MODEL && e.state === 'READY')?.version;

    it('follows two alias moves and keeps going through MLflow and Triton outages', async () => {
      const versions: string[] = [];
      for (let i = 0; i < 3; i++) {
        versions.push(await registerVersion(mlflow, MODEL, classifierNamed(MODEL, i)));
      }
      await moveAlias(mlflow, MODEL, 'champion', '1');

      const lines: LogLine[] = [];
      let stop: () => void = () => undefined;
      const exit = runSync([], {
        env: {
          MLFLOW_TRACKING_URI: mlflow.url,
          MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
          SYNC_MODELS: `${MODEL}@champion`,
          TRITON_URL: triton.url,
          TRITON_MODEL_REPOSITORY: repo,
          SYNC_INTERVAL_SECONDS: '1',
          SYNC_MAX_BACKOFF_SECONDS: '2',
          SYNC_READY_TIMEOUT_SECONDS: '10',
          SYNC_KEEP_VERSIONS: '1',
          SYNC_HOST: '127.0.0.1',
          SYNC_PORT: '0',
          SYNC_DEPLOYED_BY: 'sync test',
        },
        write: (line) => lines.push(JSON.parse(line) as LogLine),
        onStop: (request) => {
          stop = request;
        },
      });

      await eventually('version 1 serving', async () => (await readyVersion()) === '1', lines);
      const listening = lines.find((line) => line.event === 'listening');
      const base = /(http:\/\/\S+)\/healthz/.exec(listening?.message ?? '')?.[1];
      assert.ok(base, 'the service says where its endpoints are');

      await moveAlias(mlflow, MODEL, 'champion', '2');
      await eventually('version 2 serving', async () => (await readyVersion()) === '2', lines);

      // MLflow answers no reads for a while; the alias moves meanwhile.
      const outage = mlflow.faults.add({ method: 'GET', status: 503 });
      await eventually('a backoff', () => lines.some((l) => l.event === 'backoff'), lines);
      await moveAlias(mlflow, MODEL, 'champion', '3');
      await eventually('a second failed round', () => outage.hits >= 2, lines);
      // Then Triton refuses the first load of version 3.
      triton.injectFault({ path: /\/load$/, status: 503, message: 'Server not ready' });
      mlflow.faults.clear();

      await eventually('version 3 serving', async () => (await readyVersion()) === '3', lines);
      // Triton serves the version before the round that loaded it has recorded it.
      const recorded = (): boolean =>
        lines.some((line) => line.event === 'deployed' && line.version === '3');
      await eventually('version 3 recorded', recorded, lines);
      const health = await fetch(`${base}/healthz`);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      stop();
      assert.equal(await exit, 0);

      assert.equal(health.status, 200);
      const labels = `{model="${MODEL}",alias="champion",triton_model="${MODEL}"}`;
      assert.match(metrics, new RegExp(`triton_sync_deployed_version${labels} 3\\n`));
      assert.match(metrics, new RegExp(`triton_sync_deployments_total${labels} 3\\n`));
      const failures = Number(
        new RegExp(`triton_sync_failures_total${labels} (\\d+)`).exec(metrics)?.[1],
      );
      assert.ok(failures >= 3, `failures counted: ${failures}`);
      assert.match(metrics, /triton_sync_last_success_timestamp_seconds\{[^}]*\} \d+/);

      const deployed = lines.filter((l) => l.event === 'deployed').map((l) => l.version);
      assert.deepEqual(deployed, ['1', '2', '3']);
      const failed = lines.filter((l) => l.event === 'failed').map((l) => l.message);
      assert.ok(
        failed.some((m) => /MLflow/.test(m) && /503/.test(m)),
        failed.join('\n'),
      );
      assert.ok(
        failed.some((m) => /could not load version 3.*Server not ready/.test(m)),
        failed.join('\n'),
      );
      const waits = lines.filter((l) => l.event === 'backoff').map((l) => l.retryInSeconds);
      assert.deepEqual(
        waits.slice(0, 2),
        [1, 2],
        'the wait doubles up to SYNC_MAX_BACKOFF_SECONDS',
      );
      assert.equal(lines.at(-1)?.event, 'stopped');
      assert.ok(lines.every((l) => typeof l.message === 'string' && typeof l.level === 'string'));
      assert.deepEqual((await readdir(path.join(repo, MODEL))).sort(), [
        '2',
        '3',
        'config.pbtxt',
        'mlflow-deployment.json',
      ]);
      const tag = mlflow.store.modelVersion(MODEL, '3').tags;
      assert.match([...tag.values()].join(' '), /deployed .* by sync test/);
    });

    it('--once: one round, exit 0 when in sync and 1 when MLflow does not answer', async () => {
      const version = await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
      await moveAlias(mlflow, MODEL, 'champion', version);
      const lines: LogLine[] = [];
      const once = () =>
        runSync(['--once'], {
          env: {
            MLFLOW_TRACKING_URI: mlflow.url,
            MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
            SYNC_MODELS: `${MODEL}@champion`,
            TRITON_URL: triton.url,
            TRITON_MODEL_REPOSITORY: repo,
          },
          write: (line) => lines.push(JSON.parse(line) as LogLine),
          onStop: () => assert.fail('--once does not wait for a stop'),
        });

      assert.equal(await once(), 0);
      assert.equal(await readyVersion(), version);
      mlflow.faults.add({ status: 503 });
      assert.equal(await once(), 1);

      assert.deepEqual(
        lines.map((l) => l.event),
        ['deployed', 'failed'],
      );
    });
  });
}
