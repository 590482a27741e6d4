import type { MlflowTestServer } from '../../servers/mlflow';

/** An answer's status and parsed body (text when it is not JSON). */
export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/** Calls the test server's API with a JSON body (or a query for GET). */
export async function call(
  server: MlflowTestServer,
  method: string,
  endpoint: string,
  body?: unknown,
): Promise<Answer> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${server.url}${endpoint}`, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text (HTML and plain-text answers).
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: parsed,
  };
}

/** Creates an experiment and a run in it; returns the run id. */
export async function createRun(server: MlflowTestServer, name = 'exp'): Promise<string> {
  const created = await call(server, 'POST', '/api/2.0/mlflow/experiments/create', { name });
  const experimentId = (created.body as { experiment_id: string }).experiment_id;
  const run = await call(server, 'POST', '/api/2.0/mlflow/runs/create', {
    experiment_id: experimentId,
    start_time: 1,
  });
  return (run.body as { run: { info: { run_id: string } } }).run.info.run_id;
}
