import * as assert from 'node:assert/strict';
import {
  evaluateMetricGate,
  type Baseline,
  type GateCheckKind,
  type MetricGate,
} from '../../../tasks/common/promotion/metric-gate';

interface Case {
  name: string;
  gate: Omit<MetricGate, 'metric' | 'origin'>;
  challenger: number | undefined;
  baseline: Baseline;
  firstPromotionPasses?: boolean;
  passed: boolean;
  /** The checks that must fail, in order. */
  failing?: GateCheckKind[];
  /** Words the first failing check's sentence must contain. */
  says?: RegExp;
}

const champion = (value: number | undefined): Baseline => ({ kind: 'champion', value });
const higher = { greaterIsBetter: true };
const lower = { greaterIsBetter: false };

// Expected verdicts follow mlflow/models/evaluation/validation.py (_validate).
const cases: Case[] = [
  // threshold: inclusive, direction decides the side
  {
    name: 'higher, at the threshold',
    gate: { ...higher, threshold: 0.9 },
    challenger: 0.9,
    baseline: champion(0.5),
    passed: true,
  },
  {
    name: 'higher, under the threshold',
    gate: { ...higher, threshold: 0.9 },
    challenger: 0.89,
    baseline: champion(0.5),
    passed: false,
    failing: ['threshold'],
    says: /0\.89 is not >= .*0\.9/,
  },
  {
    name: 'lower, at the threshold',
    gate: { ...lower, threshold: 0.2 },
    challenger: 0.2,
    baseline: champion(0.5),
    passed: true,
  },
  {
    name: 'lower, above the threshold',
    gate: { ...lower, threshold: 0.2 },
    challenger: 0.21,
    baseline: champion(0.1),
    passed: false,
    failing: ['threshold'],
  },
  {
    name: 'threshold alone needs no champion metric',
    gate: { ...higher, threshold: 0.5 },
    challenger: 0.6,
    baseline: champion(undefined),
    passed: true,
  },

  // minimum absolute change
  {
    name: 'higher, better by exactly the minimum',
    gate: { ...higher, minAbsoluteChange: 0.25 },
    challenger: 0.75,
    baseline: champion(0.5),
    passed: true,
  },
  {
    name: 'higher, better but by less',
    gate: { ...higher, minAbsoluteChange: 0.05 },
    challenger: 0.52,
    baseline: champion(0.5),
    passed: false,
    failing: ['minAbsoluteChange'],
    says: /less than the minimum absolute change 0\.05/,
  },
  {
    name: 'higher, worse',
    gate: { ...higher, minAbsoluteChange: 0.01 },
    challenger: 0.4,
    baseline: champion(0.5),
    passed: false,
    failing: ['minAbsoluteChange'],
  },
  {
    name: 'lower, better by more than the minimum',
    gate: { ...lower, minAbsoluteChange: 0.1 },
    challenger: 0.2,
    baseline: champion(0.5),
    passed: true,
  },
  {
    name: 'lower, worse',
    gate: { ...lower, minAbsoluteChange: 0.1 },
    challenger: 0.6,
    baseline: champion(0.5),
    passed: false,
    failing: ['minAbsoluteChange'],
  },

  // minimum relative change
  {
    name: 'higher, 10 % better against 5 %',
    gate: { ...higher, minRelativeChange: 0.05 },
    challenger: 0.55,
    baseline: champion(0.5),
    passed: true,
  },
  {
    name: 'higher, 2 % better against 5 %',
    gate: { ...higher, minRelativeChange: 0.05 },
    challenger: 0.51,
    baseline: champion(0.5),
    passed: false,
    failing: ['minRelativeChange'],
  },
  {
    name: 'lower, 20 % better against 10 %',
    gate: { ...lower, minRelativeChange: 0.1 },
    challenger: 0.4,
    baseline: champion(0.5),
    passed: true,
  },
  {
    name: 'lower, 4 % worse',
    gate: { ...lower, minRelativeChange: 0.0 },
    challenger: 0.52,
    baseline: champion(0.5),
    passed: false,
    failing: ['minRelativeChange'],
  },
  {
    name: 'relative change 0 accepts an equal value',
    gate: { ...higher, minRelativeChange: 0 },
    challenger: 0.5,
    baseline: champion(0.5),
    passed: true,
  },

  // zero baseline: MLflow falls back to "better than 0 by 1e-10"
  {
    name: 'zero baseline, higher, positive challenger',
    gate: { ...higher, minRelativeChange: 0.5 },
    challenger: 0.001,
    baseline: champion(0),
    passed: true,
  },
  {
    name: 'zero baseline, higher, equal challenger',
    gate: { ...higher, minRelativeChange: 0.5 },
    challenger: 0,
    baseline: champion(0),
    passed: false,
    failing: ['minRelativeChange'],
    says: /champion's value is 0/,
  },
  {
    name: 'zero baseline, higher, 1e-11 is not enough',
    gate: { ...higher, minRelativeChange: 0.5 },
    challenger: 1e-11,
    baseline: champion(0),
    passed: false,
    failing: ['minRelativeChange'],
  },
  {
    name: 'zero baseline, lower, negative challenger',
    gate: { ...lower, minRelativeChange: 0.5 },
    challenger: -0.1,
    baseline: champion(0),
    passed: true,
  },
  {
    name: 'zero baseline, lower, positive challenger',
    gate: { ...lower, minRelativeChange: 0.5 },
    challenger: 0.1,
    baseline: champion(0),
    passed: false,
    failing: ['minRelativeChange'],
  },

  // negative baseline: MLflow divides by the signed baseline, so the change's sign flips
  {
    name: 'negative baseline, higher, better value fails as in MLflow',
    gate: { ...higher, minRelativeChange: 0.1 },
    challenger: -1,
    baseline: champion(-2),
    passed: false,
    failing: ['minRelativeChange'],
    says: /negative champion value/,
  },
  {
    name: 'negative baseline, higher, worse value passes as in MLflow',
    gate: { ...higher, minRelativeChange: 0.1 },
    challenger: -3,
    baseline: champion(-2),
    passed: true,
  },
  {
    name: 'negative baseline, absolute change works as expected',
    gate: { ...higher, minAbsoluteChange: 0.5 },
    challenger: -1,
    baseline: champion(-2),
    passed: true,
  },

  // missing metrics
  {
    name: 'challenger without the metric',
    gate: { ...higher, threshold: 0.1 },
    challenger: undefined,
    baseline: champion(0.5),
    passed: false,
    failing: ['metric'],
    says: /challenger has no metric "m"/,
  },
  {
    name: 'champion without the metric',
    gate: { ...higher, minAbsoluteChange: 0.1 },
    challenger: 0.9,
    baseline: champion(undefined),
    passed: false,
    failing: ['minAbsoluteChange'],
    says: /champion has no metric "m"/,
  },
  {
    name: 'champion without the metric: threshold still judged',
    gate: { ...higher, threshold: 0.95, minRelativeChange: 0.1 },
    challenger: 0.9,
    baseline: champion(undefined),
    passed: false,
    failing: ['threshold', 'minRelativeChange'],
  },
  {
    name: 'NaN challenger fails',
    gate: { ...higher, threshold: 0 },
    challenger: NaN,
    baseline: champion(0.5),
    passed: false,
    failing: ['metric'],
    says: /NaN/,
  },
  {
    name: 'NaN champion fails the comparison',
    gate: { ...higher, minAbsoluteChange: 0.1 },
    challenger: 0.5,
    baseline: champion(NaN),
    passed: false,
    failing: ['minAbsoluteChange'],
  },

  // first promotion
  {
    name: 'no champion: comparisons pass',
    gate: { ...higher, minAbsoluteChange: 0.1, minRelativeChange: 0.1 },
    challenger: 0.1,
    baseline: { kind: 'noChampion' },
    passed: true,
  },
  {
    name: 'no champion: threshold still applies',
    gate: { ...higher, threshold: 0.8, minAbsoluteChange: 0.1 },
    challenger: 0.7,
    baseline: { kind: 'noChampion' },
    passed: false,
    failing: ['threshold'],
  },
  {
    name: 'no champion, first promotion not allowed',
    gate: { ...higher, minAbsoluteChange: 0.1 },
    challenger: 0.9,
    baseline: { kind: 'noChampion' },
    firstPromotionPasses: false,
    passed: false,
    failing: ['minAbsoluteChange'],
    says: /no champion to compare with/,
  },
];

describe('metric gates (MLflow MetricThreshold semantics)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const gate: MetricGate = { metric: 'm', origin: 'metricGates line 1', ...c.gate };
      const verdict = evaluateMetricGate(gate, {
        challenger: c.challenger,
        baseline: c.baseline,
        firstPromotionPasses: c.firstPromotionPasses ?? true,
      });
      assert.equal(verdict.passed, c.passed, JSON.stringify(verdict.checks));
      const failing = verdict.checks.filter((check) => !check.passed);
      assert.deepEqual(
        failing.map((check) => check.kind),
        c.failing ?? [],
      );
      if (c.says) assert.match(failing[0]?.detail ?? '', c.says);
    });
  }
});
