import { UserError } from '../../user-error';
import type { MlflowClient } from '../mlflow-client';
import type { ModelVersion } from '../types';
import { getVersion } from './versions';
import { versionUiUrl } from './registry-links';

/** How long to wait for a version to leave PENDING_REGISTRATION, and how often to look. */
export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  /** Called after each poll that still sees the version pending. */
  onPending?: (version: ModelVersion, elapsedMs: number) => void;
  /** Replaceable for tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Polls a version until it is READY and returns it. FAILED_REGISTRATION fails with the
 * server's status message; running out of time fails naming the version and its last status.
 */
export async function waitUntilReady(
  client: MlflowClient,
  name: string,
  version: string,
  options: WaitOptions,
): Promise<ModelVersion> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const started = now();
  for (;;) {
    const current = await getVersion(client, name, version);
    const status = current.status ?? 'READY';
    if (status === 'READY') return current;
    if (status === 'FAILED_REGISTRATION') {
      throw new UserError(
        `MLflow could not register version ${version} of model "${name}": ` +
          `${current.status_message || 'the server gave no reason'}. The version stays ` +
          `FAILED_REGISTRATION (${versionUiUrl(client, name, version)}); fix the cause and ` +
          `register again.`,
      );
    }
    const elapsed = now() - started;
    options.onPending?.(current, elapsed);
    if (elapsed + options.pollMs > options.timeoutMs) {
      throw new UserError(
        `Version ${version} of model "${name}" is still ${status} after ` +
          `${Math.round(elapsed / 1000)} s (${versionUiUrl(client, name, version)}). Allow a ` +
          `longer wait if the server is slow to copy the model, or look in the server's log ` +
          `for why the registration does not finish.`,
      );
    }
    await sleep(options.pollMs);
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
