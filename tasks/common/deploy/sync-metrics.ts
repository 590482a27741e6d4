/**
 * The sync service's Prometheus metrics (prom-client): when each model last synced, which
 * version it serves, and how often syncing failed.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

const LABELS = ['model', 'alias', 'triton_model'] as const;

/** The metrics of one sync service, in their own registry. */
export class SyncMetrics {
  readonly registry = new Registry();
  readonly lastSuccess = new Gauge({
    name: 'triton_sync_last_success_timestamp_seconds',
    help: 'Unix time of the last sync that ended with the alias version serving.',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly deployedVersion = new Gauge({
    name: 'triton_sync_deployed_version',
    help: 'The registry version deployed for the model and alias.',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly failures = new Counter({
    name: 'triton_sync_failures_total',
    help: 'Syncs that failed (registry, download, validation, load or repository errors).',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly deployments = new Counter({
    name: 'triton_sync_deployments_total',
    help: 'Deployments of a new version.',
    labelNames: LABELS,
    registers: [this.registry],
  });
  readonly cycles = new Counter({
    name: 'triton_sync_cycles_total',
    help: 'Polls of the registry, all models each.',
    registers: [this.registry],
  });

  constructor(withProcessMetrics = true) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** The text Prometheus scrapes. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
