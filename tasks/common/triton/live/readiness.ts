/**
 * Waiting for Triton and for the model: the server's live endpoint until it answers, then the
 * model's own ready endpoint (not the server-wide one, so another model's failure cannot fail
 * ours), both polled until the deadline. When the model does not become ready, Triton's
 * repository index says what state it is in and why.
 */
import type { KserveClient } from '../kserve/kserve-client';
import type { RepositoryIndexEntry } from '../kserve/kserve-types';
import { TritonCallError } from '../kserve/triton-call-error';
import { didYouMean } from '../suggest';

/** How a wait ended. */
export interface WaitOutcome {
  ok: boolean;
  waitedMs: number;
  /** The last answer or failure, for the report when the wait ran out. */
  last?: string;
  /** Set when the last poll got no answer at all. */
  unreachable?: TritonCallError;
  /** Set when polling stopped early because more waiting cannot help (e.g. wrong URL). */
  stoppedEarly?: boolean;
}

/** The clock and pause the waits use; tests may replace them. */
export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Real time. */
export const SYSTEM_CLOCK: WaitClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Polls GET /v2/health/live until it answers 200; a 404 (not Triton) stops at once. */
export async function waitForServer(
  client: KserveClient,
  deadline: number,
  pollMs: number,
  clock: WaitClock = SYSTEM_CLOCK,
): Promise<WaitOutcome> {
  return poll(deadline, pollMs, clock, async () => {
    const live = await client.isServerLive();
    return { ok: live, last: live ? undefined : 'Triton answers but is not live yet' };
  });
}

/** Polls the model's ready endpoint until it answers 200. */
export async function waitForModelReady(
  client: KserveClient,
  name: string,
  version: number | undefined,
  deadline: number,
  pollMs: number,
  clock: WaitClock = SYSTEM_CLOCK,
): Promise<WaitOutcome> {
  return poll(deadline, pollMs, clock, async () => {
    const readiness = await client.modelReadiness(name, version);
    const said = readiness.message ?? `HTTP ${readiness.status}`;
    return { ok: readiness.ready, last: readiness.ready ? undefined : said };
  });
}

async function poll(
  deadline: number,
  pollMs: number,
  clock: WaitClock,
  probe: () => Promise<{ ok: boolean; last: string | undefined }>,
): Promise<WaitOutcome> {
  const start = clock.now();
  for (;;) {
    const outcome: WaitOutcome = { ok: false, waitedMs: 0 };
    try {
      const answer = await probe();
      outcome.ok = answer.ok;
      if (answer.last !== undefined) outcome.last = answer.last;
    } catch (error) {
      if (!(error instanceof TritonCallError)) throw error;
      outcome.last = error.message;
      if (error.unreachable) outcome.unreachable = error;
      // An answer that is an error (404 from a wrong URL) will not change by waiting.
      else outcome.stoppedEarly = true;
    }
    outcome.waitedMs = clock.now() - start;
    const left = deadline - clock.now();
    if (outcome.ok || outcome.stoppedEarly === true || left <= 0) return outcome;
    await clock.sleep(Math.min(pollMs, left));
  }
}

/** What Triton's repository index says about the model: one summary line and the details. */
export function describeModelState(
  index: readonly RepositoryIndexEntry[],
  name: string,
  version: number | undefined,
): { summary: string; details: string[] } {
  const entries = index.filter((entry) => entry.name === name);
  if (entries.length === 0) {
    const names = [...new Set(index.map((entry) => entry.name))];
    return {
      summary:
        `Triton's repository has no model '${name}'.${didYouMean(name, names)}` +
        ' Check the model name, and that the model folder is in the repository Triton reads.',
      details: [`models in the repository: ${names.join(', ') || 'none'}`],
    };
  }
  const details = entries.map(
    (entry) =>
      `version ${entry.version ?? '-'}: ${entry.state ?? 'not loaded'}` +
      (entry.reason !== undefined ? `: ${entry.reason}` : ''),
  );
  const wanted =
    version === undefined ? entries : entries.filter((e) => e.version === String(version));
  if (wanted.length === 0 && version !== undefined) {
    const held = entries.map((e) => e.version ?? '-').join(', ');
    return {
      summary: `Triton holds no version ${version} of '${name}' (it has: ${held}).`,
      details,
    };
  }
  const failed = wanted.find((entry) => entry.state === 'UNAVAILABLE' && entry.reason);
  if (failed !== undefined) {
    const which = `version ${failed.version ?? '-'} of '${name}'`;
    return {
      summary: `Triton reports ${which} UNAVAILABLE: ${failed.reason}`,
      details,
    };
  }
  if (wanted.some((entry) => entry.state === 'LOADING')) {
    return {
      summary: `'${name}' was still LOADING when the timeout ran out: raise the ready timeout.`,
      details,
    };
  }
  if (wanted.every((entry) => entry.state === undefined)) {
    return {
      summary:
        `Triton has not loaded '${name}': with explicit model control, load it (or choose ` +
        "to load it from the agent); otherwise look at Triton's log.",
      details,
    };
  }
  const state = wanted.map((entry) => entry.state ?? 'not loaded').join(', ');
  return { summary: `Triton reports '${name}' as ${state}.`, details };
}
