import { invalidParameter, missingParameter, wrongType } from './errors';
import type { ApiRequest } from './http';

/** A request's parameters: the JSON body, or the query string of a GET that has one. */
export type Message = Record<string, unknown>;

/**
 * Reads the parameters the way MLflow's `_get_request_message` does: a GET with a query string
 * is read from the query; anything else from a JSON body, which must be declared as JSON on
 * POST and PUT. Malformed JSON counts as an empty body.
 */
export function readMessage(request: ApiRequest): Message {
  if (request.method === 'GET' && [...request.query.keys()].length > 0) {
    const message: Message = {};
    for (const key of request.query.keys()) {
      const values = request.query.getAll(key);
      message[key] = values.length > 1 ? values : values[0];
    }
    return message;
  }
  requireJsonContentType(request);
  return parseJsonObject(request.body);
}

/** The Content-Type rule of MLflow's handlers: POST and PUT must say application/json. */
export function requireJsonContentType(request: ApiRequest): void {
  if (request.method !== 'POST' && request.method !== 'PUT') {
    return;
  }
  const contentType = request.headers['content-type'];
  if (contentType === undefined) {
    throw invalidParameter('Bad Request. Content-Type header is missing.');
  }
  if (contentType.split(';')[0]?.trim() !== 'application/json') {
    throw invalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
  }
}

function parseJsonObject(body: Buffer): Message {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A required string field; MLflow treats null and '' as missing. */
export function requireString(message: Message, name: string, path = name): string {
  const value = message[name];
  if (value === undefined || value === null || value === '') {
    throw missingParameter(path);
  }
  if (typeof value !== 'string') {
    throw wrongType(path, value);
  }
  return value;
}

/** An optional string field; numbers and booleans are read as their text, as protobuf does. */
export function optionalString(message: Message, name: string): string | undefined {
  const value = message[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** An optional integer field, accepting numbers and digit strings (query values are strings). */
export function optionalInteger(message: Message, name: string): number | undefined {
  const value = message[name];
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  const parsed = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'boolean' || !Number.isInteger(parsed)) {
    throw wrongType(name, value);
  }
  return parsed;
}

/** An optional list field; a single query value becomes a one-item list. */
export function optionalList(message: Message, name: string): unknown[] {
  const value = message[name];
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** Key/value pairs such as tags and params, validated with MLflow's field paths. */
export function readKeyValues(message: Message, name: string): { key: string; value: string }[] {
  return optionalList(message, name).map((item, index) => {
    const entry = isRecord(item) ? item : {};
    const key = requireString(entry, 'key', `${name}[${index}].key`);
    const value = optionalString(entry, 'value') ?? '';
    return { key, value };
  });
}

/** Python's repr of a JSON value, as MLflow messages print request values. */
export function pythonRepr(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([key, item]) => `'${key}': ${pythonRepr(item)}`).join(', ')}}`;
}
