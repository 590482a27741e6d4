/**
 * Checks a pipeline's YAML against the task.json files: each task reference, its inputs, and
 * every output variable a later step, job or stage reads, in Azure Pipelines' syntax.
 */
import {
  type Pipeline,
  type PipelineJob,
  type PipelineStage,
  type PipelineStep,
  readPipeline,
  scalarText,
} from './pipeline-model';
import { type ManifestInput, TASK_JOB_VARIABLES, type TaskManifest } from './task-manifests';

/** What the checks found: problems for the user, and the cross-job references that resolved. */
export interface PipelineReport {
  problems: string[];
  /** `<reader>: <expression>` for each output reference that names a declared variable. */
  resolved: string[];
}

/** Namespaces of the agent's predefined variables, e.g. `$(Build.BuildId)`. */
const PREDEFINED = new Set(
  ['Agent', 'Build', 'Checks', 'Environment', 'Pipeline', 'Release', 'Resources', 'Strategy']
    .concat(['System', 'TF'])
    .map((name) => name.toLowerCase()),
);

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Checks one pipeline file's text; `file` names it in the problems. */
export function checkPipeline(
  file: string,
  text: string,
  manifests: Map<string, TaskManifest>,
): PipelineReport {
  const pipeline = readPipeline(text);
  const report: PipelineReport = { problems: [], resolved: [] };
  const problem = (where: string, message: string): void => {
    report.problems.push(`${file}: ${where}: ${message}`);
  };
  const context: Context = { pipeline, manifests, report, problem };

  for (const stage of pipeline.stages) {
    const stageWhere = stage.implicit ? 'pipeline' : `stage ${stage.name}`;
    for (const text of [...stage.variables.values(), stage.condition ?? '']) {
      checkStageReferences(context, stage, text, stageWhere);
    }
    for (const job of stage.jobs) {
      const jobWhere = stage.implicit ? `job ${job.name}` : `${stageWhere}, job ${job.name}`;
      for (const text of [...job.variables.values(), job.condition ?? '']) {
        checkJobReferences(context, stage, job, text, jobWhere);
      }
      checkSteps(context, stage, job, jobWhere);
    }
  }
  return report;
}

type Problem = (where: string, message: string) => void;

/** What every check reads and writes. */
interface Context {
  pipeline: Pipeline;
  manifests: Map<string, TaskManifest>;
  report: PipelineReport;
  problem: Problem;
}

// ---- Output variables read by later jobs and stages -------------------------------------

const STAGE_DEPENDENCY = /stageDependencies\.(\w+)\.(\w+)\.outputs\[\s*'([^']*)'\s*\]/gi;
const DEPENDENCY = /(?<![A-Za-z])dependencies\.(\w+)\.outputs\[\s*'([^']*)'\s*\]/gi;

/** `dependencies.<job>` in a job (same stage) and `stageDependencies.<stage>.<job>`. */
function checkJobReferences(
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
function checkStageReferences(
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

const SET_OUTPUT = /##vso\[task\.setvariable variable=(\w+);[^\]]*isOutput=true/gi;

/**
 * A task step's declared outputs, or the output variables a script sets itself; undefined for
 * a task with no task.json, which its own step already reports.
 */
function declaredOutputs(
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

function taskName(reference: string): string {
  return reference.split('@')[0] ?? reference;
}

// ---- Steps: task references, inputs, and $(...) macros ----------------------------------

function checkSteps(
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

const TASK_REFERENCE = /^([A-Za-z][\w-]*)@(\d+)$/;

/** The task exists at that major version, and its inputs are known, complete and allowed. */
function checkTaskStep(
  step: PipelineStep,
  manifests: Map<string, TaskManifest>,
  where: string,
  problem: Problem,
): void {
  const reference = step.task ?? '';
  const match = TASK_REFERENCE.exec(reference);
  if (match === null) {
    problem(where, `task ${reference} is not written <Task>@<major version>`);
    return;
  }
  const [, name = '', major = ''] = match;
  const manifest = manifests.get(name.toLowerCase());
  if (manifest === undefined) {
    const known = [...manifests.values()].map((m) => m.name).join(', ');
    problem(where, `${reference}: no folder tasks/${name} with a task.json (tasks: ${known})`);
    return;
  }
  if (Number(major) !== manifest.version.Major) {
    problem(
      where,
      `${reference}: tasks/${manifest.name}/task.json is version ` +
        `${manifest.version.Major}.${manifest.version.Minor}; write ${manifest.name}@` +
        `${manifest.version.Major}`,
    );
    return;
  }

  const given = new Map<string, string>();
  for (const [key, value] of Object.entries(step.inputs)) {
    const input = manifest.inputs.find(
      (candidate) =>
        same(candidate.name, key) || (candidate.aliases ?? []).some((alias) => same(alias, key)),
    );
    if (input === undefined) {
      const known = manifest.inputs.map((candidate) => candidate.name).join(', ');
      problem(where, `input ${key} is not an input of ${reference} (its inputs: ${known})`);
      continue;
    }
    const text = scalarText(value);
    if (text === undefined) {
      problem(where, `input ${key} must be a single value, not a list or a mapping`);
      continue;
    }
    given.set(input.name, text);
    checkValue(input, text, reference, where, problem);
  }

  const value = (input: string): string =>
    given.get(input) ?? manifest.inputs.find((i) => i.name === input)?.defaultValue ?? '';
  for (const input of manifest.inputs) {
    if (input.required !== true || !isVisible(input.visibleRule, value)) continue;
    if (value(input.name).trim() === '') {
      problem(where, `${reference} needs input ${input.name} (${input.label ?? input.name})`);
    }
  }
}

/** Whether a value is one the task accepts: pickList options, booleans as true or false. */
function checkValue(
  input: ManifestInput,
  text: string,
  reference: string,
  where: string,
  problem: Problem,
): void {
  // A value made at run time or from a template parameter cannot be checked here.
  if (/\$\(|\$\[|\$\{\{/.test(text)) return;
  if (input.type === 'pickList' && input.options !== undefined) {
    const editable = /^true$/i.test(input.properties?.EditableOptions ?? '');
    const allowed = Object.keys(input.options);
    if (!editable && text !== '' && !allowed.includes(text)) {
      problem(where, `input ${input.name} is '${text}'; ${reference} allows ${allowed.join(', ')}`);
    }
  }
  if (input.type === 'boolean' && !/^(true|false)$/i.test(text)) {
    problem(where, `input ${input.name} is '${text}'; give true or false`);
  }
}

/** Evaluates a task.json visibleRule such as `source = folder` (clauses joined by && or ||). */
function isVisible(rule: string | undefined, value: (input: string) => string): boolean {
  if (rule === undefined || rule.trim() === '') return true;
  const any = rule.includes('||');
  const clauses = rule.split(any ? '||' : '&&').map((clause) => {
    const match = /^\s*(\w+)\s*(!=|=)\s*(.*?)\s*$/.exec(clause);
    if (match === null) return true;
    const [, input = '', operator, expected = ''] = match;
    const equal = value(input).toLowerCase() === expected.toLowerCase();
    return operator === '=' ? equal : !equal;
  });
  return any ? clauses.some(Boolean) : clauses.every(Boolean);
}
