import { posix } from 'node:path';

import { joinKey, guessMimeType, locate, requireSafePath } from '../artifact-locations';
import { internalError } from '../errors';
import type { ApiReply } from '../http';
import { jsonReply } from '../http';
import { optionalString, readMessage, requireString } from '../message';
import type { Route, ServerContext } from '../router';
import { readRunId } from './runs';

/** Lists a location's directory as the tracking API does: paths relative to the root. */
export async function listUnder(
  context: ServerContext,
  rootUri: string,
  path: string | undefined,
): Promise<Record<string, unknown>[]> {
  if (path !== undefined) requireSafePath(path);
  const location = locate(context, rootUri);
  if (location === undefined) return [];
  const entries = await location.storage.list(joinKey(location.key, path));
  return entries.map((entry) => {
    const file: Record<string, unknown> = {
      path: path === undefined || path === '' ? entry.name : `${path}/${entry.name}`,
      is_dir: entry.isDir,
    };
    if (!entry.isDir) file.file_size = entry.size;
    return file;
  });
}

/** A file download as MLflow sends it, or its 500 when the file is missing. */
export async function downloadFrom(
  context: ServerContext,
  rootUri: string,
  path: string,
): Promise<ApiReply> {
  requireSafePath(path);
  const location = locate(context, rootUri);
  const key = joinKey(location?.key ?? '', path);
  const data = await location?.storage.get(key);
  if (location === undefined || data === undefined) {
    const message =
      location?.storage.missingFileMessage(key) ??
      `The following failures occurred while downloading one or more artifacts from ${rootUri}`;
    throw internalError(message);
  }
  return fileReply(path, data);
}

/** A file answer with MLflow's content type and attachment header. */
export function fileReply(path: string, data: Buffer): ApiReply {
  return {
    status: 200,
    contentType: guessMimeType(path),
    body: data,
    headers: { 'Content-Disposition': `attachment; filename=${posix.basename(path)}` },
  };
}

/** The version's files: a logged model's location for `models:/`, the run's for `runs:/`. */
export function versionRootUri(context: ServerContext, source: string): string {
  const model = /^models:\/(m-[0-9a-f]+)$/.exec(source);
  if (model?.[1] !== undefined) {
    return context.store.loggedModel(model[1], true).artifactUri;
  }
  const run = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (run?.[1] !== undefined) {
    return joinKey(context.store.run(run[1]).artifactUri, run[2]);
  }
  return source;
}

/** `artifacts/list` of the tracking API and the UI's download routes. */
export const artifactRoutes: Route[] = [
  {
    pattern: 'mlflow/artifacts/list',
    methods: {
      GET: async (request, context) => {
        const message = readMessage(request);
        const run = context.store.run(readRunId(message));
        const path = optionalString(message, 'path');
        const files = await listUnder(context, run.artifactUri, path);
        const json: Record<string, unknown> = { root_uri: run.artifactUri };
        if (files.length > 0) json.files = files;
        return jsonReply(json);
      },
    },
  },
];

/** Routes outside the API prefix that the UI uses to download files. */
export const uiArtifactRoutes: Route[] = [
  {
    pattern: 'get-artifact',
    methods: {
      GET: (request, context) => {
        const message = readMessage(request);
        const run = context.store.run(requireString(message, 'run_uuid'));
        return downloadFrom(context, run.artifactUri, requireString(message, 'path'));
      },
    },
  },
  {
    pattern: 'model-versions/get-artifact',
    methods: {
      GET: (request, context) => {
        const message = readMessage(request);
        const version = context.store.modelVersion(
          requireString(message, 'name'),
          requireString(message, 'version'),
        );
        const root = versionRootUri(context, version.source);
        return downloadFrom(context, root, requireString(message, 'path'));
      },
    },
  },
];
