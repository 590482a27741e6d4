import { deployModel, type DeployLog, type DeployOutcome } from '../common/deploy/deploy-model';
import { openDeployServices } from '../common/deploy/deploy-services';
import type { DeployParameters } from './parameters';

/** The task's story: open the clients, deploy, and hand back what happened. */
export async function deployToTriton(
  params: DeployParameters,
  log: DeployLog,
  debug: (line: string) => void,
): Promise<DeployOutcome> {
  const services = openDeployServices(
    {
      connection: params.connection,
      tritonUrl: params.tritonUrl,
      repository: params.repository,
      repositoryName: 'Input modelRepository',
      debug,
    },
    log,
  );
  return deployModel(services, {
    registeredModel: params.modelName,
    tritonModelName: params.tritonModelName,
    target: params.target,
    keepVersions: params.keepVersions,
    modelControl: params.modelControl,
    wait: { readyTimeoutMs: params.readyTimeoutMs, pollMs: 1000 },
    deployedBy: params.deployedBy,
    ...(params.buildUrl ? { buildUrl: params.buildUrl } : {}),
  });
}
