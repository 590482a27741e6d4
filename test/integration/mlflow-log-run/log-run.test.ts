import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBundledTask, type TaskRunOptions } from '../../harness/task-runner';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';

const PIPELINE = {
  'System.CollectionUri': 'https://dev.azure.com/hospital-data/',
  'System.TeamProject': 'Readmission',
  'Build.DefinitionName': 'train-to-production',
  'Build.BuildId': '812',
  'Build.BuildNumber': '20261203.4',
  'Build.SourceVersion': '9f2c1e0d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e',
  'Build.SourceBranch': 'refs/heads/main',
  'Build.Repository.Uri': 'https://dev.azure.com/hospital-data/Readmission/_git/models',
  'Build.RequestedFor': 'Dana Analyst',
  'Build.Reason': 'IndividualCI',
  'System.StageName': 'Train',
  'System.JobAttempt': '1',
};

function workspace(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logrun-ws-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function onlyRun(server: MlflowTestServer) {
  const runs = [...server.store.runs.values()];
  assert.equal(runs.length, 1, 'exactly one run was created');
  return runs[0]!;
}

for (const mode of [2, 3] as const) {
  describe(`MLflowLogRun against MLflow ${mode}.x`, function () {
    this.timeout(60_000);
    let server: MlflowTestServer;
    beforeEach(async () => {
      server = await startMlflowServer({ mode });
    });
    afterEach(async () => server.close());

    const run = (options: TaskRunOptions) =>
      runBundledTask('MLflowLogRun', {
        ...options,
        variables: { ...PIPELINE, ...options.variables },
        env: { MLFLOW_TRACKING_URI: server.url, ...options.env },
      });

    it('logs params, metrics, tags and lineage from inputs and files; ends FINISHED', async () => {
      const ws = workspace({
        'params.yaml': 'optimizer: adam\nlayers: 3\n',
        'metrics.json': JSON.stringify({
          loss: [
            { step: 1, value: 0.9 },
            { step: 2, value: 0.4 },
          ],
        }),
        'tags.json': JSON.stringify({ dataset: 'penguins-v3' }),
      });
      const result = await run({
        inputs: {
          experimentName: 'readmission',
          description: 'nightly retrain',
          params: 'lr=0.01\nepochs=10',
          paramsFile: 'params.yaml',
          metrics: 'accuracy=0.93\nnan_metric=NaN\nbig=Infinity',
          metricsFile: 'metrics.json',
          tags: 'team=data',
          tagsFile: 'tags.json',
          workingDirectory: ws,
        },
      });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      const stored = onlyRun(server);
      assert.equal(stored.status, 'FINISHED');
      assert.equal(stored.runName, '20261203.4', 'run name defaults to the build number');
      assert.deepEqual(Object.fromEntries(stored.params), {
        lr: '0.01',
        epochs: '10',
        optimizer: 'adam',
        layers: '3',
      });
      const metric = (key: string) => stored.metrics.filter((m) => m.key === key);
      assert.equal(metric('accuracy')[0]?.value, 0.93);
      assert.ok(Number.isNaN(metric('nan_metric')[0]?.value), 'NaN sent as MLflow accepts it');
      assert.ok((metric('big')[0]?.value ?? 0) > 1e308, 'Infinity stored as the largest double');
      assert.deepEqual(
        metric('loss').map((m) => [m.step, m.value]),
        [
          [1, 0.9],
          [2, 0.4],
        ],
      );
      const tags = Object.fromEntries(stored.tags);
      assert.equal(tags['mlflow.source.git.commit'], PIPELINE['Build.SourceVersion']);
      assert.equal(tags['mlflow.source.git.branch'], 'main');
      assert.equal(tags['mlflow.source.git.repoURL'], PIPELINE['Build.Repository.Uri']);
      assert.equal(tags['mlflow.source.type'], 'JOB');
      assert.equal(tags['mlflow.source.name'], 'train-to-production');
      assert.equal(tags['mlflow.user'], 'Dana Analyst');
      assert.equal(tags['mlflow.note.content'], 'nightly retrain');
      assert.equal(tags['azure_pipelines.organization'], 'hospital-data');
      assert.equal(tags['azure_pipelines.build_id'], '812');
      assert.equal(tags['azure_pipelines.stage'], 'Train');
      assert.equal(tags['azure_pipelines.reason'], 'IndividualCI');
      assert.equal(
        tags['azure_pipelines.run_url'],
        'https://dev.azure.com/hospital-data/Readmission/_build/results?buildId=812',
      );
      assert.equal(tags.team, 'data');
      assert.equal(tags.dataset, 'penguins-v3');

      const runId = stored.runId;
      assert.deepEqual(result.variables.get('runId'), {
        value: runId,
        isOutput: true,
        isSecret: false,
      });
      assert.equal(result.variables.get('mlflowRunId')?.isOutput, false, 'plain job variable');
      assert.equal(result.variables.get('experimentId')?.value, stored.experimentId);
      assert.equal(
        result.variables.get('runUrl')?.value,
        `${server.url}/#/experiments/${stored.experimentId}/runs/${runId}`,
      );
      assert.match(result.variables.get('artifactUri')?.value ?? '', /^mlflow-artifacts:\//);
      assert.equal(result.summaries.length, 1);
      assert.match(result.summaries[0]!, new RegExp(`runs/${runId}`));
      assert.match(result.summaries[0]!, /\| lr \| 0\.01 \|/);
      assert.match(result.summaries[0]!, /9f2c1e0d8b7a/);
      assert.match(
        result.logLines.join('\n'),
        new RegExp(`MLflow ${mode === 2 ? '2.17.2' : '3.11.1'}`),
      );
    });

    it('creates a missing experiment once; reports a deleted one, not recreating it', async () => {
      const first = await run({ inputs: { experimentName: 'fresh' } });
      assert.equal(first.result, 'Succeeded', first.resultMessage);
      const created = [...server.store.experiments.values()].filter((e) => e.name === 'fresh');
      assert.equal(created.length, 1);
      created[0]!.lifecycleStage = 'deleted';
      const again = await run({ inputs: { experimentName: 'fresh' } });
      assert.equal(again.result, 'Failed');
      assert.match(again.resultMessage, /experiment "fresh" .* is deleted/);
      assert.match(again.resultMessage, /mlflow experiments restore/);
      assert.equal(server.store.runs.size, 1, 'no run was created in the deleted experiment');
    });

    it('wraps the training command, which logs into the run via MLflow variables', async () => {
      const ws = workspace({
        'train.js': `
          const http = require('http');
          const body = JSON.stringify({ run_id: process.env.MLFLOW_RUN_ID,
            params: [{ key: 'from_script', value: process.env.MLFLOW_EXPERIMENT_ID }] });
          const auth = 'Basic ' + Buffer.from(process.env.MLFLOW_TRACKING_USERNAME + ':' +
            process.env.MLFLOW_TRACKING_PASSWORD).toString('base64');
          console.log('training with run ' + process.env.MLFLOW_RUN_ID);
          const url = process.env.MLFLOW_TRACKING_URI + '/api/2.0/mlflow/runs/log-batch';
          const headers = { 'Content-Type': 'application/json', Authorization: auth };
          const req = http.request(url, { method: 'POST', headers }, (res) => {
            res.resume();
            res.on('end', () => process.exit(res.statusCode === 200 ? 0 : 9));
          });
          req.end(body);`,
      });
      const result = await run({
        inputs: {
          experimentName: 'wrapped',
          command: process.execPath,
          arguments: 'train.js',
          workingDirectory: ws,
          metrics: 'acc=0.8',
        },
        env: { MLFLOW_TRACKING_USERNAME: 'trainer', MLFLOW_TRACKING_PASSWORD: 'pw-in-env-only' },
      });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      const stored = onlyRun(server);
      assert.equal(stored.status, 'FINISHED');
      assert.equal(stored.params.get('from_script'), stored.experimentId);
      assert.ok(stored.metrics.some((m) => m.key === 'acc'));
      assert.match(
        result.stdout,
        new RegExp(`training with run ${stored.runId}`),
        'output streamed',
      );
      const commandLine = result.logLines.find((line) => line.startsWith('[command]')) ?? '';
      assert.ok(commandLine.includes('train.js'));
      assert.doesNotMatch(result.visibleOutput, /pw-in-env-only/, 'credentials stay off the log');
    });

    it('marks the run FAILED and fails with the exit code when the command fails', async () => {
      const ws = workspace({ 'train.js': 'console.error("diverged"); process.exit(3);' });
      const result = await run({
        inputs: {
          experimentName: 'failing',
          command: process.execPath,
          arguments: 'train.js',
          workingDirectory: ws,
          metrics: 'acc=0.8',
        },
      });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /exited with code 3/);
      const stored = onlyRun(server);
      assert.equal(stored.status, 'FAILED');
      assert.equal(stored.metrics.length, 0, 'nothing logged after a failed training');
    });

    it('marks the run KILLED when the job is cancelled', async () => {
      const ws = workspace({ 'train.js': 'console.log("started"); setTimeout(() => {}, 60000);' });
      const result = await run({
        inputs: {
          experimentName: 'cancelled',
          command: process.execPath,
          arguments: 'train.js',
          workingDirectory: ws,
        },
        cancelAfterMs: 2_500,
      });
      assert.equal(result.result, 'Cancelled');
      assert.equal(onlyRun(server).status, 'KILLED');
    });

    it('uploads artifacts with relative paths and odd names, then checks them', async () => {
      const ws = workspace({
        'out/reports/summary a#%é.json': '{"ok":true}',
        'out/reports/deep/plot.txt': 'x'.repeat(3000),
        'out/ignore.bin': 'no',
      });
      const result = await run({
        inputs: {
          experimentName: 'artifacts',
          artifacts: 'reports/**/*.json\nreports/**/*.txt\nnothing/*.csv',
          artifactsRoot: 'out',
          artifactPath: 'eval',
          workingDirectory: ws,
        },
      });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      const stored = onlyRun(server);
      const files = (await server.artifacts()).map((a) => [a.path.split('/artifacts/')[1], a.size]);
      assert.deepEqual(files.sort(), [
        ['eval/reports/deep/plot.txt', 3000],
        ['eval/reports/summary a#%é.json', 11],
      ]);
      assert.ok(stored.runId);
      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0]!.message, /"nothing\/\*\.csv" matches no file/);
    });

    it('fails on a pattern that matches nothing when failOnEmptyArtifacts is set', async () => {
      const result = await run({
        inputs: {
          experimentName: 'strict-artifacts',
          artifacts: 'missing/**',
          failOnEmptyArtifacts: 'true',
          workingDirectory: workspace(),
        },
      });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /"missing\/\*\*" matches no file/);
      assert.equal(onlyRun(server).status, 'FAILED');
    });

    it('logs the model folder so that it is found the way MLflow finds it', async () => {
      const ws = workspace({ 'model/model.onnx': 'onnx-bytes', 'model/config.pbtxt': 'name: "m"' });
      const result = await run({
        inputs: { experimentName: 'models', modelDirectory: 'model', workingDirectory: ws },
      });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      const stored = onlyRun(server);
      const modelUri = result.variables.get('modelUri')?.value ?? '';
      const files = (await server.artifacts()).map((a) => a.path).sort();
      if (mode === 3) {
        const models = [...server.store.loggedModels.values()];
        assert.equal(models.length, 1);
        const model = models[0]!;
        assert.equal(model.status, 'LOGGED_MODEL_READY');
        assert.equal(model.sourceRunId, stored.runId);
        assert.equal(model.name, 'model');
        assert.deepEqual(
          stored.modelOutputs.map((o) => o.modelId),
          [model.modelId],
        );
        assert.equal(modelUri, `models:/${model.modelId}`);
        assert.deepEqual(files, [
          `${stored.experimentId}/models/${model.modelId}/artifacts/config.pbtxt`,
          `${stored.experimentId}/models/${model.modelId}/artifacts/model.onnx`,
        ]);
      } else {
        assert.equal(modelUri, `runs:/${stored.runId}/model`);
        assert.deepEqual(files, [
          `${stored.experimentId}/${stored.runId}/artifacts/model/config.pbtxt`,
          `${stored.experimentId}/${stored.runId}/artifacts/model/model.onnx`,
        ]);
      }
    });

    it('resumes a run: same param value is fine; a changed one fails naming the key', async () => {
      const first = await run({
        inputs: { experimentName: 'resume', params: 'lr=0.1', finalStatus: 'RUNNING' },
      });
      assert.equal(first.result, 'Succeeded', first.resultMessage);
      const runId = first.variables.get('runId')?.value ?? '';
      assert.equal(onlyRun(server).status, 'RUNNING');
      const same = await run({
        inputs: { experimentName: 'resume', runId, params: 'lr=0.1', metrics: 'acc=0.7' },
      });
      assert.equal(same.result, 'Succeeded', same.resultMessage);
      assert.equal(onlyRun(server).status, 'FINISHED', 'a FINISHED run may be resumed too');
      const changed = await run({ inputs: { experimentName: 'resume', runId, params: 'lr=0.2' } });
      assert.equal(changed.result, 'Failed');
      assert.match(changed.resultMessage, /already has the parameter\(s\) "lr" with another value/);
      assert.equal(onlyRun(server).params.get('lr'), '0.1');
    });

    it('fails fast on an unknown or deleted run id', async () => {
      const unknown = await run({
        inputs: { experimentName: 'x', runId: '0123456789abcdef0123456789abcdef' },
      });
      assert.equal(unknown.result, 'Failed');
      assert.match(unknown.resultMessage, /no run with id "0123456789abcdef0123456789abcdef"/);
      const first = await run({ inputs: { experimentName: 'x' } });
      const runId = first.variables.get('runId')?.value ?? '';
      onlyRun(server).lifecycleStage = 'deleted';
      const deleted = await run({ inputs: { experimentName: 'x', runId } });
      assert.equal(deleted.result, 'Failed');
      assert.match(
        deleted.resultMessage,
        /is deleted in MLflow\. Restore it .* or start a new run/,
      );
    });

    it('splits batches to MLflow limits: 2,500 metric points and 150 params', async () => {
      const history = {
        loss: Array.from({ length: 2500 }, (_, i) => ({ step: i, value: 1 / (i + 1) })),
      };
      const params = Array.from({ length: 150 }, (_, i) => `p${i}=${i}`).join('\n');
      const ws = workspace({ 'history.json': JSON.stringify(history) });
      const result = await run({
        inputs: {
          experimentName: 'big',
          metricsFile: 'history.json',
          params,
          workingDirectory: ws,
        },
      });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      const batches = server.requests.filter((r) => r.path.endsWith('/runs/log-batch'));
      assert.equal(batches.length, 5, '2 param batches, then 3 metric batches');
      const stored = onlyRun(server);
      assert.equal(stored.metrics.length, 2500);
      assert.equal(stored.params.size, 150);
    });
  });
}
