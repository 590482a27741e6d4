import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMlflowServer } from '../test/servers/mlflow';
import type { Benchmark, BenchRow } from './bench-types';
import { runWithPeakMemory } from './support/measure';

const METRIC_POINTS = 100_000;
const ARTIFACT_MB = Number(process.env.BENCH_ARTIFACT_MB ?? 1024);

function workspace(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bench-logrun-'));
}

/** Sends a body to the server with a bare node:http request: the floor for any client. */
function plainRequest(
  url: string,
  method: string,
  body: Buffer | fs.ReadStream,
  length: number,
  contentType: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method, headers: { 'Content-Type': contentType, 'Content-Length': length } },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`HTTP ${response.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
    if (Buffer.isBuffer(body)) request.end(body);
    else body.pipe(request);
  });
}

async function metricPoints(): Promise<BenchRow[]> {
  const server = await startMlflowServer({ mode: 2 });
  try {
    const ws = workspace();
    const points = Array.from({ length: METRIC_POINTS }, (_, i) => ({
      step: i,
      value: 1 / (i + 1),
      timestamp: 1_796_000_000_000 + i,
    }));
    fs.writeFileSync(path.join(ws, 'history.json'), JSON.stringify({ loss: points }));

    // Baseline: the same points in the fewest batches MLflow allows, sent by a bare loop.
    const { experiment_id } = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'baseline' }),
    }).then((r) => r.json() as Promise<{ experiment_id: string }>);
    const { run } = await fetch(`${server.url}/api/2.0/mlflow/runs/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ experiment_id }),
    }).then((r) => r.json() as Promise<{ run: { info: { run_id: string } } }>);
    const baselineStart = performance.now();
    for (let i = 0; i < METRIC_POINTS; i += 1000) {
      const metrics = points.slice(i, i + 1000).map((p) => ({ key: 'loss', ...p }));
      const body = Buffer.from(JSON.stringify({ run_id: run.info.run_id, metrics }));
      await plainRequest(
        `${server.url}/api/2.0/mlflow/runs/log-batch`,
        'POST',
        body,
        body.length,
        'application/json',
      );
    }
    const baselineMs = performance.now() - baselineStart;

    const before = server.requests.length;
    const started = performance.now();
    const { result } = await runWithPeakMemory('MLflowLogRun', {
      inputs: {
        experimentName: 'bench-metrics',
        metricsFile: 'history.json',
        workingDirectory: ws,
      },
      env: { MLFLOW_TRACKING_URI: server.url },
    });
    const taskMs = performance.now() - started;
    if (result.result !== 'Succeeded') throw new Error(`task failed: ${result.resultMessage}`);
    const taskRequests = server.requests.slice(before);
    const batches = taskRequests.filter((r) => r.path.endsWith('/runs/log-batch')).length;
    return [
      {
        name: 'MLflowLogRun: requests to log 100,000 metric points',
        value: batches,
        unit: 'log-batch requests',
        baseline: { name: 'fewest MLflow allows', value: Math.ceil(METRIC_POINTS / 1000) },
        ratio: batches / Math.ceil(METRIC_POINTS / 1000),
        target: '<= 101',
        pass: batches <= 101,
      },
      {
        name: 'MLflowLogRun: all requests of that run',
        value: taskRequests.length,
        unit: 'requests',
      },
      {
        name: 'MLflowLogRun: time to log 100,000 metric points (whole task)',
        value: taskMs,
        unit: 'ms',
        baseline: { name: 'bare loop of 100 log-batch POSTs', value: baselineMs },
        ratio: taskMs / baselineMs,
      },
    ];
  } finally {
    await server.close();
  }
}

async function largeArtifact(): Promise<BenchRow[]> {
  const server = await startMlflowServer({ mode: 2 });
  const ws = workspace();
  const file = path.join(ws, 'weights.bin');
  const size = ARTIFACT_MB * 1024 * 1024;
  try {
    // A sparse file: the disk stays free, every read still returns `size` bytes.
    fs.writeFileSync(file, '');
    fs.truncateSync(file, size);

    const baselineStart = performance.now();
    await plainRequest(
      `${server.url}/api/2.0/mlflow-artifacts/artifacts/0/baseline/artifacts/weights.bin`,
      'PUT',
      fs.createReadStream(file),
      size,
      'application/octet-stream',
    );
    const baselineSeconds = (performance.now() - baselineStart) / 1000;

    const started = performance.now();
    const { result, peakBytes } = await runWithPeakMemory('MLflowLogRun', {
      inputs: { experimentName: 'bench-artifact', artifacts: 'weights.bin', workingDirectory: ws },
      env: { MLFLOW_TRACKING_URI: server.url },
      timeoutMs: 600_000,
    });
    const taskSeconds = (performance.now() - started) / 1000;
    if (result.result !== 'Succeeded') throw new Error(`task failed: ${result.resultMessage}`);
    const mb = size / 1024 / 1024;
    const peakMb = peakBytes / 1024 / 1024;
    return [
      {
        name: `MLflowLogRun: upload of a ${mb} MiB artifact (whole task)`,
        value: mb / taskSeconds,
        unit: 'MiB/s',
        baseline: { name: 'plain streamed PUT, MiB/s', value: mb / baselineSeconds },
        ratio: mb / taskSeconds / (mb / baselineSeconds),
      },
      {
        name: `MLflowLogRun: peak memory uploading ${mb} MiB`,
        value: peakMb,
        unit: 'MB',
        target: '< 200 MB',
        pass: peakMb < 200,
      },
    ];
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
    await server.close();
  }
}

/** Issue 3's figures: metric logging requests and time, artifact throughput and memory. */
export const run: Benchmark = async () => [...(await metricPoints()), ...(await largeArtifact())];
