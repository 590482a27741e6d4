import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireDeployLock } from '../../../tasks/common/deploy/deploy-lock';
import { LocalModelStore } from '../../../tasks/common/deploy/local-store';
import { UserError } from '../../../tasks/common/user-error';

const HOUR = 3_600_000;

describe('acquireDeployLock: one deployment per model folder', () => {
  let dir: string;
  let store: LocalModelStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lock-'));
    store = new LocalModelStore(dir);
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('refuses a second deployer, naming the first, until the first releases', async () => {
    const release = await acquireDeployLock(store, 'churn', 'pipeline run 41', HOUR);
    assert.deepEqual(await readdir(dir), ['.churn.deploy-lock']);

    await assert.rejects(
      acquireDeployLock(store, 'churn', 'sync service', HOUR),
      (error: unknown) =>
        error instanceof UserError &&
        /^Another deployment of 'churn' is under way .*: pipeline run 41 on /.test(error.message) &&
        error.message.includes(`delete ${dir}/.churn.deploy-lock`),
    );
    const other = await acquireDeployLock(store, 'fraud', 'sync service', HOUR);

    await release();
    await other();
    assert.deepEqual(await readdir(dir), []);
    const again = await acquireDeployLock(store, 'churn', 'sync service', HOUR);
    await again();
  });

  it('takes over a lock left by a deployer that died, which then cannot release it', async () => {
    let clock = Date.parse('2026-12-03T10:00:00Z');
    const dead = await acquireDeployLock(store, 'churn', 'killed run', HOUR, () => clock);
    clock += HOUR + 1;

    const release = await acquireDeployLock(store, 'churn', 'sync service', HOUR, () => clock);
    await dead();
    assert.deepEqual(await readdir(dir), ['.churn.deploy-lock'], 'the new holder keeps it');
    await release();
    assert.deepEqual(await readdir(dir), []);
  });

  it('takes over a lock file it cannot read', async () => {
    await writeFile(path.join(dir, '.churn.deploy-lock'), 'half-written');
    const release = await acquireDeployLock(store, 'churn', 'sync service', HOUR);
    await release();
    assert.deepEqual(await readdir(dir), []);
  });
});
