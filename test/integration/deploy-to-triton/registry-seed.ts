/**
 * Registers real ONNX model versions on the MLflow test server the way each generation's client
 * logs them: 2.x as run artifacts under `model/`, 3.x as a logged model, with or without the
 * Triton config, so the deployment reads them back exactly as it would in production.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { buildClassifierModel, renderConfigPbtxt, type TestModel } from '../../models';
import type { MlflowTestServer } from '../../servers/mlflow';
import type { TestS3 } from '../../servers/s3';
import { api } from '../register-model/seed';

/** How the version's files look in the artifact store. */
export interface VersionFiles {
  /** config.pbtxt text; the model's own config unless set. */
  configText?: string;
  /** Log the ONNX file alone, as mlflow.onnx.log_model does. */
  bareOnnx?: boolean;
  /** Log config.pbtxt and `1/model.onnx` (a Triton model folder) instead of a flat folder. */
  tritonFolder?: boolean;
}

let counter = 0;

/** The classifier as the registered model `name`, with weights that differ by `variant`. */
export function classifierNamed(name: string, variant = 0): TestModel {
  const shift = variant * 0.25;
  return buildClassifierModel(
    {
      weights: [
        [1 + shift, 0, -1],
        [0.5, 1, 0],
        [-1, 0.5, 1],
        [0, -0.5, 0.25],
      ],
      bias: [0.1, -0.2, 0],
    },
    name,
  );
}

/** Where a client writes the files: the artifact proxy, or S3 straight for s3:// roots. */
type Uploader = (uri: string, file: string, data: Uint8Array | string) => Promise<void>;

/** Writes `s3://bucket/key` objects with the S3 test server's keys, as MLflow's client does. */
export function s3Uploader(s3: TestS3): Uploader {
  return async (uri, file, data) => {
    const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
    if (!match?.[1]) throw new Error(`not an s3 uri: ${uri}`);
    const key = `${(match[2] ?? '').replace(/\/+$/, '')}/${file}`;
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      await client.send(new PutObjectCommand({ Bucket: match[1], Key: key, Body: data }));
    } finally {
      client.destroy();
    }
  };
}

async function put(server: MlflowTestServer, uri: string, file: string, data: Uint8Array | string) {
  const key = uri.replace(/^mlflow-artifacts:\/*/, '');
  const response = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${key}/${file}`, {
    method: 'PUT',
    body: typeof data === 'string' ? data : Buffer.from(data),
  });
  if (!response.ok) throw new Error(`upload ${file} -> ${response.status}`);
}

/** Logs the model in a new run and registers it; answers the new version number. */
export async function registerVersion(
  server: MlflowTestServer,
  name: string,
  model: TestModel,
  files: VersionFiles = {},
  upload?: Uploader,
): Promise<string> {
  counter += 1;
  const { experiment_id: experimentId } = await api<{ experiment_id: string }>(
    server,
    'POST',
    'experiments/create',
    { name: `deploy-${counter}-${Date.now()}` },
  );
  const { run } = await api<{ run: { info: { run_id: string; artifact_uri: string } } }>(
    server,
    'POST',
    'runs/create',
    { experiment_id: experimentId, start_time: Date.now() },
  );
  const runId = run.info.run_id;

  let root: string;
  let source: string;
  if (server.mode === 3) {
    const created = await api<{ model: { info: { model_id: string; artifact_uri: string } } }>(
      server,
      'POST',
      'logged-models',
      { experiment_id: experimentId, name: 'model', source_run_id: runId },
    );
    root = created.model.info.artifact_uri;
    source = `models:/${created.model.info.model_id}`;
  } else {
    root = `${run.info.artifact_uri}/model`;
    source = root;
  }

  const write: Uploader = upload ?? ((uri, file, data) => put(server, uri, file, data));
  await write(root, 'MLmodel', 'flavors:\n  onnx: {}\n');
  const onnxPath = files.tritonFolder ? '1/model.onnx' : 'model.onnx';
  await write(root, onnxPath, model.onnx);
  if (files.bareOnnx !== true) {
    await write(root, 'config.pbtxt', files.configText ?? renderConfigPbtxt(model.config));
  }

  if (server.mode === 3) {
    const modelId = source.slice('models:/'.length);
    await api(server, 'PATCH', `logged-models/${modelId}`, { status: 'LOGGED_MODEL_READY' });
  }
  await api(server, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED' });
  await api(server, 'POST', 'registered-models/create', { name }).catch(() => undefined);
  const created = await api<{ model_version: { version: string } }>(
    server,
    'POST',
    'model-versions/create',
    { name, source, run_id: runId },
  );
  return created.model_version.version;
}

/** Points the alias at the version, as SetAlias would. */
export async function moveAlias(
  server: MlflowTestServer,
  name: string,
  alias: string,
  version: string,
): Promise<void> {
  await api(server, 'POST', 'registered-models/alias', { name, alias, version });
}
