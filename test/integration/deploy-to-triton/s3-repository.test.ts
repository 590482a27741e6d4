import * as assert from 'node:assert/strict';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBundledTask } from '../../harness/task-runner';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { startS3, type TestS3 } from '../../servers/s3';
import { startTritonServer, type TritonTestServer } from '../../servers/triton';
import { PIPELINE } from '../register-model/seed';
import { classifierNamed, moveAlias, registerVersion, s3Uploader } from './registry-seed';

const MODEL = 'churn';
const PREFIX = 'triton-repo';

for (const mode of [2, 3] as const) {
  describe(`DeployToTriton into an s3:// repository (MLflow ${mode}.x, S3 artifacts)`, function () {
    this.timeout(90_000);
    let s3: TestS3;
    let mlflow: MlflowTestServer;
    let triton: TritonTestServer;
    let emptyRepo: string;

    before(async () => {
      s3 = await startS3();
    });
    after(async () => s3.close());
    beforeEach(async () => {
      mlflow = await startMlflowServer({ mode, artifacts: 's3-direct', s3 });
      // Triton reads the S3 repository itself; the test server stands for its API only.
      emptyRepo = await mkdtemp(path.join(os.tmpdir(), 'triton-unused-'));
      triton = await startTritonServer({ repository: emptyRepo, modelControl: 'none' });
    });
    afterEach(async () => {
      await triton.close();
      await mlflow.close();
      await rm(emptyRepo, { recursive: true, force: true });
    });

    /** Every key under the model's folder in the repository, relative to it. */
    async function repositoryKeys(): Promise<string[]> {
      const client = new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      try {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${PREFIX}/${MODEL}/` }),
        );
        return (page.Contents ?? [])
          .map((object) => (object.Key ?? '').slice(`${PREFIX}/${MODEL}/`.length))
          .sort();
      } finally {
        client.destroy();
      }
    }

    const deploy = () =>
      runBundledTask('DeployToTriton', {
        inputs: {
          modelName: MODEL,
          alias: 'champion',
          tritonUrl: triton.url,
          modelRepository: `s3://${s3.bucket}/${PREFIX}`,
          modelControl: 'none',
          keepVersions: '1',
          maxRetries: '0',
          mlflowServiceConnection: 'mlflow',
        },
        variables: PIPELINE,
        endpoints: { mlflow: { url: mlflow.url, scheme: 'None' } },
        env: {
          MLFLOW_S3_ENDPOINT_URL: s3.endpoint,
          AWS_ACCESS_KEY_ID: s3.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        },
      });

    it('writes each version whole, keeps one older version, and refuses a broken one', async () => {
      const upload = s3Uploader(s3);
      for (let i = 0; i < 3; i++) {
        const version = await registerVersion(mlflow, MODEL, classifierNamed(MODEL, i), {}, upload);
        await moveAlias(mlflow, MODEL, 'champion', version);
        const result = await deploy();
        assert.equal(result.result, 'Succeeded', result.resultMessage);
        assert.match(
          result.resultMessage,
          new RegExp(`Deployed version ${version} .*files in place`),
        );
        assert.equal(result.secrets.includes(s3.secretAccessKey), true, 'the S3 key is masked');
      }
      const expected = [
        '2/MLmodel',
        '2/model.onnx',
        '3/MLmodel',
        '3/model.onnx',
        'config.pbtxt',
        'mlflow-deployment.json',
      ];
      assert.deepEqual(await repositoryKeys(), expected);

      const broken = 'name: "churn"\nplatform: "onnxruntime_onnx"\nmax_batch_size: -4\n';
      const bad = await registerVersion(
        mlflow,
        MODEL,
        classifierNamed(MODEL, 3),
        { configText: broken },
        upload,
      );
      await moveAlias(mlflow, MODEL, 'champion', bad);
      const refused = await deploy();
      assert.equal(refused.result, 'Failed');
      assert.match(refused.resultMessage, /models:\/churn\/4 was not deployed/);
      assert.deepEqual(await repositoryKeys(), expected, 'nothing changed, no staging left');
    });
  });
}
