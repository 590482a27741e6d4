/**
 * A model repository under an s3:// prefix on MinIO, which Triton reads directly. S3 has no
 * rename: a version is uploaded under a staging prefix, then copied into place and the staging
 * objects deleted; Triton is only asked to load once every object is in place.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { joinArtifactPath } from '../mlflow/artifacts/artifact-path';
import { parseS3Uri } from '../mlflow/artifacts/s3-client';
import { UserError } from '../user-error';
import { type ModelStore, type Staging, WORK_FOLDER_PREFIX } from './model-store';

/** A model repository under `s3://bucket/prefix`. */
export class S3ModelStore implements ModelStore {
  readonly location: string;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    uri: string,
    private readonly s3: S3Client,
  ) {
    const parsed = parseS3Uri(uri);
    this.bucket = parsed.bucket;
    this.prefix = parsed.prefix;
    this.location = `s3://${parsed.bucket}${parsed.prefix ? `/${parsed.prefix}` : ''}`;
  }

  async checkReachable(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
        ?.httpStatusCode;
      if (status === 404) {
        throw new UserError(
          `The bucket "${this.bucket}" of the model repository ${this.location} does not ` +
            'exist. Create it, or give the s3:// prefix Triton reads its models from.',
        );
      }
      if (status === 403) {
        throw new UserError(
          `The S3 keys may not read the bucket "${this.bucket}" of the model repository ` +
            `${this.location} (HTTP 403). Give keys (AWS_ACCESS_KEY_ID and ` +
            'AWS_SECRET_ACCESS_KEY) that may read and write it.',
        );
      }
      throw this.failure('reach', `bucket ${this.bucket}`, error);
    }
  }

  async list(dir: string): Promise<Map<string, 'dir' | 'file'>> {
    // Derived from the full key list rather than from delimiter listings, whose common
    // prefixes some S3 servers leave out for names that start with a dot.
    const base = this.key(dir);
    const result = new Map<string, 'dir' | 'file'>();
    for (const key of await this.keysUnder(dir)) {
      const rest = key.slice(base ? base.length + 1 : 0);
      const slash = rest.indexOf('/');
      if (rest === '') continue;
      if (slash < 0) result.set(rest, result.get(rest) ?? 'file');
      else result.set(rest.slice(0, slash), 'dir');
    }
    return result;
  }

  async readText(file: string): Promise<string | undefined> {
    try {
      const answer = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(file) }),
      );
      return (await answer.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw this.failure('read', file, error);
    }
  }

  async createExclusive(file: string, text: string): Promise<boolean> {
    try {
      // MinIO and S3 honour If-None-Match; servers that ignore it are caught by the caller.
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(file),
          Body: text,
          IfNoneMatch: '*',
        }),
      );
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
        ?.httpStatusCode;
      if (status === 412 || status === 409) return false;
      throw this.failure('create', file, error);
    }
  }

  async writeText(file: string, text: string): Promise<void> {
    await this.send('write', file, () =>
      this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(file), Body: text })),
    );
  }

  async move(from: string, to: string): Promise<void> {
    const keys = await this.keysUnder(from);
    const source = this.key(from);
    for (const key of keys) {
      const target = this.key(to) + key.slice(source.length);
      await this.send('copy', `${from} -> ${to}`, () =>
        this.s3.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: target,
            CopySource: encodeCopySource(this.bucket, key),
          }),
        ),
      );
    }
    for (const key of keys) await this.deleteKey(key, from);
  }

  async remove(target: string): Promise<void> {
    for (const key of await this.keysUnder(target)) await this.deleteKey(key, target);
  }

  async createStaging(model: string, id: string): Promise<Staging> {
    const localDir = await mkdtemp(path.join(os.tmpdir(), 'triton-deploy-'));
    const repoPath = `${model}/${WORK_FOLDER_PREFIX}staging-${id}`;
    return {
      localDir,
      repoPath,
      publish: () => this.upload(localDir, repoPath),
      dispose: async () => {
        await rm(localDir, { recursive: true, force: true });
        await this.remove(repoPath);
      },
    };
  }

  /** The object itself and every object below it, as a folder. */
  private async keysUnder(target: string): Promise<string[]> {
    const base = this.key(target);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.send('list', target, () =>
        this.s3.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: base,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key === undefined) continue;
        if (base === '' || key === base || key.startsWith(`${base}/`)) keys.push(key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  private async upload(localDir: string, repoPath: string): Promise<void> {
    for (const relative of await localFiles(localDir)) {
      const file = path.join(localDir, ...relative.split('/'));
      const size = (await stat(file)).size;
      await this.send('upload', `${repoPath}/${relative}`, () =>
        this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: this.key(`${repoPath}/${relative}`),
            Body: createReadStream(file),
            ContentLength: size,
          }),
        ),
      );
    }
  }

  private async deleteKey(key: string, target: string): Promise<void> {
    await this.send('delete', target, () =>
      this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  private key(relative: string): string {
    return joinArtifactPath(this.prefix, relative);
  }

  private async send<T>(action: string, target: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.failure(action, target, error);
    }
  }

  private failure(action: string, target: string, error: unknown): UserError {
    const e = error as { name?: string; message?: string };
    return new UserError(
      `Cannot ${action} ${target} in the model repository ${this.location}: ` +
        `${e.name ?? 'Error'}: ${e.message ?? String(error)}. Check the S3 endpoint ` +
        '(MLFLOW_S3_ENDPOINT_URL), the access keys and that the bucket exists.',
    );
  }
}

/** Every file under a local folder, as `/`-separated paths relative to it. */
async function localFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .map((relative) => relative.split(path.sep).join('/'))
    .sort();
}

function encodeCopySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
