/**
 * Triton's error codes, the HTTP status its HTTP server answers for each (HttpCodeFromError in
 * server/src/http_server.cc) and the prefix its Status::AsString puts in front of a reason.
 */

/** TRITONSERVER_Error_Code, by the name Triton's core uses. */
export type TritonErrorCode =
  | 'UNKNOWN'
  | 'INTERNAL'
  | 'NOT_FOUND'
  | 'INVALID_ARG'
  | 'UNAVAILABLE'
  | 'UNSUPPORTED'
  | 'ALREADY_EXISTS'
  | 'CANCELLED';

const HTTP_STATUS: Record<TritonErrorCode, number> = {
  UNKNOWN: 400,
  INTERNAL: 500,
  NOT_FOUND: 404,
  INVALID_ARG: 400,
  UNAVAILABLE: 503,
  UNSUPPORTED: 501,
  ALREADY_EXISTS: 400,
  CANCELLED: 400,
};

const CODE_TEXT: Record<TritonErrorCode, string> = {
  UNKNOWN: 'Unknown',
  INTERNAL: 'Internal',
  NOT_FOUND: 'Not found',
  INVALID_ARG: 'Invalid argument',
  UNAVAILABLE: 'Unavailable',
  UNSUPPORTED: 'Unsupported',
  ALREADY_EXISTS: 'Already exists',
  CANCELLED: 'Cancelled',
};

/** An error as Triton's core reports it: a code and a message. */
export class TritonError extends Error {
  constructor(
    readonly code: TritonErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TritonError';
  }

  /** The HTTP status Triton's HTTP endpoint sends for this error. */
  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  /** The error as Status::AsString writes it into a model's state reason. */
  asStatusString(): string {
    return `${CODE_TEXT[this.code]}: ${this.message}`;
  }

  /** A copy of this error with a prefix on its message, keeping the code. */
  withPrefix(prefix: string): TritonError {
    return new TritonError(this.code, `${prefix}: ${this.message}`);
  }
}

/** Turns anything thrown into a TritonError, treating unknown errors as internal ones. */
export function asTritonError(error: unknown): TritonError {
  if (error instanceof TritonError) {
    return error;
  }
  return new TritonError('INTERNAL', error instanceof Error ? error.message : String(error));
}
