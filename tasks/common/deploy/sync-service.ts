/**
 * The sync loop: every interval, deploy what each configured alias points to, through the same
 * deployment as the task. A failed round waits longer before the next (doubling up to a
 * ceiling), so an outage of MLflow or Triton slows the loop instead of crashing it. A stop
 * waits for the deployment under way, so no version is left half-written.
 */
import { deployModel, type DeployServices } from './deploy-model';
import type { DecisionLog } from './decision-log';
import type { SyncConfig, SyncedModel } from './sync-config';
import type { SyncMetrics } from './sync-metrics';

/** What the health endpoint reports. */
export interface SyncHealth {
  /** True while the loop runs and its last round finished recently enough. */
  healthy: boolean;
  running: boolean;
  /** ISO time of the last round in which every model synced. */
  lastSuccess?: string;
  /** ISO time the last round ended, successful or not. */
  lastRound?: string;
  consecutiveFailures: number;
}

/** Runs the loop until stopped. */
export class SyncService {
  private stopping = false;
  private running = false;
  private failures = 0;
  private lastSuccess: Date | undefined;
  private lastRound: Date | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly config: SyncConfig,
    private readonly services: DeployServices,
    private readonly log: DecisionLog,
    private readonly metrics: SyncMetrics,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Starts the loop; the first round runs at once. */
  start(): void {
    if (this.loop !== undefined) return;
    this.running = true;
    const names = this.config.models.map((m) => `${m.registeredModel}@${m.alias}`).join(', ');
    this.log.write('started', {
      message:
        `Following ${names} into ${this.services.store.location} for Triton at ` +
        `${this.config.tritonUrl}, every ${this.config.intervalMs / 1000} s.`,
    });
    this.loop = this.run();
  }

  /** Asks the loop to stop and resolves once the round under way has finished. */
  async stop(): Promise<void> {
    if (this.loop === undefined) return;
    if (!this.stopping) {
      this.stopping = true;
      this.log.write('stopping', { message: 'Stop requested; finishing the round under way.' });
    }
    this.wake?.();
    await this.loop;
  }

  /** Runs one round over every model; true when all of them are in sync. */
  async syncOnce(): Promise<boolean> {
    this.metrics.cycles.inc();
    let allGood = true;
    for (const model of this.config.models) {
      if (this.stopping) return false;
      allGood = (await this.syncModel(model)) && allGood;
    }
    this.lastRound = this.now();
    if (allGood) this.lastSuccess = this.lastRound;
    return allGood;
  }

  /** The state the health endpoint reports. */
  health(): SyncHealth {
    const limit = this.config.maxBackoffMs + this.config.readyTimeoutMs + this.config.intervalMs;
    const age = this.lastRound ? this.now().getTime() - this.lastRound.getTime() : 0;
    return {
      healthy: this.running && age <= 2 * limit,
      running: this.running,
      ...(this.lastSuccess ? { lastSuccess: this.lastSuccess.toISOString() } : {}),
      ...(this.lastRound ? { lastRound: this.lastRound.toISOString() } : {}),
      consecutiveFailures: this.failures,
    };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const ok = await this.syncOnce();
      if (this.stopping) break;
      this.failures = ok ? 0 : this.failures + 1;
      const delay = this.delayAfter(this.failures);
      if (!ok) {
        this.log.write('backoff', {
          message: `${this.failures} round(s) in a row failed; trying again later.`,
          retryInSeconds: Math.round(delay / 100) / 10,
        });
      }
      await this.sleep(delay);
    }
    this.running = false;
    this.log.write('stopped', { message: 'Stopped; no deployment was interrupted.' });
  }

  private async syncModel(model: SyncedModel): Promise<boolean> {
    const labels = {
      model: model.registeredModel,
      alias: model.alias,
      triton_model: model.tritonModelName,
    };
    const about = { model: model.registeredModel, alias: model.alias };
    const services: DeployServices = {
      ...this.services,
      log: {
        info: (message) => this.log.write('progress', { ...about, message }),
        warning: (message) => this.log.write('warning', { ...about, message }),
      },
    };
    try {
      const outcome = await deployModel(services, {
        registeredModel: model.registeredModel,
        tritonModelName: model.tritonModelName,
        target: { kind: 'alias', alias: model.alias },
        keepVersions: this.config.keepVersions,
        modelControl: this.config.modelControl,
        wait: { readyTimeoutMs: this.config.readyTimeoutMs, pollMs: 500 },
        deployedBy: this.config.deployedBy,
      });
      this.metrics.lastSuccess.set(labels, this.now().getTime() / 1000);
      this.metrics.deployedVersion.set(labels, Number(outcome.version));
      if (outcome.changed) this.metrics.deployments.inc(labels);
      for (const message of outcome.warnings) this.log.write('warning', { ...about, message });
      this.log.write(outcome.changed ? 'deployed' : 'unchanged', {
        ...about,
        version: outcome.version,
        ...(outcome.previousVersion ? { previousVersion: outcome.previousVersion } : {}),
        ...(outcome.removedVersions.length ? { removedVersions: outcome.removedVersions } : {}),
        message: outcome.message,
      });
      return true;
    } catch (error) {
      this.metrics.failures.inc(labels);
      const message = error instanceof Error ? error.message : String(error);
      this.log.write('failed', { ...about, message });
      return false;
    }
  }

  /** The interval after a good round; doubling from it after failures, up to the ceiling. */
  private delayAfter(failures: number): number {
    if (failures === 0) return this.config.intervalMs;
    const doubled = this.config.intervalMs * 2 ** Math.min(failures - 1, 20);
    return Math.min(this.config.maxBackoffMs, doubled);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
