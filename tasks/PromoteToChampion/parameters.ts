import * as tl from 'azure-pipelines-task-lib/task';
import type { MlflowConnection } from '../common/mlflow/connection';
import { checkAliasName } from '../common/mlflow/registry/alias-name';
import {
  booleanInput,
  choiceInput,
  lineInput,
  numberInput,
  optionalString,
  requiredString,
} from '../common/pipeline/inputs';
import { readMlflowConnection } from '../common/pipeline/mlflow-connection';
import { readPipelineContext, type PipelineContext } from '../common/pipeline/pipeline-context';
import { registerSecret } from '../common/pipeline/secrets';
import { parseMetricGates, parseRequiredTags } from '../common/promotion/gate-lines';
import type { MetricGate } from '../common/promotion/metric-gate';
import type { RequiredTag } from '../common/promotion/tag-gate';
import { UserError } from '../common/user-error';

/** What the task is asked to do. */
export type PromotionMode = 'promote' | 'rollback' | 'dryRun';

/** The candidate: a version number, or an alias that points to one. */
export type ChallengerRef = { kind: 'version'; version: string } | { kind: 'alias'; alias: string };

/** Every input of the task, read and checked once. */
export interface PromotionParameters {
  modelName: string;
  mode: PromotionMode;
  challenger: ChallengerRef;
  championAlias: string;
  rollbackAlias: string;
  requiredTags: RequiredTag[];
  metricGates: MetricGate[];
  allowFirstPromotion: boolean;
  failOnGate: boolean;
  /** Wait after the move before the last check for a concurrent promotion. */
  settleSeconds: number;
  connection: MlflowConnection;
  pipeline: PipelineContext;
}

/** Reads and validates the task's inputs. */
export function readParameters(): PromotionParameters {
  const modelName = requiredString('modelName');
  const mode = choiceInput<PromotionMode>('mode', ['promote', 'rollback', 'dryRun'], 'promote');
  const challenger = readChallenger(optionalString('challenger') ?? 'challenger');
  const championAlias = optionalString('championAlias') ?? 'champion';
  const rollbackAlias = optionalString('rollbackAlias') ?? 'previous-champion';
  checkAliasName(championAlias, 'championAlias');
  checkAliasName(rollbackAlias, 'rollbackAlias');
  checkDistinct(challenger, championAlias, rollbackAlias);

  const requiredTags = parseRequiredTags('requiredTags', lineInput('requiredTags'));
  const metricGates = parseMetricGates('metricGates', lineInput('metricGates'));
  const allowFirstPromotion = booleanInput('allowFirstPromotion', true);
  const failOnGate = booleanInput('failOnGate', true);
  const settleSeconds = numberInput('settleSeconds', 2, { min: 0, max: 300 }) ?? 2;
  const connection = readMlflowConnection();
  return {
    modelName,
    mode,
    challenger,
    championAlias,
    rollbackAlias,
    requiredTags,
    metricGates,
    allowFirstPromotion,
    failOnGate,
    settleSeconds,
    connection,
    pipeline: withAccessToken(readPipelineContext()),
  };
}

function readChallenger(raw: string): ChallengerRef {
  if (/^\d+$/.test(raw)) {
    if (Number(raw) < 1) {
      throw new UserError(`Input challenger: "${raw}" is not a version. Versions start at 1.`);
    }
    return { kind: 'version', version: String(Number(raw)) };
  }
  checkAliasName(raw, 'challenger');
  return { kind: 'alias', alias: raw };
}

function checkDistinct(challenger: ChallengerRef, champion: string, rollback: string): void {
  if (champion === rollback) {
    throw new UserError(
      `Inputs championAlias and rollbackAlias are both "${champion}". The old champion needs ` +
        `an alias of its own: give rollbackAlias another name, e.g. "previous-champion".`,
    );
  }
  if (challenger.kind === 'alias' && [champion, rollback].includes(challenger.alias)) {
    throw new UserError(
      `Input challenger: "${challenger.alias}" is also the champion or rollback alias. Name ` +
        `the candidate by its own alias (e.g. "challenger") or by its version number.`,
    );
  }
}

/**
 * The job's token: System.AccessToken when the pipeline maps it, else the token the agent
 * hands every task through the SystemVssConnection service connection.
 */
function withAccessToken(context: PipelineContext): PipelineContext {
  // getEndpointAuthorization, unlike the per-parameter getter, does not debug-log the token.
  const systemConnection = tl.getEndpointAuthorization('SystemVssConnection', true);
  const token = context.accessToken ?? (systemConnection?.parameters.AccessToken || undefined);
  registerSecret(token);
  return { ...context, accessToken: token };
}
