import { UserError } from '../user-error';

/** What a failed exchange with a server looked like, for messages and for callers' decisions. */
export interface HttpFailure {
  method: string;
  /** URL without credentials. */
  url: string;
  serverName: string;
  /** HTTP status, absent when no answer arrived. */
  status?: number;
  /** MLflow's `error_code`, when the body carried one. */
  errorCode?: string;
  /** The server's own message, or a summary of a non-JSON body. */
  serverMessage?: string;
  /** Node's error code for network failures (ECONNREFUSED, ENOTFOUND, ...). */
  networkCode?: string;
  /** The likely fix, written for the pipeline author. */
  hint?: string;
  /** How many attempts were made. */
  attempts: number;
}

/** A request that failed for good: after retries, or with an answer not worth retrying. */
export class HttpError extends UserError {
  readonly failure: HttpFailure;

  constructor(failure: HttpFailure) {
    super(formatFailure(failure));
    this.name = 'HttpError';
    this.failure = failure;
  }

  get status(): number | undefined {
    return this.failure.status;
  }

  get errorCode(): string | undefined {
    return this.failure.errorCode;
  }
}

function formatFailure(f: HttpFailure): string {
  const what = f.status === undefined ? describeNetworkCode(f.networkCode) : `HTTP ${f.status}`;
  const parts = [`${f.serverName} request ${f.method} ${f.url} failed: ${what}`];
  if (f.errorCode) parts.push(`${f.errorCode}:`);
  if (f.serverMessage) parts.push(f.serverMessage);
  let text = parts.join(' ');
  if (f.attempts > 1) text += ` (after ${f.attempts} attempts)`;
  if (f.hint) text += `. ${f.hint}`;
  return text;
}

function describeNetworkCode(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
      return 'connection reset by the server';
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
    case 'ERR_CONNECT_TIMEOUT':
      return 'timed out';
    case undefined:
      return 'no answer';
    default:
      return code;
  }
}
