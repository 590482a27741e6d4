/**
 * Metric gates with the semantics of MLflow's MetricThreshold (mlflow.models.MetricThreshold and
 * its validation): the same comparisons, the same inclusive bounds and the same fallback for a
 * zero baseline, so a team that validates with MLflow in a notebook gets the same verdict here.
 */

/** One gate on one metric, as MLflow's MetricThreshold describes it. */
export interface MetricGate {
  metric: string;
  /** MLflow's greater_is_better. */
  greaterIsBetter: boolean;
  /** The challenger's value must be at least (or at most) this. */
  threshold?: number;
  /** The challenger must beat the champion by at least this much (a positive number). */
  minAbsoluteChange?: number;
  /** The challenger must beat the champion by at least this fraction of it, in [0, 1]. */
  minRelativeChange?: number;
  /** Where the gate was written, for messages: e.g. `metricGates line 2`. */
  origin: string;
}

/** The champion's side of a comparison. */
export type Baseline =
  /** No champion exists yet. */
  | { kind: 'noChampion' }
  /** A champion exists; `value` is undefined when it has no such metric. */
  | { kind: 'champion'; value: number | undefined };

/** What a gate compares, and how a missing champion is treated. */
export interface MetricGateInput {
  challenger: number | undefined;
  baseline: Baseline;
  /** With no champion, the comparisons pass (absolute thresholds still apply). */
  firstPromotionPasses: boolean;
}

/** The check within a gate a sentence is about. */
export type GateCheckKind = 'metric' | 'threshold' | 'minAbsoluteChange' | 'minRelativeChange';

/** The verdict of one check of a gate. */
export interface GateCheck {
  kind: GateCheckKind;
  passed: boolean;
  /** A sentence for the user: what was compared and how it came out. */
  detail: string;
}

/** The verdict of one metric gate: passed only when every check passed. */
export interface MetricGateVerdict {
  gate: MetricGate;
  challenger: number | undefined;
  champion: number | undefined;
  passed: boolean;
  checks: GateCheck[];
}

/** MLflow's margin for "strictly better" when the baseline is zero. */
export const ZERO_BASELINE_MARGIN = 1e-10;

/** Evaluates one metric gate; never throws, every failure is a failed check with its reason. */
export function evaluateMetricGate(gate: MetricGate, input: MetricGateInput): MetricGateVerdict {
  const champion = input.baseline.kind === 'champion' ? input.baseline.value : undefined;
  const verdict = (checks: GateCheck[]): MetricGateVerdict => ({
    gate,
    challenger: input.challenger,
    champion,
    passed: checks.every((check) => check.passed),
    checks,
  });

  const candidate = input.challenger;
  if (candidate === undefined) {
    return verdict([fail('metric', `the challenger has no metric "${gate.metric}"`)]);
  }
  if (Number.isNaN(candidate)) {
    // MLflow would stop with an arithmetic error on NaN; a gate must fail, not crash.
    return verdict([fail('metric', `the challenger's "${gate.metric}" is NaN`)]);
  }

  const checks: GateCheck[] = [];
  if (gate.threshold !== undefined) checks.push(thresholdCheck(gate, candidate, gate.threshold));
  if (gate.minAbsoluteChange !== undefined || gate.minRelativeChange !== undefined) {
    checks.push(...comparisonChecks(gate, candidate, input));
  }
  return verdict(checks);
}

function thresholdCheck(gate: MetricGate, candidate: number, threshold: number): GateCheck {
  const passed = better(gate, candidate, threshold);
  const relation = gate.greaterIsBetter ? '>=' : '<=';
  const verb = passed ? 'is' : 'is not';
  return {
    kind: 'threshold',
    passed,
    detail: `${fmt(candidate)} ${verb} ${relation} the threshold ${fmt(threshold)}`,
  };
}

