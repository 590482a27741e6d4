import * as tl from 'azure-pipelines-task-lib/task';

/** Sets an output variable, readable by later jobs and stages under the step's name. */
export function setOutput(name: string, value: string): void {
  tl.setVariable(name, value, false, true);
}

/** Sets a plain job variable, readable by later steps of the same job as $(name). */
export function setJobVariable(name: string, value: string): void {
  tl.setVariable(name, value, false, false);
}
