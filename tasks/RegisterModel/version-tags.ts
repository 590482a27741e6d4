import type { KeyValue } from '../common/mlflow/types';
import type { PipelineContext } from '../common/pipeline/pipeline-context';

/** Prefix of the version tags that tie a version to the pipeline run that registered it. */
export const LINEAGE_TAG_PREFIX = 'azure_pipelines.';

/** Tags naming the build, commit and pipeline run behind a new version. */
export function lineageTags(pipeline: PipelineContext): KeyValue[] {
  const entries: [string, string | undefined][] = [
    ['pipeline', pipeline.pipelineName],
    ['build_id', pipeline.buildId],
    ['build_number', pipeline.buildNumber],
    ['run_url', pipeline.runUrl],
    ['commit', pipeline.commit],
    ['branch', pipeline.branch],
    ['repository', pipeline.repositoryUri ?? pipeline.repositoryName],
    ['requested_for', pipeline.requestedFor],
  ];
  return entries
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => ({ key: `${LINEAGE_TAG_PREFIX}${key}`, value }));
}
