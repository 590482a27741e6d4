/**
 * What a live validation found, step by step, in a form the task can publish: as output
 * variables, as a build summary, and as tags on the registry version.
 */

/** The outcome of one step. A warning does not fail the validation. */
export type CheckStatus = 'passed' | 'failed' | 'warning' | 'skipped';

/** The steps of a live validation, in the order they run. */
export type CheckId =
  'server' | 'load' | 'ready' | 'config' | 'signature' | 'inference' | 'latency' | 'unload';

/** One step's outcome: a one-line summary and, when useful, the lines behind it. */
export interface LiveCheck {
  id: CheckId;
  title: string;
  status: CheckStatus;
  summary: string;
  details: string[];
}

/** Latencies of the timed requests, in milliseconds, and the throughput they reached. */
export interface LatencyStats {
  requests: number;
  concurrency: number;
  /** Requests that failed; their times are not in the percentiles. */
  failures: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** Successful requests per second over the whole run. */
  throughputPerSecond: number;
  wallMs: number;
  p95BudgetMs?: number;
}

/** The whole live validation: `failed` when any check failed. */
export interface LiveReport {
  result: 'passed' | 'failed';
  serverUrl: string;
  /** Triton's version, from GET /v2. */
  serverVersion?: string;
  model: string;
  /** The version asked for; undefined when Triton chooses. */
  requestedVersion?: number;
  /** The versions the metadata lists as served. */
  servedVersions: string[];
  checks: LiveCheck[];
  latency?: LatencyStats;
  /** Remarks that change nothing in the result (skipped parts, assumptions). */
  notes: string[];
  durationMs: number;
}

/** The check with this id, when it ran. */
export function findCheck(report: LiveReport, id: CheckId): LiveCheck | undefined {
  return report.checks.find((check) => check.id === id);
}
