/**
 * An error whose message is written for the pipeline author: what failed, on which input or
 * server, and what to do. The task entry prints its message alone, without a stack trace.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** True for errors whose message is meant for the user as it stands. */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
