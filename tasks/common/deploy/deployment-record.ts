/**
 * The small metadata file kept in the model folder: which registry version is deployed there,
 * from where, when and by whom. It is how a later deployment knows there is nothing to do.
 */
import type { ModelStore } from './model-store';

/** File name of the record, at the root of the model folder. */
export const RECORD_FILE = 'mlflow-deployment.json';

/** One deployment, as written to the record file. */
export interface DeploymentRecord {
  registeredModel: string;
  version: string;
  /** `models:/<name>/<version>`. */
  modelUri: string;
  /** The alias the version was deployed through, when one was. */
  alias?: string;
  /** Where the files came from. */
  artifactUri: string;
  /** ISO 8601 time of the deployment. */
  deployedAt: string;
  /** The pipeline run or service that deployed it. */
  deployedBy: string;
  /** The pipeline run's URL, when a pipeline deployed it. */
  buildUrl?: string;
  tritonUrl: string;
}

/** The record of the model folder, or undefined when there is none or it is unreadable. */
export async function readRecord(
  store: ModelStore,
  model: string,
): Promise<DeploymentRecord | undefined> {
  const text = await store.readText(`${model}/${RECORD_FILE}`);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<DeploymentRecord>;
    if (typeof parsed.version !== 'string' || typeof parsed.modelUri !== 'string') {
      return undefined;
    }
    return parsed as DeploymentRecord;
  } catch {
    // A record someone edited by hand is not trusted: the next deployment rewrites it.
    return undefined;
  }
}

/** Writes the record in one piece. */
export async function writeRecord(
  store: ModelStore,
  model: string,
  record: DeploymentRecord,
): Promise<void> {
  await store.writeText(`${model}/${RECORD_FILE}`, `${JSON.stringify(record, null, 2)}\n`);
}
