import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/task-runner';

/** Runs `npm run demo`'s script as the README says, on the test servers. */
function runDemo(): Promise<{ code: number | null; output: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (/^(MLFLOW_|AWS_|TRITON_)/.test(key)) delete env[key];
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'out', 'examples', 'demo', 'demo.js')],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, output, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

describe('npm run demo (the training-to-production pipeline on test servers)', function () {
  this.timeout(180_000);

  it('ends with a champion in production; the gate keeps out a weaker model', async () => {
    const demo = await runDemo();
    assert.equal(demo.code, 0, demo.output);
    assert.match(demo.output, /started the project's own test servers on 127\.0\.0\.1/);
    assert.match(demo.output, /- Champion: iris-classifier version 1 /);
    assert.match(demo.output, /Round 2 \(version 2\) was kept out by the gate/);
    assert.match(demo.output, /Production Triton serves version 1: \w+ \(p=0\.\d+\)/);
    assert.match(demo.output, /\| round 1: promote \(gates\) \| Succeeded \|/);
    assert.match(demo.output, /\| round 2: promote \(gates\) \| SucceededWithIssues \|/);
    assert.ok(demo.seconds < 120, `the demo took ${demo.seconds.toFixed(0)} s`);
  });
});
