import type { IncomingHttpHeaders } from 'node:http';

/** One request as the route handlers see it. */
export interface ApiRequest {
  method: string;
  /** Path without the API prefix, e.g. `mlflow/runs/get` or `mlflow-artifacts/artifacts/1/x`. */
  route: string;
  /** Full path as received, percent-encoded, before any normalisation. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Which prefix the request came through: `/api/2.0` or `/ajax-api/2.0`, or '' for UI routes. */
  prefix: string;
}

/** An answer, written by the server after the handler returns. */
export interface ApiReply {
  status: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/** A JSON answer with MLflow's content type. */
export function jsonReply(value: unknown, status = 200): ApiReply {
  return { status, contentType: 'application/json', body: encodeJson(value) };
}

/** A plain-text answer (the 3.x security middleware answers this way). */
export function textReply(status: number, body: string, contentType = 'text/plain'): ApiReply {
  return { status, contentType, body };
}

/** An HTML answer as Flask/Werkzeug writes it. */
export function htmlReply(status: number, body: string): ApiReply {
  return { status, contentType: 'text/html; charset=utf-8', body };
}

/** JSON text in which NaN is the string "NaN", as MLflow's protobuf JSON writes it. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item === 'number' && Number.isNaN(item)) {
        return 'NaN';
      }
      return item;
    },
    2,
  );
}

const werkzeugHead = '<!doctype html>\n<html lang=en>\n';

/** Werkzeug's 404 page, which MLflow returns for any unknown route. */
export const notFoundPage =
  `${werkzeugHead}<title>404 Not Found</title>\n<h1>Not Found</h1>\n` +
  '<p>The requested URL was not found on the server. If you entered the URL manually please ' +
  'check your spelling and try again.</p>\n';

/** Werkzeug's 405 page, for a known route called with the wrong method. */
export const methodNotAllowedPage =
  `${werkzeugHead}<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n` +
  '<p>The method is not allowed for the requested URL.</p>\n';

/** Flask's 500 page, for exceptions MLflow does not catch (S3 errors in the mpu handlers). */
export const internalErrorPage =
  `${werkzeugHead}<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n` +
  '<p>The server encountered an internal error and was unable to complete your request. ' +
  'Either the server is overloaded or there is an error in the application.</p>\n';
