import type { MlflowClient } from '../common/mlflow/mlflow-client';
import { getAliasVersion } from '../common/mlflow/registry/aliases';
import { versionUiUrl } from '../common/mlflow/registry/registry-links';
import { getVersion } from '../common/mlflow/registry/versions';
import type { ModelVersion } from '../common/mlflow/types';
import { aliasTarget, describeVersion, moveChampion } from '../common/promotion/alias-move';
import type { ApprovalRecord } from '../common/promotion/approval-reader';
import { evaluateGates, type GateReport } from '../common/promotion/gates';
import { readVersionMetrics } from '../common/promotion/version-metrics';
import { UserError } from '../common/user-error';
import type { PromotionParameters } from './parameters';
import { finishMove } from './finish-move';
import type { PromotionReport } from './report';

/** What the story needs from the outside world, passed in so it can run without an agent. */
export interface PromotionServices {
  client: MlflowClient;
  readApproval: () => Promise<ApprovalRecord>;
  now: () => Date;
  log: (line: string) => void;
  warn: (line: string) => void;
}

/**
 * Promotes, rolls back or evaluates, filling the report as it goes. Throws a UserError when
 * the run must fail; the report then still holds everything learnt so far.
 */
export async function runPromotion(
  params: PromotionParameters,
  services: PromotionServices,
  report: PromotionReport,
): Promise<void> {
  const info = await services.client.server();
  report.server = `MLflow ${info.version} at ${services.client.uiBase()}`;
  services.log(`Talking to ${report.server}.`);

  if (params.mode === 'rollback') await rollBack(params, services, report);
  else await promote(params, services, report);
}

async function promote(
  params: PromotionParameters,
  services: PromotionServices,
  report: PromotionReport,
): Promise<void> {
  const { client } = services;
  const name = params.modelName;
  const challenger = await resolveChallenger(params, client);
  // Versions are compared as strings: a server may write them as JSON numbers.
  const target = String(challenger.version);
  report.challengerVersion = target;
  report.challengerUrl = versionUiUrl(client, name, target);
  const champion = await getAliasVersion(client, name, params.championAlias);
  const championVersion = champion ? String(champion.version) : undefined;
  report.championBefore = championVersion;
  report.rollbackBefore = await aliasTarget(client, name, params.rollbackAlias);
  report.championAfter = championVersion;
  report.previousChampion = report.rollbackBefore;
  services.log(
    `Challenger: version ${target} (${report.challengerLabel}); champion ` +
      `"${params.championAlias}": ${describeVersion(championVersion)}.`,
  );

  if (championVersion === target) {
    report.outcome = 'alreadyChampion';
    report.message =
      `Version ${target} of "${name}" is already the champion ` +
      `("${params.championAlias}"); nothing to do.`;
    return;
  }
  if (challenger.status !== undefined && challenger.status !== 'READY') {
    throw new UserError(
      `Version ${target} of "${name}" is ${challenger.status}, not READY: only a registered ` +
        `version can be promoted. Wait for its registration or register it again.`,
    );
  }

  const gates = await evaluate(params, services, report, challenger, champion);
  if (!gates.passed) {
    report.outcome = 'gatesFailed';
    report.message =
      `Version ${target} was not promoted: ${gates.failures.length} gate(s) failed: ` +
      gates.failures.join(' | ');
    if (params.failOnGate) throw new UserError(report.message);
    return;
  }
  if (params.mode === 'dryRun') {
    report.outcome = 'dryRunPassed';
    report.message =
      `Dry run: every gate passed; version ${target} would replace ` +
      `${describeVersion(championVersion)} as "${params.championAlias}". Nothing was changed.`;
    return;
  }

  await approveAndMove(params, services, report, 'promotion', {
    target,
    expectedChampion: championVersion,
    ...(params.challenger.kind === 'alias' ? { targetAlias: params.challenger.alias } : {}),
  });
}

