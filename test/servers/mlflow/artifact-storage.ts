/** One entry of a directory listing: a basename, and the size for files. */
export interface ArtifactEntry {
  name: string;
  isDir: boolean;
  size?: number;
}

/** A stored artifact file, for test assertions. */
export interface StoredArtifact {
  path: string;
  size: number;
}

/** A presigned part URL handed out by `mpu/create`. */
export interface PartCredential {
  url: string;
  part_number: number;
}

/** Multipart upload as the S3-backed proxy offers it. */
export interface MultipartStorage {
  create(key: string, numParts: number): Promise<{ uploadId: string; parts: PartCredential[] }>;
  complete(
    key: string,
    uploadId: string,
    parts: { partNumber: number; etag: string }[],
  ): Promise<void>;
  abort(key: string, uploadId: string): Promise<void>;
}

/** Where the proxy keeps files, addressed by the path after `mlflow-artifacts:/`. */
export interface ArtifactStorage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  /** Direct children of a directory, sorted by name; [] for a file or a missing directory. */
  list(dir: string): Promise<ArtifactEntry[]>;
  /** Deletes a path the way the backend does (local disk: the path; S3: every key prefix). */
  delete(path: string): Promise<void>;
  all(): Promise<StoredArtifact[]>;
  /** The INTERNAL_ERROR message the real server gives when a download finds nothing. */
  missingFileMessage(key: string): string;
  multipart?: MultipartStorage;
}

/** The local-disk destination, kept in memory (shown as /srv/mlflow/artifacts in messages). */
export class MemoryArtifactStorage implements ArtifactStorage {
  readonly files = new Map<string, Buffer>();

  put(key: string, data: Buffer): Promise<void> {
    this.files.set(key, data);
    return Promise.resolve();
  }

  get(key: string): Promise<Buffer | undefined> {
    return Promise.resolve(this.files.get(key));
  }

  list(dir: string): Promise<ArtifactEntry[]> {
    const prefix = dir === '' ? '' : `${dir.replace(/\/+$/, '')}/`;
    const entries = new Map<string, ArtifactEntry>();
    for (const [key, data] of this.files) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) {
        entries.set(rest, { name: rest, isDir: false, size: data.length });
      } else {
        const name = rest.slice(0, slash);
        entries.set(name, { name, isDir: true });
      }
    }
    return Promise.resolve(sortEntries([...entries.values()]));
  }

  delete(path: string): Promise<void> {
    const trimmed = path.replace(/\/+$/, '');
    for (const key of [...this.files.keys()]) {
      if (key === trimmed || key.startsWith(`${trimmed}/`)) {
        this.files.delete(key);
      }
    }
    return Promise.resolve();
  }

  all(): Promise<StoredArtifact[]> {
    const stored = [...this.files].map(([path, data]) => ({ path, size: data.length }));
    return Promise.resolve(stored.sort((a, b) => (a.path < b.path ? -1 : 1)));
  }

  missingFileMessage(key: string): string {
    const root = '/srv/mlflow/artifacts';
    return (
      `The following failures occurred while downloading one or more artifacts from ${root}:\n` +
      `##### File ${key} #####\n[Errno 2] No such file or directory: '${root}/${key}'`
    );
  }
}

/** Entries sorted by name, as `os.listdir`+sort and S3 listings give them. */
export function sortEntries(entries: ArtifactEntry[]): ArtifactEntry[] {
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
