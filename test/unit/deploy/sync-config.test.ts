import * as assert from 'node:assert/strict';
import { parseModels, readSyncConfig } from '../../../tasks/common/deploy/sync-config';
import { UserError } from '../../../tasks/common/user-error';

const BASE = {
  MLFLOW_TRACKING_URI: 'http://mlflow:5000',
  SYNC_MODELS: 'churn@champion',
  TRITON_URL: 'http://triton:8000',
  TRITON_MODEL_REPOSITORY: '/models',
};

describe('sync service configuration from the environment', () => {
  it('reads the defaults', () => {
    const config = readSyncConfig(BASE);
    assert.deepEqual(config.models, [
      { registeredModel: 'churn', alias: 'champion', tritonModelName: 'churn' },
    ]);
    assert.equal(config.intervalMs, 30_000);
    assert.equal(config.maxBackoffMs, 300_000);
    assert.equal(config.keepVersions, 1);
    assert.equal(config.modelControl, 'explicit');
    assert.equal(config.listenPort, 9400);
    assert.equal(config.connection.trackingUri, 'http://mlflow:5000');
    assert.deepEqual(config.connection.auth, { kind: 'none' });
  });

  it("reads MLflow's own variables with their meaning", () => {
    const config = readSyncConfig({
      ...BASE,
      MLFLOW_TRACKING_TOKEN: 't0ken',
      MLFLOW_S3_ENDPOINT_URL: 'http://minio:9000',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
      MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2',
      MLFLOW_HTTP_REQUEST_TIMEOUT: '15',
    });
    assert.deepEqual(config.connection.auth, { kind: 'token', token: 't0ken' });
    assert.equal(config.connection.s3.endpointUrl, 'http://minio:9000');
    assert.equal(config.connection.s3.secretAccessKey, 'secret');
    assert.equal(config.connection.retry.maxRetries, 2);
    assert.equal(config.connection.timeouts.readMs, 15_000);
  });

  const models: { text: string; expected: [string, string, string][] }[] = [
    { text: 'churn@champion', expected: [['churn', 'champion', 'churn']] },
    {
      text: 'churn@champion, fraud@challenger=fraud_next',
      expected: [
        ['churn', 'champion', 'churn'],
        ['fraud', 'challenger', 'fraud_next'],
      ],
    },
    {
      text: ' a@b\n c@d ',
      expected: [
        ['a', 'b', 'a'],
        ['c', 'd', 'c'],
      ],
    },
    { text: 'team/churn@champion=churn', expected: [['team/churn', 'champion', 'churn']] },
  ];
  for (const c of models) {
    it(`parses SYNC_MODELS=${JSON.stringify(c.text)}`, () => {
      const parsed = parseModels(c.text).map((m) => [
        m.registeredModel,
        m.alias,
        m.tritonModelName,
      ]);
      assert.deepEqual(parsed, c.expected);
    });
  }

  const refusals: { name: string; env: Record<string, string>; message: RegExp }[] = [
    { name: 'no models', env: { SYNC_MODELS: '' }, message: /^Variable SYNC_MODELS: not set/ },
    { name: 'no alias', env: { SYNC_MODELS: 'churn' }, message: /"churn" is not name@alias/ },
    { name: 'a reserved alias', env: { SYNC_MODELS: 'churn@latest' }, message: /reserved/ },
    {
      name: 'a name that is no folder name',
      env: { SYNC_MODELS: 'team/churn@champion' },
      message: /"team\/churn" cannot be a Triton model folder name.*=team_churn/,
    },
    {
      name: 'two models into one folder',
      env: { SYNC_MODELS: 'churn@champion churn@challenger' },
      message: /two entries deploy to the Triton model 'churn'/,
    },
    { name: 'no Triton URL', env: { TRITON_URL: '' }, message: /^Variable TRITON_URL: not set/ },
    {
      name: 'no repository',
      env: { TRITON_MODEL_REPOSITORY: '' },
      message: /^Variable TRITON_MODEL_REPOSITORY: not set/,
    },
    {
      name: 'an unknown model control',
      env: { TRITON_MODEL_CONTROL: 'poll' },
      message: /TRITON_MODEL_CONTROL: "poll" is not allowed/,
    },
    {
      name: 'an interval of 0',
      env: { SYNC_INTERVAL_SECONDS: '0' },
      message: /SYNC_INTERVAL_SECONDS: "0" is not a whole number of at least 1/,
    },
    {
      name: 'no tracking URI',
      env: { MLFLOW_TRACKING_URI: '' },
      message: /^Variable MLFLOW_TRACKING_URI: not set/,
    },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}, naming the variable`, () => {
      assert.throws(
        () => readSyncConfig({ ...BASE, ...r.env }),
        (error: unknown) => error instanceof UserError && r.message.test(error.message),
      );
    });
  }
});
