import { isUserError, UserError } from '../user-error';
import { deleteAlias, getAliasVersion, setAlias } from '../mlflow/registry/aliases';
import type { MlflowClient } from '../mlflow/mlflow-client';

/** What the move should do, and the registry state the decision was made on. */
export interface AliasMovePlan {
  name: string;
  championAlias: string;
  rollbackAlias: string;
  /** Version that becomes champion. */
  target: string;
  /** The champion when the gates were evaluated; undefined when there was none. */
  expectedChampion: string | undefined;
  /** When the target was named by an alias (e.g. `challenger`), that alias must still hold it. */
  targetAlias?: string;
  /**
   * How long to wait after the move before reading the champion once more. A concurrent
   * promotion's write may still be on its way when we read back; waiting lets it land.
   */
  settleMs?: number;
}

/** How the move ended. `championMoved` and `targetMoved` changed nothing. */
export type AliasMoveOutcome =
  | { kind: 'moved'; champion: string; previous: string | undefined; notes: string[] }
  | { kind: 'championMoved'; found: string | undefined }
  | { kind: 'targetMoved'; found: string | undefined }
  | { kind: 'overtaken'; champion: string | undefined; rollback: string | undefined };

/**
 * Moves the champion alias to the target, keeping the old champion under the rollback alias.
 * MLflow has no compare-and-set, so the move reads both aliases again right before writing and
 * stops when anything moved; writes the rollback alias first so production always has a
 * champion; and reads back afterwards, and again after a settle time, to notice a concurrent
 * writer. When the champion write fails, the rollback alias is put back as it was.
 */
export async function moveChampion(
  client: MlflowClient,
  plan: AliasMovePlan,
): Promise<AliasMoveOutcome> {
  const { name, championAlias, rollbackAlias, target, expectedChampion } = plan;

  const champion = await aliasTarget(client, name, championAlias);
  if (champion !== expectedChampion) return { kind: 'championMoved', found: champion };
  if (plan.targetAlias !== undefined) {
    const held = await aliasTarget(client, name, plan.targetAlias);
    if (held !== target) return { kind: 'targetMoved', found: held };
  }
  const rollbackBefore = await aliasTarget(client, name, rollbackAlias);

  const rollbackChanged = expectedChampion !== undefined && rollbackBefore !== expectedChampion;
  if (rollbackChanged) {
    try {
      await setAlias(client, name, rollbackAlias, expectedChampion);
    } catch (error) {
      throw new UserError(
        `Setting alias "${rollbackAlias}" of "${name}" to version ${expectedChampion} failed, ` +
          `before the champion was touched: "${championAlias}" is still version ` +
          `${expectedChampion}. Run the task again once MLflow answers. Cause: ${causeOf(error)}`,
      );
    }
  }

  try {
    await setAlias(client, name, championAlias, target);
  } catch (error) {
    return await recoverFailedChampionWrite(client, plan, error, rollbackChanged, rollbackBefore);
  }
  return confirm(client, plan);
}

/** Reads back, then once more after the settle time: the last word on who holds the champion. */
async function confirm(client: MlflowClient, plan: AliasMovePlan): Promise<AliasMoveOutcome> {
  const outcome = await readBack(client, plan);
  if (outcome.kind !== 'moved' || !plan.settleMs) return outcome;
  await new Promise((resolve) => setTimeout(resolve, plan.settleMs));
  const champion = await aliasTarget(client, plan.name, plan.championAlias);
  if (champion === plan.target) return outcome;
  const rollback = await aliasTarget(client, plan.name, plan.rollbackAlias);
  return { kind: 'overtaken', champion, rollback };
}

/** Reads both aliases after the writes; someone else's champion means we were overtaken. */
async function readBack(client: MlflowClient, plan: AliasMovePlan): Promise<AliasMoveOutcome> {
  const champion = await aliasTarget(client, plan.name, plan.championAlias);
  const rollback = await aliasTarget(client, plan.name, plan.rollbackAlias);
  if (champion !== plan.target) return { kind: 'overtaken', champion, rollback };

  const notes: string[] = [];
  if (plan.expectedChampion !== undefined && rollback !== plan.expectedChampion) {
    notes.push(
      `The rollback alias "${plan.rollbackAlias}" was changed by someone else during the move: ` +
        `it points to ${describeVersion(rollback)}, not to version ${plan.expectedChampion}.`,
    );
  }
  return { kind: 'moved', champion, previous: plan.expectedChampion, notes };
}

