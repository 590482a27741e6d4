/**
 * Shared pieces of the ValidateTritonModel task tests: a sources folder to run the task in,
 * a runner with the pipeline's variables, and readers for what the agent would show.
 */
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBundledTask, type TaskRunOptions, type TaskRunResult } from '../../harness/task-runner';
import type { VsoCommand } from '../../harness/vso-commands';
import { PIPELINE } from '../register-model/seed';

/** A temporary sources folder; `remove` deletes it. */
export interface SourcesFolder {
  dir: string;
  /** Writes files given by path relative to the folder (`/` separated). */
  write(files: Record<string, string | Uint8Array>): Promise<void>;
  remove(): Promise<void>;
}

/** Makes a temporary sources folder. */
export async function sourcesFolder(): Promise<SourcesFolder> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'validate-task-'));
  return {
    dir,
    async write(files) {
      for (const [relative, content] of Object.entries(files)) {
        const file = path.join(dir, ...relative.split('/'));
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, content);
      }
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs the bundled task in `cwd` (the sources folder) with a CI run's variables. */
export function runValidateTask(
  cwd: string,
  inputs: Record<string, string>,
  options: TaskRunOptions = {},
): Promise<TaskRunResult> {
  return runBundledTask('ValidateTritonModel', {
    ...options,
    cwd,
    inputs,
    variables: { ...PIPELINE, ...options.variables },
  });
}

/** An output variable's value; fails when it was set but not as an output. */
export function output(result: TaskRunResult, name: string): string | undefined {
  const variable = result.variables.get(name);
  assert.ok(variable === undefined || variable.isOutput, `${name} is an output variable`);
  return variable?.value;
}

/** The issues that carry a finding (task-lib adds one for the task's result, without a code). */
export function findingIssues(issues: readonly VsoCommand[]): VsoCommand[] {
  return issues.filter((issue) => issue.properties.code !== undefined);
}

/** The issue properties a test compares: type, code, source path, line, column. */
export function issueKey(issue: VsoCommand): string {
  const p = issue.properties;
  const place = p.sourcepath === undefined ? '' : ` ${p.sourcepath}:${p.linenumber ?? '-'}`;
  return `${p.type} ${p.code ?? ''}${place}:${p.columnnumber ?? '-'}`;
}

/** The task's summary page; fails when there is not exactly one. */
export function summaryOf(result: TaskRunResult): string {
  assert.equal(result.summaries.length, 1, 'one build summary');
  return result.summaries[0] ?? '';
}

/** A config.pbtxt for the add_sub test model (two FP32 [4] inputs and outputs). */
export function addSubConfig(extra = '', name = 'add_sub'): string {
  return [
    `name: "${name}"`,
    'platform: "onnxruntime_onnx"',
    'max_batch_size: 8',
    'input [',
    '  { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] },',
    '  { name: "INPUT1" data_type: TYPE_FP32 dims: [ 4 ] }',
    ']',
    'output [',
    '  { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] },',
    '  { name: "OUTPUT1" data_type: TYPE_FP32 dims: [ 4 ] }',
    ']',
    extra,
  ].join('\n');
}
