/**
 * The training-to-production pipeline of examples/pipelines/train-to-production.yml, run on
 * this machine with the bundled tasks exactly as the agent runs them: train and log, register,
 * deploy to staging, validate, promote, deploy to production; then a second training with
 * other hyper-parameters, where the promotion gate decides. `npm run demo`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runBundledTask, type TaskRunResult } from '../../test/harness/task-runner';
import { demoServers, type DemoServers } from './demo-servers';

const MODEL = 'iris-classifier';

interface StepRecord {
  name: string;
  seconds: number;
  result: string;
  message: string;
}

/** Runs the steps in order, stopping at the first failed one. */
class PipelineRun {
  readonly steps: StepRecord[] = [];
  private buildId = 100;

  constructor(private readonly servers: DemoServers) {}

  async step(
    name: string,
    task: string,
    inputs: Record<string, string>,
    cwd?: string,
  ): Promise<TaskRunResult> {
    process.stdout.write(`- ${name} (${task})... `);
    const started = performance.now();
    const result = await runBundledTask(task, {
      inputs,
      env: this.servers.env,
      variables: {
        'System.CollectionUri': 'https://dev.azure.com/demo-org/',
        'System.TeamProject': 'iris',
        'Build.DefinitionName': 'train-to-production',
        'Build.BuildId': String(this.buildId),
        'Build.BuildNumber': `demo.${this.buildId}`,
        'Build.SourceVersion': 'demo0000000000000000000000000000000000000',
        'Build.SourceBranch': 'refs/heads/main',
        'Build.RequestedFor': os.userInfo().username,
      },
      ...(cwd ? { cwd } : {}),
      timeoutMs: 120_000,
    });
    const seconds = (performance.now() - started) / 1000;
    this.steps.push({
      name,
      seconds,
      result: result.result ?? 'none',
      message: result.resultMessage,
    });
    console.log(
      `${result.result ?? 'no result'} in ${seconds.toFixed(1)} s: ${result.resultMessage}`,
    );
    if (result.result !== 'Succeeded' && result.result !== 'SucceededWithIssues') {
      for (const error of result.errors) console.log(`    error: ${error.message}`);
      throw new Error(`the step "${name}" failed: ${result.resultMessage}`);
    }
    for (const warning of result.warnings) console.log(`    warning: ${warning.message}`);
    return result;
  }

  nextBuild(): void {
    this.buildId++;
  }
}

function output(result: TaskRunResult, name: string): string {
  return result.variables.get(name)?.value ?? '';
}

