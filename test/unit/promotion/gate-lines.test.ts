import * as assert from 'node:assert/strict';
import { parseMetricGates, parseRequiredTags } from '../../../tasks/common/promotion/gate-lines';
import { evaluateGates } from '../../../tasks/common/promotion/gates';

const lines = (...texts: string[]): { line: number; text: string }[] =>
  texts.map((text, index) => ({ line: index + 1, text }));

describe('gate inputs', () => {
  describe('metricGates', () => {
    const good: [string, object][] = [
      [
        'val_acc higher threshold=0.9',
        { metric: 'val_acc', greaterIsBetter: true, threshold: 0.9 },
      ],
      [
        'loss lower minAbsoluteChange=0.01 minRelativeChange=0.05',
        {
          metric: 'loss',
          greaterIsBetter: false,
          minAbsoluteChange: 0.01,
          minRelativeChange: 0.05,
        },
      ],
      [
        'f1 GREATER minrelativechange=0',
        { metric: 'f1', greaterIsBetter: true, minRelativeChange: 0 },
      ],
      ['"top 5 acc" higher threshold=-1e-3', { metric: 'top 5 acc', threshold: -0.001 }],
    ];
    for (const [text, expected] of good) {
      it(`reads "${text}"`, () => {
        const [gate] = parseMetricGates('metricGates', lines(text));
        assert.ok(gate);
        for (const [key, value] of Object.entries(expected)) {
          assert.deepEqual((gate as unknown as Record<string, unknown>)[key], value, key);
        }
        assert.equal(gate.origin, 'metricGates line 1');
      });
    }

    const bad: [string[], RegExp][] = [
      [['val_acc'], /metricGates line 1: "val_acc" is not a gate.*higher\|lower/],
      [['val_acc up threshold=1'], /"up" is not a direction/],
      [['val_acc higher'], /has no bound.*threshold, minAbsoluteChange or minRelativeChange/],
      [['val_acc higher threshold=abc'], /threshold "abc" is not a number/],
      [['val_acc higher minAbsoluteChange=0'], /must be a positive number.*not 0/],
      [['val_acc higher minAbsoluteChange=-0.1'], /must be a positive number/],
      [['val_acc higher minRelativeChange=5'], /between 0 and 1.*For 5 % write 0\.05/],
      [['val_acc higher margin=1'], /"margin=1" is not understood/],
      [['val_acc higher threshold=1 threshold=2'], /threshold is given twice/],
      [
        ['a higher threshold=1', 'a lower threshold=1'],
        /line 2: metric "a" already has a gate \(metricGates line 1\)/,
      ],
    ];
    for (const [texts, message] of bad) {
      it(`refuses ${JSON.stringify(texts)}`, () => {
        assert.throws(() => parseMetricGates('metricGates', lines(...texts)), message);
      });
    }
  });

  describe('requiredTags', () => {
    it('reads keys with and without a value', () => {
      const tags = parseRequiredTags(
        'requiredTags',
        lines('validated', 'triton.validation = passed'),
      );
      assert.deepEqual(tags, [
        { key: 'validated', origin: 'requiredTags line 1' },
        { key: 'triton.validation', value: 'passed', origin: 'requiredTags line 2' },
      ]);
    });
    it('refuses a line without a key', () => {
      assert.throws(
        () => parseRequiredTags('requiredTags', lines('=passed')),
        /requiredTags line 1: "=passed" has no tag key/,
      );
    });
  });

  describe('all gates together', () => {
    it('reports every failure, naming where each gate was written', () => {
      const report = evaluateGates(
        {
          requiredTags: parseRequiredTags(
            'requiredTags',
            lines('triton.validation=passed', 'owner'),
          ),
          metricGates: parseMetricGates(
            'metricGates',
            lines('acc higher threshold=0.9', 'loss lower threshold=1'),
          ),
          firstPromotionPasses: true,
        },
        {
          challengerTags: [{ key: 'triton.validation', value: 'failed' }],
          challengerMetrics: new Map([['acc', { value: 0.8, source: 'run r' }]]),
          championMetrics: undefined,
        },
      );
      assert.equal(report.passed, false);
      assert.deepEqual(report.failures, [
        'required tag (requiredTags line 1): triton.validation is "failed", not "passed"',
        'required tag (requiredTags line 2): the challenger has no tag owner',
        'metric "acc" (metricGates line 1): 0.8 is not >= the threshold 0.9',
        'metric "loss" (metricGates line 2): the challenger has no metric "loss"',
      ]);
    });
    it('reads a tag value that MLflow 3 wrote as a number', () => {
      const report = evaluateGates(
        {
          requiredTags: parseRequiredTags('requiredTags', lines('score=1')),
          metricGates: [],
          firstPromotionPasses: true,
        },
        {
          challengerTags: [{ key: 'score', value: 1 as unknown as string }],
          challengerMetrics: new Map(),
          championMetrics: undefined,
        },
      );
      assert.equal(report.passed, true);
    });
  });
});
