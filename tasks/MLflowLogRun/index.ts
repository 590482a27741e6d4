import * as tl from 'azure-pipelines-task-lib/task';
import { runTask } from '../common/pipeline/run-task';
import { logTrainingRun } from './operation';
import { readParameters } from './parameters';

const log = {
  info: (line: string): void => console.log(line),
  warning: (line: string): void => tl.warning(line),
};

void runTask(__dirname, () => logTrainingRun(readParameters(log.warning), log));
