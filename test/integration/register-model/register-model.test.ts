import * as assert from 'node:assert/strict';
import { runBundledTask, type TaskRunOptions, type TaskRunResult } from '../../harness/task-runner';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { PIPELINE, RUN_URL, seedAs, seedLoggedModel, seedRun, versionsOf } from './seed';

const CREATE_VERSION = '/api/2.0/mlflow/model-versions/create';

function output(result: TaskRunResult, name: string): string | undefined {
  const variable = result.variables.get(name);
  assert.ok(variable === undefined || variable.isOutput, `${name} is an output variable`);
  return variable?.value;
}

for (const mode of [2, 3] as const) {
  describe(`RegisterModel against MLflow ${mode}.x`, function () {
    this.timeout(60_000);
    let server: MlflowTestServer;
    beforeEach(async () => {
      server = await startMlflowServer({ mode });
    });
    afterEach(async () => server.close());

    const register = (options: TaskRunOptions) =>
      runBundledTask('RegisterModel', {
        ...options,
        inputs: { modelName: 'churn', pollIntervalSeconds: '0.1', ...options.inputs },
        variables: { ...PIPELINE, ...options.variables },
        endpoints: { mlflow: { url: server.url, scheme: 'None' } },
        env: options.env ?? {},
      });
    const withConnection = { mlflowServiceConnection: 'mlflow' };

    it('registers the run MLflowLogRun left, tagged with the build, and sets outputs', async () => {
      const run = await seedRun(server);
      const result = await register({
        inputs: { ...withConnection, tags: 'team=churn\nreviewed = no' },
        variables: { mlflowRunId: run.runId },
      });
      assert.equal(result.result, 'Succeeded', result.resultMessage);

      const versions = versionsOf(server, 'churn');
      assert.equal(versions.length, 1);
      const version = versions[0]!;
      assert.equal(version.runId, run.runId);
      assert.equal(version.runLink, RUN_URL);
      if (mode === 3) {
        assert.equal(version.source, `models:/${run.modelId}`);
        const logged = server.store.loggedModel(run.modelId!);
        assert.match(logged.tags.get('mlflow.modelVersions') ?? '', /"name": "churn"/);
      } else {
        assert.equal(version.source, `${run.artifactUri}/model`);
      }
      assert.equal(version.tags.get('team'), 'churn');
      assert.equal(version.tags.get('reviewed'), 'no');
      assert.equal(version.tags.get('azure_pipelines.build_id'), '4711');
      assert.equal(version.tags.get('azure_pipelines.build_number'), '20261203.7');
      assert.equal(version.tags.get('azure_pipelines.commit'), PIPELINE['Build.SourceVersion']);
      assert.equal(version.tags.get('azure_pipelines.run_url'), RUN_URL);
      assert.ok(version.tags.get('azure_pipelines.registration_id'), 'the create carries a marker');

      assert.equal(output(result, 'modelVersion'), '1');
      assert.equal(output(result, 'modelUri'), 'models:/churn/1');
      assert.equal(output(result, 'registeredModelName'), 'churn');
      assert.equal(result.summaries.length, 1);
      assert.ok(
        result.summaries[0]!.includes(`${server.url}/#/models/churn/versions/1`),
        result.summaries[0],
      );
      assert.match(result.stdout, new RegExp(`MLflow ${mode === 3 ? '3\\.11\\.1' : '2\\.17\\.2'}`));
    });

    it('uses an existing registered model, even when "already exists" races', async () => {
      const first = await seedRun(server);
      const second = await seedRun(server);
      assert.equal(
        (await register({ inputs: { ...withConnection, runId: first.runId } })).result,
        'Succeeded',
      );
      // The model exists, but the first read says it does not: the create then answers
      // RESOURCE_ALREADY_EXISTS, which must end in a read-back, not a failure.
      server.faults.add({
        method: 'GET',
        path: '/api/2.0/mlflow/registered-models/get',
        status: 404,
        body: JSON.stringify({
          error_code: 'RESOURCE_DOES_NOT_EXIST',
          message: 'Registered Model with name=churn not found',
        }),
        times: 1,
      });
      const result = await register({ inputs: { ...withConnection, runId: second.runId } });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.ok(
        server.requests.some(
          (r) => r.path.endsWith('registered-models/create') && r.status === 400,
        ),
        'the create was refused as a duplicate',
      );
      assert.equal(versionsOf(server, 'churn').length, 2);
      assert.equal(output(result, 'modelVersion'), '2');
    });

    it('resolves runs:/<run>/<path> as MLflow does and sends run_id', async () => {
      const run = await seedRun(server, { path: 'onnx' });
      const result = await register({
        inputs: { ...withConnection, sourceUri: `runs:/${run.runId}/onnx` },
      });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      const version = versionsOf(server, 'churn')[0]!;
      assert.equal(version.runId, run.runId);
      assert.equal(
        version.source,
        mode === 3 ? `models:/${run.modelId}` : `${run.artifactUri}/onnx`,
      );
      const create = server.requests.find((r) => r.path === CREATE_VERSION);
      const body = create?.body as Record<string, unknown>;
      assert.equal(body.run_id, run.runId);
      if (mode === 3) assert.equal(body.model_id, run.modelId);
    });

    if (mode === 3) {
      it("takes the run's logged model first, else the run's artifact path", async () => {
        const both = await seedRun(server, { style: 'artifacts' });
        const modelId = await seedLoggedModel(server, both, 'model');
        const artifactsOnly = await seedRun(server, { style: 'artifacts' });
        assert.equal(
          (await register({ inputs: { ...withConnection, runId: both.runId } })).result,
          'Succeeded',
        );
        const result = await register({
          inputs: { ...withConnection, runId: artifactsOnly.runId },
        });
        assert.equal(result.result, 'Succeeded', result.resultMessage);
        const [v1, v2] = versionsOf(server, 'churn');
        assert.equal(v1?.source, `models:/${modelId}`);
        assert.equal(v2?.source, `${artifactsOnly.artifactUri}/model`);
      });

      it('picks the logged model at the highest step when a run logged several', async () => {
        const run = await seedRun(server, { style: 'none' });
        await seedLoggedModel(server, run, 'model', { step: 1 });
        const latest = await seedLoggedModel(server, run, 'model', { step: 5 });
        await seedLoggedModel(server, run, 'model', { step: 3 });
        const result = await register({ inputs: { ...withConnection, runId: run.runId } });
        assert.equal(result.result, 'Succeeded', result.resultMessage);
        assert.equal(versionsOf(server, 'churn')[0]?.source, `models:/${latest}`);
      });

      it('registers a models:/<logged model id> source with its model_id', async () => {
        const run = await seedRun(server);
        const result = await register({
          inputs: { ...withConnection, sourceUri: `models:/${run.modelId}` },
        });
        assert.equal(result.result, 'Succeeded', result.resultMessage);
        const version = versionsOf(server, 'churn')[0]!;
        assert.equal(version.source, `models:/${run.modelId}`);
        assert.equal(version.runId, run.runId);
      });
    }

    it('fails naming the run input when the run does not exist; registers nothing', async () => {
      const result = await register({
        inputs: { ...withConnection, runId: '0123456789abcdef0123456789abcdef' },
      });
      assert.equal(result.result, 'Failed');
      assert.match(
        result.resultMessage,
        /Input runId: .*no run "0123456789abcdef0123456789abcdef"/,
      );
      assert.equal(server.store.registeredModels.size, 0);
    });

    it('fails when the source path holds no files, and registers nothing', async () => {
      const run = await seedRun(server);
      const result = await register({
        inputs: { ...withConnection, runId: run.runId, artifactPath: 'no-such-folder' },
      });
      assert.equal(result.result, 'Failed');
      assert.match(
        result.resultMessage,
        /Input artifactPath: run \w+ holds no files under "no-such-folder"/,
      );
      assert.doesNotMatch(result.resultMessage, /\n\s+at /, 'no stack trace');
      assert.equal(server.store.registeredModels.size, 0);
    });

    for (const local of ['/home/agent/model', 'file:///tmp/model', 'C:\\models\\churn', 'model']) {
      it(`refuses the agent path "${local}" as source, with the fix`, async () => {
        const result = await register({ inputs: { ...withConnection, sourceUri: local } });
        assert.equal(result.result, 'Failed');
        assert.match(result.resultMessage, /Input sourceUri: .* is a path on the agent/);
        assert.match(result.resultMessage, /Log the files to the run first/);
        assert.ok(!server.requests.some((r) => r.path.includes('model-versions')));
      });
    }

    it('fails with a clear message when no run id is given or left by MLflowLogRun', async () => {
      const result = await register({ inputs: withConnection });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /Input required: runId\..*\$\(mlflowRunId\)/);
      assert.equal(server.requests.length, 0);
    });

    it('waits while the version is PENDING_REGISTRATION and publishes it once READY', async () => {
      const run = await seedRun(server);
      server.registration = { pendingPolls: 3 };
      const result = await register({ inputs: { ...withConnection, runId: run.runId } });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      const gets = server.requests.filter((r) => r.path.endsWith('model-versions/get'));
      assert.ok(gets.length >= 4, `polled ${gets.length} times`);
      assert.equal(versionsOf(server, 'churn')[0]?.status, 'READY');
      assert.match(result.stdout, /PENDING_REGISTRATION/);
    });

    it("fails with the server's message on FAILED_REGISTRATION, and sets no alias", async () => {
      const run = await seedRun(server);
      server.registration = {
        pendingPolls: 1,
        failWith: 'Copying model files failed: bucket gone',
      };
      const result = await register({
        inputs: { ...withConnection, runId: run.runId, alias: 'challenger' },
      });
      assert.equal(result.result, 'Failed');
      assert.match(
        result.resultMessage,
        /version 1 of model "churn": Copying model files failed: bucket gone/,
      );
      assert.equal(server.store.registeredModels.get('churn')?.aliases.size, 0);
      assert.equal(result.variables.get('modelVersion'), undefined);
    });

    it('fails after the wait timeout naming the version and its last status', async () => {
      const run = await seedRun(server);
      server.registration = { pendingPolls: 100_000 };
      const result = await register({
        inputs: { ...withConnection, runId: run.runId, waitTimeoutSeconds: '1' },
      });
      assert.equal(result.result, 'Failed');
      assert.match(
        result.resultMessage,
        /Version 1 of model "churn" is still PENDING_REGISTRATION/,
      );
      assert.ok(result.durationMs < 20_000);
    });

    it('reuses its version when the pipeline is retried with the same run and source', async () => {
      const run = await seedRun(server);
      const inputs = { ...withConnection, runId: run.runId };
      assert.equal((await register({ inputs })).result, 'Succeeded');
      const retry = await register({ inputs, variables: { 'System.JobAttempt': '2' } });
      assert.equal(retry.result, 'Succeeded', retry.resultMessage);
      assert.equal(versionsOf(server, 'churn').length, 1);
      assert.equal(output(retry, 'modelVersion'), '1');
      assert.match(retry.stdout, /already registered from this run and source/);
      assert.match(retry.resultMessage, /models:\/churn\/1 is READY .*reused from an earlier/);
    });

    it('leaves exactly one version when the answer to the create is lost', async () => {
      const run = await seedRun(server);
      const lost = server.faults.add({
        method: 'POST',
        path: CREATE_VERSION,
        afterHandling: true,
        times: 1,
      });
      const result = await register({ inputs: { ...withConnection, runId: run.runId } });
      assert.equal(lost.hits, 1, 'the answer was lost once');
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.equal(versionsOf(server, 'churn').length, 1);
      assert.equal(output(result, 'modelVersion'), '1');
      assert.match(result.stdout, /answer to creating the version was lost; found the version/);
    });

    it('gives two registrations of different runs at once two versions', async () => {
      const [a, b] = await Promise.all([seedRun(server), seedRun(server)]);
      const [ra, rb] = await Promise.all([
        register({ inputs: { ...withConnection, runId: a.runId } }),
        register({ inputs: { ...withConnection, runId: b.runId } }),
      ]);
      assert.equal(ra.result, 'Succeeded', ra.resultMessage);
      assert.equal(rb.result, 'Succeeded', rb.resultMessage);
      const versions = versionsOf(server, 'churn');
      assert.deepEqual(versions.map((v) => v.runId).sort(), [a.runId, b.runId].sort());
      assert.notEqual(output(ra, 'modelVersion'), output(rb, 'modelVersion'));
    });

    it('points the alias at the new version once READY and records the move', async () => {
      const first = await seedRun(server);
      const second = await seedRun(server);
      const inputs = { ...withConnection, alias: 'challenger' };
      assert.equal(
        (await register({ inputs: { ...inputs, runId: first.runId } })).result,
        'Succeeded',
      );
      const result = await register({ inputs: { ...inputs, runId: second.runId } });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      const model = server.store.registeredModels.get('churn')!;
      assert.equal(model.aliases.get('challenger'), 2);
      const [v1, v2] = versionsOf(server, 'churn');
      assert.match(
        v2?.tags.get('azure_pipelines.alias.challenger') ?? '',
        /^set .* \(was version 1\)$/,
      );
      assert.match(
        v1?.tags.get('azure_pipelines.alias.challenger') ?? '',
        /^removed .*4711|20261203\.7/,
      );
      assert.match(result.summaries[0] ?? '', /`challenger` → 2 \(was 1\)/);
    });

    it("refuses a bad alias with MLflow's reason before touching the registry", async () => {
      const run = await seedRun(server);
      const result = await register({
        inputs: { ...withConnection, runId: run.runId, alias: 'v2' },
      });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /Input alias: .*Version alias name 'v2' is reserved\./);
      assert.equal(server.store.registeredModels.size, 0);
    });

    it('refuses a runId that disagrees with the runs:/ source, before any call', async () => {
      const result = await register({
        inputs: { ...withConnection, runId: 'aaa111', sourceUri: 'runs:/bbb222/model' },
      });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /Inputs runId and sourceUri name different runs/);
      assert.equal(server.requests.length, 0);
    });

    it("does not tie an explicit source URI to the job's default run", async () => {
      const run = await seedRun(server);
      const result = await register({
        inputs: { ...withConnection, sourceUri: 's3://models/churn/7' },
        variables: { mlflowRunId: run.runId },
      });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      const version = versionsOf(server, 'churn')[0]!;
      assert.equal(version.source, 's3://models/churn/7');
      assert.equal(version.runId, '');
    });

    it('refuses a tag key MLflow would refuse, naming the line', async () => {
      const result = await register({
        inputs: { ...withConnection, runId: 'abc', tags: 'team=churn\n../up=1' },
      });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /Input tags, line 2: the key "\.\.\/up" is refused/);
      assert.equal(server.requests.length, 0);
    });

    it('refuses a tag line without key=value, naming the line', async () => {
      const result = await register({
        inputs: { ...withConnection, runId: 'abc', tags: 'team=churn\njust-a-word' },
      });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /Input tags, line 2: "just-a-word" is not key=value/);
      assert.equal(server.requests.length, 0);
    });

    it('reads the server from MLFLOW_TRACKING_URI without a service connection', async () => {
      const run = await seedRun(server);
      const result = await runBundledTask('RegisterModel', {
        inputs: { modelName: 'churn', runId: run.runId },
        variables: PIPELINE,
        env: { MLFLOW_TRACKING_URI: server.url },
      });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.equal(versionsOf(server, 'churn').length, 1);
    });

    it('keeps credentials in the tracking URI out of the log, summary and tags', async () => {
      const secured = await startMlflowServer({ mode, auth: {} });
      try {
        seedAs(secured, 'admin', 'password');
        const run = await seedRun(secured);
        const uri = secured.url.replace('http://', 'http://admin:password@');
        const result = await runBundledTask('RegisterModel', {
          inputs: { modelName: 'churn', runId: run.runId, alias: 'challenger' },
          variables: PIPELINE,
          env: { MLFLOW_TRACKING_URI: uri },
        });
        assert.equal(result.result, 'Succeeded', result.resultMessage);
        assert.doesNotMatch(result.visibleOutput, /password/);
        assert.doesNotMatch(result.summaries.join('\n'), /password|admin:/);
        assert.ok(result.summaries[0]?.includes(`${secured.url}/#/models/churn/versions/1`));
        const tags = [...(versionsOf(secured, 'churn')[0]?.tags.values() ?? [])].join('\n');
        assert.doesNotMatch(tags, /password/);
      } finally {
        await secured.close();
      }
    });
  });
}
