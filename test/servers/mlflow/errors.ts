import { type ApiReply, htmlReply, internalErrorPage, jsonReply } from './http';

/** MLflow's error codes, with the HTTP status the server maps each to. */
export const errorStatus = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
} as const;

/** An MLflow error code the test server can answer with. */
export type ErrorCode = keyof typeof errorStatus;

/** An error that becomes MLflow's JSON body `{error_code, message}`. */
export class MlflowApiError extends Error {
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The answer the real server gives for this error. */
  toReply(): ApiReply {
    return jsonReply(
      { error_code: this.errorCode, message: this.message },
      errorStatus[this.errorCode],
    );
  }
}

/** An error whose answer is not JSON (HTML 500 pages, 503 texts, 403 texts). */
export class RawReplyError extends Error {
  constructor(readonly reply: ApiReply) {
    super(`HTTP ${reply.status}`);
  }
}

const apiDocsHint = ' See the API docs for more information about request parameters.';

/** 400 INVALID_PARAMETER_VALUE with the given message. */
export function invalidParameter(message: string): MlflowApiError {
  return new MlflowApiError('INVALID_PARAMETER_VALUE', message);
}

/** The schema validator's message for a required field that is absent. */
export function missingParameter(name: string): MlflowApiError {
  return invalidParameter(`Missing value for required parameter '${name}'.${apiDocsHint}`);
}

/** The schema validator's message for a field of the wrong type (3.x and the mpu handlers). */
export function wrongType(name: string, value: unknown): MlflowApiError {
  const shown = JSON.stringify(value);
  const pythonType = pythonTypeName(value);
  return invalidParameter(
    `Invalid value ${shown} for parameter '${name}' supplied:  Hint: Value was of type ` +
      `'${pythonType}'.${apiDocsHint}`,
  );
}

function pythonTypeName(value: unknown): string {
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'NoneType';
  return 'dict';
}

/** 404 RESOURCE_DOES_NOT_EXIST. */
export function notFound(message: string): MlflowApiError {
  return new MlflowApiError('RESOURCE_DOES_NOT_EXIST', message);
}

/** 400 RESOURCE_ALREADY_EXISTS. */
export function alreadyExists(message: string): MlflowApiError {
  return new MlflowApiError('RESOURCE_ALREADY_EXISTS', message);
}

/** 500 INTERNAL_ERROR as JSON. */
export function internalError(message: string): MlflowApiError {
  return new MlflowApiError('INTERNAL_ERROR', message);
}

/** Flask's HTML 500, for errors MLflow lets escape (botocore errors in the mpu handlers). */
export function uncaughtServerError(): RawReplyError {
  return new RawReplyError(htmlReply(500, internalErrorPage));
}
