import type { KeyValue } from '../mlflow/types';
import type { PipelineContext } from './pipeline-context';

/**
 * MLflow's own source tags, so MLflow's UI shows where a run came from, plus tags naming the
 * Azure DevOps run. Empty values are left out.
 */
export function lineageTags(context: PipelineContext, sourceName?: string): KeyValue[] {
  const branch = context.branch?.replace(/^refs\/heads\//, '');
  const tags: [string, string | undefined][] = [
    ['mlflow.source.type', 'JOB'],
    ['mlflow.source.name', sourceName ?? context.pipelineName],
    ['mlflow.source.git.commit', context.commit],
    ['mlflow.source.git.branch', branch],
    ['mlflow.source.git.repoURL', context.repositoryUri],
    ['mlflow.user', context.requestedFor],
    ...pipelineTagEntries(context),
  ];
  return toKeyValues(tags);
}

/** Tags that tie a registry object to the pipeline run that touched it. */
export function pipelineTags(context: PipelineContext): KeyValue[] {
  return toKeyValues([['azure-devops.commit', context.commit], ...pipelineTagEntries(context)]);
}

function pipelineTagEntries(context: PipelineContext): [string, string | undefined][] {
  return [
    ['azure-devops.organization', context.organization],
    ['azure-devops.project', context.project],
    ['azure-devops.pipeline', context.pipelineName],
    ['azure-devops.pipeline-id', context.definitionId],
    ['azure-devops.build-id', context.buildId],
    ['azure-devops.build-number', context.buildNumber],
    ['azure-devops.run-url', context.runUrl],
    ['azure-devops.stage', context.stage],
    ['azure-devops.job', context.job],
    ['azure-devops.attempt', context.attempt],
    ['azure-devops.reason', context.reason],
  ];
}

function toKeyValues(entries: [string, string | undefined][]): KeyValue[] {
  return entries
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    .map(([key, value]) => ({ key, value: value.slice(0, 5000) }));
}
