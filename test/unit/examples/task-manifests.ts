/**
 * The parts of this repository's task.json files that a pipeline's YAML must agree with:
 * name, major version, inputs and output variables.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One input as task.json declares it. */
export interface ManifestInput {
  name: string;
  type: string;
  label?: string;
  required?: boolean;
  defaultValue?: string;
  options?: Record<string, string>;
  visibleRule?: string;
  aliases?: string[];
  properties?: Record<string, string>;
}

/** A task.json, as far as the pipeline checks read it. */
export interface TaskManifest {
  name: string;
  version: { Major: number; Minor: number; Patch: number };
  inputs: ManifestInput[];
  outputVariables?: { name: string; description?: string }[];
}

/** Every `tasks/<Task>/task.json` there is, by task name in lower case. */
export function readManifests(tasksDir: string): Map<string, TaskManifest> {
  const manifests = new Map<string, TaskManifest>();
  for (const folder of fs.readdirSync(tasksDir)) {
    const file = path.join(tasksDir, folder, 'task.json');
    if (!fs.existsSync(file)) continue;
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as TaskManifest;
    manifests.set(manifest.name.toLowerCase(), manifest);
  }
  return manifests;
}

/**
 * Plain job variables a task sets for the steps after it, beside its declared outputs:
 * MLflowLogRun's `mlflowRunId` is what RegisterModel reads by default.
 */
export const TASK_JOB_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  mlflowlogrun: ['mlflowRunId'],
};
