/**
 * An Azure Pipelines YAML file read into stages, jobs and steps, with what the checks need:
 * names, dependencies, variables, conditions and each step's task and inputs.
 */
import { parse } from 'yaml';

/** One step: its name, its task reference and inputs when it is a task, and the raw mapping. */
export interface PipelineStep {
  name?: string;
  task?: string;
  inputs: Record<string, unknown>;
  raw: Record<string, unknown>;
  index: number;
}

/** A job or a deployment job, with the steps of every lifecycle hook in order. */
export interface PipelineJob {
  name: string;
  kind: 'job' | 'deployment';
  dependsOn: string[];
  variables: Map<string, string>;
  condition?: string;
  steps: PipelineStep[];
  /** The environment's resource a deployment job targets (its outputs are keyed by it). */
  resourceName?: string;
  /** The deployment strategy (`runOnce`, `rolling`, `canary`). */
  strategy?: string;
}

/** A stage; a pipeline without stages has one unnamed stage. */
export interface PipelineStage {
  name: string;
  implicit: boolean;
  dependsOn: string[];
  variables: Map<string, string>;
  condition?: string;
  jobs: PipelineJob[];
}

/** The whole file. */
export interface Pipeline {
  variables: Map<string, string>;
  /** Variable groups or templates bring variables this file cannot see. */
  hasExternalVariables: boolean;
  stages: PipelineStage[];
}

type YamlMap = Record<string, unknown>;

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A scalar as the agent sees it: YAML numbers and booleans become their text. */
export function scalarText(value: unknown): string | undefined {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function names(value: unknown): string[] {
  return list(value).filter((item): item is string => typeof item === 'string');
}

interface VariableBlock {
  variables: Map<string, string>;
  external: boolean;
}

/** Reads `variables:` in its mapping form or its list form (name/value, group, template). */
function readVariables(value: unknown): VariableBlock {
  const variables = new Map<string, string>();
  let external = false;
  if (isMap(value)) {
    for (const [name, item] of Object.entries(value)) variables.set(name, scalarText(item) ?? '');
  } else {
    for (const item of list(value)) {
      if (!isMap(item)) continue;
      if (typeof item.name === 'string') variables.set(item.name, scalarText(item.value) ?? '');
      else if (item.group !== undefined || item.template !== undefined) external = true;
    }
  }
  return { variables, external };
}

/** Every step of a deployment strategy, hook by hook in the order the agent runs them. */
function strategySteps(strategy: YamlMap): { name?: string; steps: unknown[] } {
  const [name, body] = Object.entries(strategy)[0] ?? [];
  if (name === undefined || !isMap(body)) return { steps: [] };
  const hooks = ['preDeploy', 'deploy', 'routeTraffic', 'postRouteTraffic'].map(
    (hook) => body[hook],
  );
  const outcome = isMap(body.on) ? [body.on.failure, body.on.success] : [];
  const steps = [...hooks, ...outcome].flatMap((hook) => (isMap(hook) ? list(hook.steps) : []));
  return { name, steps };
}

function readSteps(value: unknown[]): PipelineStep[] {
  return value.filter(isMap).map((raw, index) => ({
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    ...(typeof raw.task === 'string' ? { task: raw.task } : {}),
    inputs: isMap(raw.inputs) ? raw.inputs : {},
    raw,
    index,
  }));
}

function readJob(raw: YamlMap, external: { seen: boolean }): PipelineJob | undefined {
  const isDeployment = typeof raw.deployment === 'string';
  const name = isDeployment ? raw.deployment : raw.job;
  if (typeof name !== 'string') return undefined;
  const block = readVariables(raw.variables);
  if (block.external) external.seen = true;
  const job: PipelineJob = {
    name,
    kind: isDeployment ? 'deployment' : 'job',
    dependsOn: names(raw.dependsOn),
    variables: block.variables,
    steps: [],
    ...(typeof raw.condition === 'string' ? { condition: raw.condition } : {}),
  };
  if (!isDeployment) {
    job.steps = readSteps(list(raw.steps));
    return job;
  }
  const environment = raw.environment;
  if (isMap(environment) && typeof environment.resourceName === 'string') {
    job.resourceName = environment.resourceName;
  } else if (typeof environment === 'string' && environment.includes('.')) {
    // The short form `environment-name.resource-name`.
    job.resourceName = environment.slice(environment.indexOf('.') + 1);
  }
  const strategy = strategySteps(isMap(raw.strategy) ? raw.strategy : {});
  if (strategy.name !== undefined) job.strategy = strategy.name;
  job.steps = readSteps(strategy.steps);
  return job;
}

function readJobs(value: unknown, external: { seen: boolean }): PipelineJob[] {
  return list(value)
    .filter(isMap)
    .map((raw) => readJob(raw, external))
    .filter((job): job is PipelineJob => job !== undefined);
}

/** Parses a pipeline file; a stage without `dependsOn` depends on the stage before it. */
export function readPipeline(text: string): Pipeline {
  const document: unknown = parse(text);
  const root = isMap(document) ? document : {};
  const external = { seen: false };
  const top = readVariables(root.variables);
  external.seen = top.external;

  let stages: PipelineStage[];
  if (root.stages !== undefined) {
    stages = list(root.stages)
      .filter(isMap)
      .filter((raw) => typeof raw.stage === 'string')
      .map((raw, index, all) => {
        const block = readVariables(raw.variables);
        if (block.external) external.seen = true;
        const previous = all[index - 1]?.stage;
        const dependsOn =
          raw.dependsOn !== undefined
            ? names(raw.dependsOn)
            : typeof previous === 'string'
              ? [previous]
              : [];
        return {
          name: String(raw.stage),
          implicit: false,
          dependsOn,
          variables: block.variables,
          jobs: readJobs(raw.jobs, external),
          ...(typeof raw.condition === 'string' ? { condition: raw.condition } : {}),
        };
      });
  } else {
    // A pipeline of bare steps is one job, named `Job` as Azure Pipelines names it.
    const jobs =
      root.jobs !== undefined
        ? readJobs(root.jobs, external)
        : readJobs([{ job: 'Job', steps: root.steps }], external);
    stages = [{ name: '', implicit: true, dependsOn: [], variables: new Map(), jobs }];
  }
  return { variables: top.variables, hasExternalVariables: external.seen, stages };
}
