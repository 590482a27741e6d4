/**
 * Registry versions whose files are a Triton model, seeded on the MLflow test server the way
 * each MLflow generation stores them: files under a run's artifact path (2.x, and 3.x clients
 * that log plain artifacts) or a 3.x logged model's own artifact root.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { MlflowTestServer } from '../../servers/mlflow';
import type { TestS3 } from '../../servers/s3';
import { api, seedRun } from '../register-model/seed';

/** Files by path relative to the model's artifact folder. */
export type ArtifactFiles = Record<string, string | Uint8Array>;

/** How the version's source names its files. */
export type SourceStyle =
  /** The run's resolved artifact location, as RegisterModel registers it. */
  | 'run-artifacts'
  /** `runs:/<run>/<path>`, as other clients may register it. */
  | 'runs-uri'
  /** MLflow 3: `models:/<model id>` of a logged model holding the files. */
  | 'logged-model';

/**
 * Uploads files under an artifact URI as MLflow's client does: through the test server's
 * artifact proxy, or straight to S3 for `s3://` roots.
 */
export async function uploadArtifacts(
  server: MlflowTestServer,
  artifactUri: string,
  files: ArtifactFiles,
  s3?: TestS3,
): Promise<void> {
  const bucketKey = /^s3:\/\/([^/]+)\/(.*)$/.exec(artifactUri);
  if (bucketKey !== null) {
    if (s3 === undefined) throw new Error(`${artifactUri} needs the S3 test server`);
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      for (const [file, content] of Object.entries(files)) {
        const key = `${(bucketKey[2] ?? '').replace(/\/+$/, '')}/${file}`;
        await client.send(new PutObjectCommand({ Bucket: bucketKey[1], Key: key, Body: content }));
      }
    } finally {
      client.destroy();
    }
    return;
  }
  const root = artifactUri.replace(/^mlflow-artifacts:\/*/, '');
  for (const [file, content] of Object.entries(files)) {
    const response = await fetch(
      `${server.url}/api/2.0/mlflow-artifacts/artifacts/${root}/${file}`,
      {
        method: 'PUT',
        body: typeof content === 'string' ? content : Buffer.from(content),
      },
    );
    if (!response.ok) throw new Error(`upload ${file} -> ${response.status}`);
  }
}

/** Registers a version of `name` whose files are `files`, stored as `style` says. */
export async function seedVersion(
  server: MlflowTestServer,
  name: string,
  files: ArtifactFiles,
  style: SourceStyle,
  s3?: TestS3,
): Promise<string> {
  const run = await seedRun(server, { style: 'none' });
  let source: string;
  if (style === 'logged-model') {
    const { model } = await api<{ model: { info: { model_id: string; artifact_uri: string } } }>(
      server,
      'POST',
      'logged-models',
      { experiment_id: run.experimentId, name: 'triton', source_run_id: run.runId },
    );
    await uploadArtifacts(server, model.info.artifact_uri, files, s3);
    await api(server, 'PATCH', `logged-models/${model.info.model_id}`, {
      status: 'LOGGED_MODEL_READY',
    });
    source = `models:/${model.info.model_id}`;
  } else {
    await uploadArtifacts(server, `${run.artifactUri}/triton`, files, s3);
    source = style === 'runs-uri' ? `runs:/${run.runId}/triton` : `${run.artifactUri}/triton`;
  }
  await api(server, 'POST', 'registered-models/create', { name }).catch(() => undefined);
  const { model_version: version } = await api<{ model_version: { version: string } }>(
    server,
    'POST',
    'model-versions/create',
    { name, source, run_id: run.runId },
  );
  return version.version;
}

/** Points an alias at a version. */
export async function setAlias(
  server: MlflowTestServer,
  name: string,
  alias: string,
  version: string,
): Promise<void> {
  await api(server, 'POST', 'registered-models/alias', { name, alias, version });
}
