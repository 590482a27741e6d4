import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBundledTask } from '../../harness/task-runner';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { startS3, type TestS3 } from '../../servers/s3';

const SIZE = 2_500_000;
const MULTIPART_ENV = {
  MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE: '1000',
  MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE: String(1024 * 1024),
};

function workspaceWithLargeFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logrun-mpu-'));
  const bytes = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) bytes[i] = (i * 31) % 251;
  fs.writeFileSync(path.join(dir, 'weights.bin'), bytes);
  return dir;
}

describe("MLflowLogRun: the artifact proxy's multipart upload", function () {
  this.timeout(60_000);
  let s3: TestS3 | undefined;
  let server: MlflowTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await s3?.close();
    server = undefined;
    s3 = undefined;
  });

  it('sends large files in parts straight to S3 when the proxy offers it', async () => {
    s3 = await startS3('mlflow');
    const mlflow = await startMlflowServer({ artifacts: 's3-proxy', s3 });
    server = mlflow;
    const result = await runBundledTask('MLflowLogRun', {
      inputs: { experimentName: 'mpu', artifacts: 'weights.bin', artifactPath: 'model' },
      cwd: workspaceWithLargeFile(),
      env: { MLFLOW_TRACKING_URI: mlflow.url, ...MULTIPART_ENV },
    });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    const shortPath = (path: string): string => path.replace(/\/1\/\w+\//, '/…/');
    const paths = mlflow.requests.map((r) => `${r.method} ${shortPath(r.path)}`);
    assert.ok(paths.includes('POST /api/2.0/mlflow-artifacts/mpu/create/…/artifacts/model'));
    assert.ok(paths.includes('POST /api/2.0/mlflow-artifacts/mpu/complete/…/artifacts/model'));
    assert.ok(!paths.some((p) => p.startsWith('PUT ')), 'no single PUT through the proxy');
    const create = mlflow.requests.find((r) => r.path.includes('/mpu/create/'));
    assert.deepEqual(create?.body, { path: 'weights.bin', num_parts: 3 });
    const stored = (await mlflow.artifacts()).find((a) => a.path.endsWith('model/weights.bin'));
    assert.equal(stored?.size, SIZE);
  });

  it('falls back to one streamed PUT where the proxy answers 501 (local disk)', async () => {
    const mlflow = await startMlflowServer({ artifacts: 'proxy' });
    server = mlflow;
    const result = await runBundledTask('MLflowLogRun', {
      inputs: { experimentName: 'mpu', artifacts: 'weights.bin' },
      cwd: workspaceWithLargeFile(),
      env: { MLFLOW_TRACKING_URI: mlflow.url, ...MULTIPART_ENV },
    });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    const create = mlflow.requests.find((r) => r.path.includes('/mpu/create/'));
    assert.equal(create?.status, 501);
    const put = mlflow.requests.find((r) => r.method === 'PUT');
    assert.equal(put?.status, 200);
    const stored = (await mlflow.artifacts()).find((a) => a.path.endsWith('/weights.bin'));
    assert.equal(stored?.size, SIZE);
  });
});
