import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../test/harness/task-runner';
import type { Benchmark, BenchRow } from './bench-types';
import { median, nodeStartMs } from './support/measure';

const RUNS = 5;

/** Inputs that make each task send its first request to the server at `url`. */
function firstRequestInputs(url: string): Record<string, Record<string, string>> {
  return {
    MLflowLogRun: { experimentName: 'bench' },
    RegisterModel: { modelName: 'bench', runId: '0123456789abcdef0123456789abcdef' },
    SetAlias: { modelName: 'bench', alias: 'challenger', version: '1' },
    ValidateTritonModel: { source: 'registry', modelName: 'bench', registryAlias: 'challenger' },
    PromoteToChampion: { modelName: 'bench' },
    DeployToTriton: {
      modelName: 'bench',
      alias: 'champion',
      tritonUrl: url,
      modelRepository: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-repo-')),
    },
  };
}

/** Milliseconds from spawning the task to its first request (or to its exit, if none). */
async function coldStart(
  task: string,
  inputs: Record<string, string>,
  server: { url: string; next: () => Promise<number> },
): Promise<number> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AGENT_TEMPDIRECTORY: os.tmpdir(),
    MLFLOW_TRACKING_URI: server.url,
    MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'tasks', task, 'index.js')], {
    env,
    stdio: 'ignore',
  });
  const exited = new Promise<number>((resolve) =>
    child.on('close', () => resolve(performance.now())),
  );
  const first = await Promise.race([server.next(), exited]);
  await exited;
  return first - started;
}

async function startRecorder(): Promise<{
  url: string;
  next: () => Promise<number>;
  close(): void;
}> {
  let waiting: ((time: number) => void) | undefined;
  const server = http.createServer((request, response) => {
    waiting?.(performance.now());
    waiting = undefined;
    request.resume();
    response.writeHead(503, { 'Content-Type': 'text/plain' }).end('benchmark');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    next: () => new Promise<number>((resolve) => (waiting = resolve)),
    close: () => server.close(),
  };
}

/** The .vsix size, each bundle's size, each task's cold start against `node -e 0`. */
export const run: Benchmark = async () => {
  const rows: BenchRow[] = [];
  const vsixDir = path.join(REPO_ROOT, 'out', 'vsix');
  const vsix = fs.readdirSync(vsixDir).find((name) => name.endsWith('.vsix'));
  if (vsix) {
    const size = fs.statSync(path.join(vsixDir, vsix)).size / 1024 / 1024;
    rows.push({ name: '.vsix size', value: size, unit: 'MB', target: '<= 5 MB', pass: size <= 5 });
  }
  const tasks = fs.readdirSync(path.join(REPO_ROOT, 'dist', 'tasks')).sort();
  for (const task of tasks) {
    const size = fs.statSync(path.join(REPO_ROOT, 'dist', 'tasks', task, 'index.js')).size;
    rows.push({ name: `${task} bundle`, value: size / 1024, unit: 'KB' });
  }

  const starts: number[] = [];
  for (let i = 0; i < RUNS; i++) starts.push(await nodeStartMs());
  const baseline = median(starts);
  const recorder = await startRecorder();
  try {
    const inputs = firstRequestInputs(recorder.url);
    for (const task of tasks) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++)
        times.push(await coldStart(task, inputs[task] ?? {}, recorder));
      const value = median(times);
      rows.push({
        name: `${task} cold start (to first request)`,
        value,
        unit: 'ms',
        baseline: { name: 'node -e 0', value: baseline },
        ratio: value / baseline,
      });
    }
  } finally {
    recorder.close();
  }
  return rows;
};
