import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/task-runner';

describe('the packaged extension (.vsix made by npm run package)', () => {
  const vsixDir = path.join(REPO_ROOT, 'out', 'vsix');
  const vsix = fs.existsSync(vsixDir)
    ? fs.readdirSync(vsixDir).find((name) => name.endsWith('.vsix'))
    : undefined;

  it('exists, is at most 5 MB and holds no node_modules', function () {
    assert.ok(vsix, 'out/vsix/*.vsix exists: run npm run package before the tests');
    const file = path.join(vsixDir, vsix);
    assert.ok(fs.statSync(file).size <= 5 * 1024 * 1024, 'at most 5 MB');
    const listing = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n');
    assert.ok(!listing.some((entry) => entry.includes('node_modules')), 'no node_modules');
    for (const task of [
      'MLflowLogRun',
      'RegisterModel',
      'SetAlias',
      'ValidateTritonModel',
      'PromoteToChampion',
    ]) {
      for (const part of ['index.js', 'task.json', 'lib.json']) {
        assert.ok(listing.includes(`tasks/${task}/${part}`), `tasks/${task}/${part} is packed`);
      }
    }
  });

  it('stamps the same rising patch version into the manifest and every task', () => {
    const dist = path.join(REPO_ROOT, 'dist');
    const manifest = JSON.parse(fs.readFileSync(path.join(dist, 'vss-extension.json'), 'utf8')) as {
      version: string;
    };
    const patch = Number(manifest.version.split('.')[2]);
    assert.ok(patch > 1_000_000, 'patch comes from the build time');
    for (const task of fs.readdirSync(path.join(dist, 'tasks'))) {
      const json = JSON.parse(
        fs.readFileSync(path.join(dist, 'tasks', task, 'task.json'), 'utf8'),
      ) as { version: { Patch: number } };
      assert.equal(json.version.Patch, patch, `${task} carries the build's patch`);
    }
  });
});
