import type { KeyValue } from '../mlflow/types';
import type { PipelineContext } from './pipeline-context';

/** Prefix of every tag the tasks write about the Azure DevOps run behind a change. */
export const PIPELINE_TAG_PREFIX = 'azure_pipelines.';

/**
 * Tags that tie a run or a registry version to the pipeline run that made it: organisation,
 * project, pipeline, build, run URL, stage, job, attempt, trigger, commit. Empty values are
 * left out.
 */
export function pipelineTags(context: PipelineContext): KeyValue[] {
  const entries: [string, string | undefined][] = [
    ['organization', context.organization],
    ['project', context.project],
    ['pipeline', context.pipelineName],
    ['pipeline_id', context.definitionId],
    ['build_id', context.buildId],
    ['build_number', context.buildNumber],
    ['run_url', context.runUrl],
    ['stage', context.stage],
    ['job', context.job],
    ['attempt', context.attempt],
    ['reason', context.reason],
    ['commit', context.commit],
    ['branch', context.branch],
    ['repository', context.repositoryUri ?? context.repositoryName],
    ['requested_for', context.requestedFor],
  ];
  return toKeyValues(entries.map(([key, value]) => [`${PIPELINE_TAG_PREFIX}${key}`, value]));
}

/**
 * MLflow's own source tags, so MLflow's UI shows where a run came from, plus the pipeline
 * tags above.
 */
export function lineageTags(context: PipelineContext, sourceName?: string): KeyValue[] {
  const branch = context.branch?.replace(/^refs\/heads\//, '');
  const mlflowTags = toKeyValues([
    ['mlflow.source.type', 'JOB'],
    ['mlflow.source.name', sourceName ?? context.pipelineName],
    ['mlflow.source.git.commit', context.commit],
    ['mlflow.source.git.branch', branch],
    ['mlflow.source.git.repoURL', context.repositoryUri],
    ['mlflow.user', context.requestedFor],
  ]);
  return [...mlflowTags, ...pipelineTags(context)];
}

function toKeyValues(entries: [string, string | undefined][]): KeyValue[] {
  return entries
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    .map(([key, value]) => ({ key, value: value.slice(0, 5000) }));
}
