import * as tl from 'azure-pipelines-task-lib/task';

/** What the agent tells a task about the pipeline run it belongs to. */
export interface PipelineContext {
  collectionUri?: string;
  organization?: string;
  project?: string;
  pipelineName?: string;
  definitionId?: string;
  buildId?: string;
  buildNumber?: string;
  runUrl?: string;
  stage?: string;
  job?: string;
  attempt?: string;
  reason?: string;
  requestedFor?: string;
  commit?: string;
  branch?: string;
  repositoryUri?: string;
  repositoryName?: string;
  accessToken?: string;
}

/** Reads the predefined variables of the current job. */
export function readPipelineContext(): PipelineContext {
  const v = (name: string): string | undefined => tl.getVariable(name) || undefined;
  const collectionUri = v('System.CollectionUri');
  const project = v('System.TeamProject');
  const buildId = v('Build.BuildId');
  const context: PipelineContext = {
    collectionUri,
    organization: organizationOf(collectionUri),
    project,
    pipelineName: v('Build.DefinitionName'),
    definitionId: v('System.DefinitionId'),
    buildId,
    buildNumber: v('Build.BuildNumber'),
    runUrl:
      collectionUri && project && buildId
        ? `${collectionUri.replace(/\/+$/, '')}/${encodeURIComponent(project)}` +
          `/_build/results?buildId=${buildId}`
        : undefined,
    stage: v('System.StageName'),
    job: v('System.JobName') ?? v('Agent.JobName'),
    attempt: v('System.JobAttempt'),
    reason: v('Build.Reason'),
    requestedFor: v('Build.RequestedFor'),
    commit: v('Build.SourceVersion'),
    branch: v('Build.SourceBranch'),
    repositoryUri: v('Build.Repository.Uri'),
    repositoryName: v('Build.Repository.Name'),
    // Straight from the environment (the step maps it with env: SYSTEM_ACCESSTOKEN): reading
    // it through tl.getVariable would write the token to the debug log.
    accessToken: process.env.SYSTEM_ACCESSTOKEN || undefined,
  };
  return context;
}

function organizationOf(collectionUri: string | undefined): string | undefined {
  if (!collectionUri) return undefined;
  try {
    const url = new URL(collectionUri);
    if (url.hostname === 'dev.azure.com') return url.pathname.split('/').filter(Boolean)[0];
    const visualStudio = /^([^.]+)\.visualstudio\.com$/.exec(url.hostname);
    if (visualStudio) return visualStudio[1];
    return url.pathname.split('/').filter(Boolean)[0] ?? url.hostname;
  } catch {
    return undefined;
  }
}
