/**
 * Tags on the registry version that record where it is deployed: one key per Triton server,
 * so the registry answers "which servers run version 7, since when, deployed by whom".
 */
import type { MlflowClient } from '../mlflow/mlflow-client';
import { setVersionTags } from '../mlflow/registry/versions';

const TAG_PREFIX = 'azure_pipelines.deployed.';

/** The tag key for a Triton server: its host and port, in the characters tag keys allow. */
export function deploymentTagKey(tritonUrl: string): string {
  let target = tritonUrl;
  try {
    const url = new URL(tritonUrl);
    target = url.port ? `${url.hostname}-${url.port}` : url.hostname;
  } catch {
    // Not a URL: the text itself, cleaned below, still names the server.
  }
  return `${TAG_PREFIX}${target.replace(/[^\w.\- /]/g, '_')}`.slice(0, 250);
}

/** Records the deployment on the version; the caller decides what a failure means. */
export async function tagDeployment(
  client: MlflowClient,
  deployment: {
    name: string;
    version: string;
    tritonUrl: string;
    repositoryPath: string;
    at: Date;
    by: string;
  },
): Promise<void> {
  await setVersionTags(client, deployment.name, deployment.version, [
    {
      key: deploymentTagKey(deployment.tritonUrl),
      value:
        `deployed ${deployment.at.toISOString()} by ${deployment.by} to ` +
        deployment.repositoryPath,
    },
  ]);
}
