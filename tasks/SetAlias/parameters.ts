import type { MlflowConnection } from '../common/mlflow/connection';
import { checkAliasName } from '../common/mlflow/registry/alias-name';
import { checkVersionNumber } from '../common/mlflow/registry/versions';
import { choiceInput, optionalString, requiredString } from '../common/pipeline/inputs';
import { readMlflowConnection } from '../common/pipeline/mlflow-connection';
import { type PipelineContext, readPipelineContext } from '../common/pipeline/pipeline-context';
import { UserError } from '../common/user-error';

/** Where the alias should point: a version number, or wherever another alias points. */
export type AliasTarget = { kind: 'version'; version: string } | { kind: 'alias'; alias: string };

/** What the task is asked to do with the alias. */
export type AliasAction = { kind: 'set'; target: AliasTarget } | { kind: 'delete' };

/** Every input of the task, read and checked once. */
export interface SetAliasParameters {
  modelName: string;
  alias: string;
  action: AliasAction;
  connection: MlflowConnection;
  pipeline: PipelineContext;
}

/** Reads and validates the task's inputs. */
export function readParameters(): SetAliasParameters {
  const modelName = requiredString('modelName');
  const alias = requiredString('alias');
  checkAliasName(alias, 'alias');
  const kind = choiceInput('action', ['set', 'delete'] as const, 'set');
  const action: AliasAction = kind === 'delete' ? { kind } : { kind, target: readTarget(alias) };
  return {
    modelName,
    alias,
    action,
    connection: readMlflowConnection(),
    pipeline: readPipelineContext(),
  };
}

function readTarget(alias: string): AliasTarget {
  const version = optionalString('version');
  const fromAlias = optionalString('fromAlias');
  if (version !== undefined && fromAlias !== undefined) {
    throw new UserError(
      `Inputs version and fromAlias are both set ("${version}", "${fromAlias}"). Give one: ` +
        `the version number the alias should point to, or the alias to copy.`,
    );
  }
  if (version !== undefined) {
    return { kind: 'version', version: checkVersionNumber(version, 'version') };
  }
  if (fromAlias !== undefined) {
    checkAliasName(fromAlias, 'fromAlias');
    if (fromAlias === alias) {
      throw new UserError(
        `Input fromAlias: "${fromAlias}" is the alias being set; copying it onto itself ` +
          `changes nothing. Name the other alias to copy, e.g. champion.`,
      );
    }
    return { kind: 'alias', alias: fromAlias };
  }
  throw new UserError(
    `Input required: version or fromAlias. Say where alias "${alias}" should point: a version ` +
      `number, or another alias whose version to copy (e.g. champion).`,
  );
}
