import * as assert from 'node:assert/strict';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS } from '../../../tasks/common/http/settings';
import { MlflowClient } from '../../../tasks/common/mlflow/mlflow-client';
import { deleteAlias, getAliasVersion } from '../../../tasks/common/mlflow/registry/aliases';
import { ensureRegisteredModel } from '../../../tasks/common/mlflow/registry/registered-model';
import {
  findEarlierRegistration,
  registerVersion,
} from '../../../tasks/common/mlflow/registry/registration';
import type { ResolvedSource } from '../../../tasks/common/mlflow/registry/run-model';
import { waitUntilReady } from '../../../tasks/common/mlflow/registry/wait-ready';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';

const CREATE_VERSION = '/api/2.0/mlflow/model-versions/create';
const SOURCE: ResolvedSource = {
  source: 's3://models/churn/1',
  artifactUri: 's3://models/churn/1',
  origin: 'uri',
  description: 's3://models/churn/1',
};

function clientOf(server: MlflowTestServer): MlflowClient {
  return new MlflowClient({
    trackingUri: server.url,
    auth: { kind: 'none' },
    tls: { insecure: false },
    s3: { region: 'us-east-1', tls: { insecure: false } },
    retry: { ...DEFAULT_RETRY, maxRetries: 1, maxTotalMs: 2_000 },
    timeouts: DEFAULT_TIMEOUTS,
    origin: 'test',
  });
}

for (const mode of [2, 3] as const) {
  describe(`registry calls against MLflow ${mode}.x`, () => {
    let server: MlflowTestServer;
    let client: MlflowClient;
    beforeEach(async () => {
      server = await startMlflowServer({ mode });
      client = clientOf(server);
    });
    afterEach(async () => server.close());

    const createdVersions = () => server.requests.filter((r) => r.path === CREATE_VERSION);

    it('tells an unset alias (400 or 404) from a missing model and a wrong URL', async () => {
      await ensureRegisteredModel(client, 'churn');
      assert.equal(await getAliasVersion(client, 'churn', 'champion'), undefined);
      await assert.rejects(
        getAliasVersion(client, 'nope', 'champion'),
        /no registered model "nope"/,
      );
      await assert.rejects(deleteAlias(client, 'nope', 'champion'), /no registered model "nope"/);

      server.faults.add({
        path: '/api/2.0/mlflow/registered-models/alias',
        status: 404,
        body: JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'not found' }),
        times: 2,
      });
      assert.equal(await getAliasVersion(client, 'churn', 'champion'), undefined);
      assert.equal(await deleteAlias(client, 'churn', 'champion'), false);

      const wrongBase = clientOf({ ...server, url: `${server.url}/not-mlflow` });
      await assert.rejects(getAliasVersion(wrongBase, 'churn', 'champion'), /HTTP 404/);
    });

    it('reads back a registered model whose create answer was lost', async () => {
      server.faults.add({
        method: 'POST',
        path: '/api/2.0/mlflow/registered-models/create',
        afterHandling: true,
        times: 1,
      });
      const ensured = await ensureRegisteredModel(client, 'churn');
      assert.equal(ensured.model.name, 'churn');
      assert.equal(server.store.registeredModels.size, 1);
    });

    it('creates again after a gateway error that never reached MLflow: one version', async () => {
      await ensureRegisteredModel(client, 'churn');
      server.faults.add({ method: 'POST', path: CREATE_VERSION, status: 502, times: 1 });
      const result = await registerVersion(client, { name: 'churn', source: SOURCE, tags: [] });
      assert.equal(result.how, 'created');
      assert.equal(createdVersions().length, 2);
      assert.equal(server.store.versionsOf('churn').length, 1);
    });

    it("fails at once on MLflow's own error answer, without a second create", async () => {
      await ensureRegisteredModel(client, 'churn');
      server.faults.add({
        method: 'POST',
        path: CREATE_VERSION,
        status: 500,
        body: JSON.stringify({ error_code: 'INTERNAL_ERROR', message: 'disk full' }),
      });
      await assert.rejects(
        registerVersion(client, { name: 'churn', source: SOURCE, tags: [] }),
        /INTERNAL_ERROR: disk full/,
      );
      assert.equal(createdVersions().length, 1);
    });

    it('finds the lost create by its marker, and never reuses a failed registration', async () => {
      await ensureRegisteredModel(client, 'churn');
      server.registration = { pendingPolls: 0, failWith: 'copy failed' };
      const failed = await registerVersion(client, { name: 'churn', source: SOURCE, tags: [] });
      await assert.rejects(
        waitUntilReady(client, 'churn', failed.version.version, { timeoutMs: 5000, pollMs: 1 }),
        /could not register version 1 of model "churn": copy failed/,
      );
      assert.equal(
        await findEarlierRegistration(client, { name: 'churn', source: SOURCE }),
        undefined,
      );

      server.registration = { pendingPolls: 0 };
      server.faults.add({ method: 'POST', path: CREATE_VERSION, afterHandling: true, times: 1 });
      const result = await registerVersion(client, { name: 'churn', source: SOURCE, tags: [] });
      assert.equal(result.how, 'recovered');
      assert.equal(result.version.version, '2');
      assert.equal(server.store.versionsOf('churn').length, 2);
    });

    it('times out naming the version and its last status, on its own clock', async () => {
      await ensureRegisteredModel(client, 'churn');
      server.registration = { pendingPolls: 1000 };
      const { version } = await registerVersion(client, {
        name: 'churn',
        source: SOURCE,
        tags: [],
      });
      let now = 0;
      const pending: number[] = [];
      await assert.rejects(
        waitUntilReady(client, 'churn', version.version, {
          timeoutMs: 10_000,
          pollMs: 2_000,
          now: () => now,
          sleep: (ms) => {
            now += ms;
            return Promise.resolve();
          },
          onPending: (_v, elapsed) => pending.push(elapsed),
        }),
        /Version 1 of model "churn" is still PENDING_REGISTRATION after 10 s/,
      );
      assert.deepEqual(pending, [0, 2000, 4000, 6000, 8000, 10000]);
    });
  });
}
