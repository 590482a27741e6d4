import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { HttpError } from '../../http/http-error';
import type { MlflowClient } from '../mlflow-client';
import type { FileInfo } from '../types';
import type { ArtifactFile, ArtifactLog, ArtifactRepository } from './artifact-repository';
import { encodeArtifactPath, joinArtifactPath } from './artifact-path';

const ARTIFACTS = 'api/2.0/mlflow-artifacts/artifacts';
const MPU = 'api/2.0/mlflow-artifacts/mpu';

/** When to use the proxy's multipart upload, and how. */
export interface MultipartSettings {
  /** Files at least this large try multipart upload first. */
  minimumFileBytes: number;
  partBytes: number;
  /** Parts sent at once. */
  concurrency: number;
}

/** Defaults: large files only, parts S3 and MinIO accept, a few in flight. */
export const DEFAULT_MULTIPART: MultipartSettings = {
  minimumFileBytes: 100 * 1024 * 1024,
  partBytes: 16 * 1024 * 1024,
  concurrency: 4,
};

interface MpuCreated {
  upload_id: string;
  credentials?: { url: string; part_number: number; headers?: Record<string, string> }[];
}

/** Artifacts served by MLflow's proxy (`mlflow-artifacts:/<path>`). */
export class ProxyArtifactRepository implements ArtifactRepository {
  private multipartOffered = true;

  constructor(
    readonly rootUri: string,
    private readonly client: MlflowClient,
    private readonly log: ArtifactLog,
    private readonly multipart: MultipartSettings = DEFAULT_MULTIPART,
  ) {}

  /** The root's path on the proxy: `mlflow-artifacts:/1/abc/artifacts` -> `1/abc/artifacts`. */
  private get rootPath(): string {
    return this.rootUri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/*/, '');
  }

  async upload(localFile: string, path: string, size: number): Promise<void> {
    const full = joinArtifactPath(this.rootPath, path);
    if (this.multipartOffered && size >= this.multipart.minimumFileBytes) {
      if (await this.uploadMultipart(localFile, full, size)) return;
    }
    await this.client.raw({
      method: 'PUT',
      path: `${ARTIFACTS}/${encodeArtifactPath(full)}`,
      body: () => fs.createReadStream(localFile),
      bodyLength: size,
      headers: { 'Content-Type': 'application/octet-stream' },
      idempotent: true,
      readTimeoutMs: Math.max(this.client.connection.timeouts.readMs, size / 1000),
    });
  }

  async listFiles(directory: string): Promise<ArtifactFile[]> {
    const files: ArtifactFile[] = [];
    const pending = [directory];
    while (pending.length > 0) {
      const current = pending.pop() ?? '';
      const answer = await this.client.raw<{ files?: FileInfo[] }>({
        method: 'GET',
        path: ARTIFACTS,
        query: { path: joinArtifactPath(this.rootPath, current) },
      });
      for (const file of answer.files ?? []) {
        const relative = joinArtifactPath(current, file.path.split('/').pop() ?? file.path);
        if (file.is_dir) pending.push(relative);
        else files.push({ path: relative, size: Number(file.file_size ?? 0) });
      }
    }
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }

  async download(path: string): Promise<Readable> {
    return this.client.raw<Readable>({
      method: 'GET',
      path: `${ARTIFACTS}/${encodeArtifactPath(joinArtifactPath(this.rootPath, path))}`,
      responseType: 'stream',
    });
  }

  /** Multipart through presigned part URLs; false when the server does not offer it. */
  private async uploadMultipart(localFile: string, full: string, size: number): Promise<boolean> {
    const slash = full.lastIndexOf('/');
    const directory = encodeArtifactPath(slash < 0 ? '' : full.slice(0, slash));
    const name = full.slice(slash + 1);
    const parts = Math.ceil(size / this.multipart.partBytes);
    let created: MpuCreated;
    try {
      created = await this.client.raw<MpuCreated>({
        method: 'POST',
        path: `${MPU}/create/${directory}`,
        json: { path: name, num_parts: parts },
      });
    } catch (error) {
      if (error instanceof HttpError && error.status === 501) {
        this.multipartOffered = false;
        this.log.info('The artifact proxy stores on local disk: uploading in single requests.');
        return false;
      }
      throw error;
    }
    try {
      const etags = await this.sendParts(localFile, size, created);
      await this.client.raw({
        method: 'POST',
        path: `${MPU}/complete/${directory}`,
        json: { path: name, upload_id: created.upload_id, parts: etags },
        idempotent: true,
      });
      return true;
    } catch (error) {
      await this.client
        .raw({
          method: 'POST',
          path: `${MPU}/abort/${directory}`,
          json: { path: name, upload_id: created.upload_id },
          idempotent: true,
        })
        .catch(() => undefined);
      if (error instanceof HttpError && error.failure.status === undefined) {
        // The part URLs name S3 as the MLflow server sees it, which the agent may not reach.
        this.multipartOffered = false;
        this.log.warning(
          `The artifact proxy's multipart part URLs are not reachable from the agent ` +
            `(${error.failure.networkCode ?? 'network error'}): uploading ${name} in one ` +
            `request instead. Give the MLflow server an S3 endpoint the agent can reach.`,
        );
        return false;
      }
      throw error;
    }
  }

  private async sendParts(
    localFile: string,
    size: number,
    created: MpuCreated,
  ): Promise<{ part_number: number; etag: string }[]> {
    const credentials = [...(created.credentials ?? [])].sort(
      (a, b) => a.part_number - b.part_number,
    );
    const etags: { part_number: number; etag: string }[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < credentials.length) {
        const credential = credentials[next++];
        if (!credential) break;
        const start = (credential.part_number - 1) * this.multipart.partBytes;
        const end = Math.min(size, start + this.multipart.partBytes) - 1;
        const response = await this.client.transport.request<string>({
          method: 'PUT',
          path: credential.url,
          body: () => fs.createReadStream(localFile, { start, end }),
          bodyLength: end - start + 1,
          headers: { ...credential.headers },
          withoutAuth: true,
          idempotent: true,
          responseType: 'text',
        });
        // The ETag goes back verbatim, quotes included, as MLflow's own client sends it.
        etags.push({ part_number: credential.part_number, etag: response.headers.etag ?? '' });
      }
    };
    await Promise.all(Array.from({ length: this.multipart.concurrency }, worker));
    return etags.sort((a, b) => a.part_number - b.part_number);
  }
}
