import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import { isUserError } from '../user-error';

/** What a task's operation reports back to the entry. */
export interface TaskOutcome {
  /** Succeeded, or SucceededWithIssues with the reason. */
  result: 'Succeeded' | 'SucceededWithIssues';
  message: string;
}

/**
 * The only place a task sets its result. Runs the task's story; a UserError fails the task
 * with its message alone; anything else fails it with a short message and the stack in debug.
 */
export async function runTask(taskDir: string, story: () => Promise<TaskOutcome>): Promise<void> {
  const resources = path.join(taskDir, 'task.json');
  if (fs.existsSync(resources)) tl.setResourcePath(resources);
  try {
    const outcome = await story();
    const result =
      outcome.result === 'Succeeded' ? tl.TaskResult.Succeeded : tl.TaskResult.SucceededWithIssues;
    tl.setResult(result, outcome.message);
  } catch (error) {
    tl.setResult(tl.TaskResult.Failed, failureMessage(error));
  }
}

function failureMessage(error: unknown): string {
  if (isUserError(error)) return error.message;
  if (error instanceof Error) {
    // task-lib's own input errors are meant for the user as they stand.
    if (/^(Input required|Not found|Endpoint)/.test(error.message)) return error.message;
    tl.debug(error.stack ?? error.message);
    return `Unexpected error: ${error.message}. Run with system.debug=true for details.`;
  }
  return `Unexpected error: ${String(error)}`;
}
