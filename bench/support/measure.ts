import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runBundledTask, type TaskRunOptions } from '../../test/harness/task-runner';

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Milliseconds to run `node -e 0`: the floor every task start is compared with. */
export async function nodeStartMs(): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return performance.now() - started;
}

/** Runs a bundled task and reports its peak resident memory in bytes along with the run. */
export async function runWithPeakMemory(
  task: string,
  options: TaskRunOptions,
): Promise<{ result: Awaited<ReturnType<typeof runBundledTask>>; peakBytes: number }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'peak-')), 'peak');
  const preload = path.join(REPO_ROOT, 'bench', 'support', 'peak-memory.js');
  const result = await runBundledTask(task, {
    ...options,
    env: { ...options.env, NODE_OPTIONS: `--require ${preload}`, BENCH_PEAK_MEMORY_FILE: file },
  });
  const peakBytes = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : NaN;
  return { result, peakBytes };
}