/** One pass of the pipeline: train, register, stage, validate, promote. */
async function trainAndPromote(
  run: PipelineRun,
  servers: DemoServers,
  hyperParameters: { epochs: number; learningRate: number; seed: number },
  label: string,
): Promise<{ version: string; promoted: boolean; runUrl: string }> {
  run.nextBuild();
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-train-'));
  const trainScript = path.join(REPO_ROOT, 'out', 'examples', 'training', 'train.js');
  const trained = await run.step(`${label}: train and log`, 'MLflowLogRun', {
    experimentName: 'iris-demo',
    command: process.execPath,
    arguments:
      `"${trainScript}" --epochs ${hyperParameters.epochs} ` +
      `--learning-rate ${hyperParameters.learningRate} --seed ${hyperParameters.seed} --out out`,
    workingDirectory: workspace,
    modelDirectory: `out/${MODEL}`,
    modelArtifactPath: 'model',
    tags: `demo.round=${label}`,
  });
  const registered = await run.step(`${label}: register`, 'RegisterModel', {
    modelName: MODEL,
    runId: output(trained, 'runId'),
    artifactPath: 'model',
    alias: 'challenger',
  });
  await run.step(`${label}: deploy to staging`, 'DeployToTriton', {
    modelName: MODEL,
    alias: 'challenger',
    tritonUrl: servers.staging.tritonUrl,
    modelRepository: servers.staging.repository,
  });
  await run.step(`${label}: validate on staging`, 'ValidateTritonModel', {
    source: 'registry',
    modelName: MODEL,
    registryAlias: 'challenger',
    tritonUrl: servers.staging.tritonUrl,
    liveMode: 'wait',
    latencyRequests: '50',
    latencyConcurrency: '4',
    p95BudgetMs: '500',
  });
  const promotion = await run.step(`${label}: promote (gates)`, 'PromoteToChampion', {
    modelName: MODEL,
    requiredTags: 'triton.validation=passed',
    metricGates: 'val_accuracy higher threshold=0.85 minAbsoluteChange=0.01',
    failOnGate: 'false',
    settleSeconds: '0',
  });
  fs.rmSync(workspace, { recursive: true, force: true });
  return {
    version: output(registered, 'modelVersion'),
    promoted: output(promotion, 'promoted') === 'true',
    runUrl: output(trained, 'runUrl'),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const servers = await demoServers();
  console.log(servers.description);
  const run = new PipelineRun(servers);
  try {
    const first = await trainAndPromote(
      run,
      servers,
      { epochs: 80, learningRate: 0.5, seed: 7 },
      'round 1',
    );
    if (!first.promoted) throw new Error('the first model was not promoted');
    await run.step('round 1: deploy to production', 'DeployToTriton', {
      modelName: MODEL,
      alias: 'champion',
      tritonUrl: servers.production.tritonUrl,
      modelRepository: servers.production.repository,
    });
    // A weaker model: too few epochs at a small learning rate. The gate must keep it out.
    const second = await trainAndPromote(
      run,
      servers,
      { epochs: 3, learningRate: 0.05, seed: 7 },
      'round 2',
    );
    const production = await run.step('round 2: deploy to production', 'DeployToTriton', {
      modelName: MODEL,
      alias: 'champion',
      tritonUrl: servers.production.tritonUrl,
      modelRepository: servers.production.repository,
    });
    const serving = await servedPrediction(servers.production.tritonUrl);
    report(run, servers, first, second, output(production, 'deployedVersion'), serving, started);
  } finally {
    await servers.close();
  }
}

/** Asks the production Triton for one prediction, to show the champion serving. */
async function servedPrediction(tritonUrl: string): Promise<string> {
  const response = await fetch(`${tritonUrl}/v2/models/${MODEL}/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [6.3, 3.3, 6.0, 2.5] }],
    }),
  });
  const body = (await response.json()) as { outputs?: { data: number[] }[]; error?: string };
  const probabilities = body.outputs?.[0]?.data ?? [];
  if (probabilities.length !== 3) return `no prediction (${body.error ?? response.status})`;
  const species = ['setosa', 'versicolor', 'virginica'];
  const best = probabilities.indexOf(Math.max(...probabilities));
  return `${species[best]} (p=${probabilities[best]?.toFixed(3)}) for a flower 6.3/3.3/6.0/2.5 cm`;
}

function report(
  run: PipelineRun,
  servers: DemoServers,
  first: { version: string; promoted: boolean; runUrl: string },
  second: { version: string; promoted: boolean; runUrl: string },
  productionVersion: string,
  serving: string,
  started: number,
): void {
  const champion = second.promoted ? second : first;
  console.log('\n## Demo report');
  console.log(`- Champion: ${MODEL} version ${champion.version} (run ${champion.runUrl})`);
  const ui = servers.mlflowUrl.replace(/\/+$/, '');
  console.log(`- Registry: ${ui}/#/models/${MODEL}/versions/${champion.version}`);
  const verdict = second.promoted ? 'promoted' : 'kept out by the gate';
  console.log(`- Round 2 (version ${second.version}) was ${verdict}`);
  console.log(`- Production Triton serves version ${productionVersion}: ${serving}`);
  console.log('\n| step | result | seconds |\n| --- | --- | --- |');
  for (const step of run.steps)
    console.log(`| ${step.name} | ${step.result} | ${step.seconds.toFixed(1)} |`);
  console.log(`\nTotal: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(`\nThe demo stopped: ${(error as Error).message}`);
  process.exit(1);
});
