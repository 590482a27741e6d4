import { UserError } from '../../user-error';

/** MLflow's run id rule: a letter or digit, then up to 255 letters, digits, `_` or `-`. */
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;

/** A `runs:/<run id>/<artifact path>` URI taken apart. */
export interface RunsUri {
  runId: string;
  /** Relative path inside the run's artifacts; '' for the artifact root. */
  artifactPath: string;
}

/** True for `runs:/...` URIs. */
export function isRunsUri(uri: string): boolean {
  return /^runs:/i.test(uri);
}

/**
 * Parses `runs:/<run id>/<path>` as MLflow's client does: the first path segment is the run
 * id, the rest the artifact path. Throws a UserError naming the input when it is malformed.
 */
export function parseRunsUri(uri: string, inputName: string): RunsUri {
  const match = /^runs:\/(?!\/)([^/?#]*)\/?([^?#]*)$/i.exec(uri);
  const runId = match?.[1] ?? '';
  if (!match || runId === '') {
    throw new UserError(
      `Input ${inputName}: "${uri}" is not a runs URI MLflow can read. Write it as ` +
        `runs:/<run id>/<artifact path>, e.g. runs:/0fb8d9a7071c4d78ba206cf42e5c7f69/model.`,
    );
  }
  checkRunId(runId, inputName);
  const artifactPath = (match[2] ?? '').split('/').filter(Boolean).join('/');
  return { runId, artifactPath };
}

/** Throws a UserError naming the input when the text cannot be an MLflow run id. */
export function checkRunId(runId: string, inputName: string): void {
  if (RUN_ID.test(runId)) return;
  throw new UserError(
    `Input ${inputName}: "${runId}" is not an MLflow run id. A run id is the 32-character hex ` +
      `id MLflow shows on the run's page (MLflowLogRun leaves it in $(mlflowRunId)).`,
  );
}

/** The logged model id of a `models:/m-<hex>` URI (MLflow 3), else undefined. */
export function loggedModelIdOf(uri: string): string | undefined {
  return /^models:\/(m-[0-9a-f]+)\/?$/i.exec(uri)?.[1];
}

/** True for `models:/...` URIs of any form. */
export function isModelsUri(uri: string): boolean {
  return /^models:/i.test(uri);
}

/**
 * True when a source names a file on the agent rather than a place the MLflow server can read:
 * no scheme, `file:`, or a Windows drive letter (which URL parsers take for a scheme).
 */
export function isLocalPath(uri: string): boolean {
  const scheme = /^([A-Za-z][\w+.-]*):/.exec(uri)?.[1];
  if (scheme === undefined || scheme.length === 1) return true;
  return scheme.toLowerCase() === 'file';
}

/** Appends a relative path to a URI the way MLflow's `append_to_uri_path` does. */
export function appendToUri(base: string, path: string): string {
  if (path === '') return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
