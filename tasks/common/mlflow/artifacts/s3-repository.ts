import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { UserError } from '../../user-error';
import type { ArtifactFile, ArtifactRepository } from './artifact-repository';
import { joinArtifactPath } from './artifact-path';
import { parseS3Uri } from './s3-client';

/** Artifacts written straight to S3/MinIO (`s3://bucket/prefix`). */
export class S3ArtifactRepository implements ArtifactRepository {
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    readonly rootUri: string,
    private readonly s3: S3Client,
    private readonly partBytes = 8 * 1024 * 1024,
    private readonly queueSize = 4,
  ) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Uri(rootUri));
  }

  async upload(localFile: string, path: string): Promise<void> {
    // lib-storage streams the file in parts sent in parallel; memory stays parts x queue.
    const upload = new Upload({
      client: this.s3,
      params: {
        Bucket: this.bucket,
        Key: joinArtifactPath(this.prefix, path),
        Body: fs.createReadStream(localFile),
      },
      partSize: this.partBytes,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      throw s3Failure('upload', `${this.rootUri}/${path}`, error);
    }
  }

  async listFiles(directory: string): Promise<ArtifactFile[]> {
    const base = joinArtifactPath(this.prefix, directory);
    const files: ArtifactFile[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.s3.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: base ? `${base}/` : '',
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (error) {
        throw s3Failure('list', `s3://${this.bucket}/${base}`, error);
      }
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        const relative = this.prefix ? object.Key.slice(this.prefix.length + 1) : object.Key;
        files.push({ path: relative, size: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }

  async download(path: string): Promise<Readable> {
    try {
      const answer = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: joinArtifactPath(this.prefix, path) }),
      );
      return answer.Body as Readable;
    } catch (error) {
      throw s3Failure('download', `${this.rootUri}/${path}`, error);
    }
  }
}

function s3Failure(action: string, uri: string, error: unknown): UserError {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  const what = [e.name ?? e.code, status ? `HTTP ${status}` : undefined, e.message]
    .filter(Boolean)
    .join(': ');
  let fix = 'Check the S3 endpoint, the bucket and the access keys of the MLflow connection.';
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND') {
    fix = 'The agent cannot reach the S3 endpoint: check MLFLOW_S3_ENDPOINT_URL.';
  } else if (
    status === 403 ||
    e.name === 'InvalidAccessKeyId' ||
    e.name === 'SignatureDoesNotMatch'
  ) {
    fix = 'S3 refused the credentials: check the access key id and secret key.';
  } else if (e.name === 'NoSuchBucket') {
    fix = 'The bucket does not exist: create it, or fix the artifact root of the experiment.';
  }
  return new UserError(`S3 ${action} of ${uri} failed: ${what}. ${fix}`);
}
