import { UserError } from '../../user-error';
import type { ArtifactRepository } from './artifact-repository';

/** A local file and where it goes under the artifact root. */
export interface PlannedUpload {
  localFile: string;
  path: string;
  size: number;
}

/** Uploads the files, a few at a time, each streamed from disk. */
export async function uploadFiles(
  repository: ArtifactRepository,
  uploads: PlannedUpload[],
  concurrency = 4,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < uploads.length) {
      const upload = uploads[next++];
      if (upload) await repository.upload(upload.localFile, upload.path, upload.size);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, uploads.length) }, worker));
}

/** Lists what arrived and fails, naming the files, when any is missing or of another size. */
export async function verifyUploaded(
  repository: ArtifactRepository,
  uploads: PlannedUpload[],
  directory: string,
): Promise<void> {
  if (uploads.length === 0) return;
  const listed = new Map(
    (await repository.listFiles(directory)).map((file) => [file.path, file.size]),
  );
  const problems = uploads
    .filter((upload) => listed.get(upload.path) !== upload.size)
    .map((upload) => {
      const size = listed.get(upload.path);
      return size === undefined
        ? `${upload.path} is missing`
        : `${upload.path} has ${size} bytes instead of ${upload.size}`;
    });
  if (problems.length > 0) {
    throw new UserError(
      `After upload, ${repository.rootUri} does not hold what was sent: ` +
        `${problems.slice(0, 10).join('; ')}. Check the artifact store's free space and logs, ` +
        `then run the step again.`,
    );
  }
}
