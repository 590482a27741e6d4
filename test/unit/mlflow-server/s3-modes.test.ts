import * as assert from 'node:assert/strict';

import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

import { startMlflowServer } from '../../servers/mlflow';
import { type TestS3, startS3 } from '../../servers/s3';
import { call, createRun } from './helpers';

const api = '/api/2.0/mlflow';

describe('MLflow test server: artifacts in S3', function () {
  this.timeout(30000);
  let s3: TestS3;

  before(async () => {
    s3 = await startS3();
  });

  after(async () => {
    await s3.close();
  });

  it('s3-direct: lists what the client wrote to S3, and the proxy answers 503', async () => {
    const server = await startMlflowServer({ artifacts: 's3-direct', s3 });
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      const runId = await createRun(server);
      const run = server.store.runs.get(runId);
      assert.equal(run?.artifactUri, `s3://${s3.bucket}/1/${runId}/artifacts`);
      await client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: `1/${runId}/artifacts/model/model.onnx`,
          Body: Buffer.alloc(42),
        }),
      );
      const listed = await call(server, 'GET', `${api}/artifacts/list?run_id=${runId}&path=model`);
      assert.deepEqual((listed.body as { files: unknown[] }).files, [
        { path: 'model/model.onnx', is_dir: false, file_size: 42 },
      ]);
      const proxy = await call(server, 'GET', '/api/2.0/mlflow-artifacts/artifacts?path=1');
      assert.equal(proxy.status, 503);
      assert.equal(proxy.contentType, 'text/html; charset=utf-8');
    } finally {
      client.destroy();
      await server.close();
    }
  });

  it('s3-proxy: multipart upload through presigned part URLs assembles the file', async () => {
    const server = await startMlflowServer({ artifacts: 's3-proxy', s3 });
    try {
      const runId = await createRun(server);
      const dir = `/api/2.0/mlflow-artifacts/mpu/%s/1/${runId}/artifacts/model`;
      const created = await call(server, 'POST', dir.replace('%s', 'create'), {
        path: 'weights.bin',
        num_parts: 2,
      });
      const { upload_id: uploadId, credentials } = created.body as {
        upload_id: string;
        credentials: { url: string; part_number: number }[];
      };
      assert.equal(credentials.length, 2);
      const parts = [];
      for (const credential of credentials) {
        assert.match(credential.url, /X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}$/);
        const put = await fetch(credential.url, { method: 'PUT', body: Buffer.alloc(100) });
        parts.push({ part_number: credential.part_number, etag: put.headers.get('etag') ?? '' });
      }
      const completed = await call(server, 'POST', dir.replace('%s', 'complete'), {
        path: 'weights.bin',
        upload_id: uploadId,
        parts,
      });
      assert.equal(completed.status, 200);
      const stored = await server.artifacts();
      assert.ok(
        stored.some((a) => a.path === `1/${runId}/artifacts/model/weights.bin` && a.size === 200),
        JSON.stringify(stored),
      );
    } finally {
      await server.close();
    }
  });

  it('proxy on local disk: multipart upload is not implemented (501)', async () => {
    const server = await startMlflowServer();
    try {
      const runId = await createRun(server);
      const answer = await call(
        server,
        'POST',
        `/api/2.0/mlflow-artifacts/mpu/create/1/${runId}/artifacts/model`,
        { path: 'weights.bin', num_parts: 1 },
      );
      assert.equal(answer.status, 501);
      assert.deepEqual(answer.body, {
        error_code: 'NOT_IMPLEMENTED',
        message: 'Multipart upload is not supported for the current artifact repository',
      });
    } finally {
      await server.close();
    }
  });
});
