import { setVersionTags } from '../common/mlflow/registry/versions';
import { describeVersion, type AliasMoveOutcome } from '../common/promotion/alias-move';
import { demotedTags, promotedTags, type AuditFacts } from '../common/promotion/audit-tags';
import { UserError } from '../common/user-error';
import type { PromotionServices } from './operation';
import type { PromotionParameters } from './parameters';
import type { PromotionReport } from './report';

/** Turns the move's outcome into the report, audits a move that stands, or fails the run. */
export async function finishMove(
  params: PromotionParameters,
  services: PromotionServices,
  report: PromotionReport,
  outcome: AliasMoveOutcome,
  kind: AuditFacts['kind'],
): Promise<void> {
  const name = params.modelName;
  const target = report.challengerVersion ?? '';
  const alias = params.championAlias;
  switch (outcome.kind) {
    case 'championMoved':
      report.outcome = 'championMoved';
      report.championAfter = outcome.found;
      throw new UserError(
        `The champion moved while this run was deciding: "${alias}" of "${name}" is now ` +
          `${describeVersion(outcome.found)}, not ${describeVersion(report.championBefore)} ` +
          `as when the gates were evaluated. Nothing was changed. Run the task again to ` +
          `evaluate version ${target} against the new champion.`,
      );
    case 'targetMoved':
      report.outcome = 'targetMoved';
      throw new UserError(
        `${report.challengerLabel} of "${name}" moved while this run was deciding: it now ` +
          `points to ${describeVersion(outcome.found)}, not version ${target}. Nothing was ` +
          `changed. Run the task again to evaluate the new candidate.`,
      );
    case 'overtaken':
      report.outcome = 'overtaken';
      report.championAfter = outcome.champion;
      await auditOvertaken(params, services, report, outcome.champion, kind);
      throw new UserError(overtakenMessage(params, report, outcome.champion));
    case 'moved':
      break;
  }

  for (const note of outcome.notes) services.warn(note);
  report.notes.push(...outcome.notes);
  // The move stands from here on, whatever happens to the audit: the outputs must say so.
  report.outcome = kind === 'rollback' ? 'rolledBack' : 'promoted';
  report.championAfter = target;
  report.previousChampion = outcome.previous;
  report.message = moveMessage(params, report, kind, outcome.previous);

  const facts = auditFacts(params, report, kind, services.now());
  try {
    await setVersionTags(services.client, name, target, promotedTags(facts));
    if (outcome.previous !== undefined) {
      await setVersionTags(services.client, name, outcome.previous, demotedTags(facts));
    }
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new UserError(
      `${report.message} But writing the audit tags (promotion.*) failed, so the registry ` +
        `does not record who approved it; the move itself stands. Add the tags by hand from ` +
        `this log, or roll back (mode rollback) and promote again. Cause: ${cause}`,
    );
  }
}

function moveMessage(
  params: PromotionParameters,
  report: PromotionReport,
  kind: AuditFacts['kind'],
  previous: string | undefined,
): string {
  const { modelName: name, championAlias: alias, rollbackAlias } = params;
  const target = report.championAfter ?? '?';
  const approved = `Approved by ${report.approval?.approvedBy ?? 'unknown'}.`;
  if (kind === 'rollback') {
    const rollbackNow = describeVersion(previous ?? target);
    return (
      `Rolled back "${alias}" of "${name}" to version ${target} (was ` +
      `${describeVersion(previous)}); "${rollbackAlias}" now points to ${rollbackNow}. ${approved}`
    );
  }
  if (previous === undefined) {
    return `Promoted version ${target} of "${name}" to "${alias}", its first champion. ${approved}`;
  }
  return (
    `Promoted version ${target} of "${name}" to "${alias}" (was version ${previous}); ` +
    `"${rollbackAlias}" keeps version ${previous} for a rollback. ${approved}`
  );
}

/** Our version was champion for a moment: its tags say so, and who replaced it. */
async function auditOvertaken(
  params: PromotionParameters,
  services: PromotionServices,
  report: PromotionReport,
  winner: string | undefined,
  kind: AuditFacts['kind'],
): Promise<void> {
  const target = report.challengerVersion ?? '';
  const facts = auditFacts(params, report, kind, services.now());
  await setVersionTags(services.client, params.modelName, target, [
    ...promotedTags(facts),
    ...demotedTags({ ...facts, newChampion: winner ?? 'none' }),
  ]);
}

function overtakenMessage(
  params: PromotionParameters,
  report: PromotionReport,
  winner: string | undefined,
): string {
  return (
    `Another promotion of "${params.modelName}" ran at the same time and moved ` +
    `"${params.championAlias}" to ${describeVersion(winner)} right after this run set it to ` +
    `version ${report.challengerVersion ?? '?'}. That promotion stands; this run changed ` +
    `nothing more and tagged version ${report.challengerVersion ?? '?'} as replaced. Run ` +
    `the task again to evaluate it against the new champion.`
  );
}

function auditFacts(
  params: PromotionParameters,
  report: PromotionReport,
  kind: AuditFacts['kind'],
  at: Date,
): AuditFacts {
  const { pipeline } = params;
  const buildName = [pipeline.pipelineName, pipeline.buildNumber].filter(Boolean).join(' ');
  const build = pipeline.buildId
    ? `${buildName || 'pipeline'} (build ${pipeline.buildId})`
    : 'run outside Azure Pipelines';
  return {
    kind,
    at,
    build,
    buildUrl: pipeline.runUrl,
    approvedBy: report.approval?.approvedBy ?? pipeline.requestedFor ?? 'unknown',
    approvalSource: report.approval?.source ?? 'requester',
    newChampion: report.challengerVersion ?? '',
    oldChampion: report.championBefore,
  };
}
