/**
 * Downloads a version's files into a staging folder laid out as a Triton model folder, where
 * nothing Triton reads can see them until they are complete and checked.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArtifactRepository } from '../mlflow/artifacts/artifact-repository';
import { UserError } from '../user-error';
import { planLayout, type LayoutPlan } from './triton-layout';

/** The staged model folder and how it was laid out. */
export interface StagedModel {
  /** `<staging>/<tritonModelName>`, holding config.pbtxt and the version folder. */
  modelDir: string;
  plan: LayoutPlan;
  bytes: number;
}

/** Lists the artifact root, plans the layout and downloads every file into `stagingDir`. */
export async function stageModel(
  repository: ArtifactRepository,
  stagingDir: string,
  tritonModelName: string,
  version: string,
): Promise<StagedModel> {
  const listed = await repository.listFiles('');
  if (listed.length === 0) {
    throw new UserError(
      `The version's artifact location ${repository.rootUri} holds no files. The upload of the ` +
        'model may have failed: log and register the model again.',
    );
  }
  const plan = planLayout(
    listed.map((file) => file.path),
    tritonModelName,
    version,
    repository.rootUri,
  );
  const modelDir = path.join(stagingDir, tritonModelName);
  let bytes = 0;
  for (const file of listed) {
    const target = plan.files.get(file.path);
    if (target === undefined) continue;
    const local = path.join(modelDir, ...target.split('/'));
    if (!local.startsWith(modelDir + path.sep)) {
      throw new UserError(
        `The artifact path "${file.path}" at ${repository.rootUri} leaves the model folder; ` +
          'refusing to write it. Log the model again without ".." in its file names.',
      );
    }
    await mkdir(path.dirname(local), { recursive: true });
    await pipeline(await repository.download(file.path), createWriteStream(local));
    bytes += file.size;
  }
  if (plan.generatedConfig !== undefined) {
    await writeFile(path.join(modelDir, 'config.pbtxt'), plan.generatedConfig);
  }
  return { modelDir, plan, bytes };
}
