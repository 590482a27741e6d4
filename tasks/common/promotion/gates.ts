import type { KeyValue } from '../mlflow/types';
import { evaluateMetricGate, type MetricGate, type MetricGateVerdict } from './metric-gate';
import { evaluateRequiredTag, type RequiredTag, type TagGateVerdict } from './tag-gate';
import type { MetricReading } from './version-metrics';

/** Everything the gates look at. */
export interface GateEvidence {
  challengerTags: readonly KeyValue[] | undefined;
  challengerMetrics: ReadonlyMap<string, MetricReading>;
  /** Undefined when there is no champion yet. */
  championMetrics: ReadonlyMap<string, MetricReading> | undefined;
}

/** The gates as configured. */
export interface GateSettings {
  requiredTags: readonly RequiredTag[];
  metricGates: readonly MetricGate[];
  firstPromotionPasses: boolean;
}

/** Every gate's verdict, and the failures as sentences. */
export interface GateReport {
  tags: TagGateVerdict[];
  metrics: MetricGateVerdict[];
  passed: boolean;
  /** One sentence per failed gate, naming it. */
  failures: string[];
}

/** Evaluates every gate; all of them, so all failures can be reported together. */
export function evaluateGates(settings: GateSettings, evidence: GateEvidence): GateReport {
  const tags = settings.requiredTags.map((required) =>
    evaluateRequiredTag(required, evidence.challengerTags),
  );
  const metrics = settings.metricGates.map((gate) =>
    evaluateMetricGate(gate, {
      challenger: evidence.challengerMetrics.get(gate.metric)?.value,
      baseline: evidence.championMetrics
        ? { kind: 'champion', value: evidence.championMetrics.get(gate.metric)?.value }
        : { kind: 'noChampion' },
      firstPromotionPasses: settings.firstPromotionPasses,
    }),
  );

  const failures = [
    ...tags
      .filter((verdict) => !verdict.passed)
      .map((verdict) => `required tag (${verdict.required.origin}): ${verdict.detail}`),
    ...metrics
      .filter((verdict) => !verdict.passed)
      .map(
        (verdict) =>
          `metric "${verdict.gate.metric}" (${verdict.gate.origin}): ` +
          verdict.checks
            .filter((check) => !check.passed)
            .map((check) => check.detail)
            .join('; '),
      ),
  ];
  return { tags, metrics, passed: failures.length === 0, failures };
}
