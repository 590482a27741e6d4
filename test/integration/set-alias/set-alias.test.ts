import * as assert from 'node:assert/strict';
import { runBundledTask, type TaskRunOptions, type TaskRunResult } from '../../harness/task-runner';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { api, PIPELINE } from '../register-model/seed';

const ALIAS_ROUTE = '/api/2.0/mlflow/registered-models/alias';

/** Registers `count` versions of "churn" and points the given aliases, straight through the API. */
async function seedModel(
  server: MlflowTestServer,
  count: number,
  aliases: Record<string, number> = {},
): Promise<void> {
  await api(server, 'POST', 'registered-models/create', { name: 'churn' });
  for (let i = 1; i <= count; i++) {
    await api(server, 'POST', 'model-versions/create', {
      name: 'churn',
      source: `s3://models/churn/${i}`,
    });
  }
  for (const [alias, version] of Object.entries(aliases)) {
    await api(server, 'POST', 'registered-models/alias', {
      name: 'churn',
      alias,
      version: String(version),
    });
  }
  server.requests.length = 0;
}

function outputs(result: TaskRunResult): { previous?: string; current?: string } {
  const previous = result.variables.get('previousVersion');
  const current = result.variables.get('currentVersion');
  assert.ok(previous?.isOutput && current?.isOutput, 'both outputs are set as output variables');
  return { previous: previous.value, current: current.value };
}

function writes(server: MlflowTestServer): string[] {
  return server.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
}

