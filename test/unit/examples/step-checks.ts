/**
 * Checks of each step: its name, its task and inputs, and the `$(...)` macros it uses, which
 * must name a defined variable or an earlier step's declared output.
 */
import { type Context, declaredOutputs, same, taskName } from './check-context';
import type { PipelineJob, PipelineStage, PipelineStep } from './pipeline-model';
import { checkTaskStep } from './task-inputs';
import { TASK_JOB_VARIABLES } from './task-manifests';

/** Namespaces of the agent's predefined variables, e.g. `$(Build.BuildId)`. */
const PREDEFINED = new Set(
  'agent build checks environment pipeline release resources strategy system tf'.split(' '),
);

/** Checks every step of a job. */
export function checkSteps(
  context: Context,
  stage: PipelineStage,
  job: PipelineJob,
  jobWhere: string,
): void {
  const { manifests, problem } = context;
  const seen = new Set<string>();
  for (const step of job.steps) {
    const label = step.name ?? step.task ?? String(step.index + 1);
    const where = `${jobWhere}, step ${label}`;
    if (step.name !== undefined) {
      if (!/^[A-Za-z_]\w*$/.test(step.name)) {
        problem(where, `step name ${step.name} must be letters, digits and _ only`);
      }
      if (seen.has(step.name.toLowerCase())) problem(where, `a second step named ${step.name}`);
      seen.add(step.name.toLowerCase());
    }
    if (step.task !== undefined) checkTaskStep(step, manifests, where, problem);
    for (const text of stringsIn(step.raw)) {
      checkMacros(context, stage, job, step, text, where);
      if (/dependencies\.\w+(\.\w+)?\.outputs\[/i.test(text)) {
        problem(
          where,
          'outputs of other jobs are read only in variables and conditions; map them to a ' +
            'job variable with $[ ... ] and use $(variable) here',
        );
      }
    }
  }
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

const MACRO = /\$\(([^()\s]+)\)/g;

/** `$(step.variable)` must name an earlier step's output; `$(name)` a defined variable. */
function checkMacros(
  { pipeline, manifests, problem }: Context,
  stage: PipelineStage,
  job: PipelineJob,
  step: PipelineStep,
  text: string,
  where: string,
): void {
  const earlier = job.steps.filter((candidate) => candidate.index < step.index);
  const defined = [pipeline.variables, stage.variables, job.variables].flatMap((map) => [
    ...map.keys(),
  ]);
  for (const task of earlier.flatMap((s) => (s.task !== undefined ? [taskName(s.task)] : []))) {
    defined.push(...(TASK_JOB_VARIABLES[task.toLowerCase()] ?? []));
  }
  for (const [macro, name = ''] of text.matchAll(MACRO)) {
    if (defined.some((variable) => same(variable, name))) continue;
    const dot = name.indexOf('.');
    if (dot < 0) {
      if (!pipeline.hasExternalVariables) problem(where, `${macro} is not a defined variable`);
      continue;
    }
    const [stepName, variable] = [name.slice(0, dot), name.slice(dot + 1)];
    const source = job.steps.find((candidate) => same(candidate.name ?? '', stepName));
    if (source === undefined) {
      if (!PREDEFINED.has(stepName.toLowerCase())) {
        problem(where, `${macro}: no step named ${stepName} in job ${job.name}`);
      }
      continue;
    }
    if (source.index >= step.index) {
      problem(where, `${macro}: step ${stepName} runs after this one`);
      continue;
    }
    const declared = declaredOutputs(source, manifests);
    if (declared !== undefined && !declared.some((output) => same(output, variable))) {
      problem(
        where,
        `${macro}: step ${stepName} declares no output variable ${variable} ` +
          `(it declares: ${declared.join(', ') || 'none'})`,
      );
    }
  }
}
