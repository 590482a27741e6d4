/**
 * Failed calls to Triton, as the pipeline author should read them: which step failed, what
 * Triton said (its `{"error": ...}` body), and what to do about it.
 */
import { HttpError } from '../../http/http-error';
import { UserError } from '../../user-error';

/** A Triton call that failed: an error answer, or no answer at all. */
export class TritonCallError extends UserError {
  /** HTTP status of Triton's answer; undefined when none arrived. */
  readonly status: number | undefined;
  /** Triton's own message, from its error body. */
  readonly tritonMessage: string | undefined;
  /** The request, as `METHOD url` without credentials. */
  readonly request: string;

  constructor(
    message: string,
    status: number | undefined,
    tritonMessage: string | undefined,
    request: string,
  ) {
    super(message);
    this.name = 'TritonCallError';
    this.status = status;
    this.tritonMessage = tritonMessage;
    this.request = request;
  }

  /** True when the server never answered (refused, unknown host, timed out). */
  get unreachable(): boolean {
    return this.status === undefined;
  }
}

/** Picks the fix for an error answer; undefined to use the general advice. */
export type FixForAnswer = (status: number, tritonMessage: string) => string | undefined;

/**
 * Turns a transport failure into a TritonCallError that starts with `step` (e.g. "Reading the
 * metadata of model 'm'"); anything else is returned as it is.
 */
export function asTritonCallError(error: unknown, step: string, fixFor?: FixForAnswer): unknown {
  if (!(error instanceof HttpError)) return error;
  const failure = error.failure;
  const request = `${failure.method} ${failure.url}`;
  if (failure.status === undefined) {
    return new TritonCallError(`${step} failed: ${error.message}`, undefined, undefined, request);
  }
  const said = failure.serverMessage ?? '(no message)';
  const fix = fixFor?.(failure.status, said) ?? generalFix(failure.status, said);
  const message =
    `${step} failed: Triton answered HTTP ${failure.status}: ${said} (${request}).` +
    (fix === undefined ? '' : ` ${fix}`);
  return new TritonCallError(message, failure.status, failure.serverMessage, request);
}

/** Advice that holds for an answer whatever the call was. */
export function generalFix(status: number, tritonMessage: string): string | undefined {
  if (/unknown model/i.test(tritonMessage)) {
    return (
      "Check the model name and version against the models in Triton's repository " +
      '(POST /v2/repository/index lists them).'
    );
  }
  if (/not at ready state|no available versions/i.test(tritonMessage)) {
    return (
      'The model is not ready on Triton: wait for it, or look at its state in the ' +
      'repository index.'
    );
  }
  if (/explicit model load|polling is enabled/i.test(tritonMessage)) {
    return (
      'Triton does not accept load requests: start it with --model-control-mode=explicit, ' +
      'or deploy the model to its repository and let the task wait for it.'
    );
  }
  if (status === 404 || status === 405) {
    return (
      "The URL does not lead to Triton's KServe v2 HTTP API: give the base URL of Triton's " +
      'HTTP port, e.g. http://triton-staging:8000, without a path.'
    );
  }
  if (status === 401 || status === 403) {
    return "Something in front of Triton refuses the request: check the proxy's access rules.";
  }
  if (status >= 500) return "Look at Triton's log for the cause.";
  return undefined;
}
