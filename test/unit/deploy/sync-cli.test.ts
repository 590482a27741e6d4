import * as assert from 'node:assert/strict';
import { runSync, type SyncRuntime } from '../../../bin/sync';

function runtime(env: NodeJS.ProcessEnv): { runtime: SyncRuntime; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    runtime: {
      env,
      write: (line) => lines.push(line),
      onStop: () => assert.fail('the service must not start'),
    },
  };
}

describe('sync command line: usage and configuration errors', () => {
  it('prints its usage with every variable it reads, exit 0', async () => {
    const { runtime: r, lines } = runtime({});
    assert.equal(await runSync(['--help'], r), 0);
    for (const name of ['SYNC_MODELS', 'TRITON_URL', 'TRITON_MODEL_REPOSITORY', 'SYNC_PORT']) {
      assert.ok(lines.join('\n').includes(name), name);
    }
  });

  it('refuses an unknown argument with exit 2', async () => {
    const { runtime: r, lines } = runtime({});
    assert.equal(await runSync(['--interval=5'], r), 2);
    assert.equal(lines[0], "Unknown argument '--interval=5'.");
  });

  it('reports a configuration error as one JSON line naming the variable, exit 2', async () => {
    const { runtime: r, lines } = runtime({
      MLFLOW_TRACKING_URI: 'http://mlflow:5000',
      TRITON_URL: 'http://triton:8000',
      TRITON_MODEL_REPOSITORY: '/models',
    });
    assert.equal(await runSync([], r), 2);
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0] ?? '') as Record<string, string>;
    assert.equal(line.level, 'error');
    assert.equal(line.event, 'failed');
    assert.match(line.message ?? '', /^Variable SYNC_MODELS: not set/);
  });
});
