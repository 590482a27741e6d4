import * as tl from 'azure-pipelines-task-lib/task';
import { setOutput } from '../common/pipeline/outputs';
import { runTask } from '../common/pipeline/run-task';
import { deployToTriton } from './operation';
import { readParameters } from './parameters';

void runTask(__dirname, async () => {
  const params = readParameters();
  const log = {
    info: (line: string) => console.log(line),
    warning: (line: string) => tl.warning(line),
  };
  const outcome = await deployToTriton(params, log, (line) => tl.debug(line));

  setOutput('deployedVersion', outcome.version);
  setOutput('previousVersion', outcome.previousVersion ?? '');
  setOutput('modelUri', outcome.modelUri);
  setOutput('changed', String(outcome.changed));
  if (outcome.removedVersions.length > 0) {
    console.log(`Removed older versions: ${outcome.removedVersions.join(', ')}.`);
  }
  if (outcome.warnings.length > 0) {
    return {
      result: 'SucceededWithIssues',
      message: `${outcome.message} ${outcome.warnings.join(' ')}`,
    };
  }
  return { result: 'Succeeded', message: outcome.message };
});
