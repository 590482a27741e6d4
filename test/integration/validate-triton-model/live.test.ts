import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildAddSubModel, writeTritonModelFolder } from '../../models';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { startTritonServer, type TritonTestServer } from '../../servers/triton';
import {
  addSubConfig,
  findingIssues,
  output,
  runValidateTask,
  sourcesFolder,
  summaryOf,
  type SourcesFolder,
} from './fixtures';
import { seedVersion, setAlias } from './registry-seed';

const ADD_SUB = buildAddSubModel();
/** Short waits and few requests, so the live part takes little test time. */
const QUICK = { timeoutSeconds: '5', latencyRequests: '12', latencyConcurrency: '3' };

describe('ValidateTritonModel live, on a model Triton already serves', function () {
  this.timeout(60_000);
  let repository: string;
  let triton: TritonTestServer;
  let sources: SourcesFolder;

  before(async () => {
    repository = await mkdtemp(path.join(os.tmpdir(), 'validate-live-repo-'));
    await writeTritonModelFolder(repository, ADD_SUB);
    triton = await startTritonServer({ repository });
    sources = await sourcesFolder();
    await sources.write({
      'models/add_sub/config.pbtxt': addSubConfig(),
      'models/add_sub/1/model.onnx': ADD_SUB.onnx,
    });
  });
  after(async () => {
    await triton.close();
    await sources.remove();
    await rm(repository, { recursive: true, force: true });
  });
  afterEach(() => {
    triton.setInferenceLatency(0, 'add_sub');
    triton.clearRequests();
  });

  it('passes: ready, signature, smoke inference, latency; outputs and summary', async () => {
    const result = await runValidateTask(sources.dir, {
      modelRepository: 'models',
      tritonUrl: triton.url,
      ...QUICK,
    });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    assert.match(result.resultMessage, new RegExp(`live validation on ${triton.url} passed\\.$`));
    assert.equal(output(result, 'liveResult'), 'passed');
    assert.match(output(result, 'p95Ms') ?? '', /^\d+\.\d$/);
    const infers = triton.requests.filter((r) => r.path === '/v2/models/add_sub/infer');
    assert.equal(infers.length, 1 + 12, 'one smoke inference and the timed requests');

    const summary = summaryOf(result);
    assert.match(summary, /### Offline validation: ✅ passed/);
    assert.match(summary, /### Live validation of add_sub on Triton: ✅ passed/);
    assert.match(summary, /\| Inference \| ✅ passed \|/);
    assert.match(summary, /#### Latency\n\n\| Requests \| Concurrency/);
  });

  it('keeps credentials in the Triton URL out of the log', async () => {
    const url = triton.url.replace('http://', 'http://ops:s3cret-pass@');
    const result = await runValidateTask(sources.dir, {
      modelRepository: 'models',
      tritonUrl: url,
      ...QUICK,
    });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    assert.ok(result.secrets.includes('s3cret-pass'), 'registered with the agent');
    // The agent masks a secret from the line after its setsecret command on: before it, no
    // line may carry the password, not even task-lib's debug echo of the input.
    const lines = result.stdout.split('\n');
    const registered = lines.findIndex((line) => line === '##vso[task.setsecret]s3cret-pass');
    const early = lines
      .slice(0, registered)
      .filter((line) => line.includes('s3cret-pass') && !line.startsWith('##vso[task.setsecret]'));
    assert.deepEqual(early, []);
    assert.ok(!result.visibleOutput.includes('s3cret-pass'), 'nor any line after it');
    // The summary is uploaded as it is: the agent does not mask it.
    const summary = summaryOf(result);
    assert.ok(!summary.includes('s3cret-pass'), summary);
    assert.ok(summary.includes(triton.url.replace('http://', 'http://***@')), summary);
  });

  it('checks a sample request from the sources against its expected outputs', async () => {
    const x = [1, 2, 3, 4];
    const y = [0.5, 0.5, 0.5, 0.5];
    const sample = (sum: number[]) => ({
      inputs: [
        { name: 'INPUT0', datatype: 'FP32', shape: [1, 4], data: [x] },
        { name: 'INPUT1', datatype: 'FP32', shape: [1, 4], data: [y] },
      ],
      expected_outputs: [{ name: 'OUTPUT0', shape: [1, 4], data: [sum] }],
      tolerance: { absolute: 1e-6 },
    });
    await sources.write({
      'samples/right.json': JSON.stringify(sample([1.5, 2.5, 3.5, 4.5])),
      'samples/wrong.json': JSON.stringify(sample([1.5, 2.5, 9, 4.5])),
    });
    const run = (file: string) =>
      runValidateTask(sources.dir, {
        modelRepository: 'models',
        tritonUrl: triton.url,
        ...QUICK,
        latencyRequests: '0',
        sampleRequestFile: file,
      });

    const right = await run('samples/right.json');
    assert.equal(right.result, 'Succeeded', right.resultMessage);
    assert.match(summaryOf(right), /\| Inference \| ✅ passed \| .*with the expected values/);
    assert.doesNotMatch(summaryOf(right), /\| Latency \| /, 'no latency row when not measured');

    const wrong = await run('samples/wrong.json');
    assert.equal(wrong.result, 'Failed');
    assert.match(wrong.resultMessage, /Inference: The answer to the sample request .* is not as/);
    assert.match(summaryOf(wrong), /#### Inference\n\n- .*OUTPUT0/);

    // An empty filePath input reaches the task as the sources folder: a smoke request then.
    const empty = await run(sources.dir);
    assert.equal(empty.result, 'Succeeded', empty.resultMessage);
    assert.match(summaryOf(empty), /a smoke request built from the metadata/);
  });

  it('fails when p95 is over the budget, with the figures in the message', async () => {
    triton.setInferenceLatency(40, 'add_sub');
    const result = await runValidateTask(sources.dir, {
      modelRepository: 'models',
      tritonUrl: triton.url,
      ...QUICK,
      latencyRequests: '6',
      p95BudgetMs: '5',
    });
    assert.equal(result.result, 'Failed');
    assert.match(
      result.resultMessage,
      /live validation on .* failed \(Latency: p95 \d+\.\d ms is over the budget of 5 ms/,
    );
    assert.equal(output(result, 'validationResult'), 'passed', 'the offline part passed');
    assert.equal(output(result, 'liveResult'), 'failed');
    assert.ok(Number(output(result, 'p95Ms')) >= 40, output(result, 'p95Ms'));
    assert.match(summaryOf(result), /## Triton validation of add_sub: ❌ failed/);
  });

  it('skips the live part when the offline validation finds errors', async () => {
    await sources.write({ 'broken/add_sub/config.pbtxt': addSubConfig('max_batch_size: 4') });
    const result = await runValidateTask(sources.dir, {
      modelRepository: 'broken',
      tritonUrl: triton.url,
      ...QUICK,
    });
    assert.equal(result.result, 'Failed');
    assert.ok(findingIssues(result.errors).length > 0);
    assert.equal(output(result, 'liveResult'), 'skipped');
    assert.deepEqual(triton.requests, [], 'Triton is not asked anything');
    assert.match(summaryOf(result), /### Live validation on Triton: skipped/);
  });
});

describe('ValidateTritonModel live, loading a registry version on Triton', function () {
  this.timeout(60_000);
  let mlflow: MlflowTestServer;
  let triton: TritonTestServer;
  let repository: string;
  let sources: SourcesFolder;

  beforeEach(async () => {
    mlflow = await startMlflowServer({ mode: 3 });
    repository = await mkdtemp(path.join(os.tmpdir(), 'validate-live-explicit-'));
    triton = await startTritonServer({ repository, modelControl: 'explicit' });
    sources = await sourcesFolder();
    const files = { 'config.pbtxt': addSubConfig('', 'churn'), '1/model.onnx': ADD_SUB.onnx };
    const version = await seedVersion(mlflow, 'churn', files, 'logged-model');
    await setAlias(mlflow, 'churn', 'challenger', version);
  });
  afterEach(async () => {
    await mlflow.close();
    await triton.close();
    await sources.remove();
    await rm(repository, { recursive: true, force: true });
  });

  const validate = (inputs: Record<string, string>) =>
    runValidateTask(
      sources.dir,
      {
        source: 'registry',
        modelName: 'churn',
        registryAlias: 'challenger',
        mlflowServiceConnection: 'mlflow',
        tritonUrl: triton.url,
        liveMode: 'load',
        ...QUICK,
        ...inputs,
      },
      { endpoints: { mlflow: { url: mlflow.url, scheme: 'None' } } },
    );
  const tagsOf = () => mlflow.store.modelVersion('churn', 1).tags;

  it('loads the downloaded files, validates them, unloads, and tags the version', async () => {
    const result = await validate({ unloadAfter: 'true' });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    assert.equal(output(result, 'liveResult'), 'passed');

    const calls = triton.requests.map((r) => `${r.method} ${r.path}`);
    assert.ok(calls.includes('POST /v2/repository/models/churn/load'), calls.join('\n'));
    assert.ok(calls.includes('POST /v2/repository/models/churn/unload'), calls.join('\n'));
    const load = triton.requests.find((r) => r.path === '/v2/repository/models/churn/load');
    const body = JSON.parse(load?.body.toString('utf8') ?? '{}') as {
      parameters?: Record<string, string>;
    };
    assert.deepEqual(Object.keys(body.parameters ?? {}).sort(), ['config', 'file:1/model.onnx']);
    const ready = (await triton.index()).filter((entry) => entry.state === 'READY');
    assert.deepEqual(ready, [], 'nothing stays loaded afterwards');

    const tags = tagsOf();
    assert.equal(tags.get('triton.validation'), 'passed');
    assert.equal(tags.get('triton.validation.live'), 'passed');
    assert.equal(tags.get('triton.validation.live.server'), triton.url);
    assert.equal(tags.get('triton.validation.live.p95_ms'), output(result, 'p95Ms'));
    assert.equal(tags.get('triton.validation.build_number'), '20261203.7');
  });

  it('records a failure on the version when the live part cannot run', async () => {
    await sources.write({ 'sample.json': '{ "inputs": [ ' });
    const result = await validate({ sampleRequestFile: 'sample.json' });
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage, /sample\.json/);
    assert.equal(output(result, 'validationResult'), 'passed');
    assert.equal(output(result, 'liveResult'), 'failed');
    assert.match(
      summaryOf(result),
      /### Live validation on Triton: ❌ could not run\n\n.*sample\.json/,
    );
    assert.equal(
      tagsOf().get('triton.validation'),
      'failed',
      'never "passed" without the live part',
    );
    assert.equal(tagsOf().get('triton.validation.offline'), 'passed');
    assert.equal(triton.requests.length, 0);
  });

  it("fails with Triton's reason when the model does not load, and tags the failure", async () => {
    triton.failLoad('churn', 'Internal: onnx runtime error 6: out of memory');
    const result = await validate({});
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage, /Model loaded: .*out of memory/);
    assert.equal(output(result, 'liveResult'), 'failed');
    assert.equal(output(result, 'p95Ms'), '');
    assert.equal(tagsOf().get('triton.validation'), 'failed');
    assert.equal(tagsOf().get('triton.validation.offline'), 'passed');
    assert.equal(tagsOf().get('triton.validation.live'), 'failed');
    assert.equal(tagsOf().has('triton.validation.live.p95_ms'), false);
  });
});
