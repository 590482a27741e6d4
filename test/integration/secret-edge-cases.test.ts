import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBundledTask } from '../harness/task-runner';
import { selfSignedCertificate } from '../helpers/tls-certificate';
import { startMlflowServer, type MlflowTestServer } from '../servers/mlflow';

describe('secrets in less common places', function () {
  this.timeout(60_000);
  let server: MlflowTestServer;
  before(async () => {
    server = await startMlflowServer({ mode: 2 });
  });
  after(async () => server.close());

  it('a client certificate file with its key (MLFLOW_TRACKING_CLIENT_CERT_PATH)', async () => {
    const { certPem, keyPem } = selfSignedCertificate();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'client-cert-')), 'c.pem');
    fs.writeFileSync(file, `${certPem}${keyPem}`);
    const result = await runBundledTask('MLflowLogRun', {
      inputs: { experimentName: 'client-cert' },
      env: { MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_CLIENT_CERT_PATH: file },
    });
    assert.equal(result.result, 'Succeeded', result.resultMessage);
    const keyLine = keyPem.split('\n')[5] ?? '';
    assert.ok(keyLine.length > 20);
    assert.ok(!result.visibleOutput.includes(keyLine), 'no line of the key is shown');
    assert.ok(result.secrets.includes(keyLine), 'each line of the key is registered');
  });

  it('a service connection URL with credentials never reaches the debug log', async () => {
    const password = 'Hunter2%25pw';
    const result = await runBundledTask('SetAlias', {
      inputs: { modelName: 'm', alias: 'champion', version: '1', mlflowServiceConnection: 'c' },
      endpoints: {
        c: { url: server.url.replace('http://', `http://bob:${password}@`), scheme: 'None' },
      },
      variables: { 'System.Debug': 'true' },
    });
    assert.equal(result.result, 'Failed');
    assert.ok(!result.visibleOutput.includes('Hunter2'), 'the password is not shown');
  });

  it('credentials in the Triton URL are registered and kept out of messages', async () => {
    const repository = fs.mkdtempSync(path.join(os.tmpdir(), 'repo-'));
    const result = await runBundledTask('ValidateTritonModel', {
      inputs: {
        modelRepository: repository,
        tritonUrl: 'http://admin:S3cr3t!tr1ton@127.0.0.1:1',
        timeoutSeconds: '1',
      },
    });
    assert.equal(result.result, 'Failed');
    assert.ok(result.secrets.includes('S3cr3t!tr1ton'));
    assert.ok(!result.visibleOutput.includes('S3cr3t!tr1ton'), 'not even in the debug log');
    assert.match(result.stdout, /##vso\[task\.debug\]tritonUrl=http:\/\/\*\*\*@127\.0\.0\.1:1/);
  });

  it('a tracking URI with a stray % in its password names the variable and the fix', async () => {
    const result = await runBundledTask('MLflowLogRun', {
      inputs: { experimentName: 'x' },
      env: { MLFLOW_TRACKING_URI: server.url.replace('http://', 'http://u:sec%rt@') },
    });
    assert.equal(result.result, 'Failed');
    assert.match(result.resultMessage, /tracking URI .* "%" that is not a valid escape.*%25/);
    assert.doesNotMatch(result.resultMessage, /Unexpected error/);
  });
});
