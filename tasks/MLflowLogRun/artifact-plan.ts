import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import { joinArtifactPath, normaliseArtifactPath } from '../common/mlflow/artifacts/artifact-path';
import type { PlannedUpload } from '../common/mlflow/artifacts/upload-files';
import { UserError } from '../common/user-error';

/**
 * Expands the artifact patterns into files and their destinations, keeping each file's path
 * relative to the root. A pattern that matches nothing warns, or fails with failOnEmpty.
 */
export function planArtifactUploads(
  artifacts: { patterns: string[]; root: string; destination: string; failOnEmpty: boolean },
  warn: (message: string) => void,
): PlannedUpload[] {
  if (artifacts.patterns.length === 0) return [];
  if (!fs.existsSync(artifacts.root)) {
    throw new UserError(
      `Input artifactsRoot: the folder "${artifacts.root}" does not exist. Give the folder the ` +
        `artifact patterns are relative to.`,
    );
  }
  for (const pattern of artifacts.patterns.filter((p) => !p.startsWith('!'))) {
    if (tl.findMatch(artifacts.root, [pattern]).length === 0) {
      const message =
        `Input artifacts: the pattern "${pattern}" matches no file under ` + `"${artifacts.root}".`;
      if (artifacts.failOnEmpty) throw new UserError(`${message} Fix the pattern or the root.`);
      warn(message);
    }
  }
  const files = tl
    .findMatch(artifacts.root, artifacts.patterns)
    .filter((file) => fs.statSync(file).isFile())
    .sort();
  return files.map((file) => planFile(file, artifacts.root, artifacts.destination, 'artifacts'));
}

/** Every file of a folder, for logging a model directory. */
export function planDirectoryUpload(directory: string, destination: string): PlannedUpload[] {
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new UserError(
      `Input modelDirectory: "${directory}" is not a folder. Give the folder that holds the ` +
        `model files (e.g. model.onnx and config.pbtxt).`,
    );
  }
  const files = fs
    .readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .map((relative) => path.join(directory, relative))
    .filter((file) => fs.statSync(file).isFile())
    .sort();
  if (files.length === 0) {
    throw new UserError(`Input modelDirectory: "${directory}" is empty. Write the model first.`);
  }
  return files.map((file) => planFile(file, directory, destination, 'modelDirectory'));
}

function planFile(file: string, root: string, destination: string, input: string): PlannedUpload {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new UserError(
      `Input ${input}: "${file}" lies outside "${root}". Patterns must stay inside the root.`,
    );
  }
  return {
    localFile: file,
    path: joinArtifactPath(destination, normaliseArtifactPath(relative, `Input ${input}`)),
    size: fs.statSync(file).size,
  };
}