/**
 * The champion write failed. Its answer may have been lost after the server made the change,
 * so the champion is read first: if the write landed, the move stands; if the champion is
 * unchanged, the rollback alias is restored; if someone else moved it, nothing is undone.
 */
async function recoverFailedChampionWrite(
  client: MlflowClient,
  plan: AliasMovePlan,
  error: unknown,
  rollbackChanged: boolean,
  rollbackBefore: string | undefined,
): Promise<AliasMoveOutcome> {
  const { name, championAlias, rollbackAlias } = plan;
  const cause = causeOf(error);
  let champion: string | undefined;
  try {
    champion = await aliasTarget(client, name, championAlias);
  } catch {
    throw new UserError(
      `Setting alias "${championAlias}" of "${name}" to version ${plan.target} failed, and ` +
        `MLflow could not be read afterwards. ` +
        `${stateAdvice(plan, rollbackChanged, rollbackBefore)} Cause: ${cause}`,
    );
  }
  if (champion === plan.target) return confirm(client, plan);
  if (champion !== plan.expectedChampion || !rollbackChanged) {
    throw new UserError(
      `Setting alias "${championAlias}" of "${name}" to version ${plan.target} failed; the ` +
        `champion is ${describeVersion(champion)}. ${
          rollbackChanged
            ? `This run had set "${rollbackAlias}" to version ${plan.expectedChampion ?? ''}.`
            : 'Nothing else was changed by this run.'
        } Cause: ${cause}`,
    );
  }

  try {
    if (rollbackBefore === undefined) await deleteAlias(client, name, rollbackAlias);
    else await setAlias(client, name, rollbackAlias, rollbackBefore);
  } catch (restoreError) {
    const why = causeOf(restoreError);
    throw new UserError(
      `Setting alias "${championAlias}" of "${name}" to version ${plan.target} failed, and ` +
        `putting "${rollbackAlias}" back failed too (${why}). ` +
        `${stateAdvice(plan, rollbackChanged, rollbackBefore)} Cause: ${cause}`,
    );
  }
  throw new UserError(
    `Setting alias "${championAlias}" of "${name}" to version ${plan.target} failed, so the ` +
      `promotion was undone: "${championAlias}" is still ${describeVersion(champion)} and ` +
      `"${rollbackAlias}" is back on ${describeVersion(rollbackBefore)}. Run the task again ` +
      `once MLflow answers. Cause: ${cause}`,
  );
}

/** What the registry may look like now, and the one command that puts it right. */
function stateAdvice(
  plan: AliasMovePlan,
  rollbackChanged: boolean,
  rollbackBefore: string | undefined,
): string {
  const champion = `"${plan.championAlias}" should still be ${describeVersion(
    plan.expectedChampion,
  )}`;
  if (!rollbackChanged) return `${champion}; nothing else was changed.`;
  const restore =
    rollbackBefore === undefined
      ? `delete alias "${plan.rollbackAlias}"`
      : `set alias "${plan.rollbackAlias}" back to version ${rollbackBefore}`;
  return (
    `${champion}, but "${plan.rollbackAlias}" now points to version ` +
    `${plan.expectedChampion ?? ''}: ${restore} (SetAlias task) or run this task again.`
  );
}

/** The version number an alias points to, or undefined when it is not set. */
export async function aliasTarget(
  client: MlflowClient,
  name: string,
  alias: string,
): Promise<string | undefined> {
  const version = await getAliasVersion(client, name, alias);
  return version === undefined ? undefined : String(version.version);
}

/** "version 3", or "not set". */
export function describeVersion(version: string | undefined): string {
  return version === undefined ? 'not set' : `version ${version}`;
}

function causeOf(error: unknown): string {
  return isUserError(error) || error instanceof Error ? error.message : String(error);
}
