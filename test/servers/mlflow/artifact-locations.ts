import { posix } from 'node:path';

import type { ArtifactStorage } from './artifact-storage';
import { invalidParameter } from './errors';
import type { ServerContext } from './router';

/** Where an artifact URI's files are: a storage and the key of the URI's root in it. */
export interface ArtifactLocation {
  storage: ArtifactStorage;
  key: string;
}

/** Resolves `mlflow-artifacts:/...` to the proxy's destination and `s3://...` to S3. */
export function locate(context: ServerContext, uri: string): ArtifactLocation | undefined {
  const proxied = /^mlflow-artifacts:\/*(.*)$/.exec(uri);
  if (proxied !== null) {
    return context.storage === undefined
      ? undefined
      : { storage: context.storage, key: proxied[1] ?? '' };
  }
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (s3 !== null && context.s3 !== undefined) {
    return { storage: context.s3.storage(s3[1] ?? '', s3[2] ?? ''), key: '' };
  }
  return undefined;
}

/** Joins a key and a relative path without normalising (S3 keys keep double slashes). */
export function joinKey(key: string, relative: string | undefined): string {
  if (relative === undefined || relative === '') return key;
  return key === '' ? relative : `${key}/${relative}`;
}

/** MLflow's `validate_path_is_safe`: no `..` segments, no absolute or drive paths. */
export function requireSafePath(path: string): void {
  const segments = path.split(/[\\/]/);
  if (
    segments.includes('..') ||
    path.startsWith('/') ||
    /^[A-Za-z]:/.test(path) ||
    path.includes('\0')
  ) {
    throw invalidParameter('Invalid path');
  }
}

const textExtensions = new Set([
  'txt',
  'log',
  'err',
  'cfg',
  'conf',
  'cnf',
  'cf',
  'ini',
  'properties',
  'prop',
  'hocon',
  'toml',
  'yaml',
  'yml',
  'xml',
  'json',
  'js',
  'py',
  'py3',
  'csv',
  'tsv',
  'md',
  'rst',
  'MLmodel',
  'mlproject',
]);

const knownTypes: Record<string, string> = {
  html: 'text/html',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  gz: 'application/gzip',
  zip: 'application/zip',
  tar: 'application/x-tar',
};

/** The Content-Type MLflow's `_guess_mime_type` gives a downloaded file. */
export function guessMimeType(path: string): string {
  const name = posix.basename(path);
  const extension = posix.extname(name).replace('.', '') || name;
  if (textExtensions.has(extension)) return 'text/plain';
  return knownTypes[extension.toLowerCase()] ?? 'application/octet-stream';
}
