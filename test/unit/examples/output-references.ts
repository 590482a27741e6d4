/**
 * Output variables read by later jobs and stages: `dependencies.<job>.outputs[...]` within a
 * stage, `stageDependencies.<stage>.<job>.outputs[...]` across stages, and the keys runOnce
 * deployment jobs register their outputs under.
 */
import { type Context, declaredOutputs, same } from './check-context';
import type { PipelineJob, PipelineStage } from './pipeline-model';

const STAGE_DEPENDENCY = /stageDependencies\.(\w+)\.(\w+)\.outputs\[\s*'([^']*)'\s*\]/gi;
const DEPENDENCY = /(?<![A-Za-z])dependencies\.(\w+)\.outputs\[\s*'([^']*)'\s*\]/gi;

/** `dependencies.<job>` in a job (same stage) and `stageDependencies.<stage>.<job>`. */
export function checkJobReferences(
  context: Context,
  stage: PipelineStage,
  job: PipelineJob,
  text: string,
  where: string,
): void {
  const { pipeline, report, problem } = context;
  for (const [expression, jobName = '', key = ''] of text.matchAll(DEPENDENCY)) {
    const source = stage.jobs.find((candidate) => same(candidate.name, jobName));
    if (source === undefined) {
      const other = pipeline.stages.find((s) => s.jobs.some((j) => same(j.name, jobName)));
      problem(
        where,
        `${expression} names no job of this stage` +
          (other !== undefined && other !== stage
            ? `; ${jobName} is in stage ${other.name}: read it with ` +
              `stageDependencies.${other.name}.${jobName}.outputs['${key}']`
            : ''),
      );
      continue;
    }
    if (!job.dependsOn.some((name) => same(name, source.name))) {
      problem(where, `${expression} reads job ${source.name}, but dependsOn does not name it`);
      continue;
    }
    if (resolveJobOutput(context, source, key, expression, where)) {
      report.resolved.push(`${where}: ${expression}`);
    }
  }
  checkStageDependencies(context, stage, text, where);
}

/** `stageDependencies` in stage variables, and `dependencies.<stage>` in a stage condition. */
export function checkStageReferences(
  context: Context,
  stage: PipelineStage,
  text: string,
  where: string,
): void {
  const { report, problem } = context;
  checkStageDependencies(context, stage, text, where);
  for (const [expression, stageName = '', key = ''] of text.matchAll(DEPENDENCY)) {
    const source = dependedStage(context, stage, stageName, expression, where);
    if (source === undefined) continue;
    const [jobName = '', ...rest] = key.split('.');
    const job = source.jobs.find((candidate) => same(candidate.name, jobName));
    if (job === undefined) {
      problem(where, `${expression}: stage ${source.name} has no job ${jobName}`);
    } else if (resolveJobOutput(context, job, rest.join('.'), expression, where)) {
      report.resolved.push(`${where}: ${expression}`);
    }
  }
}

function checkStageDependencies(
  context: Context,
  stage: PipelineStage,
  text: string,
  where: string,
): void {
  const { report, problem } = context;
  for (const [expression, stageName = '', jobName = '', key = ''] of text.matchAll(
    STAGE_DEPENDENCY,
  )) {
    const source = dependedStage(context, stage, stageName, expression, where);
    if (source === undefined) continue;
    const job = source.jobs.find((candidate) => same(candidate.name, jobName));
    if (job === undefined) {
      const jobs = source.jobs.map((j) => j.name).join(', ');
      problem(where, `${expression}: stage ${source.name} has no job ${jobName} (it has ${jobs})`);
    } else if (resolveJobOutput(context, job, key, expression, where)) {
      report.resolved.push(`${where}: ${expression}`);
    }
  }
}

/** The stage an expression reads, when it exists, is another one and is depended on. */
function dependedStage(
  { pipeline, problem }: Context,
  stage: PipelineStage,
  name: string,
  expression: string,
  where: string,
): PipelineStage | undefined {
  const source = pipeline.stages.find((candidate) => same(candidate.name, name));
  if (source === undefined || source === stage) {
    problem(where, `${expression} names no other stage of this pipeline`);
    return undefined;
  }
  if (!stage.dependsOn.some((dependency) => same(dependency, source.name))) {
    problem(where, `${expression} reads stage ${source.name}, but dependsOn does not name it`);
    return undefined;
  }
  return source;
}

/**
 * Resolves the key inside `outputs['...']` against the job that sets it: `<step>.<variable>`
 * for a job; a runOnce deployment job prefixes its own name, or `Deploy_<resource>` when its
 * environment names a resource.
 */
function resolveJobOutput(
  { manifests, problem }: Context,
  job: PipelineJob,
  key: string,
  expression: string,
  where: string,
): boolean {
  let parts = key.split('.');
  if (job.kind === 'deployment') {
    if (job.strategy !== 'runOnce') {
      problem(where, `${expression}: only runOnce deployment jobs are checked here`);
      return false;
    }
    const prefix = job.resourceName !== undefined ? `Deploy_${job.resourceName}` : job.name;
    if (parts.length !== 3 || !same(parts[0] ?? '', prefix)) {
      problem(
        where,
        `${expression}: ${job.name} is a runOnce deployment job; its outputs are read as ` +
          `'${prefix}.<step>.<variable>'`,
      );
      return false;
    }
    parts = parts.slice(1);
  } else if (parts.length !== 2) {
    problem(where, `${expression}: a job's outputs are read as '<step>.<variable>'`);
    return false;
  }
  const [stepName = '', variable = ''] = parts;
  const step = job.steps.find((candidate) => same(candidate.name ?? '', stepName));
  if (step === undefined) {
    const named = job.steps.flatMap((s) => (s.name !== undefined ? [s.name] : []));
    problem(
      where,
      `${expression}: job ${job.name} has no step named ${stepName} ` +
        `(named steps: ${named.join(', ') || 'none'})`,
    );
    return false;
  }
  const declared = declaredOutputs(step, manifests);
  if (declared === undefined) return false;
  if (!declared.some((name) => same(name, variable))) {
    problem(
      where,
      `${expression}: step ${stepName}${step.task ? ` (${step.task})` : ''} declares no ` +
        `output variable ${variable} (it declares: ${declared.join(', ') || 'none'})`,
    );
    return false;
  }
  return true;
}
