/**
 * The latency test: N requests with C in flight at once, timed one by one; percentiles by the
 * nearest-rank method and throughput over the wall time of the whole run.
 */
import { performance } from 'node:perf_hooks';
import type { LatencyStats } from './live-report';

/** What a run measured, before the statistics. */
export interface LatencyRun {
  /** Durations of the successful requests, in milliseconds, in completion order. */
  durationsMs: number[];
  failures: number;
  /** The first failure's message, for the report. */
  firstError?: string;
  wallMs: number;
}

/** Sends `requests` requests through `send`, `concurrency` at a time. */
export async function runLatencyTest(
  send: () => Promise<unknown>,
  requests: number,
  concurrency: number,
): Promise<LatencyRun> {
  const run: LatencyRun = { durationsMs: [], failures: 0, wallMs: 0 };
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < requests) {
      started += 1;
      const begin = performance.now();
      try {
        await send();
        run.durationsMs.push(performance.now() - begin);
      } catch (error) {
        run.failures += 1;
        run.firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, requests)) }, worker));
  run.wallMs = performance.now() - begin;
  return run;
}

/** The p-th percentile (0-100) of ascending values, by nearest rank; 0 for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

/** The statistics of a run. */
export function latencyStats(
  run: LatencyRun,
  requests: number,
  concurrency: number,
  p95BudgetMs: number | undefined,
): LatencyStats {
  const sorted = [...run.durationsMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  const stats: LatencyStats = {
    requests,
    concurrency,
    failures: run.failures,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length === 0 ? 0 : total / sorted.length,
    maxMs: sorted[sorted.length - 1] ?? 0,
    throughputPerSecond: run.wallMs > 0 ? (sorted.length * 1000) / run.wallMs : 0,
    wallMs: run.wallMs,
  };
  if (p95BudgetMs !== undefined) stats.p95BudgetMs = p95BudgetMs;
  return stats;
}
