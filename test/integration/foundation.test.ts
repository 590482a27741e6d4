import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, runBundledTask, type TaskRunResult } from '../harness/task-runner';
import { startMlflowServer, type MlflowTestServer } from '../servers/mlflow';

const TASKS = fs
  .readdirSync(path.join(REPO_ROOT, 'tasks'))
  .filter((name) => fs.existsSync(path.join(REPO_ROOT, 'tasks', name, 'task.json')));

function requiredInputs(task: string): string[] {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'tasks', task, 'task.json'), 'utf8'),
  ) as { inputs: { name: string; required?: boolean }[] };
  return manifest.inputs.filter((input) => input.required).map((input) => input.name);
}

/** Every form of a secret that must never be visible: as is, base64, and in a Basic header. */
function secretForms(secret: string, username?: string): string[] {
  const forms = [secret, Buffer.from(secret).toString('base64')];
  if (username) forms.push(Buffer.from(`${username}:${secret}`).toString('base64'));
  return forms;
}

function assertNoSecret(result: TaskRunResult, forms: string[]): void {
  for (const form of forms) {
    assert.ok(
      !result.visibleOutput.includes(form),
      `the secret (or a form of it: ${form.slice(0, 3)}...) appears in the output`,
    );
  }
}

describe('every task run with no inputs', function () {
  this.timeout(30_000);
  for (const task of TASKS) {
    it(`${task} fails cleanly with "Input required"`, async () => {
      const result = await runBundledTask(task);
      assert.equal(result.result, 'Failed');
      assert.equal(result.resultMessage, `Input required: ${requiredInputs(task)[0]}`);
      assert.equal(result.exitCode, 0, 'the process ends normally, the result says Failed');
      assert.doesNotMatch(result.visibleOutput, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
    });
  }
});

describe('secrets never reach the log', function () {
  this.timeout(60_000);
  const password = 'Pa55-w0rd_for-mlflow!';
  let server: MlflowTestServer;
  before(async () => {
    server = await startMlflowServer({
      auth: { users: [{ username: 'pipeline', password, isAdmin: true }] },
    });
  });
  after(async () => server.close());

  it('a password from a service connection, on success and on failure', async () => {
    for (const [user, secret] of [
      ['pipeline', password],
      ['pipeline', `${password}-wrong`],
    ] as const) {
      const result = await runBundledTask('MLflowLogRun', {
        inputs: { experimentName: 'secrets', mlflowServiceConnection: 'mlflow' },
        endpoints: {
          mlflow: {
            url: server.url,
            scheme: 'UsernamePassword',
            parameters: { username: user, password: secret },
          },
        },
        variables: { 'System.Debug': 'true' },
      });
      assert.equal(
        result.result,
        secret === password ? 'Succeeded' : 'Failed',
        result.resultMessage,
      );
      if (secret !== password) assert.match(result.resultMessage, /HTTP 401.*check the user name/);
      assertNoSecret(result, secretForms(secret, user));
      assert.ok(result.secrets.includes(secret), 'registered with the agent');
    }
  });

  it('a token and an S3 secret key from the environment', async () => {
    const token = 'tok-3f9a7c21e5d8';
    const s3Secret = 'minio-secret-key-91ab';
    const result = await runBundledTask('MLflowLogRun', {
      inputs: { experimentName: 'secrets' },
      env: {
        MLFLOW_TRACKING_URI: server.url,
        MLFLOW_TRACKING_TOKEN: token,
        MLFLOW_TRACKING_USERNAME: 'pipeline',
        MLFLOW_TRACKING_PASSWORD: password,
        AWS_ACCESS_KEY_ID: 'minio',
        AWS_SECRET_ACCESS_KEY: s3Secret,
      },
      variables: { 'System.Debug': 'true' },
    });
    // The token wins over basic auth, as in MLflow's client; this server knows no tokens.
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage, /HTTP 401/);
    assertNoSecret(result, [...secretForms(token), ...secretForms(s3Secret), password]);
  });

  it('credentials inside the tracking URI', async () => {
    const result = await runBundledTask('MLflowLogRun', {
      inputs: { experimentName: 'secrets' },
      env: { MLFLOW_TRACKING_URI: server.url.replace('http://', `http://pipeline:${password}@`) },
      variables: { 'System.Debug': 'true' },
    });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    assertNoSecret(result, secretForms(password, 'pipeline'));
  });
});
