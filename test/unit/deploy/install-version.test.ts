import * as assert from 'node:assert/strict';
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { installVersion } from '../../../tasks/common/deploy/install-version';
import { LocalModelStore } from '../../../tasks/common/deploy/local-store';
import type { ModelStore } from '../../../tasks/common/deploy/model-store';
import { S3ModelStore } from '../../../tasks/common/deploy/s3-store';
import { startS3, type TestS3 } from '../../servers/s3';

/** Every file under `dir` with its text, through the store itself. */
async function snapshot(store: ModelStore, dir = 'churn'): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const [name, kind] of await store.list(dir)) {
    const child = `${dir}/${name}`;
    if (kind === 'dir') Object.assign(files, await snapshot(store, child));
    else files[child] = (await store.readText(child)) ?? '<unreadable>';
  }
  return files;
}

const BEFORE = {
  'churn/config.pbtxt': 'old config',
  'churn/1/model.onnx': 'v1',
  'churn/3/model.onnx': 'v3',
  'churn/mlflow-deployment.json': '{"version":"3"}',
};
const STAGED = {
  'churn/.deploy-staging-x/churn/config.pbtxt': 'new config',
  'churn/.deploy-staging-x/churn/2/model.onnx': 'v2',
};

/** A store whose `failAt`-th move fails, as a full disk or a lost connection would. */
function failingMoves(store: ModelStore, failAt: number): ModelStore {
  let moves = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'move') return Reflect.get(target, property, receiver) as unknown;
      return async (from: string, to: string) => {
        moves += 1;
        if (moves === failAt) throw new Error('disk full');
        await target.move(from, to);
      };
    },
  });
}

const stores: {
  name: string;
  open: () => Promise<{ store: ModelStore; close: () => Promise<void> }>;
}[] = [
  {
    name: 'a local folder',
    open: async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'install-'));
      return {
        store: new LocalModelStore(dir),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'an S3 prefix',
    open: async () => {
      const s3: TestS3 = await startS3('models');
      const client = new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      return {
        store: new S3ModelStore('s3://models/repo', client),
        close: async () => {
          client.destroy();
          await s3.close();
        },
      };
    },
  },
];

for (const kind of stores) {
  describe(`installVersion in ${kind.name}`, function () {
    this.timeout(30_000);
    let store: ModelStore;
    let close: () => Promise<void>;

    beforeEach(async () => {
      ({ store, close } = await kind.open());
      for (const [file, text] of Object.entries({ ...BEFORE, ...STAGED })) {
        await store.writeText(file, text);
      }
    });
    afterEach(async () => close());

    const install = (on: ModelStore = store) =>
      installVersion(on, 'churn', 'churn/.deploy-staging-x/churn', '2', ['3'], 'x');

    it('puts the version and config in place and keeps what it replaced until commit', async () => {
      const installation = await install();
      assert.deepEqual(await snapshot(store), {
        'churn/config.pbtxt': 'new config',
        'churn/1/model.onnx': 'v1',
        'churn/2/model.onnx': 'v2',
        'churn/mlflow-deployment.json': '{"version":"3"}',
        'churn/.deploy-retired-x/3/model.onnx': 'v3',
        'churn/.deploy-retired-x/config.pbtxt': 'old config',
      });
      await installation.commit();
      assert.deepEqual(await snapshot(store), {
        'churn/config.pbtxt': 'new config',
        'churn/1/model.onnx': 'v1',
        'churn/2/model.onnx': 'v2',
        'churn/mlflow-deployment.json': '{"version":"3"}',
      });
    });

    it('rolls back to exactly the folder it found', async () => {
      const installation = await install();
      await installation.rollback();
      assert.deepEqual(await snapshot(store), { ...BEFORE, ...STAGED });
    });

    for (const failAt of [1, 2, 3, 4]) {
      it(`undoes its moves when move ${failAt} fails, and reports the failure`, async () => {
        await assert.rejects(install(failingMoves(store, failAt)), /disk full/);
        assert.deepEqual(await snapshot(store), { ...BEFORE, ...STAGED });
      });
    }
  });
}
