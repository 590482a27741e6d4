import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../harness/task-runner';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { startTritonServer, type TritonTestServer } from '../../servers/triton';
import { classifierNamed, moveAlias, registerVersion } from './registry-seed';

const MODEL = 'churn';
const SYNC_MODULE = path.join(REPO_ROOT, 'out', 'bin', 'sync.js');

describe('sync service process: SIGTERM during a deployment', function () {
  this.timeout(60_000);
  let mlflow: MlflowTestServer;
  let triton: TritonTestServer;
  let repo: string;

  before(async () => {
    mlflow = await startMlflowServer({ mode: 3 });
    repo = await mkdtemp(path.join(os.tmpdir(), 'sync-stop-'));
    triton = await startTritonServer({ repository: repo, modelControl: 'explicit' });
  });
  after(async () => {
    await triton.close();
    await mlflow.close();
    await rm(repo, { recursive: true, force: true });
  });

  it('finishes the version under way, then exits 0 with nothing half-written', async () => {
    const version = await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
    await moveAlias(mlflow, MODEL, 'champion', version);
    triton.setLoadDelay(MODEL, 2_000);

    const child = spawn(
      process.execPath,
      ['-e', `require(${JSON.stringify(SYNC_MODULE)}).syncCli([]).then((c) => process.exit(c))`],
      {
        env: {
          PATH: process.env.PATH ?? '',
          MLFLOW_TRACKING_URI: mlflow.url,
          SYNC_MODELS: `${MODEL}@champion`,
          TRITON_URL: triton.url,
          TRITON_MODEL_REPOSITORY: repo,
          SYNC_HOST: '127.0.0.1',
          SYNC_PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.on('exit', (code) => resolve({ code, at: Date.now() })),
    );

    // The version folder is in place once the load request is under way.
    const deadline = Date.now() + 20_000;
    while (!existsSync(path.join(repo, MODEL, version)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(existsSync(path.join(repo, MODEL, version)), `no deployment started:\n${stdout}`);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const { code, at } = await exited;

    assert.equal(code, 0, stdout);
    assert.ok(at - signalled >= 1_000, 'it waited for the load under way');
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { event: string; version?: string }).event);
    assert.deepEqual(events, ['listening', 'started', 'stopping', 'deployed', 'stopped']);
    assert.deepEqual((await readdir(path.join(repo, MODEL))).sort(), [
      '1',
      'config.pbtxt',
      'mlflow-deployment.json',
    ]);
    const ready = (await triton.index()).filter((e) => e.name === MODEL && e.state === 'READY');
    assert.deepEqual(
      ready.map((e) => e.version),
      ['1'],
    );
  });
});
