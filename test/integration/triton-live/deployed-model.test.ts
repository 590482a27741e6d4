import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { LiveInputError } from '../../../tasks/common/triton/live/live-options';
import { renderLiveReport } from '../../../tasks/common/triton/live/report-markdown';
import { validateLive } from '../../../tasks/common/triton/live/validate-live';
import {
  buildAddSubModel,
  buildBrokenModel,
  buildClassifierModel,
  buildIdentityModel,
  classifierProbabilities,
  DEFAULT_CLASSIFIER_WEIGHTS,
  renderConfigPbtxt,
  writeTritonModelFolder,
} from '../../models';
import { startTritonServer, type TritonTestServer } from '../../servers/triton';
import { checkOf, liveOptions, statuses, tempFolder, writeSample } from './live-fixtures';

const FEATURES = [
  [1, 2, 3, 4],
  [0.5, -1, 0, 2],
];

function expectedProbabilities(): number[][] {
  return FEATURES.map((row) => classifierProbabilities(DEFAULT_CLASSIFIER_WEIGHTS, row));
}

describe('validateLive on a model already deployed (real ONNX models)', function () {
  this.timeout(20_000);
  let repo: { dir: string; remove: () => Promise<void> };
  let agent: { dir: string; remove: () => Promise<void> };
  let server: TritonTestServer;

  before(async () => {
    repo = await tempFolder('live-repo-');
    agent = await tempFolder('live-agent-');
    for (const model of [
      buildClassifierModel(),
      buildAddSubModel(),
      buildIdentityModel('FP16'),
      buildIdentityModel('BF16'),
      buildIdentityModel('BYTES'),
      buildBrokenModel(),
    ]) {
      await writeTritonModelFolder(repo.dir, model);
      await writeTritonModelFolder(agent.dir, model);
    }
    // Strict readiness: the broken model makes the whole server not ready, which must not
    // fail the validation of another model.
    server = await startTritonServer({ repository: repo.dir });
  });

  after(async () => {
    await server.close();
    await repo.remove();
    await agent.remove();
  });

  afterEach(() => server.setInferenceLatency(0, 'classifier'));

  it('passes a healthy model: sample request, expected outputs, latency test', async () => {
    const sample = await writeSample(agent.dir, 'good.json', {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: FEATURES }],
      expected_outputs: [{ name: 'probabilities', shape: [2, 3], data: expectedProbabilities() }],
      tolerance: { absolute: 1e-6, relative: 1e-5 },
    });
    const lines: string[] = [];
    const report = await validateLive(
      liveOptions(server.url, 'classifier', {
        modelFolder: path.join(agent.dir, 'classifier'),
        sampleRequestFile: sample,
        latency: { requests: 8, concurrency: 2, p95BudgetMs: 5_000 },
        log: (line) => lines.push(line),
      }),
    );

    assert.equal(report.result, 'passed', JSON.stringify(report.checks, null, 2));
    assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 400);
    assert.deepEqual(statuses(report), {
      server: 'passed',
      ready: 'passed',
      config: 'passed',
      signature: 'passed',
      inference: 'passed',
      latency: 'passed',
    });
    assert.equal(report.serverVersion, '2.59.0');
    assert.deepEqual(report.servedVersions, ['1']);
    assert.match(checkOf(report, 'inference').summary, /with the expected values/);
    assert.equal(report.latency?.requests, 8);
    assert.equal(report.latency?.failures, 0);
    assert.ok((report.latency?.p95Ms ?? 0) > 0 && (report.latency?.throughputPerSecond ?? 0) > 0);
    assert.ok(lines.some((line) => line.includes('Waiting for model')));

    const markdown = renderLiveReport(report);
    assert.match(markdown, /## Live validation of classifier on Triton: ✅ passed/);
    assert.match(markdown, /\| Latency \| ✅ passed \| p50 /);
    assert.match(markdown, /\| 8 \| 2 \| 0 \| /);
  });

  it('builds a smoke request from the metadata when no sample is given', async () => {
    const report = await validateLive(
      liveOptions(server.url, 'add_sub', { modelFolder: path.join(agent.dir, 'add_sub') }),
    );
    assert.equal(report.result, 'passed', JSON.stringify(report.checks, null, 2));
    const inference = checkOf(report, 'inference');
    assert.match(inference.summary, /smoke request built from the metadata/);
    assert.deepEqual(inference.details, ['OUTPUT0 FP32 [1, 4]', 'OUTPUT1 FP32 [1, 4]']);
    const sent = server.requests.filter((r) => r.path === '/v2/models/add_sub/infer');
    const body = JSON.parse(sent[sent.length - 1]?.body.toString() ?? '{}') as {
      inputs: { shape: number[]; data: number[] }[];
    };
    assert.deepEqual(body.inputs[0]?.shape, [1, 4]);
  });

  it('sends FP16 and BF16 through the binary data extension, and BYTES as strings', async () => {
    const fp16 = await validateLive(liveOptions(server.url, 'identity_fp16'));
    assert.equal(fp16.result, 'passed', JSON.stringify(fp16.checks, null, 2));
    assert.ok(fp16.notes.some((note) => /INPUT0 sent as binary data/.test(note)));
    assert.equal(checkOf(fp16, 'config').status, 'skipped');
    const bf16 = await validateLive(liveOptions(server.url, 'identity_bf16'));
    assert.equal(bf16.result, 'passed', JSON.stringify(bf16.checks, null, 2));

    const sample = await writeSample(agent.dir, 'bytes.json', {
      inputs: [{ name: 'INPUT0', shape: [1, 2], data: ['héllo', 'world'] }],
      expected_outputs: [{ name: 'OUTPUT0', data: ['héllo', 'world'] }],
    });
    const bytes = await validateLive(
      liveOptions(server.url, 'identity_bytes', { sampleRequestFile: sample }),
    );
    assert.equal(bytes.result, 'passed', JSON.stringify(bytes.checks, null, 2));
  });

  it('shows the first differing elements when an output is not the expected one', async () => {
    const wrong = expectedProbabilities();
    const row = wrong[1] ?? [];
    row[2] = (row[2] ?? 0) + 0.25;
    const sample = await writeSample(agent.dir, 'wrong.json', {
      inputs: [{ name: 'features', shape: [2, 4], data: FEATURES }],
      expected_outputs: [{ name: 'probabilities', data: wrong }],
    });
    const report = await validateLive(
      liveOptions(server.url, 'classifier', {
        sampleRequestFile: sample,
        latency: { requests: 5, concurrency: 1 },
      }),
    );
    assert.equal(report.result, 'failed');
    const inference = checkOf(report, 'inference');
    assert.equal(inference.status, 'failed');
    assert.match(inference.details[0] ?? '', /output 'probabilities': 1 of 6 values differ/);
    assert.match(
      inference.details[1] ?? '',
      /probabilities\[1, 2\]: expected 0\.\d+, got 0\.\d+ \(off by 0\.25/,
    );
    assert.equal(checkOf(report, 'latency').status, 'skipped');
    assert.match(renderLiveReport(report), /### Inference\n\n- output 'probabilities'/);
  });

  it('fails when the served config differs from the local config.pbtxt', async () => {
    const model = buildClassifierModel();
    const local = await tempFolder('live-local-');
    try {
      const altered = { ...model.config, maxBatchSize: 4 };
      await writeTritonModelFolder(local.dir, model, { configText: renderConfigPbtxt(altered) });
      const report = await validateLive(
        liveOptions(server.url, 'classifier', { modelFolder: path.join(local.dir, 'classifier') }),
      );
      assert.equal(report.result, 'failed');
      const config = checkOf(report, 'config');
      assert.equal(config.status, 'failed');
      assert.deepEqual(config.details, [
        'max_batch_size: the local config sets 4, Triton serves 8',
      ]);
      // The signature itself still matches: the batch dimension is -1 either way.
      assert.equal(checkOf(report, 'signature').status, 'passed');
    } finally {
      await local.remove();
    }
  });

  it('fails the signature when the local config names other outputs or types', async () => {
    const model = buildClassifierModel();
    const local = await tempFolder('live-local-');
    try {
      const text = renderConfigPbtxt(model.config)
        .replace('"probabilities"', '"scores"')
        .replace('TYPE_FP32', 'TYPE_FP16');
      await writeTritonModelFolder(local.dir, model, { configText: text });
      const report = await validateLive(
        liveOptions(server.url, 'classifier', { modelFolder: path.join(local.dir, 'classifier') }),
      );
      const signature = checkOf(report, 'signature');
      assert.equal(signature.status, 'failed');
      assert.deepEqual(signature.details, [
        "input 'features' is FP32 on the server, FP16 in the local config",
        "output 'scores' is in the local config but not served (served: probabilities)",
        "output 'probabilities' is served but not in the local config",
      ]);
      assert.ok(
        checkOf(report, 'config').details.includes(
          'input[features].data_type: the local config sets TYPE_FP16, Triton serves TYPE_FP32',
        ),
      );
    } finally {
      await local.remove();
    }
  });

  it('fails the latency check when p95 is over the budget', async () => {
    server.setInferenceLatency(40, 'classifier');
    const report = await validateLive(
      liveOptions(server.url, 'classifier', {
        latency: { requests: 6, concurrency: 3, p95BudgetMs: 20 },
      }),
    );
    assert.equal(report.result, 'failed');
    const latency = checkOf(report, 'latency');
    assert.equal(latency.status, 'failed');
    assert.match(latency.summary, /^p95 \d+\.\d ms is over the budget of 20 ms/);
    assert.ok((report.latency?.p95Ms ?? 0) >= 40);
    assert.equal(checkOf(report, 'inference').status, 'passed');
  });

  it("shows Triton's state and reason when the model failed to load", async () => {
    const started = Date.now();
    const report = await validateLive(liveOptions(server.url, 'broken'));
    assert.ok(Date.now() - started < 4_000, 'the wait ends at the ready timeout');
    assert.equal(report.result, 'failed');
    const ready = checkOf(report, 'ready');
    const [entry] = (await server.index()).filter((e) => e.name === 'broken');
    assert.ok(entry?.reason, 'the test server gives a reason');
    assert.match(
      ready.summary,
      new RegExp(
        /^Model 'broken' was not ready after \d\.\d s\. Triton reports version 1/.source +
          / of 'broken' UNAVAILABLE: /.source,
      ),
    );
    assert.ok(ready.summary.includes(entry.reason), ready.summary);
    assert.match(ready.details.join('\n'), /version 1: UNAVAILABLE: .*NoSuchOperator/);
    assert.equal(report.checks.length, 2, 'nothing runs after a model that is not ready');
  });

  it('names the models Triton has when the model name is wrong', async () => {
    const report = await validateLive(
      liveOptions(server.url, 'clasifier', { readyTimeoutMs: 300 }),
    );
    const ready = checkOf(report, 'ready');
    assert.equal(ready.status, 'failed');
    assert.match(
      ready.summary,
      /Triton's repository has no model 'clasifier'\. Did you mean "classifier"\?/,
    );
    assert.match(ready.details[0] ?? '', /models in the repository: add_sub, broken, classifier/);
  });

  it('rejects a sample file that does not fit the model inputs, naming the fix', async () => {
    const typo = await writeSample(agent.dir, 'typo.json', {
      inputs: [{ name: 'feature', shape: [1, 4], data: [1, 2, 3, 4] }],
    });
    await assert.rejects(
      validateLive(liveOptions(server.url, 'classifier', { sampleRequestFile: typo })),
      (error: unknown) =>
        error instanceof LiveInputError &&
        error.message.includes("does not fit model 'classifier'") &&
        error.message.includes("inputs[0] 'feature' is not an input of the model") &&
        error.message.includes('(its inputs: features). Did you mean "features"?'),
    );

    const shape = await writeSample(agent.dir, 'shape.json', {
      inputs: [{ name: 'features', shape: [1, 5], data: [1, 2, 3, 4, 5] }],
    });
    await assert.rejects(
      validateLive(liveOptions(server.url, 'classifier', { sampleRequestFile: shape })),
      /input 'features' has shape \[1, 5\] in the file, but the model takes \[-1, 4\]/,
    );

    const types = await writeSample(agent.dir, 'types.json', {
      inputs: [{ name: 'features', shape: [1, 4], data: [1, 2, 'three', 4] }],
    });
    await assert.rejects(
      validateLive(liveOptions(server.url, 'classifier', { sampleRequestFile: types })),
      /input 'features' value "three" at position 2 is not a number \(FP32\)/,
    );
  });

  it('rejects an unreadable sample file before contacting the server', async () => {
    const before = server.requests.length;
    const broken = await writeSample(agent.dir, 'broken.json', '{"inputs": [');
    await assert.rejects(
      validateLive(liveOptions(server.url, 'classifier', { sampleRequestFile: broken })),
      /Sample request file ".*broken\.json": is not JSON/,
    );
    assert.equal(server.requests.length, before);
  });
});
