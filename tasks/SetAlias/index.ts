import * as tl from 'azure-pipelines-task-lib/task';
import { MlflowClient } from '../common/mlflow/mlflow-client';
import { setOutput } from '../common/pipeline/outputs';
import { runTask } from '../common/pipeline/run-task';
import { applyAlias } from './operation';
import { readParameters } from './parameters';

void runTask(__dirname, async () => {
  const params = readParameters();
  const client = new MlflowClient(params.connection, (line) => tl.debug(line));
  const outcome = await applyAlias(client, params, (line) => console.log(line));

  setOutput('previousVersion', outcome.previousVersion ?? '');
  setOutput('currentVersion', outcome.currentVersion ?? '');
  console.log(outcome.message);
  if (outcome.auditProblem !== undefined) {
    const warning =
      `The alias moved, but the tags that record who moved it could not be written: ` +
      `${outcome.auditProblem}`;
    // task-lib shows a SucceededWithIssues message as the run's warning.
    return { result: 'SucceededWithIssues', message: `${outcome.message} ${warning}` };
  }
  return { result: 'Succeeded', message: outcome.message };
});
