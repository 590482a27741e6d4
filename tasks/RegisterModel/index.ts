import * as tl from 'azure-pipelines-task-lib/task';
import { MlflowClient } from '../common/mlflow/mlflow-client';
import { uploadBuildSummary } from '../common/pipeline/build-summary';
import { setOutput } from '../common/pipeline/outputs';
import { runTask } from '../common/pipeline/run-task';
import { registerModel } from './operation';
import { readParameters } from './parameters';
import { summaryMarkdown } from './summary';

void runTask(__dirname, async () => {
  const params = readParameters();
  const client = new MlflowClient(params.connection, (line) => tl.debug(line));
  const outcome = await registerModel(client, params, (line) => console.log(line));

  const version = outcome.version.version;
  setOutput('modelVersion', version);
  setOutput('modelUri', outcome.modelUri);
  setOutput('registeredModelName', outcome.name);
  uploadBuildSummary('register-model', summaryMarkdown(outcome));

  const alias = outcome.alias ? `; alias "${outcome.alias.name}" points to it` : '';
  const reused = outcome.how === 'reused' ? ', reused from an earlier attempt of this run' : '';
  return {
    result: 'Succeeded',
    message: `${outcome.modelUri} is READY (${outcome.versionUrl})${reused}${alias}.`,
  };
});
