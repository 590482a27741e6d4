import * as assert from 'node:assert/strict';
import type { KserveClient } from '../../../tasks/common/triton/kserve/kserve-client';
import { TritonCallError } from '../../../tasks/common/triton/kserve/triton-call-error';
import {
  latencyStats,
  percentile,
  runLatencyTest,
} from '../../../tasks/common/triton/live/latency';
import {
  checkLiveOptions,
  type LiveValidationOptions,
} from '../../../tasks/common/triton/live/live-options';
import type { LiveReport } from '../../../tasks/common/triton/live/live-report';
import {
  describeModelState,
  waitForModelReady,
  type WaitClock,
} from '../../../tasks/common/triton/live/readiness';
import {
  renderLiveReport,
  summarizeLiveReport,
} from '../../../tasks/common/triton/live/report-markdown';

describe('Live validation: latency statistics', () => {
  const values = Array.from({ length: 20 }, (_, i) => i + 1);
  const ranks: [number, number][] = [
    [50, 10],
    [95, 19],
    [99, 20],
    [100, 20],
    [1, 1],
  ];
  for (const [p, expected] of ranks) {
    it(`p${p} of 1..20 is ${expected} (nearest rank)`, () => {
      assert.equal(percentile(values, p), expected);
    });
  }

  it('keeps at most C requests in flight and counts failures apart', async () => {
    let inFlight = 0;
    let most = 0;
    let sent = 0;
    const run = await runLatencyTest(
      async () => {
        sent += 1;
        const mine = sent;
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
        if (mine % 4 === 0) throw new Error(`request ${mine} failed`);
      },
      12,
      3,
    );
    assert.equal(sent, 12);
    assert.equal(most, 3);
    assert.equal(run.failures, 3);
    assert.equal(run.durationsMs.length, 9);
    assert.equal(run.firstError, 'request 4 failed');
    const stats = latencyStats(run, 12, 3, 50);
    assert.equal(stats.failures, 3);
    assert.equal(stats.p95BudgetMs, 50);
    assert.ok(stats.p50Ms >= 1 && stats.throughputPerSecond > 0);
  });
});

describe('Live validation: readiness', () => {
  function fakeClock(): WaitClock & { slept: number[] } {
    let now = 0;
    const slept: number[] = [];
    return {
      slept,
      now: () => now,
      sleep: (ms) => {
        slept.push(ms);
        now += ms;
        return Promise.resolve();
      },
    };
  }

  function clientAnswering(answers: (boolean | Error)[]): KserveClient {
    let call = 0;
    const fake = {
      modelReadiness: (): Promise<{ ready: boolean; status: number; message?: string }> => {
        const answer = answers[Math.min(call, answers.length - 1)];
        call += 1;
        if (answer instanceof Error) return Promise.reject(answer);
        return Promise.resolve(
          answer === true
            ? { ready: true, status: 200 }
            : { ready: false, status: 400, message: 'not at ready state' },
        );
      },
    };
    return fake as unknown as KserveClient;
  }

  it('polls until the model is ready', async () => {
    const clock = fakeClock();
    const outcome = await waitForModelReady(
      clientAnswering([false, false, true]),
      'm',
      1,
      5_000,
      500,
      clock,
    );
    assert.equal(outcome.ok, true);
    assert.deepEqual(clock.slept, [500, 500]);
  });

  it('stops at the deadline with the last answer, never sleeping past it', async () => {
    const clock = fakeClock();
    const outcome = await waitForModelReady(
      clientAnswering([false]),
      'm',
      undefined,
      1_200,
      500,
      clock,
    );
    assert.equal(outcome.ok, false);
    assert.equal(outcome.waitedMs, 1_200);
    assert.deepEqual(clock.slept, [500, 500, 200]);
    assert.equal(outcome.last, 'not at ready state');
  });

  it('keeps polling through a server that does not answer, and reports it', async () => {
    const down = new TritonCallError('connection refused', undefined, undefined, 'GET x');
    const clock = fakeClock();
    const outcome = await waitForModelReady(
      clientAnswering([down]),
      'm',
      undefined,
      1_000,
      400,
      clock,
    );
    assert.equal(outcome.ok, false);
    assert.equal(outcome.unreachable, down);
    assert.equal(clock.slept.length, 3);
  });

  const states: [string, Parameters<typeof describeModelState>, RegExp][] = [
    [
      'a load failure',
      [[{ name: 'm', version: '1', state: 'UNAVAILABLE', reason: 'bad op' }], 'm', undefined],
      /^Triton reports version 1 of 'm' UNAVAILABLE: bad op$/,
    ],
    [
      'a load still running',
      [[{ name: 'm', version: '1', state: 'LOADING' }], 'm', 1],
      /still LOADING when the timeout ran out: raise the ready timeout/,
    ],
    [
      'a model never loaded',
      [[{ name: 'm' }], 'm', undefined],
      /Triton has not loaded 'm': with explicit model control, load it/,
    ],
    [
      'a version Triton does not hold',
      [[{ name: 'm', version: '1', state: 'READY' }], 'm', 3],
      /Triton holds no version 3 of 'm' \(it has: 1\)/,
    ],
    [
      'a misspelt name',
      [[{ name: 'resnet50' }], 'resnet5O', undefined],
      /no model 'resnet5O'\. Did you mean "resnet50"\?/,
    ],
  ];
  for (const [name, args, summary] of states) {
    it(`describes ${name} from the repository index`, () => {
      assert.match(describeModelState(...args).summary, summary);
    });
  }
});

