import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBundledTask, type TaskRunResult } from '../../harness/task-runner';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import { startS3, type TestS3 } from '../../servers/s3';

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logrun-faults-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** What a run ended as, without ids and times: what the user would compare. */
async function runSnapshot(server: MlflowTestServer): Promise<unknown> {
  const runs = [...server.store.runs.values()];
  assert.equal(runs.length, 1, 'exactly one run');
  const run = runs[0]!;
  const tags = [...run.tags].filter(([key]) => key !== 'azure_pipelines.create_request').sort();
  return {
    status: run.status,
    params: [...run.params].sort(),
    metrics: run.metrics
      .map((m) => [m.key, m.step, m.timestamp > 0, Number.isNaN(m.value) ? 'NaN' : m.value])
      .sort(),
    tags,
    artifacts: (await server.artifacts())
      .map((a) => [a.path.replace(/^.*?\/artifacts\//, ''), a.size])
      .sort(),
  };
}

const INPUTS = {
  experimentName: 'flaky-network',
  params: Array.from({ length: 120 }, (_, i) => `p${i}=${i}`).join('\n'),
  metricsFile: 'history.json',
  tags: 'team=ml\nrun=faults',
  artifacts: 'reports/*.txt',
};

for (const mode of [2, 3] as const) {
  describe(`MLflowLogRun with 20% of requests failing (MLflow ${mode}.x)`, function () {
    this.timeout(120_000);

    it('ends with the same run as without faults: nothing missing, nothing twice', async () => {
      const history = {
        loss: Array.from({ length: 8000 }, (_, i) => ({ step: i, value: 1 / (i + 1) })),
        acc: [{ step: 0, value: 'NaN' }],
      };
      const files: Record<string, string> = { 'history.json': JSON.stringify(history) };
      for (let i = 0; i < 20; i++) files[`reports/r${i}.txt`] = 'r'.repeat(1000 + i);
      const ws = workspace(files);

      const snapshots: unknown[] = [];
      const results: TaskRunResult[] = [];
      for (const faulty of [false, true]) {
        const server = await startMlflowServer({ mode, faultSeed: 7 });
        try {
          const faults = faulty
            ? [
                server.faults.add({ probability: 0.07, status: 503 }),
                server.faults.add({ probability: 0.07, reset: true }),
                server.faults.add({ probability: 0.07, afterHandling: true }),
                server.faults.add({ probability: 0.05, delayMs: 300 }),
              ]
            : [];
          const result = await runBundledTask('MLflowLogRun', {
            inputs: { ...INPUTS, workingDirectory: ws, maxRetries: '8' },
            env: { MLFLOW_TRACKING_URI: server.url },
            variables: { 'Build.SourceVersion': 'abc123', 'Build.BuildNumber': '7' },
          });
          assert.equal(result.result, 'Succeeded', result.resultMessage);
          results.push(result);
          snapshots.push(await runSnapshot(server));
          for (const fault of faults) {
            assert.ok(fault.hits >= 1, `the fault ${JSON.stringify(fault.spec)} fired`);
          }
          if (faulty) {
            const hits = faults.reduce((sum, fault) => sum + fault.hits, 0);
            assert.ok(hits >= 0.15 * server.requests.length, `${hits} faults fired`);
          }
        } finally {
          await server.close();
        }
      }
      assert.deepEqual(snapshots[1], snapshots[0]);
    });
  });
}

describe('MLflowLogRun with artifacts in S3 (MinIO)', function () {
  this.timeout(60_000);
  let s3: TestS3;
  let server: MlflowTestServer;
  before(async () => {
    s3 = await startS3('mlflow');
    server = await startMlflowServer({ artifacts: 's3-direct', s3 });
  });
  after(async () => {
    await server.close();
    await s3.close();
  });

  it('writes straight to S3 with the connection endpoint and keys', async () => {
    const ws = workspace({ 'out/model/model.onnx': 'x'.repeat(2048), 'out/notes é.md': '# n' });
    const result = await runBundledTask('MLflowLogRun', {
      inputs: {
        experimentName: 's3-run',
        artifacts: '**/*',
        artifactsRoot: 'out',
        workingDirectory: ws,
        mlflowServiceConnection: 'c1',
      },
      endpoints: {
        c1: {
          url: server.url,
          scheme: 'None',
          data: {
            s3EndpointUrl: s3.endpoint,
            s3AccessKeyId: s3.accessKeyId,
            s3SecretAccessKey: s3.secretAccessKey,
          },
        },
      },
    });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    assert.match(result.variables.get('artifactUri')?.value ?? '', /^s3:\/\/mlflow\//);
    const stored = (await server.artifacts()).map((a) => [a.path.split('/artifacts/')[1], a.size]);
    assert.deepEqual(stored.sort(), [
      ['model/model.onnx', 2048],
      ['notes é.md', 3],
    ]);
  });

  it('refuses to guess an S3 endpoint when none is configured', async () => {
    const ws = workspace({ 'a.txt': 'a' });
    const result = await runBundledTask('MLflowLogRun', {
      inputs: { experimentName: 's3-run', artifacts: 'a.txt', workingDirectory: ws },
      env: {
        MLFLOW_TRACKING_URI: server.url,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      },
    });
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage, /no S3 endpoint is configured.*MLFLOW_S3_ENDPOINT_URL/);
  });
});

describe('MLflowLogRun refuses bad input before creating anything', function () {
  this.timeout(60_000);
  let server: MlflowTestServer;
  before(async () => {
    server = await startMlflowServer({ mode: 2 });
  });
  after(async () => server.close());

  const cases: {
    name: string;
    inputs: Record<string, string>;
    files?: Record<string, string>;
    expect: RegExp;
  }[] = [
    {
      name: 'a line that is not key=value names the line and the fix',
      inputs: { params: 'lr=0.1\nepochs 10' },
      expect: /Input params, line 2: "epochs 10" is not key=value/,
    },
    {
      name: 'a key given twice names both sources',
      inputs: { params: 'lr=0.1', paramsFile: 'p.json' },
      files: { 'p.json': '{"lr": 0.2}' },
      expect: /"lr" is given twice: in input params, line 1 and in file .*p\.json/,
    },
    {
      name: 'a too long param value names key and length, never the value',
      inputs: { params: `token=${'s'.repeat(6001)}` },
      expect: /parameter "token" .* value of 6001 characters; MLflow accepts at most 6000/,
    },
    {
      name: 'a lower limit for older servers',
      inputs: { params: `notes=${'n'.repeat(501)}`, maxParamValueLength: '500' },
      expect: /value of 501 characters; MLflow accepts at most 500/,
    },
    {
      name: 'a boolean metric is refused',
      inputs: { metrics: 'converged=true' },
      expect: /"true" is not a number/,
    },
    {
      name: 'a non-integer step is refused',
      inputs: { metricsFile: 'm.json' },
      files: { 'm.json': '{"loss": [{"step": 1.5, "value": 0.3}]}' },
      expect: /the step 1\.5 is not a whole number/,
    },
    {
      name: 'a key with characters MLflow refuses',
      inputs: { tags: 'owner@team=ml' },
      expect: /tag key "owner@team" .* may only contain letters, digits/,
    },
    {
      name: 'an unreadable file names the input and the path',
      inputs: { paramsFile: 'missing.yaml' },
      expect: /Input paramsFile: cannot read ".*missing\.yaml" \(ENOENT\)/,
    },
    {
      name: 'an artifact destination that climbs out of the root',
      inputs: { artifactPath: '../elsewhere' },
      expect: /Input artifactPath: "\.\.\/elsewhere" climbs out of the artifact root/,
    },
    {
      name: 'a CSV without the expected header',
      inputs: { metricsFile: 'm.csv' },
      files: { 'm.csv': 'epoch,name,val\n1,loss,0.2\n' },
      expect: /needs a header line with the columns step,key,value/,
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const before = server.requests.length;
      const result = await runBundledTask('MLflowLogRun', {
        inputs: {
          experimentName: 'bad-input',
          workingDirectory: workspace(testCase.files ?? {}),
          ...testCase.inputs,
        },
        env: { MLFLOW_TRACKING_URI: server.url },
      });
      assert.equal(result.result, 'Failed');
      assert.match(result.resultMessage, testCase.expect);
      assert.doesNotMatch(result.resultMessage, /s{100}/, 'the long value is not shown');
      assert.equal(server.requests.length, before, 'no request reached MLflow');
    });
  }

  it('metrics from a CSV history and a seconds-looking timestamp warns', async () => {
    const ws = workspace({
      'm.csv': 'step,key,value,timestamp\n1,loss,0.5,1700000000\n2,loss,0.3,1700000001\n',
    });
    const result = await runBundledTask('MLflowLogRun', {
      inputs: { experimentName: 'csv', metricsFile: 'm.csv', workingDirectory: ws },
      env: { MLFLOW_TRACKING_URI: server.url },
    });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    assert.match(result.warnings[0]?.message ?? '', /looks like seconds/);
    const run = [...server.store.runs.values()].find((r) =>
      r.metrics.some((m) => m.key === 'loss'),
    );
    assert.deepEqual(
      run?.metrics.map((m) => [m.step, m.value]),
      [
        [1, 0.5],
        [2, 0.3],
      ],
    );
  });
});
