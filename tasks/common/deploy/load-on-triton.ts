/**
 * Explicit model control: asks Triton to load the model from its repository, then waits for
 * the new version's own readiness. A failure carries Triton's reason, from the load answer or
 * the repository index.
 */
import { redactUrl } from '../http/redact';
import type { KserveClient } from '../triton/kserve/kserve-client';
import { TritonCallError } from '../triton/kserve/triton-call-error';
import { describeModelState, waitForModelReady } from '../triton/live/readiness';
import { UserError } from '../user-error';

/** How long to wait for the version and how often to ask. */
export interface LoadWait {
  readyTimeoutMs: number;
  pollMs: number;
}

/** Loads `model` and waits until `version` is ready; throws a UserError with Triton's reason. */
export async function loadAndWait(
  triton: KserveClient,
  model: string,
  version: number,
  wait: LoadWait,
): Promise<void> {
  const deadline = Date.now() + wait.readyTimeoutMs;
  try {
    // Triton answers a load once it has finished or failed, so the read may take long.
    await triton.loadModel(model, {}, { readTimeoutMs: wait.readyTimeoutMs });
  } catch (error) {
    if (!(error instanceof TritonCallError)) throw error;
    const reason = error.tritonMessage ?? error.message;
    throw new UserError(
      `Triton (${redactUrl(triton.url)}) could not load version ${version} of '${model}': ` +
        reason.trim(),
    );
  }

  const outcome = await waitForModelReady(triton, model, version, deadline, wait.pollMs);
  if (outcome.ok) return;
  const index = await triton.repositoryIndex().catch(() => undefined);
  const state =
    index === undefined
      ? (outcome.last ?? 'no answer')
      : describeModelState(index, model, version).summary;
  throw new UserError(
    `Version ${version} of '${model}' did not become ready on Triton (${redactUrl(triton.url)}) ` +
      'within ' +
      `${Math.round(wait.readyTimeoutMs / 1000)} s: ${state}`,
  );
}

/** True when Triton serves that version of the model now; false when it cannot say. */
export async function isServing(
  triton: KserveClient,
  model: string,
  version: number,
): Promise<boolean> {
  try {
    return (await triton.modelReadiness(model, version)).ready;
  } catch {
    return false;
  }
}