async function rollBack(
  params: PromotionParameters,
  services: PromotionServices,
  report: PromotionReport,
): Promise<void> {
  const { client } = services;
  const name = params.modelName;
  const rollbackVersion = await getAliasVersion(client, name, params.rollbackAlias);
  if (!rollbackVersion) {
    throw new UserError(
      `Nothing to roll back to: alias "${params.rollbackAlias}" of "${name}" is not set. ` +
        `It is set by a promotion; to go back to a given version, promote it by number ` +
        `(mode promote, challenger <version>).`,
    );
  }
  const target = String(rollbackVersion.version);
  if (rollbackVersion.status !== undefined && rollbackVersion.status !== 'READY') {
    throw new UserError(
      `Cannot roll back: alias "${params.rollbackAlias}" of "${name}" points to version ` +
        `${target}, which is ${rollbackVersion.status}, not READY, so production could not ` +
        `load it. Promote a READY version by number instead (mode promote, challenger ` +
        `<version>); nothing was changed.`,
    );
  }
  report.challengerLabel = `alias "${params.rollbackAlias}"`;
  report.challengerVersion = target;
  report.challengerUrl = versionUiUrl(client, name, target);
  const champion = await aliasTarget(client, name, params.championAlias);
  report.championBefore = champion;
  report.rollbackBefore = target;
  report.championAfter = champion;
  report.previousChampion = target;

  if (champion === target) {
    report.outcome = 'alreadyChampion';
    report.message =
      `Version ${target} is already the champion ("${params.championAlias}"); ` +
      `nothing to roll back.`;
    return;
  }

  await approveAndMove(params, services, report, 'rollback', {
    target,
    expectedChampion: champion,
    targetAlias: params.rollbackAlias,
  });
}

async function resolveChallenger(
  params: PromotionParameters,
  client: MlflowClient,
): Promise<ModelVersion> {
  const name = params.modelName;
  if (params.challenger.kind === 'version') {
    return getVersion(client, name, params.challenger.version);
  }
  const alias = params.challenger.alias;
  const version = await getAliasVersion(client, name, alias);
  if (!version) {
    throw new UserError(
      `Input challenger: alias "${alias}" of "${name}" is not set. Point it at the candidate ` +
        `version first (SetAlias task), or give the version number.`,
    );
  }
  return version;
}

/** Reads the evidence and evaluates every gate into the report. */
async function evaluate(
  params: PromotionParameters,
  services: PromotionServices,
  report: PromotionReport,
  challenger: ModelVersion,
  champion: ModelVersion | undefined,
): Promise<GateReport> {
  const challengerMetrics = await readVersionMetrics(services.client, challenger);
  const championMetrics = champion
    ? await readVersionMetrics(services.client, champion)
    : undefined;
  for (const note of [...challengerMetrics.notes, ...(championMetrics?.notes ?? [])]) {
    services.warn(`${note}.`);
    report.notes.push(note);
  }
  report.challengerMetrics = challengerMetrics.byKey;
  if (championMetrics) report.championMetrics = championMetrics.byKey;

  const gates = evaluateGates(
    {
      requiredTags: params.requiredTags,
      metricGates: params.metricGates,
      firstPromotionPasses: params.allowFirstPromotion,
    },
    {
      challengerTags: challenger.tags,
      challengerMetrics: challengerMetrics.byKey,
      championMetrics: championMetrics?.byKey,
    },
  );
  report.gates = gates;
  for (const verdict of gates.tags) {
    services.log(
      `${verdict.passed ? 'PASS' : 'FAIL'} tag ${verdict.required.key}: ${verdict.detail}`,
    );
  }
  for (const verdict of gates.metrics) {
    const details = verdict.checks.map((check) => check.detail).join('; ');
    services.log(`${verdict.passed ? 'PASS' : 'FAIL'} metric ${verdict.gate.metric}: ${details}`);
  }
  return gates;
}

/** Records who approved, then moves the champion (and rollback alias) and reports the move. */
async function approveAndMove(
  params: PromotionParameters,
  services: PromotionServices,
  report: PromotionReport,
  kind: 'promotion' | 'rollback',
  move: { target: string; expectedChampion: string | undefined; targetAlias?: string },
): Promise<void> {
  const approval = await services.readApproval();
  report.approval = approval;
  (approval.source === 'approval' ? services.log : services.warn)(`${approval.note}.`);

  const outcome = await moveChampion(services.client, {
    name: params.modelName,
    championAlias: params.championAlias,
    rollbackAlias: params.rollbackAlias,
    ...move,
    settleMs: params.settleSeconds * 1000,
  });
  await finishMove(params, services, report, outcome, kind);
}
