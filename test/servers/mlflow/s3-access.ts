import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

import { guessMimeType } from './artifact-locations';
import {
  type ArtifactEntry,
  type ArtifactStorage,
  type MultipartStorage,
  type PartCredential,
  type StoredArtifact,
  sortEntries,
} from './artifact-storage';
import { uncaughtServerError } from './errors';
import { presignUrl } from './presign';

/** How the MLflow server reaches S3 (MLFLOW_S3_ENDPOINT_URL and the AWS variables). */
export interface S3Endpoint {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}

/** The server's S3 client: reads s3:// locations and backs the S3 proxy. */
export class S3Access {
  readonly client: S3Client;
  /** Upload ids handed out and not yet completed or aborted (stock s3rver cannot abort). */
  readonly openUploads = new Set<string>();

  constructor(readonly endpoint: S3Endpoint) {
    this.client = new S3Client({
      endpoint: endpoint.endpoint,
      region: endpoint.region ?? 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: {
        accessKeyId: endpoint.accessKeyId,
        secretAccessKey: endpoint.secretAccessKey,
      },
    });
  }

  /** Files under `s3://<bucket>/<prefix>`, addressed relative to the prefix. */
  storage(bucket: string, prefix: string): S3ArtifactStorage {
    return new S3ArtifactStorage(this, bucket, prefix.replace(/\/+$/, ''));
  }

  close(): void {
    this.client.destroy();
  }
}

/** An S3 prefix as an artifact destination, deleting by key prefix as MLflow's S3 repo does. */
export class S3ArtifactStorage implements ArtifactStorage {
  readonly multipart: MultipartStorage;

  constructor(
    private readonly s3: S3Access,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {
    this.multipart = {
      create: (key, numParts) => this.createUpload(key, numParts),
      complete: (key, uploadId, parts) => this.completeUpload(key, uploadId, parts),
      abort: (key, uploadId) => this.abortUpload(key, uploadId),
    };
  }

  private fullKey(key: string): string {
    if (this.prefix === '') return key;
    return key === '' ? this.prefix : `${this.prefix}/${key}`;
  }

  async put(key: string, data: Buffer): Promise<void> {
    await this.s3.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.fullKey(key),
        Body: data,
        ContentType: guessMimeType(key),
      }),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const answer = await this.s3.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.fullKey(key) }),
      );
      const bytes = await answer.Body?.transformToByteArray();
      return bytes === undefined ? Buffer.alloc(0) : Buffer.from(bytes);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(dir: string): Promise<ArtifactEntry[]> {
    const full = this.fullKey(dir);
    const prefix = full === '' ? '' : `${full}/`;
    const entries: ArtifactEntry[] = [];
    for await (const page of this.pages(prefix, '/')) {
      for (const common of page.CommonPrefixes ?? []) {
        const name = (common.Prefix ?? '').slice(prefix.length).replace(/\/$/, '');
        entries.push({ name, isDir: true });
      }
      for (const object of page.Contents ?? []) {
        const name = (object.Key ?? '').slice(prefix.length);
        if (name !== '') entries.push({ name, isDir: false, size: object.Size ?? 0 });
      }
    }
    return sortEntries(entries);
  }

  async delete(path: string): Promise<void> {
    const keys: string[] = [];
    for await (const page of this.pages(this.fullKey(path))) {
      for (const object of page.Contents ?? []) keys.push(object.Key ?? '');
    }
    for (const key of keys) {
      await this.s3.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    }
  }

  async all(): Promise<StoredArtifact[]> {
    const stored: StoredArtifact[] = [];
    const prefix = this.prefix === '' ? '' : `${this.prefix}/`;
    for await (const page of this.pages(prefix)) {
      for (const object of page.Contents ?? []) {
        stored.push({ path: (object.Key ?? '').slice(prefix.length), size: object.Size ?? 0 });
      }
    }
    return stored;
  }

  missingFileMessage(key: string): string {
    const root = `s3://${this.bucket}/${this.prefix}`;
    return (
      `The following failures occurred while downloading one or more artifacts from ${root}:\n` +
      `##### File ${key} #####\n` +
      'An error occurred (404) when calling the HeadObject operation: Not Found'
    );
  }

  private async *pages(
    prefix: string,
    delimiter?: string,
  ): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await this.s3.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: token,
        }),
      );
      yield page;
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  private async createUpload(
    key: string,
    numParts: number,
  ): Promise<{ uploadId: string; parts: PartCredential[] }> {
    const fullKey = this.fullKey(key);
    const created = await this.s3.client
      .send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: fullKey }))
      .catch(() => {
        throw uncaughtServerError();
      });
    const uploadId = created.UploadId ?? '';
    this.s3.openUploads.add(uploadId);
    const { endpoint } = this.s3;
    const now = new Date();
    const parts: PartCredential[] = [];
    for (let part = 1; part <= numParts; part += 1) {
      const url = presignUrl({
        method: 'PUT',
        endpoint: endpoint.endpoint,
        bucket: this.bucket,
        key: fullKey,
        query: { partNumber: String(part), uploadId },
        accessKeyId: endpoint.accessKeyId,
        secretAccessKey: endpoint.secretAccessKey,
        region: endpoint.region ?? 'us-east-1',
        expiresSeconds: 3600,
        now,
      });
      parts.push({ url, part_number: part });
    }
    return { uploadId, parts };
  }

  private async completeUpload(
    key: string,
    uploadId: string,
    parts: { partNumber: number; etag: string }[],
  ): Promise<void> {
    if (parts.length === 0) {
      // S3 answers MalformedXML, which MLflow does not catch.
      throw uncaughtServerError();
    }
    await this.s3.client
      .send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: this.fullKey(key),
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })),
          },
        }),
      )
      .catch(() => {
        throw uncaughtServerError();
      });
    this.s3.openUploads.delete(uploadId);
  }

  private async abortUpload(key: string, uploadId: string): Promise<void> {
    if (!this.s3.openUploads.delete(uploadId)) {
      // NoSuchUpload from S3 escapes MLflow's handler as an HTML 500.
      throw uncaughtServerError();
    }
    await this.s3.client
      .send(
        new AbortMultipartUploadCommand({
          Bucket: this.bucket,
          Key: this.fullKey(key),
          UploadId: uploadId,
        }),
      )
      // Stock s3rver has no AbortMultipartUpload (405); forgetting the id above is what S3 does.
      .catch(() => undefined);
  }
}

function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as { name?: string }).name;
  return status === 404 || name === 'NoSuchKey' || name === 'NotFound';
}