function comparisonChecks(
  gate: MetricGate,
  candidate: number,
  input: MetricGateInput,
): GateCheck[] {
  const kinds: GateCheckKind[] = [];
  if (gate.minAbsoluteChange !== undefined) kinds.push('minAbsoluteChange');
  if (gate.minRelativeChange !== undefined) kinds.push('minRelativeChange');

  if (input.baseline.kind === 'noChampion') {
    const passed = input.firstPromotionPasses;
    const detail = passed
      ? 'no champion yet: the comparison passes (first promotion)'
      : 'no champion to compare with, and first promotions are not allowed to skip comparisons';
    return kinds.map((kind) => ({ kind, passed, detail }));
  }
  const baseline = input.baseline.value;
  if (baseline === undefined) {
    return kinds.map((kind) => fail(kind, `the champion has no metric "${gate.metric}"`));
  }
  if (Number.isNaN(baseline)) {
    return kinds.map((kind) => fail(kind, `the champion's "${gate.metric}" is NaN`));
  }

  const checks: GateCheck[] = [];
  if (gate.minAbsoluteChange !== undefined) {
    checks.push(absoluteChangeCheck(gate, candidate, baseline, gate.minAbsoluteChange));
  }
  if (gate.minRelativeChange !== undefined) {
    checks.push(relativeChangeCheck(gate, candidate, baseline, gate.minRelativeChange));
  }
  return checks;
}

function absoluteChangeCheck(
  gate: MetricGate,
  candidate: number,
  baseline: number,
  minimum: number,
): GateCheck {
  const bound = gate.greaterIsBetter ? baseline + minimum : baseline - minimum;
  const passed = better(gate, candidate, bound);
  const change = gate.greaterIsBetter ? candidate - baseline : baseline - candidate;
  // Said as the user reads it: "0.13 worse", never "-0.13 better".
  const direction = change >= 0 ? 'better' : 'worse';
  return {
    kind: 'minAbsoluteChange',
    passed,
    detail:
      `${fmt(candidate)} vs champion ${fmt(baseline)}: ${fmt(Math.abs(change))} ${direction}, ` +
      `${passed ? 'at least' : 'less than'} the minimum absolute change ${fmt(minimum)}`,
  };
}

function relativeChangeCheck(
  gate: MetricGate,
  candidate: number,
  baseline: number,
  minimum: number,
): GateCheck {
  if (baseline === 0) {
    // As MLflow: a relative change from zero is undefined, so the challenger only has to be
    // better than zero by MLflow's tiny margin.
    const bound = gate.greaterIsBetter ? ZERO_BASELINE_MARGIN : -ZERO_BASELINE_MARGIN;
    const passed = better(gate, candidate, bound);
    return {
      kind: 'minRelativeChange',
      passed,
      detail:
        `the champion's value is 0, so (as MLflow does) the challenger only has to be ` +
        `${gate.greaterIsBetter ? 'above' : 'below'} it: ${fmt(candidate)} ` +
        `${passed ? 'is' : 'is not'}`,
    };
  }
  // MLflow divides by the signed baseline, so with a negative champion value the sign of the
  // change flips; kept as MLflow computes it so both give the same verdict.
  const change = gate.greaterIsBetter
    ? (candidate - baseline) / baseline
    : (baseline - candidate) / baseline;
  const passed = !(change < minimum);
  const note = baseline < 0 ? ' (divided by the negative champion value, as MLflow does)' : '';
  return {
    kind: 'minRelativeChange',
    passed,
    detail:
      `${fmt(candidate)} vs champion ${fmt(baseline)}: relative change ${fmt(change)}${note}, ` +
      `${passed ? 'at least' : 'less than'} the minimum relative change ${fmt(minimum)}`,
  };
}

/** MLflow's comparator: >= when higher is better, <= otherwise. */
function better(gate: MetricGate, value: number, bound: number): boolean {
  return gate.greaterIsBetter ? value >= bound : value <= bound;
}

function fail(kind: GateCheckKind, detail: string): GateCheck {
  return { kind, passed: false, detail };
}

/** A number as a user reads it: up to 6 significant digits, no float noise. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}