describe('Live validation: options', () => {
  const base: LiveValidationOptions = {
    tritonUrl: 'http://triton:8000',
    modelName: 'm',
    mode: 'wait',
    readyTimeoutMs: 1_000,
  };
  const bad: [string, Partial<LiveValidationOptions>, RegExp][] = [
    ['a URL without scheme', { tritonUrl: 'triton:8000' }, /is not an http or https URL/],
    ['a model path', { modelName: 'a/b' }, /cannot name a Triton model/],
    ['version 0', { modelVersion: 0 }, /Model version 0 is not a version Triton serves/],
    ['no timeout', { readyTimeoutMs: 0 }, /Ready timeout 0 ms is not a positive time/],
    ['load without folder', { mode: 'load' }, /Loading the model needs the local model folder/],
    [
      'no concurrency',
      { latency: { requests: 5, concurrency: 0 } },
      /Concurrency 0 is not a count of requests in flight/,
    ],
    [
      'a negative budget',
      { latency: { requests: 5, concurrency: 1, p95BudgetMs: -1 } },
      /p95 budget -1 ms is not a positive time/,
    ],
  ];
  for (const [name, override, message] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(() => checkLiveOptions({ ...base, ...override }), message);
    });
  }

  it('accepts sound options', () => {
    assert.doesNotThrow(() =>
      checkLiveOptions({ ...base, latency: { requests: 0, concurrency: 1 } }),
    );
  });
});

describe('Live validation: the Markdown report', () => {
  const report: LiveReport = {
    result: 'failed',
    serverUrl: 'http://triton:8000',
    serverVersion: '2.59.0',
    model: 'm',
    requestedVersion: 2,
    servedVersions: ['2'],
    checks: [
      { id: 'server', title: 'Server reachable', status: 'passed', summary: 'ok', details: [] },
      {
        id: 'inference',
        title: 'Inference',
        status: 'failed',
        summary: 'a | b <script>',
        details: ["output 'y': 1 of 2 values differ", '  y[1]: expected 1, got 2'],
      },
    ],
    notes: ['FP16 sent as binary data'],
    durationMs: 1_234,
  };

  it('shows the verdict, escapes cells and nests the differing elements', () => {
    const markdown = renderLiveReport(report);
    assert.match(markdown, /^## Live validation of m on Triton: ❌ failed\n/);
    assert.match(
      markdown,
      /Model `m` version 2 on http:\/\/triton:8000 \(Triton 2\.59\.0\), 1\.2 s\./,
    );
    assert.match(markdown, /\| Inference \| ❌ failed \| a \\\| b &lt;script&gt; \|/);
    assert.match(
      markdown,
      /### Inference\n\n- output 'y': 1 of 2 values differ\n {2}- y\[1\]: expected 1, got 2/,
    );
    assert.match(markdown, /### Notes\n\n- FP16 sent as binary data\n$/);
    assert.doesNotMatch(markdown, /### Latency/);
  });

  it('sums the checks up in one log line', () => {
    assert.equal(
      summarizeLiveReport(report),
      "Live validation of 'm' failed: Server reachable: passed; Inference: failed",
    );
  });
});
