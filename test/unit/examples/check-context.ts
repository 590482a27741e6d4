/**
 * What the pipeline checks share: the report they fill, the context they run in, and how a
 * step's output variables are known.
 */
import type { Pipeline, PipelineStep } from './pipeline-model';
import type { TaskManifest } from './task-manifests';

/** What the checks found: problems for the user, and the cross-job references that resolved. */
export interface PipelineReport {
  problems: string[];
  /** `<reader>: <expression>` for each output reference that names a declared variable. */
  resolved: string[];
}

/** Records a problem at a place in the pipeline. */
export type Problem = (where: string, message: string) => void;

/** What every check reads and writes. */
export interface Context {
  pipeline: Pipeline;
  manifests: Map<string, TaskManifest>;
  report: PipelineReport;
  problem: Problem;
}

/** Azure Pipelines compares names without regard to case. */
export const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

const SET_OUTPUT = /##vso\[task\.setvariable variable=(\w+);[^\]]*isOutput=true/gi;

/**
 * A task step's declared outputs, or the output variables a script sets itself; undefined for
 * a task with no task.json, which its own step already reports.
 */
export function declaredOutputs(
  step: PipelineStep,
  manifests: Map<string, TaskManifest>,
): string[] | undefined {
  if (step.task !== undefined) {
    const manifest = manifests.get(taskName(step.task).toLowerCase());
    if (manifest === undefined) return undefined;
    return (manifest.outputVariables ?? []).map((output) => output.name);
  }
  const script = ['script', 'bash', 'pwsh', 'powershell']
    .map((kind) => step.raw[kind])
    .find((body): body is string => typeof body === 'string');
  return script === undefined ? [] : [...script.matchAll(SET_OUTPUT)].map((m) => m[1] ?? '');
}

/** The task name of a `Task@major` reference. */
export function taskName(reference: string): string {
  return reference.split('@')[0] ?? reference;
}
