import { UserError } from '../../user-error';
import { MLFLOW } from '../endpoints';
import { hasErrorCode, type MlflowClient } from '../mlflow-client';
import type { Experiment } from '../types';

/**
 * The active experiment of that name, created when missing. A deleted experiment of that
 * name is reported, not recreated: MLflow keeps its name reserved until it is purged.
 */
export async function getOrCreateExperiment(
  client: MlflowClient,
  name: string,
): Promise<{ experiment: Experiment; created: boolean }> {
  const found = await client.find(MLFLOW.getExperimentByName, { experiment_name: name });
  if (found) return { experiment: checkActive(found.experiment), created: false };
  try {
    const { experiment_id } = await client.call(MLFLOW.createExperiment, { name });
    const created = await client.call(MLFLOW.getExperiment, { experiment_id });
    return { experiment: created.experiment, created: true };
  } catch (error) {
    // Another pipeline created it between our read and our create, or our create's answer
    // was lost and the retry met our own experiment: either way it exists now.
    if (hasErrorCode(error, 'RESOURCE_ALREADY_EXISTS')) {
      const again = await client.call(MLFLOW.getExperimentByName, { experiment_name: name });
      return { experiment: checkActive(again.experiment), created: false };
    }
    throw error;
  }
}

function checkActive(experiment: Experiment): Experiment {
  if (experiment.lifecycle_stage === 'deleted') {
    throw new UserError(
      `Input experimentName: the experiment "${experiment.name}" ` +
        `(id ${experiment.experiment_id}) ` +
        `is deleted in MLflow. Restore it (mlflow experiments restore --experiment-id ` +
        `${experiment.experiment_id}) or choose another name.`,
    );
  }
  return experiment;
}
