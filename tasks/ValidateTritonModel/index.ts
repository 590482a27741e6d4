import { requiredString } from '../common/pipeline/inputs';
import { runTask } from '../common/pipeline/run-task';
import { UserError } from '../common/user-error';

// Placeholder until the task's issue lands: it checks its required inputs, then fails plainly.
void runTask(__dirname, () => {
  requiredString('modelRepository');
  throw new UserError('ValidateTritonModel is not available in this build of the extension yet.');
});
