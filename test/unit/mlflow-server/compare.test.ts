import * as assert from 'node:assert/strict';

import { IdMap, compareJson } from './compare';

const runId = '9a95494e06e342dbbd8241a873f2826b';
const otherRunId = '0fb8d9a7071c4d78ba206cf42e5c7f69';

interface Case {
  name: string;
  recorded: unknown;
  live: unknown;
  differs: boolean;
}

const cases: Case[] = [
  {
    name: 'a missing key',
    recorded: { run: { info: {}, inputs: {} } },
    live: { run: { info: {} } },
    differs: true,
  },
  { name: 'an extra key', recorded: {}, live: { files: [] }, differs: true },
  {
    name: 'a number sent as a string',
    recorded: { version: '1' },
    live: { version: 1 },
    differs: true,
  },
  {
    name: 'another error code',
    recorded: { error_code: 'INVALID_PARAMETER_VALUE' },
    live: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    differs: true,
  },
  {
    name: 'another message',
    recorded: { message: 'Registered model alias x not found.' },
    live: { message: 'Alias x not found' },
    differs: true,
  },
  { name: 'another list length', recorded: { a: [1, 2] }, live: { a: [1] }, differs: true },
  { name: 'another metric value', recorded: { value: 'NaN' }, live: { value: 0 }, differs: true },
  {
    name: 'another file size',
    recorded: { file_size: 14 },
    live: { file_size: 15 },
    differs: true,
  },
  {
    name: 'another run id (an id the server made)',
    recorded: { run_id: runId },
    live: { run_id: otherRunId },
    differs: false,
  },
  {
    name: 'another creation time',
    recorded: { creation_timestamp: 1796311994279 },
    live: { creation_timestamp: 1800000000000 },
    differs: false,
  },
  {
    name: 'another SQL error text for the same error',
    recorded: {
      message: 'Experiment(name=x) already exists. Error: (sqlite3.IntegrityError) [SQL: ...] (1)',
    },
    live: { message: 'Experiment(name=x) already exists. Error: (sqlite3.IntegrityError) (2)' },
    differs: false,
  },
];

describe('replay comparison: what it accepts and what it reports', () => {
  for (const testCase of cases) {
    it(`${testCase.differs ? 'reports' : 'accepts'} ${testCase.name}`, () => {
      const found = compareJson(testCase.recorded, testCase.live, new IdMap());
      assert.equal(found.length > 0, testCase.differs, found.join('; '));
    });
  }

  it('learns a run id and expects it consistently afterwards', () => {
    const ids = new IdMap();
    assert.deepEqual(compareJson({ run_id: runId }, { run_id: otherRunId }, ids), []);
    const uri = `mlflow-artifacts:/1/${runId}/artifacts`;
    assert.deepEqual(
      compareJson({ uri }, { uri: `mlflow-artifacts:/1/${otherRunId}/artifacts` }, ids),
      [],
    );
    assert.notDeepEqual(compareJson({ uri }, { uri: 'mlflow-artifacts:/1/x/artifacts' }, ids), []);
    assert.equal(ids.apply(`runs:/${runId}/model`), `runs:/${otherRunId}/model`);
  });
});
