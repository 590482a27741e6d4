/**
 * How a registered model's files become a Triton model folder: config.pbtxt at the model root
 * and everything else under the version folder named after the registry version.
 */
import { UserError } from '../user-error';

/** Where each artifact file goes, relative to the model folder. */
export interface LayoutPlan {
  /** Artifact path -> path under the model folder, e.g. `model.onnx` -> `3/model.onnx`. */
  files: Map<string, string>;
  /** A config.pbtxt to write when none was logged (a bare ONNX model). */
  generatedConfig?: string;
  /** How the logged files were read, for the log. */
  shape: 'triton-folder' | 'flat-with-config' | 'bare-onnx';
}

const CONFIG = 'config.pbtxt';
const VERSION_FOLDER = /^(\d+)\/(.+)$/;

/**
 * Plans the model folder for one version. Three shapes are accepted: a Triton model folder
 * (config.pbtxt and one numeric version folder), config.pbtxt beside the model files, or a bare
 * ONNX model, for which a minimal config is written as Triton's MLflow plugin does.
 */
export function planLayout(
  artifactPaths: readonly string[],
  tritonModelName: string,
  version: string,
  sourceUri: string,
): LayoutPlan {
  const paths = [...artifactPaths].sort();
  const numbered = new Set(paths.map((p) => VERSION_FOLDER.exec(p)?.[1]).filter(isDefined));
  const hasConfig = paths.includes(CONFIG);

  if (hasConfig && numbered.size > 0) {
    if (numbered.size > 1) {
      throw new UserError(
        `The model at ${sourceUri} holds several version folders (${[...numbered].join(', ')}). ` +
          'A registry version deploys as one Triton version: log a model folder with ' +
          'config.pbtxt and a single version folder, e.g. 1/model.onnx.',
      );
    }
    // Files beside the version folder (config, labels) stay at the model root, as logged.
    const files = new Map<string, string>();
    for (const file of paths) {
      const inside = VERSION_FOLDER.exec(file)?.[2];
      files.set(file, inside === undefined ? file : `${version}/${inside}`);
    }
    return { files, shape: 'triton-folder' };
  }

  const files = new Map<string, string>();
  for (const file of paths) files.set(file, file === CONFIG ? CONFIG : `${version}/${file}`);
  if (hasConfig) return { files, shape: 'flat-with-config' };

  const onnx = paths.filter((file) => !file.includes('/') && file.endsWith('.onnx'));
  if (onnx.length !== 1 || onnx[0] === undefined) {
    throw new UserError(
      `The model at ${sourceUri} has no config.pbtxt and ` +
        (onnx.length === 0 ? 'no ONNX file' : `${onnx.length} ONNX files`) +
        ' at its root, so there is no way to tell Triton how to serve it. Log the model with ' +
        'its config.pbtxt, or log exactly one .onnx file (e.g. with mlflow.onnx.log_model).',
    );
  }
  return {
    files,
    generatedConfig: minimalOnnxConfig(tritonModelName, onnx[0]),
    shape: 'bare-onnx',
  };
}

/** The smallest config that lets Triton serve an ONNX file, filling the rest from the model. */
export function minimalOnnxConfig(tritonModelName: string, onnxFile: string): string {
  const lines = [`name: "${tritonModelName}"`, 'backend: "onnxruntime"'];
  if (onnxFile !== 'model.onnx') lines.push(`default_model_filename: "${onnxFile}"`);
  return `${lines.join('\n')}\n`;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
