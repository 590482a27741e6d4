/**
 * Puts a staged version into the model folder as a journal of moves that can be undone: the
 * files it replaces and the newer versions that would outrank it are moved aside, not deleted,
 * until the deployment is known to be good.
 */
import { type ModelStore, WORK_FOLDER_PREFIX } from './model-store';

/** A version in place, to be kept or undone. */
export interface Installation {
  /** Deletes what was moved aside; the new state stays. */
  commit(): Promise<void>;
  /** Moves everything back; the model folder is as it was before. */
  rollback(): Promise<void>;
}

/**
 * Moves `<stagedModel>/<version>` and the staged root files (config.pbtxt, labels) into
 * `<model>/`, after moving aside what they replace and the versions listed in `retire`.
 */
export async function installVersion(
  store: ModelStore,
  model: string,
  stagedModel: string,
  version: string,
  retire: readonly string[],
  id: string,
): Promise<Installation> {
  const aside = `${model}/${WORK_FOLDER_PREFIX}retired-${id}`;
  const journal: { from: string; to: string }[] = [];
  const move = async (from: string, to: string): Promise<void> => {
    await store.move(from, to);
    journal.push({ from, to });
  };
  const undo = async (): Promise<void> => {
    for (const step of [...journal].reverse()) await store.move(step.to, step.from);
    journal.length = 0;
    await store.remove(aside);
  };

  try {
    const current = await store.list(model);
    const staged = await store.list(stagedModel);
    const stagedRootFiles = [...staged].filter(([, kind]) => kind === 'file').map(([n]) => n);
    for (const name of [...retire, version, ...stagedRootFiles]) {
      if (current.has(name)) await move(`${model}/${name}`, `${aside}/${name}`);
    }
    await move(`${stagedModel}/${version}`, `${model}/${version}`);
    for (const name of stagedRootFiles) await move(`${stagedModel}/${name}`, `${model}/${name}`);
  } catch (error) {
    await undo();
    throw error;
  }
  return { commit: () => store.remove(aside), rollback: undo };
}
