import type { ApprovalRecord } from '../common/promotion/approval-reader';
import type { GateReport } from '../common/promotion/gates';
import type { MetricReading } from '../common/promotion/version-metrics';
import type { PromotionMode } from './parameters';

/** How the run ended, as the outputs, the summary and the task result tell it. */
export type PromotionOutcome =
  | 'promoted'
  | 'rolledBack'
  | 'alreadyChampion'
  | 'gatesFailed'
  | 'dryRunPassed'
  | 'championMoved'
  | 'targetMoved'
  | 'overtaken'
  | 'failed';

/**
 * What the run learnt and did, filled in step by step so that the build summary can show as
 * much as is known even when a later step fails.
 */
export interface PromotionReport {
  mode: PromotionMode;
  modelName: string;
  server?: string;
  /** How the challenger was named, e.g. `alias "challenger"` or `version 3`. */
  challengerLabel: string;
  challengerVersion?: string;
  /** The candidate's page in MLflow's UI. */
  challengerUrl?: string;
  championBefore?: string;
  rollbackBefore?: string;
  challengerMetrics?: ReadonlyMap<string, MetricReading>;
  championMetrics?: ReadonlyMap<string, MetricReading>;
  gates?: GateReport;
  approval?: ApprovalRecord;
  outcome: PromotionOutcome;
  /** The champion after the run, as last read. */
  championAfter?: string;
  /** The version the champion replaced, for the output of the same name. */
  previousChampion?: string;
  /** The task's closing message. */
  message: string;
  notes: string[];
}

/** A fresh report for a run that has not done anything yet. */
export function newReport(
  mode: PromotionMode,
  modelName: string,
  challenger: string,
): PromotionReport {
  return {
    mode,
    modelName,
    challengerLabel: challenger,
    outcome: 'failed',
    message: '',
    notes: [],
  };
}