for (const mode of [2, 3] as const) {
  describe(`SetAlias against MLflow ${mode}.x`, function () {
    this.timeout(60_000);
    let server: MlflowTestServer;
    beforeEach(async () => {
      server = await startMlflowServer({ mode });
    });
    afterEach(async () => server.close());

    const setAlias = (inputs: Record<string, string>, options: TaskRunOptions = {}) =>
      runBundledTask('SetAlias', {
        ...options,
        inputs: { modelName: 'churn', mlflowServiceConnection: 'mlflow', ...inputs },
        variables: { ...PIPELINE, ...options.variables },
        endpoints: { mlflow: { url: server.url, scheme: 'None' } },
      });
    const aliasesOf = () => server.store.registeredModels.get('churn')?.aliases;
    const tagOf = (version: number, alias: string) =>
      server.store.modelVersion('churn', version).tags.get(`azure_pipelines.alias.${alias}`);

    it('points an unset alias at a version, sent as a string, and records who did it', async () => {
      await seedModel(server, 2);
      const result = await setAlias({ alias: 'challenger', version: '2' });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.equal(aliasesOf()?.get('challenger'), 2);
      assert.deepEqual(outputs(result), { previous: '', current: '2' });
      const post = server.requests.find((r) => r.method === 'POST' && r.path === ALIAS_ROUTE);
      assert.deepEqual(post?.body, { name: 'churn', alias: 'challenger', version: '2' });
      assert.match(tagOf(2, 'challenger') ?? '', /^set \d{4}-\d\d-\d\dT.* 20261203\.7 .*Ada/);
      assert.match(result.resultMessage, /now points to version 2 \(it was not set\)/);
    });

    it('moves an alias and tags both the new and the old version', async () => {
      await seedModel(server, 3, { champion: 1 });
      const result = await setAlias({ alias: 'champion', version: '3' });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.equal(aliasesOf()?.get('champion'), 3);
      assert.deepEqual(outputs(result), { previous: '1', current: '3' });
      assert.match(tagOf(3, 'champion') ?? '', /\(was version 1\)$/);
      assert.match(tagOf(1, 'champion') ?? '', /^removed .*\(moved to version 3\)$/);
    });

    it('says so and changes nothing when the alias already points there', async () => {
      await seedModel(server, 2, { champion: 2 });
      const result = await setAlias({ alias: 'champion', version: '2' });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.match(result.resultMessage, /already points to version 2; nothing changed/);
      assert.deepEqual(outputs(result), { previous: '2', current: '2' });
      assert.deepEqual(writes(server), []);
    });

    it("copies another alias's version (previous-champion := champion)", async () => {
      await seedModel(server, 3, { champion: 2, 'previous-champion': 1 });
      const result = await setAlias({ alias: 'previous-champion', fromAlias: 'champion' });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.equal(aliasesOf()?.get('previous-champion'), 2);
      assert.equal(aliasesOf()?.get('champion'), 2);
      assert.deepEqual(outputs(result), { previous: '1', current: '2' });
    });

    it('fails and changes nothing when the alias to copy is not set', async () => {
      await seedModel(server, 2, { 'previous-champion': 1 });
      const result = await setAlias({ alias: 'previous-champion', fromAlias: 'champion' });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /Input fromAlias: alias "champion" of "churn" is not set/);
      assert.deepEqual(writes(server), []);
      assert.equal(aliasesOf()?.get('previous-champion'), 1);
    });

    it('deletes an alias, reporting where it pointed, and tags the version it left', async () => {
      await seedModel(server, 2, { challenger: 2 });
      const result = await setAlias({ alias: 'challenger', action: 'delete' });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.equal(aliasesOf()?.has('challenger'), false);
      assert.deepEqual(outputs(result), { previous: '2', current: '' });
      assert.match(tagOf(2, 'challenger') ?? '', /^removed /);
      const deleted = server.requests.find((r) => r.method === 'DELETE');
      assert.deepEqual(deleted?.body, { name: 'churn', alias: 'challenger' }, 'a JSON body');
    });

    it('says so and changes nothing when deleting an alias that is not set', async () => {
      await seedModel(server, 1);
      const result = await setAlias({ alias: 'challenger', action: 'delete' });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.match(result.resultMessage, /"challenger" of "churn" is not set; nothing to delete/);
      assert.deepEqual(outputs(result), { previous: '', current: '' });
      assert.deepEqual(writes(server), []);
    });

    it('reads "alias not found" answered as a 404 like the 400 MLflow gives', async () => {
      await seedModel(server, 2);
      const notFound = server.faults.add({
        method: 'GET',
        path: ALIAS_ROUTE,
        status: 404,
        body: JSON.stringify({
          error_code: 'RESOURCE_DOES_NOT_EXIST',
          message: 'Registered model alias challenger not found.',
        }),
      });
      const set = await setAlias({ alias: 'challenger', version: '1' });
      assert.equal(set.result, 'Succeeded', set.resultMessage);
      assert.deepEqual(outputs(set), { previous: '', current: '1' });
      server.store.registeredModels.get('churn')?.aliases.delete('challenger');
      const removed = await setAlias({ alias: 'challenger', action: 'delete' });
      assert.equal(removed.result, 'Succeeded', removed.resultMessage);
      assert.match(removed.resultMessage, /is not set; nothing to delete/);
      assert.ok(notFound.hits >= 2, 'both runs met the 404');
    });

    const badNames: [string, RegExp][] = [
      ['bad alias!', /Invalid alias name: 'bad alias!'\. Names may only contain alphanumerics/],
      ['latest', /'latest' alias name \(case insensitive\) is reserved\./],
      ['LaTeSt', /'latest' alias name \(case insensitive\) is reserved\./],
      ['v12', /Version alias name 'v12' is reserved\./],
      ['a'.repeat(256), /had length 256, which exceeded length limit of 255/],
    ];
    for (const [alias, reason] of badNames) {
      it(`refuses "${alias.slice(0, 12)}" with MLflow's reason, sending nothing`, async () => {
        await seedModel(server, 1);
        const result = await setAlias({ alias, version: '1' });
        assert.equal(result.result, 'Failed');
        assert.match(result.resultMessage, /^Input alias: MLflow refuses the alias/);
        assert.match(result.resultMessage, reason);
        assert.equal(server.requests.length, 0);
      });
    }

    it('fails clearly on a model that does not exist, changing nothing', async () => {
      await seedModel(server, 1, { champion: 1 });
      const result = await setAlias({ modelName: 'churn-typo', alias: 'champion', version: '1' });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /no registered model "churn-typo"/);
      assert.deepEqual(writes(server), []);
    });

    it('fails clearly on a version that does not exist, changing nothing', async () => {
      await seedModel(server, 2, { champion: 1 });
      const result = await setAlias({ alias: 'champion', version: '7' });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /"churn" has no version 7\. Give an existing version/);
      assert.deepEqual(writes(server), []);
      assert.equal(aliasesOf()?.get('champion'), 1);
    });

    it('refuses a version that is not READY', async () => {
      server.registration = { pendingPolls: 100 };
      await seedModel(server, 1);
      const result = await setAlias({ alias: 'champion', version: '1' });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /Version 1 of "churn" is PENDING_REGISTRATION, not READY/);
      assert.deepEqual(writes(server), []);
    });

    for (const [inputs, message] of [
      [{ alias: 'champion' }, /Input required: version or fromAlias/],
      [{ alias: 'champion', version: '2', fromAlias: 'x' }, /both set/],
      [{ alias: 'champion', version: 'two' }, /Input version: "two" is not a model version/],
      [{ alias: 'champion', fromAlias: 'champion' }, /copying it onto itself/],
    ] as const) {
      it(`refuses inputs ${JSON.stringify(inputs)} before calling the server`, async () => {
        const result = await setAlias(inputs);
        assert.equal(result.result, 'Failed');
        assert.match(result.resultMessage, message);
        assert.equal(server.requests.length, 0);
      });
    }

    it('succeeds with issues when the move cannot be recorded; the alias moved', async () => {
      await seedModel(server, 2, { champion: 1 });
      server.faults.add({
        method: 'POST',
        path: '/api/2.0/mlflow/model-versions/set-tag',
        status: 403,
        body: JSON.stringify({ error_code: 'PERMISSION_DENIED', message: 'no tag rights' }),
      });
      const result = await setAlias({ alias: 'champion', version: '2' });
      assert.equal(result.result, 'SucceededWithIssues', result.resultMessage);
      assert.equal(aliasesOf()?.get('champion'), 2);
      assert.match(result.resultMessage, /could not be written: .*no tag rights/);
      assert.equal(result.warnings.length, 1, 'one warning, not two');
      assert.match(result.warnings[0]?.message ?? '', /no tag rights/);
    });
  });
}
