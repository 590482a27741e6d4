import * as assert from 'node:assert/strict';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS } from '../../../tasks/common/http/settings';
import { MlflowClient } from '../../../tasks/common/mlflow/mlflow-client';
import { moveChampion, type AliasMovePlan } from '../../../tasks/common/promotion/alias-move';
import { startMlflowServer, type MlflowTestServer } from '../../servers/mlflow';
import {
  aliases,
  pointAlias,
  seedVersion,
} from '../../integration/promote-to-champion/registry-state';

const MODEL = 'fraud';
const ALIAS_PATH = '/api/2.0/mlflow/registered-models/alias';

describe('champion alias move (against the MLflow test server)', function () {
  this.timeout(20_000);
  let server: MlflowTestServer;
  let client: MlflowClient;

  beforeEach(async () => {
    server = await startMlflowServer({ mode: 2 });
    client = new MlflowClient({
      trackingUri: server.url,
      auth: { kind: 'none' },
      tls: {},
      s3: { region: 'us-east-1', tls: {} },
      retry: { ...DEFAULT_RETRY, maxRetries: 0 },
      timeouts: DEFAULT_TIMEOUTS,
      origin: 'test',
    });
    for (let i = 0; i < 3; i++)
      await seedVersion(server, MODEL, { metrics: { acc: 0.5 + i / 10 } });
    await pointAlias(server, MODEL, 'champion', '1');
  });
  afterEach(async () => server.close());

  const plan = (changes: Partial<AliasMovePlan> = {}): AliasMovePlan => ({
    name: MODEL,
    championAlias: 'champion',
    rollbackAlias: 'previous-champion',
    target: '2',
    expectedChampion: '1',
    ...changes,
  });

  it('moves the champion and keeps the old one under the rollback alias', async () => {
    const outcome = await moveChampion(client, plan());
    assert.deepEqual(outcome, { kind: 'moved', champion: '2', previous: '1', notes: [] });
    assert.deepEqual(aliases(server, MODEL), { champion: '2', 'previous-champion': '1' });
  });

  it('leaves the rollback alias alone on a first promotion', async () => {
    server.store.registeredModel(MODEL).aliases.clear();
    const outcome = await moveChampion(client, plan({ expectedChampion: undefined }));
    assert.equal(outcome.kind, 'moved');
    assert.deepEqual(aliases(server, MODEL), { champion: '2' });
  });

  it('changes nothing when the champion is not the one the gates saw', async () => {
    await pointAlias(server, MODEL, 'champion', '3');
    const writes = server.requests.length;
    const outcome = await moveChampion(client, plan());
    assert.deepEqual(outcome, { kind: 'championMoved', found: '3' });
    assert.ok(server.requests.slice(writes).every((request) => request.method === 'GET'));
  });

  it('changes nothing when the candidate alias moved', async () => {
    await pointAlias(server, MODEL, 'challenger', '3');
    const outcome = await moveChampion(client, plan({ targetAlias: 'challenger' }));
    assert.deepEqual(outcome, { kind: 'targetMoved', found: '3' });
    assert.deepEqual(aliases(server, MODEL), { champion: '1', challenger: '3' });
  });

  it('touches nothing more when the rollback alias write fails', async () => {
    server.faults.add({ method: 'POST', path: ALIAS_PATH, status: 500, body: '{}', times: 1 });
    await assert.rejects(
      moveChampion(client, plan()),
      new RegExp(
        /Setting alias "previous-champion" of "fraud" to version 1 failed, before the/.source +
          / champion was touched: "champion" is still version 1/.source,
      ),
    );
    assert.deepEqual(aliases(server, MODEL), { champion: '1' });
  });

  it('says what is left and how to fix it when the restore fails too', async () => {
    await pointAlias(server, MODEL, 'previous-champion', '3');
    server.faults.add({ method: 'POST', path: ALIAS_PATH, delayMs: 1, times: 1 });
    server.faults.add({ method: 'POST', path: ALIAS_PATH, status: 500, body: '{}' });

    await assert.rejects(moveChampion(client, plan()), (error: Error) => {
      assert.match(error.message, /putting "previous-champion" back failed too/);
      assert.match(
        error.message,
        new RegExp(
          /"champion" should still be version 1, but "previous-champion" now points to/.source +
            / version 1: set alias "previous-champion" back to version 3 \(SetAlias/.source +
            / task\)/.source,
        ),
      );
      return true;
    });
    assert.deepEqual(aliases(server, MODEL), { champion: '1', 'previous-champion': '1' });
  });

  it('undoes nothing when someone else moved the champion as the write failed', async () => {
    server.faults.add({ method: 'POST', path: ALIAS_PATH, delayMs: 1, times: 1 });
    server.faults.add({ method: 'POST', path: ALIAS_PATH, status: 503, body: '{}', times: 1 });
    const originalPush = server.requests.push.bind(server.requests);
    // The moment our champion write arrives, another writer sets the champion to 3.
    server.requests.push = (...entries) => {
      if (
        entries.some(
          (e) => e.method === 'POST' && (e.body as { alias?: string }).alias === 'champion',
        )
      ) {
        server.store.registeredModel(MODEL).aliases.set('champion', 3);
      }
      return originalPush(...entries);
    };

    await assert.rejects(
      moveChampion(client, plan()),
      /the champion is version 3\. This run had set "previous-champion" to version 1/,
    );
    assert.deepEqual(aliases(server, MODEL), { champion: '3', 'previous-champion': '1' });
  });

  /** Sets the champion to 3 right after the read-back has read it (at its rollback read). */
  function competitorAfterReadBack(): void {
    let championWritten = false;
    const originalPush = server.requests.push.bind(server.requests);
    server.requests.push = (...entries) => {
      for (const entry of entries) {
        const body = entry.body as { alias?: string };
        if (entry.method === 'POST' && body.alias === 'champion') championWritten = true;
        if (championWritten && entry.query.alias === 'previous-champion') {
          server.store.registeredModel(MODEL).aliases.set('champion', 3);
        }
      }
      return originalPush(...entries);
    };
  }

  it('notices a concurrent promotion that lands during the settle time', async () => {
    competitorAfterReadBack();
    const outcome = await moveChampion(client, plan({ settleMs: 200 }));
    assert.deepEqual(outcome, { kind: 'overtaken', champion: '3', rollback: '1' });
  });

  it('without a settle time, a write landing after the read-back goes unnoticed', async () => {
    competitorAfterReadBack();
    const outcome = await moveChampion(client, plan({ settleMs: 0 }));
    assert.equal(outcome.kind, 'moved');
  });
});
