import { posix } from 'node:path';

import { joinKey, requireSafePath } from '../artifact-locations';
import type { ArtifactStorage } from '../artifact-storage';
import { MlflowApiError, RawReplyError, internalError, missingParameter } from '../errors';
import { type ApiReply, type ApiRequest, htmlReply, jsonReply } from '../http';
import {
  isRecord,
  optionalInteger,
  optionalString,
  readMessage,
  requireJsonContentType,
  requireString,
} from '../message';
import type { Route, ServerContext } from '../router';
import { fileReply } from './artifacts';

/** The 503 every proxy route gives when the server runs with `--no-serve-artifacts`. */
function notServed(request: ApiRequest, rule: string): RawReplyError {
  const endpoint = `${request.prefix}/mlflow-artifacts/${rule}`;
  return new RawReplyError(
    htmlReply(
      503,
      `Endpoint: ${endpoint} disabled due to the mlflow server running with ` +
        '`--no-serve-artifacts`. To enable artifacts server functionality, run `mlflow server` ' +
        'with `--serve-artifacts`',
    ),
  );
}

function servedStorage(request: ApiRequest, context: ServerContext, rule: string): ArtifactStorage {
  if (context.storage === undefined) {
    throw notServed(request, rule);
  }
  return context.storage;
}

const fileRule = 'artifacts/<path:artifact_path>';

async function listArtifacts(request: ApiRequest, context: ServerContext): Promise<ApiReply> {
  const storage = servedStorage(request, context, 'artifacts');
  const path = request.query.get('path') ?? '';
  requireSafePath(path);
  const entries = await storage.list(path);
  if (entries.length === 0) return jsonReply({});
  const files = entries.map((entry) =>
    entry.isDir
      ? { path: entry.name, is_dir: true }
      : { path: entry.name, is_dir: false, file_size: entry.size },
  );
  return jsonReply({ files });
}

async function download(
  request: ApiRequest,
  context: ServerContext,
  key: string,
): Promise<ApiReply> {
  const storage = servedStorage(request, context, fileRule);
  requireSafePath(key);
  const data = await storage.get(key);
  if (data === undefined) {
    throw internalError(storage.missingFileMessage(key));
  }
  return fileReply(key, data);
}

async function upload(request: ApiRequest, context: ServerContext, key: string): Promise<ApiReply> {
  const storage = servedStorage(request, context, fileRule);
  requireSafePath(key);
  await storage.put(key, request.body);
  return jsonReply({});
}

async function remove(request: ApiRequest, context: ServerContext, key: string): Promise<ApiReply> {
  const storage = servedStorage(request, context, fileRule);
  requireSafePath(key);
  await storage.delete(key);
  return jsonReply({});
}

function multipartOf(storage: ArtifactStorage): NonNullable<ArtifactStorage['multipart']> {
  if (storage.multipart === undefined) {
    throw new MlflowApiError(
      'NOT_IMPLEMENTED',
      'Multipart upload is not supported for the current artifact repository',
    );
  }
  return storage.multipart;
}

/** Reads an mpu body: JSON required, then the directory in the URL checked. */
function mpuRequest(
  request: ApiRequest,
  context: ServerContext,
  action: string,
  dir: string,
): { storage: ArtifactStorage; message: Record<string, unknown>; key: string } {
  const storage = servedStorage(request, context, `mpu/${action}/<path:artifact_path>`);
  requireJsonContentType(request);
  const message = readMessage(request);
  const path = requireString(message, 'path');
  requireSafePath(dir);
  return { storage, message, key: joinKey(dir, posix.basename(path)) };
}

async function mpuCreate(
  request: ApiRequest,
  context: ServerContext,
  dir: string,
): Promise<ApiReply> {
  const { storage, message, key } = mpuRequest(request, context, 'create', dir);
  const numParts = optionalInteger(message, 'num_parts') ?? 0;
  const created = await multipartOf(storage).create(key, numParts);
  const json: Record<string, unknown> = { upload_id: created.uploadId };
  if (created.parts.length > 0) json.credentials = created.parts;
  return jsonReply(json);
}

async function mpuComplete(
  request: ApiRequest,
  context: ServerContext,
  dir: string,
): Promise<ApiReply> {
  const { storage, message, key } = mpuRequest(request, context, 'complete', dir);
  const uploadId = requireString(message, 'upload_id');
  if (!Array.isArray(message.parts)) {
    throw missingParameter('parts');
  }
  const parts = message.parts.filter(isRecord).map((part) => ({
    partNumber: Number(part.part_number),
    etag: optionalString(part, 'etag') ?? '',
  }));
  await multipartOf(storage).complete(key, uploadId, parts);
  return jsonReply({});
}

async function mpuAbort(
  request: ApiRequest,
  context: ServerContext,
  dir: string,
): Promise<ApiReply> {
  const { storage, message, key } = mpuRequest(request, context, 'abort', dir);
  await multipartOf(storage).abort(key, requireString(message, 'upload_id'));
  return jsonReply({});
}

/** The artifact proxy under `mlflow-artifacts/`. */
export const proxyRoutes: Route[] = [
  { pattern: 'mlflow-artifacts/artifacts', methods: { GET: listArtifacts } },
  {
    pattern: /^mlflow-artifacts\/artifacts\/(.+)$/,
    methods: {
      GET: (request, context, match) => download(request, context, match[1] ?? ''),
      PUT: (request, context, match) => upload(request, context, match[1] ?? ''),
      DELETE: (request, context, match) => remove(request, context, match[1] ?? ''),
    },
  },
  {
    pattern: /^mlflow-artifacts\/mpu\/create\/(.+)$/,
    methods: { POST: (request, context, match) => mpuCreate(request, context, match[1] ?? '') },
  },
  {
    pattern: /^mlflow-artifacts\/mpu\/complete\/(.+)$/,
    methods: { POST: (request, context, match) => mpuComplete(request, context, match[1] ?? '') },
  },
  {
    pattern: /^mlflow-artifacts\/mpu\/abort\/(.+)$/,
    methods: { POST: (request, context, match) => mpuAbort(request, context, match[1] ?? '') },
  },
];
