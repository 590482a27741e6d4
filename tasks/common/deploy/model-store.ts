/**
 * A Triton model repository as the deployment sees it: a local folder or an S3 prefix, both
 * reached through the same few operations on paths relative to the repository root.
 */

/** Operations on a model repository; every path is relative to its root, with `/`. */
export interface ModelStore {
  /** Where the repository is, for messages (a folder path or an s3:// URI). */
  readonly location: string;
  /** Throws a UserError when the repository itself is missing or unreachable. */
  checkReachable(): Promise<void>;
  /** Names in a folder, each marked as folder or file; empty when the folder is missing. */
  list(dir: string): Promise<Map<string, 'dir' | 'file'>>;
  /** A file's text, or undefined when it does not exist. */
  readText(file: string): Promise<string | undefined>;
  /** Creates a file only when it does not exist yet; false when it does. */
  createExclusive(file: string, text: string): Promise<boolean>;
  /** Writes a file so that readers see the old or the new text, never a part. */
  writeText(file: string, text: string): Promise<void>;
  /** Moves a file or a folder; the target must not exist. */
  move(from: string, to: string): Promise<void>;
  /** Removes a file or a folder with everything in it; nothing when it is missing. */
  remove(target: string): Promise<void>;
  /**
   * A local folder to download into, and how its content becomes visible at `repoPath`
   * in the repository: already there (a folder inside a local repository) or uploaded.
   */
  createStaging(model: string, id: string): Promise<Staging>;
}

/** A staging area for one deployment. */
export interface Staging {
  /** Local folder to lay the model out in. */
  localDir: string;
  /** Where the staged content is in the repository once published. */
  repoPath: string;
  /** Makes the local content readable at `repoPath` (uploads it for S3). */
  publish(): Promise<void>;
  /** Removes the staging area, locally and in the repository. */
  dispose(): Promise<void>;
}

/** Prefix of staging and retired folders: not numeric, so Triton never reads them as versions. */
export const WORK_FOLDER_PREFIX = '.deploy-';
