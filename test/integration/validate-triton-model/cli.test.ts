import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../harness/task-runner';
import { buildAddSubModel } from '../../models';
import { addSubConfig, sourcesFolder, type SourcesFolder } from './fixtures';

/** The bundled command line, as `npx mlflow-triton-pipelines` runs it (package.json "bin"). */
const CLI = path.join(
  REPO_ROOT,
  (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    }
  ).bin['mlflow-triton'] ?? 'missing',
);

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(cwd: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    // A clean environment: the sync command reads its configuration from it.
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    execFile(process.execPath, [CLI, ...args], { cwd, env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the command line (dist/cli/cli.js)', function () {
  this.timeout(30_000);
  let sources: SourcesFolder;
  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs`);
    sources = await sourcesFolder();
    const onnx = buildAddSubModel().onnx;
    await sources.write({
      'good/add_sub/config.pbtxt': addSubConfig(),
      'good/add_sub/1/model.onnx': onnx,
      'bad/add_sub/config.pbtxt': addSubConfig().replace('max_batch_size: 8', 'max_batch: 8'),
      'bad/add_sub/1/model.onnx': onnx,
    });
  });
  after(async () => sources.remove());

  it('is an executable script for node', () => {
    assert.match(fs.readFileSync(CLI, 'utf8').split('\n')[0] ?? '', /^#!\/usr\/bin\/env node$/);
  });

  it('validate-triton passes a good repository with exit code 0', async () => {
    const run = await runCli(sources.dir, ['validate-triton', 'good']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, '1 model(s) checked: 0 error(s), 0 warning(s). PASSED\n');
  });

  it('validate-triton prints each finding on its file and line and exits with 1', async () => {
    const run = await runCli(sources.dir, ['validate-triton', 'bad']);
    assert.equal(run.code, 1);
    const [finding, verdict] = run.stdout.trimEnd().split('\n');
    assert.match(
      finding ?? '',
      new RegExp(
        /^bad\/add_sub\/config\.pbtxt:3:1: error/.source +
          / pbtxt\.unknown-field: .*"max_batch".*Did you mean "max_batch_size"\?/.source,
      ),
    );
    assert.equal(verdict, '1 model(s) checked: 1 error(s), 0 warning(s). FAILED');
  });

  it('validate-triton --json answers with the findings as JSON', async () => {
    const run = await runCli(sources.dir, ['validate-triton', '--json', 'bad']);
    assert.equal(run.code, 1);
    const json = JSON.parse(run.stdout) as {
      failed: boolean;
      findings: { rule: string; file: string; line: number }[];
    };
    assert.equal(json.failed, true);
    assert.deepEqual(
      json.findings.map((f) => `${f.rule} ${f.file}:${f.line}`),
      ['pbtxt.unknown-field add_sub/config.pbtxt:3'],
    );
  });

  it('sync refuses to start without its configuration, with exit code 2', async () => {
    const run = await runCli(sources.dir, ['sync', '--once']);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /"event":"failed","message":"Variable SYNC_MODELS: not set\./);
  });

  it('exits with 2 and the usage on a wrong command or option', async () => {
    const none = await runCli(sources.dir, []);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /^Usage: mlflow-triton <command>/);
    assert.match(none.stdout, /validate-triton {2}check a Triton model repository/);
    assert.match(none.stdout, /sync {13}keep a Triton server serving what registry aliases/);

    const unknown = await runCli(sources.dir, ['deploy', 'good']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stdout, /^Unknown command 'deploy'\.\nUsage:/);

    const option = await runCli(sources.dir, ['validate-triton', '--strict', 'good']);
    assert.equal(option.code, 2);
    assert.match(option.stdout, /^validate-triton: Unknown option '--strict'\./);
  });

  it('shows the usage with exit code 0 when asked for help', async () => {
    const help = await runCli(sources.dir, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: mlflow-triton <command>/);
    const commandHelp = await runCli(sources.dir, ['validate-triton', '--help']);
    assert.equal(commandHelp.code, 0);
    assert.match(commandHelp.stdout, /^Usage: validate-triton </);
    const syncHelp = await runCli(sources.dir, ['sync', '--help']);
    assert.equal(syncHelp.code, 0);
    assert.match(syncHelp.stdout, /^Usage: mlflow-triton sync /);
  });
});
