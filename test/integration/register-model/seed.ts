import type { MlflowTestServer } from '../../servers/mlflow';

/** A run seeded on the test server, with its model's files where the given mode keeps them. */
export interface SeededRun {
  runId: string;
  experimentId: string;
  artifactUri: string;
  /** MLflow 3 seeds only: the run's logged model. */
  modelId?: string;
}

const seedAuth = new WeakMap<MlflowTestServer, string>();

/** Makes the seeding calls to a server with basic auth log in as this user. */
export function seedAs(server: MlflowTestServer, username: string, password: string): void {
  seedAuth.set(server, `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`);
}

function authHeader(server: MlflowTestServer): Record<string, string> {
  const value = seedAuth.get(server);
  return value === undefined ? {} : { Authorization: value };
}

/** Sends one MLflow API call to the test server and returns the parsed answer. */
export async function api<T>(
  server: MlflowTestServer,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: Record<string, unknown>,
): Promise<T> {
  const url = new URL(`${server.url}/api/2.0/mlflow/${path}`);
  if (method === 'GET') {
    for (const [key, value] of Object.entries(body ?? {})) url.searchParams.set(key, String(value));
  }
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', ...authHeader(server) },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function upload(server: MlflowTestServer, artifactUri: string, file: string, data: string) {
  const key = artifactUri.replace(/^mlflow-artifacts:\/*/, '');
  const response = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${key}/${file}`, {
    method: 'PUT',
    headers: authHeader(server),
    body: data,
  });
  if (!response.ok) throw new Error(`upload ${file} -> ${response.status}`);
}

let experimentCount = 0;

/**
 * Seeds a finished run whose model lives where a client of that MLflow generation logs it:
 * 2.x under the run's artifacts at `path`; 3.x as a logged model named `path`, unless
 * `style: 'artifacts'` asks for the 2.x layout on a 3.x server.
 */
export async function seedRun(
  server: MlflowTestServer,
  options: { path?: string; style?: 'artifacts' | 'logged-model' | 'none' } = {},
): Promise<SeededRun> {
  const path = options.path ?? 'model';
  const style = options.style ?? (server.mode === 3 ? 'logged-model' : 'artifacts');
  experimentCount += 1;
  const { experiment_id: experimentId } = await api<{ experiment_id: string }>(
    server,
    'POST',
    'experiments/create',
    { name: `seed-${experimentCount}-${Date.now()}` },
  );
  const { run } = await api<{ run: { info: { run_id: string; artifact_uri: string } } }>(
    server,
    'POST',
    'runs/create',
    { experiment_id: experimentId, start_time: Date.now() },
  );
  const seeded: SeededRun = {
    runId: run.info.run_id,
    experimentId,
    artifactUri: run.info.artifact_uri,
  };
  if (style === 'artifacts') {
    await upload(server, seeded.artifactUri, `${path}/MLmodel`, 'flavors: {}\n');
    await upload(server, seeded.artifactUri, `${path}/model.onnx`, 'onnx-bytes');
  } else if (style === 'logged-model') {
    seeded.modelId = await seedLoggedModel(server, seeded, path);
  }
  await api(server, 'POST', 'runs/update', { run_id: seeded.runId, status: 'FINISHED' });
  return seeded;
}

/** Logs a 3.x logged model of the run, with files, linked and READY, as MLflow 3's client. */
export async function seedLoggedModel(
  server: MlflowTestServer,
  run: SeededRun,
  name: string,
  options: { withFiles?: boolean; step?: number } = {},
): Promise<string> {
  const { model } = await api<{ model: { info: { model_id: string; artifact_uri: string } } }>(
    server,
    'POST',
    'logged-models',
    { experiment_id: run.experimentId, name, source_run_id: run.runId },
  );
  const modelId = model.info.model_id;
  if (options.withFiles !== false) {
    await upload(server, model.info.artifact_uri, 'MLmodel', 'flavors: {}\n');
    await upload(server, model.info.artifact_uri, 'model.onnx', 'onnx-bytes');
  }
  await api(server, 'POST', 'runs/outputs', {
    run_id: run.runId,
    models: [{ model_id: modelId, step: options.step ?? 0 }],
  });
  await api(server, 'PATCH', `logged-models/${modelId}`, { status: 'LOGGED_MODEL_READY' });
  return modelId;
}

/** The live versions of a model on the test server, oldest first. */
export function versionsOf(server: MlflowTestServer, name: string) {
  return server.store.versionsOf(name);
}

/** Pipeline variables of a typical CI run, as the agent sets them. */
export const PIPELINE = {
  'System.CollectionUri': 'https://dev.azure.com/contoso/',
  'System.TeamProject': 'Churn',
  'Build.DefinitionName': 'train-and-register',
  'Build.BuildId': '4711',
  'Build.BuildNumber': '20261203.7',
  'Build.SourceVersion': '3c1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d',
  'Build.SourceBranch': 'refs/heads/main',
  'Build.Repository.Uri': 'https://dev.azure.com/contoso/Churn/_git/models',
  'Build.RequestedFor': 'Ada Engineer',
};

/** The pipeline run URL the agent's variables above describe. */
export const RUN_URL = 'https://dev.azure.com/contoso/Churn/_build/results?buildId=4711';
