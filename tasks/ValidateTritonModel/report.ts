import type { Finding } from '../common/triton/finding';
import type { LiveReport } from '../common/triton/live/live-report';
import type { ValidationSummary } from '../common/triton/validate';

/** The offline verdict after applying failOnWarning. */
export type OfflineVerdict = ValidationSummary['result'];

/** What was validated, for messages and the summary. */
export interface ValidatedSource {
  /** `folder` or `registry`. */
  kind: 'folder' | 'registry';
  /** One phrase, e.g. `folder models/` or `version 3 of "churn" (alias challenger)`. */
  description: string;
  /** Absolute folder the findings' paths are relative to. */
  root: string;
  /** Registry source only. */
  registry?: {
    name: string;
    version: string;
    alias?: string;
    artifactUri: string;
    versionUrl: string;
  };
}

/** The live part's outcome: its report, or why it did not run. */
export type LiveOutcome =
  | { kind: 'ran'; report: LiveReport }
  | { kind: 'skipped'; reason: string }
  /** It could not run (a bad input or file): the task fails, and so does the verdict. */
  | { kind: 'error'; reason: string }
  | { kind: 'notRequested' };

/** Everything a run found; filled step by step so a failure still publishes what is known. */
export interface ValidationReport {
  source?: ValidatedSource;
  /** The Triton model the live part used (or would use). */
  modelName?: string;
  findings: Finding[];
  summary?: ValidationSummary;
  failOnWarning: boolean;
  live: LiveOutcome;
  /** Tags written on the registry version. */
  tagsWritten: { key: string; value: string }[];
  /** Why the tags could not be written, when they could not. */
  tagProblem?: string;
  notes: string[];
}

/** A fresh report. */
export function newReport(failOnWarning: boolean): ValidationReport {
  return {
    findings: [],
    failOnWarning,
    live: { kind: 'notRequested' },
    tagsWritten: [],
    notes: [],
  };
}

/** The offline verdict, where failOnWarning turns warnings into a failure. */
export function offlineVerdict(report: ValidationReport): OfflineVerdict | undefined {
  const summary = report.summary;
  if (summary === undefined) return undefined;
  if (summary.result === 'passedWithWarnings' && report.failOnWarning) return 'failed';
  return summary.result;
}

/** The whole run's verdict: the offline one, failed when the live validation failed. */
export function overallVerdict(report: ValidationReport): OfflineVerdict | undefined {
  const offline = offlineVerdict(report);
  if (offline === undefined) return undefined;
  if (report.live.kind === 'error') return 'failed';
  if (report.live.kind === 'ran' && report.live.report.result === 'failed') return 'failed';
  return offline;
}
