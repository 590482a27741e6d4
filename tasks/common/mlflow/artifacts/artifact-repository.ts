import type { Readable } from 'node:stream';

/** A file under an artifact root, with its path relative to that root (not to a listed folder). */
export interface ArtifactFile {
  path: string;
  size: number;
}

/** Progress and decisions an upload reports, for the task's log. */
export interface ArtifactLog {
  info(line: string): void;
  warning(line: string): void;
}

/**
 * One artifact root (a run's or a logged model's) wherever it lives: behind MLflow's artifact
 * proxy or in S3. Paths are relative to the root and already checked.
 */
export interface ArtifactRepository {
  /** The artifact root URI, as MLflow reports it. */
  readonly rootUri: string;
  /** Streams a local file to `path`; never holds the whole file in memory. */
  upload(localFile: string, path: string, size: number): Promise<void>;
  /** Every file under `directory` (recursively), with sizes. */
  listFiles(directory: string): Promise<ArtifactFile[]>;
  /** Streams the file at `path`. */
  download(path: string): Promise<Readable>;
}
