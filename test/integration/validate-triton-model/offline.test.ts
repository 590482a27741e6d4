import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildAddSubModel, buildClassifierModel, renderConfigPbtxt } from '../../models';
import {
  addSubConfig,
  findingIssues,
  issueKey,
  output,
  runValidateTask,
  sourcesFolder,
  summaryOf,
  type SourcesFolder,
} from './fixtures';

const ADD_SUB = buildAddSubModel();
const CLASSIFIER = buildClassifierModel();
/** INPUT0 declared INT32 while the graph has FP32 (line 5), and a GPU instance group (line 12). */
const WRONG_TYPE_ON_GPU = addSubConfig('instance_group [ { kind: KIND_GPU count: 1 } ]').replace(
  'name: "INPUT0" data_type: TYPE_FP32',
  'name: "INPUT0" data_type: TYPE_INT32',
);

describe('ValidateTritonModel offline, on a repository folder', function () {
  this.timeout(60_000);
  let sources: SourcesFolder;
  beforeEach(async () => {
    sources = await sourcesFolder();
  });
  afterEach(async () => sources.remove());

  const writeModel = (folder: string, config: string, onnx = ADD_SUB.onnx) =>
    sources.write({ [`${folder}/config.pbtxt`]: config, [`${folder}/1/model.onnx`]: onnx });

  it('passes a good repository: outputs, no issues, a summary that says so', async () => {
    await writeModel('models/add_sub', addSubConfig());
    await writeModel('models/classifier', renderConfigPbtxt(CLASSIFIER.config), CLASSIFIER.onnx);
    const result = await runValidateTask(sources.dir, { modelRepository: 'models' });

    assert.equal(result.result, 'Succeeded', result.resultMessage);
    assert.match(result.resultMessage, /2 model\(s\) checked offline: 0 error\(s\), 0 warning/);
    assert.deepEqual([...result.errors, ...result.warnings], [], 'no issue at all');
    assert.equal(output(result, 'validationResult'), 'passed');
    assert.equal(output(result, 'errorCount'), '0');
    assert.equal(output(result, 'warningCount'), '0');
    assert.equal(output(result, 'liveResult'), '');
    const summary = summaryOf(result);
    assert.match(summary, /^## Triton validation of folder models: ✅ passed/);
    assert.match(summary, /2 model\(s\) checked: 0 error\(s\), 0 warning\(s\)\./);
    assert.doesNotMatch(summary, /\| Severity \|/, 'no findings table without findings');
  });

  it('reports every finding at once, each on its file, line and column', async () => {
    await writeModel('models/add_sub', WRONG_TYPE_ON_GPU);
    await writeModel(
      'models/classifier',
      renderConfigPbtxt(CLASSIFIER.config).replace('max_batch_size: 8', 'max_batch_size: 8 }'),
      CLASSIFIER.onnx,
    );
    const result = await runValidateTask(sources.dir, { modelRepository: 'models' });

    assert.equal(result.result, 'Failed');
    assert.match(
      result.resultMessage,
      /^Triton validation of the model repository failed: 2 model\(s\) checked offline: 2 error/,
    );
    const file = (model: string) => path.join(sources.dir, 'models', model, 'config.pbtxt');
    // Absolute paths on the agent: the agent makes them relative to the repository itself.
    assert.deepEqual(findingIssues(result.errors).map(issueKey), [
      `error onnx.signature ${file('add_sub')}:5:20`,
      `error pbtxt.syntax ${file('classifier')}:3:19`,
    ]);
    assert.deepEqual(findingIssues(result.warnings).map(issueKey), [
      `warning instance-group.gpu-required ${file('add_sub')}:12:20`,
    ]);
    assert.match(
      result.errors[0]?.message ?? '',
      new RegExp(
        /^input 'INPUT0' is TYPE_INT32 \(INT32\) in the config but FP32 in/.source +
          / add_sub\/1\/model\.onnx\. Fix: Write data_type: TYPE_FP32\.$/.source,
      ),
    );
    assert.equal(output(result, 'validationResult'), 'failed');
    assert.equal(output(result, 'errorCount'), '2');
    assert.equal(output(result, 'warningCount'), '1');

    const summary = summaryOf(result);
    assert.match(summary, /### Offline validation: ❌ failed/);
    assert.match(
      summary,
      new RegExp(
        /\| ❌ error \| onnx\.signature \| models\/add_sub\/config\.pbtxt \| 5:20 \|/.source +
          / input 'INPUT0' is TYPE_INT32/.source,
      ),
    );
    assert.match(
      summary,
      new RegExp(
        /\| ⚠️ warning \| instance-group\.gpu-required \| /.source +
          /models\/add_sub\/config\.pbtxt \| 12:20 \|/.source,
      ),
    );
    assert.match(
      summary,
      /\| ❌ error \| pbtxt\.syntax \| models\/classifier\/config\.pbtxt \| 3:19 \|/,
    );
  });

  it('succeeds with issues on warnings, and fails on them with failOnWarning', async () => {
    await writeModel('models/add_sub', addSubConfig('instance_group [ { kind: KIND_GPU } ]'));

    const lenient = await runValidateTask(sources.dir, { modelRepository: 'models' });
    assert.equal(lenient.result, 'SucceededWithIssues', lenient.resultMessage);
    assert.match(
      lenient.resultMessage,
      /passedWithWarnings: 1 model\(s\) checked offline: 0 error\(s\), 1 warning/,
    );
    const config = path.join(sources.dir, 'models/add_sub/config.pbtxt');
    assert.deepEqual(findingIssues(lenient.warnings).map(issueKey), [
      `warning instance-group.gpu-required ${config}:12:20`,
    ]);
    assert.equal(output(lenient, 'validationResult'), 'passedWithWarnings');
    assert.equal(output(lenient, 'warningCount'), '1');
    const heading = /## Triton validation of add_sub: ⚠️ passed with warnings/;
    assert.match(summaryOf(lenient), heading);

    const strict = await runValidateTask(sources.dir, {
      modelRepository: 'models',
      failOnWarning: 'true',
    });
    assert.equal(strict.result, 'Failed');
    assert.match(strict.resultMessage, /0 error\(s\), 1 warning\(s\) \(failOnWarning is set\)/);
    assert.equal(
      findingIssues(strict.warnings).length,
      1,
      'the warning is still logged as a warning',
    );
    assert.equal(output(strict, 'validationResult'), 'failed');
    assert.match(summaryOf(strict), /\(failOnWarning: warnings fail the task\)/);
  });

  it('makes GPU rules errors when the target server has no GPU (gpuCount 0)', async () => {
    await writeModel('models/add_sub', addSubConfig('instance_group [ { kind: KIND_GPU } ]'));
    const result = await runValidateTask(sources.dir, {
      modelRepository: 'models',
      gpuCount: '0',
    });
    assert.equal(result.result, 'Failed');
    const config = path.join(sources.dir, 'models/add_sub/config.pbtxt');
    assert.deepEqual(findingIssues(result.errors).map(issueKey), [
      `error instance-group.gpu-required ${config}:12:20`,
    ]);
    assert.deepEqual(findingIssues(result.warnings), []);
  });

  it('validates only the named model of a repository', async () => {
    await writeModel('models/add_sub', addSubConfig());
    await writeModel(
      'models/classifier',
      'name: "classifier"\nmax_batch_size: -3\n',
      CLASSIFIER.onnx,
    );
    const result = await runValidateTask(sources.dir, {
      modelRepository: 'models',
      modelName: 'add_sub',
    });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    assert.match(result.resultMessage, /^Triton validation of 'add_sub' passed: 1 model\(s\)/);
    assert.deepEqual(findingIssues(result.errors), []);
  });

  it('takes a model folder itself, and checks that its name is the model name', async () => {
    await writeModel('triton/churn', addSubConfig());
    const result = await runValidateTask(sources.dir, { modelRepository: 'triton/churn' });
    assert.equal(result.result, 'Failed');
    assert.deepEqual(findingIssues(result.errors).map(issueKey), [
      `error layout.folder-name ${path.join(sources.dir, 'triton/churn/config.pbtxt')}:1:1`,
    ]);
  });

  it('names the input and the fix when the folder or the model is missing', async () => {
    const missing = await runValidateTask(sources.dir, { modelRepository: 'modles' });
    assert.equal(missing.result, 'Failed');
    assert.match(
      missing.resultMessage,
      /^Input modelRepository: "modles" is not a folder on the agent/,
    );
    assert.equal(output(missing, 'validationResult'), 'failed');

    await writeModel('models/add_sub', addSubConfig());
    const unknown = await runValidateTask(sources.dir, {
      modelRepository: 'models',
      modelName: 'add-sub',
    });
    assert.equal(unknown.result, 'Failed');
    assert.match(
      unknown.resultMessage,
      new RegExp(
        /^Input modelName: the repository "models" has no model folder "add-sub" \(it/.source +
          / holds add_sub\)/.source,
      ),
    );
  });

  it('names the input when the Triton URL is not an http URL', async () => {
    await writeModel('models/add_sub', addSubConfig());
    const result = await runValidateTask(sources.dir, {
      modelRepository: 'models',
      tritonUrl: 'triton-staging:8000',
    });
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage, /^Input tritonUrl: "triton-staging:8000" is not an http/);
  });

  it('asks which model to test live when the repository holds several', async () => {
    await writeModel('models/add_sub', addSubConfig());
    await writeModel('models/classifier', renderConfigPbtxt(CLASSIFIER.config), CLASSIFIER.onnx);
    const result = await runValidateTask(sources.dir, {
      modelRepository: 'models',
      tritonUrl: 'http://127.0.0.1:9',
    });
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage, /^Input modelName: the repository holds several models/);
    assert.equal(output(result, 'validationResult'), 'passed', 'the offline part is published');
  });
});
