/** One line of the benchmark table that `npm run bench` prints. */
export interface BenchRow {
  /** What was measured, e.g. `MLflowLogRun: log 100,000 metric points`. */
  name: string;
  value: number;
  unit: string;
  /** The baseline measured in the same run, when the figure is reported as a ratio. */
  baseline?: { name: string; value: number };
  /** value / baseline.value, or the ratio the issue asks for. */
  ratio?: number;
  /** A target the figure must meet, shown beside it, e.g. `<= 101 requests`. */
  target?: string;
  /** Whether the target was met. */
  pass?: boolean;
}

/** A benchmark module under bench/ exports `run`, which measures and returns its rows. */
export type Benchmark = () => Promise<BenchRow[]>;
