import type { DeployTarget } from '../common/deploy/model-source';
import type { ModelControl } from '../common/deploy/deploy-model';
import { describeMover } from '../common/mlflow/registry/alias-audit';
import { checkAliasName } from '../common/mlflow/registry/alias-name';
import { checkVersionNumber } from '../common/mlflow/registry/versions';
import type { MlflowConnection } from '../common/mlflow/connection';
import {
  choiceInput,
  integerInput,
  optionalString,
  requiredString,
} from '../common/pipeline/inputs';
import { readMlflowConnection } from '../common/pipeline/mlflow-connection';
import { readPipelineContext } from '../common/pipeline/pipeline-context';
import { checkServerUrl, readUrlInput } from '../common/pipeline/server-url';
import { UserError } from '../common/user-error';

/** Every input of the task, read and checked once. */
export interface DeployParameters {
  modelName: string;
  tritonModelName: string;
  target: DeployTarget;
  tritonUrl: string;
  repository: string;
  modelControl: ModelControl;
  keepVersions: number;
  readyTimeoutMs: number;
  deployedBy: string;
  buildUrl?: string;
  connection: MlflowConnection;
}

/** Triton's model names are folder names: no path separators, not hidden. */
const TRITON_NAME = /^[A-Za-z0-9_][\w.-]*$/;

/** Reads and validates the task's inputs. */
export function readParameters(): DeployParameters {
  const modelName = requiredString('modelName');
  const tritonModelName = optionalString('tritonModelName') ?? modelName;
  if (!TRITON_NAME.test(tritonModelName)) {
    throw new UserError(
      `Input tritonModelName: "${tritonModelName}" cannot be a Triton model folder name. Use ` +
        'letters, digits, "_", "-" and "." (not first), e.g. churn_classifier.',
    );
  }
  const tritonUrl = checkServerUrl(
    'tritonUrl',
    readUrlInput('tritonUrl', true) ?? '',
    "Triton's HTTP port http://triton-production:8000",
  );
  const pipeline = readPipelineContext();
  return {
    modelName,
    tritonModelName,
    target: readTarget(),
    tritonUrl,
    repository: requiredString('modelRepository'),
    modelControl: choiceInput('modelControl', ['explicit', 'none'] as const, 'explicit'),
    keepVersions: integerInput('keepVersions', 1, { min: 0, max: 100 }),
    readyTimeoutMs: integerInput('readyTimeoutSeconds', 300, { min: 1, max: 7200 }) * 1000,
    deployedBy: describeMover(pipeline),
    ...(pipeline.runUrl ? { buildUrl: pipeline.runUrl } : {}),
    connection: readMlflowConnection(),
  };
}

function readTarget(): DeployTarget {
  const alias = optionalString('alias');
  const version = optionalString('version');
  if (alias !== undefined && version !== undefined) {
    throw new UserError(
      `Inputs alias and version are both set ("${alias}", "${version}"). Give one: the alias ` +
        'whose version to deploy (e.g. champion), or a version number.',
    );
  }
  if (version !== undefined)
    return { kind: 'version', version: checkVersionNumber(version, 'version') };
  if (alias !== undefined) {
    checkAliasName(alias, 'alias');
    return { kind: 'alias', alias };
  }
  throw new UserError(
    'Input required: alias or version. Say what to deploy: the alias whose version Triton ' +
      'should serve (e.g. champion), or a version number.',
  );
}
