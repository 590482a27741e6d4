/**
 * Small helpers for the Triton test server's tests: a temporary repository, plain HTTP calls
 * and a builder for binary tensor data requests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** A response, with the body as text and as bytes. */
export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
}

/** Creates an empty model repository folder; call the returned function to delete it. */
export async function tempRepository(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'triton-test-repo-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Sends a request and reads the whole response. */
export async function call(
  url: string,
  method: 'GET' | 'POST',
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const response = await fetch(url, { method, body, headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, text: bytes.toString(), bytes };
}

/** POSTs a JSON value. */
export function postJson(url: string, value: unknown): Promise<HttpResult> {
  return call(url, 'POST', JSON.stringify(value), { 'Content-Type': 'application/json' });
}

/** Parses a JSON response body. */
export function json<T>(result: HttpResult): T {
  return JSON.parse(result.text) as T;
}

/** Builds a body of JSON header + binary tensor data and its Inference-Header-Content-Length. */
export function binaryRequest(
  header: unknown,
  blobs: readonly Buffer[],
): { body: Buffer; headers: Record<string, string> } {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  return {
    body: Buffer.concat([head, ...blobs]),
    headers: {
      'Content-Type': 'application/octet-stream',
      'Inference-Header-Content-Length': String(head.length),
    },
  };
}

/** Splits a binary response into its JSON header and the bytes after it. */
export function splitBinaryResponse<T>(result: HttpResult): { header: T; data: Buffer } {
  const length = Number(result.headers.get('inference-header-content-length'));
  return {
    header: JSON.parse(result.bytes.subarray(0, length).toString('utf8')) as T,
    data: result.bytes.subarray(length),
  };
}

/** Encodes strings as BYTES tensor data: each a 4-byte little-endian length, then the bytes. */
export function bytesTensor(values: readonly string[]): Buffer {
  return Buffer.concat(
    values.flatMap((v) => {
      const data = Buffer.from(v, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(data.length, 0);
      return [length, data];
    }),
  );
}
