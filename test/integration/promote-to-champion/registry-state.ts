import type { MlflowTestServer } from '../../servers/mlflow';
import { api } from '../register-model/seed';

/** A version to seed: its run's metrics, its tags, and (3.x) its logged model's metrics. */
export interface VersionSeed {
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
  /** MLflow 3 only: metrics logged against the version's logged model. */
  loggedModelMetrics?: Record<string, number>;
}

/** Seeds a registered-model version from a fresh run, as a training pipeline leaves it. */
export async function seedVersion(
  server: MlflowTestServer,
  name: string,
  seed: VersionSeed,
): Promise<string> {
  if (!server.store.registeredModels.has(name)) {
    await api(server, 'POST', 'registered-models/create', { name });
  }
  const { run } = await api<{ run: { info: { run_id: string; artifact_uri: string } } }>(
    server,
    'POST',
    'runs/create',
    { experiment_id: '0', start_time: Date.now() },
  );
  const runId = run.info.run_id;
  const timestamp = Date.now();
  const metrics = Object.entries(seed.metrics ?? {}).map(([key, value]) => ({
    key,
    value,
    timestamp,
    step: 1,
  }));
  if (metrics.length > 0) await api(server, 'POST', 'runs/log-batch', { run_id: runId, metrics });

  let body: Record<string, unknown> = {
    name,
    source: `${run.info.artifact_uri}/model`,
    run_id: runId,
  };
  if (seed.loggedModelMetrics) {
    const { model } = await api<{ model: { info: { model_id: string } } }>(
      server,
      'POST',
      'logged-models',
      { experiment_id: '0', name: 'model', source_run_id: runId },
    );
    const modelId = model.info.model_id;
    const attached = Object.entries(seed.loggedModelMetrics).map(([key, value]) => ({
      key,
      value,
      timestamp,
      step: 2,
      model_id: modelId,
    }));
    await api(server, 'POST', 'runs/log-batch', { run_id: runId, metrics: attached });
    body = { name, source: `models:/${modelId}`, run_id: runId, model_id: modelId };
  }
  const { model_version: version } = await api<{ model_version: { version: string } }>(
    server,
    'POST',
    'model-versions/create',
    body,
  );
  for (const [key, value] of Object.entries(seed.tags ?? {})) {
    await api(server, 'POST', 'model-versions/set-tag', {
      name,
      version: version.version,
      key,
      value,
    });
  }
  return String(version.version);
}

/** Points an alias at a version, as SetAlias or a person in the UI would. */
export async function pointAlias(
  server: MlflowTestServer,
  name: string,
  alias: string,
  version: string,
): Promise<void> {
  await api(server, 'POST', 'registered-models/alias', { name, alias, version });
}

/** Every alias of the model with its version, read from the server's store. */
export function aliases(server: MlflowTestServer, name: string): Record<string, string> {
  const model = server.store.registeredModel(name);
  return Object.fromEntries([...model.aliases].map(([alias, version]) => [alias, String(version)]));
}

/** A version's tags, read from the server's store. */
export function tagsOf(
  server: MlflowTestServer,
  name: string,
  version: string,
): Record<string, string> {
  return Object.fromEntries(server.store.modelVersion(name, version).tags);
}

/** The promotion audit tags of a version (those under `promotion.`). */
export function auditTagsOf(
  server: MlflowTestServer,
  name: string,
  version: string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tagsOf(server, name, version)).filter(([key]) => key.startsWith('promotion.')),
  );
}

/** Everything a promotion may change: every alias and every version's tags. */
export function registrySnapshot(server: MlflowTestServer, name: string): string {
  const versions = server.store
    .versionsOf(name)
    .map((version) => [version.version, Object.fromEntries(version.tags)]);
  return JSON.stringify({ aliases: aliases(server, name), versions });
}
