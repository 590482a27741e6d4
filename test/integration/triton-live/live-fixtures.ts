/**
 * Shared fixtures of the live validation tests: temporary folders, the options every test
 * starts from, and a lookup that fails the test when a check is missing.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LiveValidationOptions } from '../../../tasks/common/triton/live/live-options';
import type { CheckId, LiveCheck, LiveReport } from '../../../tasks/common/triton/live/live-report';

/** A temporary folder; `remove` deletes it. */
export async function tempFolder(
  prefix: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Options with short waits, so a failing wait costs little test time. */
export function liveOptions(
  url: string,
  modelName: string,
  overrides: Partial<LiveValidationOptions> = {},
): LiveValidationOptions {
  return {
    tritonUrl: url,
    modelName,
    mode: 'wait',
    readyTimeoutMs: 1_500,
    pollIntervalMs: 100,
    connection: { retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 50, maxTotalMs: 1_000 } },
    ...overrides,
  };
}

/** The check with this id; fails the test when the report has none. */
export function checkOf(report: LiveReport, id: CheckId): LiveCheck {
  const check = report.checks.find((c) => c.id === id);
  assert.ok(check, `no '${id}' check in ${JSON.stringify(report.checks.map((c) => c.id))}`);
  return check;
}

/** The statuses of the checks, by id, for whole-report assertions. */
export function statuses(report: LiveReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}

/** Writes a sample request file and returns its path. */
export async function writeSample(dir: string, name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}
