import { UserError } from '../../user-error';

/**
 * Checks a relative artifact path and returns it in normal form (forward slashes, no empty
 * segments). Absolute paths and `..` are refused before anything is sent.
 */
export function normaliseArtifactPath(path: string, what: string): string {
  const forward = path.replace(/\\/g, '/');
  if (forward.startsWith('/') || /^[A-Za-z]:\//.test(forward)) {
    throw new UserError(
      `${what}: "${path}" is an absolute path. Artifact paths are relative to the run's ` +
        `artifact root, e.g. "reports/summary.json".`,
    );
  }
  const segments = forward.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw new UserError(
      `${what}: "${path}" climbs out of the artifact root with "..". Give a path inside it.`,
    );
  }
  return segments.join('/');
}

/** Joins artifact path parts, skipping empty ones. */
export function joinArtifactPath(...parts: string[]): string {
  return parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .join('/');
}

/** Encodes each segment of a path once, so spaces, %, # and non-ASCII names round-trip. */
export function encodeArtifactPath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
