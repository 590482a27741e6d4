import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TaskRunResult } from '../../harness/task-runner';
import { buildAddSubModel } from '../../models';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { startS3, type TestS3 } from '../../servers/s3';
import { PIPELINE, RUN_URL } from '../register-model/seed';
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

const ONNX = buildAddSubModel().onnx;
/** A config for the registered model "churn" (Triton names the model after its folder). */
const CHURN_CONFIG = addSubConfig('', 'churn');
/** The same with INPUT0 declared INT32 (line 5, column 20) and a label file on OUTPUT0. */
const CHURN_WRONG_TYPE = CHURN_CONFIG.replace(
  'name: "INPUT0" data_type: TYPE_FP32',
  'name: "INPUT0" data_type: TYPE_INT32',
).replace(
  '{ name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] }',
  '{ name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] label_filename: "labels.txt" }',
);

for (const mode of [2, 3] as const) {
  describe(`ValidateTritonModel on a registry version, MLflow ${mode}.x`, function () {
    this.timeout(60_000);
    let server: MlflowTestServer;
    let sources: SourcesFolder;
    beforeEach(async () => {
      server = await startMlflowServer({ mode });
      sources = await sourcesFolder();
    });
    afterEach(async () => {
      await server.close();
      await sources.remove();
    });

    const validate = (
      inputs: Record<string, string>,
      variables: Record<string, string> = {},
    ): Promise<TaskRunResult> =>
      runValidateTask(
        sources.dir,
        { source: 'registry', modelName: 'churn', mlflowServiceConnection: 'mlflow', ...inputs },
        { endpoints: { mlflow: { url: server.url, scheme: 'None' } }, variables },
      );
    const tagsOf = (version: string) =>
      Object.fromEntries(
        [...server.store.modelVersion('churn', Number(version)).tags].filter(([key]) =>
          key.startsWith('triton.validation'),
        ),
      );
    const style = mode === 3 ? 'logged-model' : 'run-artifacts';

    it(`downloads the alias's version (${style}), validates it and tags the result`, async () => {
      await seedVersion(server, 'churn', { 'config.pbtxt': addSubConfig('', 'other') }, style);
      const files = { 'config.pbtxt': CHURN_CONFIG, '1/model.onnx': ONNX };
      const version = await seedVersion(server, 'churn', files, style);
      await setAlias(server, 'churn', 'challenger', version);

      const agentTemp = path.join(sources.dir, '_temp');
      fs.mkdirSync(agentTemp);
      const result = await validate(
        { registryAlias: 'challenger' },
        { 'Agent.TempDirectory': agentTemp },
      );
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.match(result.resultMessage, /^Triton validation of 'churn' passed: 1 model\(s\)/);
      assert.deepEqual(findingIssues([...result.errors, ...result.warnings]), []);
      assert.ok(
        result.logLines.some((line) =>
          /^Downloading 2 file\(s\), .* of version 2 of "churn"/.test(line),
        ),
        result.stdout,
      );
      assert.equal(output(result, 'validationResult'), 'passed');
      const temp = fs.readdirSync(agentTemp).filter((name) => name.startsWith('triton-validation'));
      assert.equal(temp.length, 1, 'the summary file is in the agent temp folder');
      assert.match(temp[0] ?? '', /\.md$/, 'the downloaded files are removed');

      const tags = tagsOf(version);
      assert.match(tags['triton.validation.at'] ?? '', /^\d{4}-\d\d-\d\dT/);
      delete tags['triton.validation.at'];
      assert.deepEqual(tags, {
        'triton.validation': 'passed',
        'triton.validation.offline': 'passed',
        'triton.validation.errors': '0',
        'triton.validation.warnings': '0',
        'triton.validation.build_number': PIPELINE['Build.BuildNumber'],
        'triton.validation.build_id': PIPELINE['Build.BuildId'],
        'triton.validation.run_url': RUN_URL,
        'triton.validation.commit': PIPELINE['Build.SourceVersion'],
      });
      assert.deepEqual(tagsOf('1'), {}, 'the other version is left alone');

      const summary = summaryOf(result);
      assert.match(summary, /^## Triton validation of churn: ✅ passed/);
      const link = `${server.url}/#/models/churn/versions/2`;
      const validated = `Validated [version 2 of "churn" (alias challenger)](${link})`;
      assert.ok(summary.includes(validated), summary);
      assert.match(summary, /\| triton\.validation \| passed \|/);
    });

    it('lays out a flat runs:/ version, reports findings in it, tags the failure', async () => {
      const version = await seedVersion(
        server,
        'churn',
        { 'config.pbtxt': CHURN_WRONG_TYPE, 'model.onnx': ONNX, 'labels.txt': 'a\nb\nc\nd\n' },
        'runs-uri',
      );
      const result = await validate({ registryVersion: version });

      assert.equal(result.result, 'Failed');
      const [issue, ...others] = findingIssues(result.errors);
      assert.deepEqual(others, [], 'one error: the label file stayed at the model root');
      assert.equal(issue?.properties.code, 'onnx.signature');
      assert.equal(issue?.properties.sourcepath, undefined, 'a downloaded file is not in the repo');
      assert.match(
        issue?.message ?? '',
        new RegExp(
          /^models:\/churn\/1 config\.pbtxt:5:20: input 'INPUT0' is/.source +
            / TYPE_INT32 \(INT32\) in the config but FP32 in 1\/model\.onnx\./.source,
        ),
      );
      assert.match(summaryOf(result), /version folder 1 \(the registry version\)/);
      assert.equal(output(result, 'validationResult'), 'failed');
      assert.equal(output(result, 'errorCount'), '1');
      const tags = tagsOf(version);
      assert.equal(tags['triton.validation'], 'failed');
      assert.equal(tags['triton.validation.errors'], '1');
    });

    it('finds the Triton model in a subfolder of the artifacts', async () => {
      const files = {
        MLmodel: 'flavors: {}\n',
        'triton/churn/config.pbtxt': CHURN_CONFIG,
        'triton/churn/1/model.onnx': ONNX,
      };
      const version = await seedVersion(server, 'churn', files, style);
      const result = await validate({ registryVersion: version });
      assert.equal(result.result, 'Succeeded', result.resultMessage);
      assert.match(summaryOf(result), /found in the artifact folder "triton\/churn"/);
      assert.ok(
        result.logLines.includes('Downloaded 1/model.onnx, config.pbtxt'),
        result.logLines.join('\n'),
      );
    });

    it('refuses a version whose registration failed, and tags nothing', async () => {
      server.registration = { pendingPolls: 0, failWith: 'copy failed' };
      const version = await seedVersion(server, 'churn', { 'config.pbtxt': CHURN_CONFIG }, style);
      const result = await validate({ registryVersion: version });
      assert.equal(result.result, 'Failed');
      assert.match(
        result.resultMessage,
        /^Version 1 of "churn" is FAILED_REGISTRATION, not READY: its files may be incomplete/,
      );
      assert.deepEqual(tagsOf(version), {});
    });

    it('names the input when the alias is not set, and tags nothing', async () => {
      await seedVersion(server, 'churn', { 'config.pbtxt': CHURN_CONFIG }, style);
      const result = await validate({ registryAlias: 'challenger' });
      assert.equal(result.result, 'Failed');
      assert.match(
        result.resultMessage,
        /^Input registryAlias: alias "challenger" of "churn" is not set, so there is no version/,
      );
      assert.deepEqual(tagsOf('1'), {});
      assert.equal(output(result, 'validationResult'), 'failed');
    });
  });
}

describe('ValidateTritonModel on a registry version stored in S3 (MinIO)', function () {
  this.timeout(60_000);
  let s3: TestS3;
  let server: MlflowTestServer;
  let sources: SourcesFolder;
  before(async () => {
    s3 = await startS3('mlflow');
    server = await startMlflowServer({ mode: 3, artifacts: 's3-direct', s3 });
    sources = await sourcesFolder();
  });
  after(async () => {
    await server.close();
    await s3.close();
    await sources.remove();
  });

  it('downloads straight from S3 with the connection keys, for both source styles', async () => {
    const files = { 'config.pbtxt': CHURN_CONFIG, '1/model.onnx': ONNX };
    for (const style of ['run-artifacts', 'logged-model'] as const) {
      const version = await seedVersion(server, 'churn', files, style, s3);
      const result = await runValidateTask(
        sources.dir,
        {
          source: 'registry',
          modelName: 'churn',
          registryVersion: version,
          mlflowServiceConnection: 'mlflow',
        },
        {
          endpoints: {
            mlflow: {
              url: server.url,
              scheme: 'None',
              data: {
                s3EndpointUrl: s3.endpoint,
                s3AccessKeyId: s3.accessKeyId,
                s3SecretAccessKey: s3.secretAccessKey,
              },
            },
          },
        },
      );
      assert.equal(result.result, 'Succeeded', `${style}: ${result.resultMessage}`);
      assert.match(summaryOf(result), /downloaded from `s3:\/\/mlflow\//);
      const tags = server.store.modelVersion('churn', Number(version)).tags;
      assert.equal(tags.get('triton.validation'), 'passed', style);
    }
  });
});

describe('ValidateTritonModel registry inputs', function () {
  this.timeout(30_000);
  let sources: SourcesFolder;
  before(async () => {
    sources = await sourcesFolder();
  });
  after(async () => sources.remove());

  it('asks for one of alias and version, before any request', async () => {
    const both = await runValidateTask(sources.dir, {
      source: 'registry',
      modelName: 'churn',
      registryAlias: 'challenger',
      registryVersion: '3',
    });
    assert.equal(both.result, 'Failed');
    assert.match(both.resultMessage, /^Inputs registryAlias and registryVersion are both set/);

    const neither = await runValidateTask(sources.dir, { source: 'registry', modelName: 'churn' });
    assert.equal(neither.result, 'Failed');
    assert.match(neither.resultMessage, /^Input required: registryAlias or registryVersion/);
  });
});
