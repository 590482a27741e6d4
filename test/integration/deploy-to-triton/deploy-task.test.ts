import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBundledTask, type TaskRunResult } from '../../harness/task-runner';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { startTritonServer, type TritonTestServer } from '../../servers/triton';
import { PIPELINE } from '../register-model/seed';
import { classifierNamed, moveAlias, registerVersion } from './registry-seed';

const MODEL = 'churn';
const TAG = (server: TritonTestServer) =>
  `azure_pipelines.deployed.127.0.0.1-${new URL(server.url).port}`;

function output(result: TaskRunResult, name: string): string | undefined {
  const variable = result.variables.get(name);
  assert.ok(variable?.isOutput, `${name} is set as an output variable`);
  return variable.value;
}

/** The model folder's entries, hidden work folders included, sorted. */
async function folderEntries(repo: string): Promise<string[]> {
  return (await readdir(path.join(repo, MODEL))).sort();
}

async function readyVersions(triton: TritonTestServer): Promise<string[]> {
  return (await triton.index())
    .filter((entry) => entry.name === MODEL && entry.state === 'READY')
    .map((entry) => entry.version ?? '');
}

for (const mode of [2, 3] as const) {
  describe(`DeployToTriton against MLflow ${mode}.x, Triton in explicit mode`, function () {
    this.timeout(90_000);
    let mlflow: MlflowTestServer;
    let triton: TritonTestServer;
    let repo: string;

    beforeEach(async () => {
      mlflow = await startMlflowServer({ mode });
      repo = await mkdtemp(path.join(os.tmpdir(), 'deploy-repo-'));
      triton = await startTritonServer({ repository: repo, modelControl: 'explicit' });
    });
    afterEach(async () => {
      await triton.close();
      await mlflow.close();
      await rm(repo, { recursive: true, force: true });
    });

    const deploy = (inputs: Record<string, string> = {}) =>
      runBundledTask('DeployToTriton', {
        inputs: {
          modelName: MODEL,
          alias: 'champion',
          tritonUrl: triton.url,
          modelRepository: repo,
          keepVersions: '1',
          readyTimeoutSeconds: '20',
          maxRetries: '0',
          mlflowServiceConnection: 'mlflow',
          ...inputs,
        },
        variables: PIPELINE,
        endpoints: { mlflow: { url: mlflow.url, scheme: 'None' } },
      });
    const tagOf = (version: string) =>
      mlflow.store.modelVersion(MODEL, version).tags.get(TAG(triton));

    it('deploys what the alias points to, loads it and records the deployment', async () => {
      const v1 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
      await moveAlias(mlflow, MODEL, 'champion', v1);

      const result = await deploy();

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.match(result.resultMessage, /Deployed version 1 of "churn" \(alias "champion"\)/);
      assert.equal(output(result, 'deployedVersion'), '1');
      assert.equal(output(result, 'previousVersion'), '');
      assert.equal(output(result, 'modelUri'), 'models:/churn/1');
      assert.equal(output(result, 'changed'), 'true');
      assert.deepEqual(await folderEntries(repo), ['1', 'config.pbtxt', 'mlflow-deployment.json']);
      assert.deepEqual((await readdir(path.join(repo, MODEL, '1'))).sort(), [
        'MLmodel',
        'model.onnx',
      ]);
      assert.deepEqual(await readyVersions(triton), ['1']);
      const record = JSON.parse(
        await readFile(path.join(repo, MODEL, 'mlflow-deployment.json'), 'utf8'),
      ) as Record<string, string>;
      assert.equal(record.modelUri, 'models:/churn/1');
      assert.equal(record.alias, 'champion');
      assert.equal(
        record.buildUrl,
        'https://dev.azure.com/contoso/Churn/_build/results?buildId=4711',
      );
      assert.match(tagOf('1') ?? '', /^deployed \d{4}-.* by pipeline "train-and-register" run /);
    });

    it('follows an alias move and keeps the configured number of older versions', async () => {
      const versions: string[] = [];
      for (let i = 0; i < 3; i++) {
        versions.push(await registerVersion(mlflow, MODEL, classifierNamed(MODEL, i)));
      }
      for (const version of versions) {
        await moveAlias(mlflow, MODEL, 'champion', version);
        const result = await deploy();
        assert.equal(result.result, 'Succeeded', result.resultMessage);
        assert.equal(output(result, 'deployedVersion'), version);
      }

      assert.deepEqual(await folderEntries(repo), [
        '2',
        '3',
        'config.pbtxt',
        'mlflow-deployment.json',
      ]);
      assert.deepEqual(await readyVersions(triton), ['3']);
    });

    it('rolls back: an alias moved to an older version serves it and drops the newer', async () => {
      const v1 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
      const v2 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL, 1));
      for (const version of [v1, v2, v1]) {
        await moveAlias(mlflow, MODEL, 'champion', version);
        const result = await deploy();
        assert.equal(result.result, 'Succeeded', result.resultMessage);
      }

      // Left beside it, version 2 would outrank version 1 under Triton's default policy.
      assert.deepEqual(await folderEntries(repo), ['1', 'config.pbtxt', 'mlflow-deployment.json']);
      assert.deepEqual(await readyVersions(triton), ['1']);
    });

    it('leaves no model folder behind when the first deployment fails', async () => {
      const v1 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
      await moveAlias(mlflow, MODEL, 'champion', v1);
      triton.failLoad(MODEL, 'Internal: no GPU');

      const result = await deploy();

      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /no GPU.*no version of the model was serving before/);
      assert.deepEqual(await readdir(repo), []);
    });

    it('clears the staging folder a killed deployment left behind', async () => {
      const leftover = path.join(repo, MODEL, '.deploy-staging-dead0000', MODEL, '1');
      await mkdir(leftover, { recursive: true });
      await writeFile(path.join(leftover, 'model.onnx'), 'half a model');
      const v1 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
      await moveAlias(mlflow, MODEL, 'champion', v1);

      const result = await deploy();

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.deepEqual(await folderEntries(repo), ['1', 'config.pbtxt', 'mlflow-deployment.json']);
    });

    it('says so and changes nothing when the version is already deployed', async () => {
      const v1 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
      await moveAlias(mlflow, MODEL, 'champion', v1);
      assert.equal((await deploy()).result, 'Succeeded');
      triton.clearRequests();

      const again = await deploy();

      assert.equal(again.result, 'Succeeded', again.resultMessage);
      assert.match(again.resultMessage, /already deployed .* nothing to do/);
      assert.equal(output(again, 'changed'), 'false');
      assert.equal(output(again, 'previousVersion'), '1');
      const loads = triton.requests.filter((r) => r.path.endsWith('/load'));
      assert.equal(loads.length, 0, 'no load request');
    });

    it('loads the files already in place when Triton restarted without them', async () => {
      const v1 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
      await moveAlias(mlflow, MODEL, 'champion', v1);
      assert.equal((await deploy()).result, 'Succeeded');
      await triton.close();
      triton = await startTritonServer({ repository: repo, modelControl: 'explicit' });
      const isDownload = (r: { path: string }) => r.path.includes('mlflow-artifacts');
      assert.ok(mlflow.requests.some(isDownload), 'the first deployment downloaded');
      mlflow.requests.length = 0;

      const result = await deploy();

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.match(result.resultMessage, /was in the repository; Triton now serves it/);
      assert.equal(output(result, 'changed'), 'true');
      assert.deepEqual(mlflow.requests.filter(isDownload), [], 'nothing downloaded again');
      assert.deepEqual(await readyVersions(triton), ['1']);
    });

    it('refuses a repository folder that does not exist instead of creating it', async () => {
      const missing = path.join(repo, 'typo', 'models');
      const result = await deploy({ modelRepository: missing });
      assert.equal(result.result, 'Failed');
      assert.equal(
        result.resultMessage,
        `The model repository folder ${missing} does not exist. Give the folder Triton reads ` +
          '(its --model-repository), as this agent sees it.',
      );
      assert.deepEqual(await readdir(repo), []);
    });

    it('refuses an alias and a version together, naming both inputs', async () => {
      const result = await deploy({ alias: 'champion', version: '2' });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /^Inputs alias and version are both set/);
    });

    it('leaves the previous version serving when Triton cannot load the new one', async () => {
      const v1 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
      await moveAlias(mlflow, MODEL, 'champion', v1);
      assert.equal((await deploy()).result, 'Succeeded');
      const v2 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL, 1));
      await moveAlias(mlflow, MODEL, 'champion', v2);
      triton.failLoad(MODEL, 'Internal: CUDA out of memory');

      const result = await deploy();

      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /could not load version 2 of 'churn'.*CUDA out of memory/);
      assert.match(result.resultMessage, /version 1 keeps serving/);
      assert.deepEqual(await folderEntries(repo), ['1', 'config.pbtxt', 'mlflow-deployment.json']);
      assert.deepEqual(await readyVersions(triton), ['1']);
      assert.equal(tagOf(v2), undefined, 'no deployment tag on the failed version');
    });

    it('leaves the repository untouched when a download fails', async () => {
      const v1 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
      await moveAlias(mlflow, MODEL, 'champion', v1);
      assert.equal((await deploy()).result, 'Succeeded');
      const v2 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL, 1));
      await moveAlias(mlflow, MODEL, 'champion', v2);
      mlflow.faults.add({ method: 'GET', path: /model\.onnx$/, status: 500 });

      const result = await deploy();

      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /Downloading the files of version 2 .* failed/);
      assert.match(result.resultMessage, /the deployed version keeps serving/);
      assert.doesNotMatch(result.stdout, /\n\s+at .*\(/, 'no stack trace');
      assert.deepEqual(await folderEntries(repo), ['1', 'config.pbtxt', 'mlflow-deployment.json']);
      assert.deepEqual(await readyVersions(triton), ['1']);
    });

    it('refuses a version whose config the offline validation rejects', async () => {
      const model = classifierNamed(MODEL);
      const broken = 'name: "churn"\nplatform: "onnxruntime_onnx"\nmax_batch_size: -4\n';
      const v1 = await registerVersion(mlflow, MODEL, model, { configText: broken });
      await moveAlias(mlflow, MODEL, 'champion', v1);

      const result = await deploy();

      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, /models:\/churn\/1 was not deployed/);
      assert.match(result.resultMessage, /config\.pbtxt:3 \[/);
      assert.equal(existsSync(path.join(repo, MODEL, '1')), false);
      const left = existsSync(path.join(repo, MODEL)) ? await folderEntries(repo) : [];
      assert.deepEqual(left, [], 'no version, config or work folder left behind');
      assert.equal(triton.requests.filter((r) => r.path.endsWith('/load')).length, 0);
    });

    it('serves a bare ONNX model with a generated minimal config', async () => {
      const v1 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL), { bareOnnx: true });

      const result = await deploy({ alias: '', version: v1 });

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      const config = await readFile(path.join(repo, MODEL, 'config.pbtxt'), 'utf8');
      assert.equal(config, 'name: "churn"\nbackend: "onnxruntime"\n');
      assert.deepEqual(await readyVersions(triton), ['1']);
    });

    it('renumbers a logged Triton model folder to the registry version', async () => {
      await registerVersion(mlflow, MODEL, classifierNamed(MODEL));
      const v2 = await registerVersion(mlflow, MODEL, classifierNamed(MODEL, 1), {
        tritonFolder: true,
      });

      const result = await deploy({ alias: '', version: v2 });

      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.deepEqual(await readdir(path.join(repo, MODEL, '2')), ['model.onnx']);
      assert.deepEqual(await readyVersions(triton), ['2']);
    });
  });
}
