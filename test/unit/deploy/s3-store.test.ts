import * as assert from 'node:assert/strict';
import { S3Client } from '@aws-sdk/client-s3';
import { acquireDeployLock } from '../../../tasks/common/deploy/deploy-lock';
import { S3ModelStore } from '../../../tasks/common/deploy/s3-store';
import { UserError } from '../../../tasks/common/user-error';
import { startS3, type TestS3 } from '../../servers/s3';

describe('S3ModelStore on s3rver', function () {
  this.timeout(30_000);
  let s3: TestS3;
  let client: S3Client;

  before(async () => {
    s3 = await startS3('models');
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
  });
  after(async () => {
    client.destroy();
    await s3.close();
  });

  it('reaches an existing bucket', async () => {
    await new S3ModelStore('s3://models/repo', client).checkReachable();
  });

  it('says a missing bucket does not exist, naming the repository', async () => {
    await assert.rejects(
      new S3ModelStore('s3://nope/repo', client).checkReachable(),
      (error: unknown) =>
        error instanceof UserError &&
        error.message ===
          'The bucket "nope" of the model repository s3://nope/repo does not exist. Create ' +
            'it, or give the s3:// prefix Triton reads its models from.',
    );
  });

  it('lists folders and files, hidden ones included, and moves folders whole', async () => {
    const store = new S3ModelStore('s3://models/repo', client);
    await store.writeText('m/.deploy-staging-a/m/1/model.onnx', 'one');
    await store.writeText('m/.deploy-staging-a/m/config.pbtxt', 'cfg');
    await store.writeText('m/2/model.onnx', 'two');
    assert.deepEqual([...(await store.list('m'))].sort(), [
      ['.deploy-staging-a', 'dir'],
      ['2', 'dir'],
    ]);
    await store.move('m/.deploy-staging-a/m/1', 'm/1');
    assert.equal(await store.readText('m/1/model.onnx'), 'one');
    assert.equal(await store.readText('m/.deploy-staging-a/m/1/model.onnx'), undefined);
    await store.remove('m');
    assert.deepEqual([...(await store.list('m'))], []);
  });

  it('holds the deploy lock in S3 too, where a second deployer is refused', async () => {
    const store = new S3ModelStore('s3://models/locks', client);
    const release = await acquireDeployLock(store, 'churn', 'pipeline run 41', 3_600_000);
    await assert.rejects(
      acquireDeployLock(store, 'churn', 'sync service', 3_600_000),
      /Another deployment of 'churn' is under way in s3:\/\/models\/locks: pipeline run 41/,
    );
    await release();
    assert.equal(await store.readText('.churn.deploy-lock'), undefined);
  });
});
