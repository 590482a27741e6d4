/**
 * Triton's platform and backend names, their default model files, and the auto-completion
 * Triton applies when a config leaves platform, backend or default_model_filename out (core
 * AutoCompleteBackendFields), so the rules judge the model as Triton will see it.
 */
import { EffectiveModel } from './rule-context';

/** Platform names Triton's core knows. */
export const PLATFORMS = [
  'tensorrt_plan',
  'tensorflow_graphdef',
  'tensorflow_savedmodel',
  'onnxruntime_onnx',
  'pytorch_libtorch',
  'torch_aoti',
  'ensemble',
] as const;

/** Backends shipped by Triton or commonly installed next to it. */
export const KNOWN_BACKENDS = [
  'tensorrt',
  'onnxruntime',
  'pytorch',
  'tensorflow',
  'openvino',
  'python',
  'fil',
  'dali',
  'vllm',
  'tensorrtllm',
  'identity',
  'repeat',
  'square',
] as const;

/** The backend family each core platform belongs to (Triton's GetBackendTypeFromPlatform). */
export const PLATFORM_BACKEND: Readonly<Record<string, string>> = {
  tensorflow_graphdef: 'tensorflow',
  tensorflow_savedmodel: 'tensorflow',
  tensorrt_plan: 'tensorrt',
  onnxruntime_onnx: 'onnxruntime',
  pytorch_libtorch: 'pytorch',
  torch_aoti: 'pytorch',
};

/** Backends whose platform must match (Triton's GetBackendType knows only these). */
export const TYPED_BACKENDS: ReadonlySet<string> = new Set([
  'tensorflow',
  'tensorrt',
  'onnxruntime',
  'pytorch',
]);

/** Default model file per backend, or per platform where the platform decides. */
export const DEFAULT_MODEL_FILES: Readonly<Record<string, string>> = {
  tensorflow_graphdef: 'model.graphdef',
  tensorflow_savedmodel: 'model.savedmodel',
  tensorrt: 'model.plan',
  onnxruntime: 'model.onnx',
  openvino: 'model.xml',
  pytorch: 'model.pt',
  torch_aoti: 'model.pt2',
  python: 'model.py',
};

/** Entries of the version folder Triton inspects: name to file or folder. */
export type FolderEntries = ReadonlyMap<string, 'file' | 'dir'>;

/**
 * Fills in name, platform, backend and default_model_filename the way Triton does before it
 * validates a config. `entries` is the content of the first version folder, when known.
 */
export function autoCompleteModel(
  written: EffectiveModel,
  folderName: string | undefined,
  entries: FolderEntries | undefined,
): EffectiveModel {
  const m = { ...written };
  if (m.name === '' && folderName !== undefined) m.name = folderName;
  const hasVersion = entries !== undefined;
  const isFile = (name: string): boolean => entries?.get(name) === 'file';
  const isDir = (name: string): boolean => entries?.get(name) === 'dir';
  const nothingWritten = (): boolean => m.platform === '' && m.defaultModelFilename === '';

  if (m.platform === '' && (m.backend === '' || m.backend === 'tensorflow')) {
    if (m.defaultModelFilename === 'model.savedmodel') m.platform = 'tensorflow_savedmodel';
    else if (m.defaultModelFilename === 'model.graphdef') m.platform = 'tensorflow_graphdef';
    else if (m.defaultModelFilename === '' && hasVersion) {
      if (isDir('model.savedmodel')) m.platform = 'tensorflow_savedmodel';
      if (isFile('model.graphdef')) m.platform = 'tensorflow_graphdef';
    }
  }
  if (m.platform === 'tensorflow_savedmodel' || m.platform === 'tensorflow_graphdef') {
    if (m.backend === '') m.backend = 'tensorflow';
    if (m.defaultModelFilename === '')
      m.defaultModelFilename = DEFAULT_MODEL_FILES[m.platform] ?? '';
    return m;
  }

  if (m.backend === '') {
    if (m.platform === 'tensorrt_plan' || m.defaultModelFilename === 'model.plan') {
      m.backend = 'tensorrt';
    } else if (nothingWritten() && isFile('model.plan')) m.backend = 'tensorrt';
  }
  if (m.backend === 'tensorrt') {
    if (m.platform === '') m.platform = 'tensorrt_plan';
    if (m.defaultModelFilename === '') m.defaultModelFilename = 'model.plan';
    return m;
  }

  if (m.backend === '') {
    if (m.platform === 'onnxruntime_onnx' || m.defaultModelFilename === 'model.onnx') {
      m.backend = 'onnxruntime';
    } else if (nothingWritten() && entries?.has('model.onnx') === true) m.backend = 'onnxruntime';
  }
  if (m.backend === 'onnxruntime') {
    if (m.platform === '') m.platform = 'onnxruntime_onnx';
    if (m.defaultModelFilename === '') m.defaultModelFilename = 'model.onnx';
    return m;
  }

  if (m.backend === '') {
    if (m.defaultModelFilename === 'model.xml') m.backend = 'openvino';
    else if (nothingWritten() && entries?.has('model.xml') === true) m.backend = 'openvino';
  }
  if (m.backend === 'openvino') {
    if (m.defaultModelFilename === '') m.defaultModelFilename = 'model.xml';
    return m;
  }

  if (m.backend === '') {
    if (
      m.platform === 'pytorch_libtorch' ||
      m.platform === 'libtorch' ||
      m.defaultModelFilename === 'model.pt'
    ) {
      m.backend = 'pytorch';
    } else if (m.platform === 'torch_aoti' || m.defaultModelFilename === 'model.pt2') {
      m.backend = 'pytorch';
    } else if (nothingWritten() && isFile('model.pt')) {
      m.backend = 'pytorch';
      m.platform = 'pytorch_libtorch';
    } else if (nothingWritten() && isFile('model.pt2')) {
      m.backend = 'pytorch';
      m.platform = 'torch_aoti';
    }
  }
  if (m.backend === 'pytorch') {
    if (m.platform === '') {
      m.platform = 'pytorch_libtorch';
      if (m.defaultModelFilename === '') m.defaultModelFilename = 'model.pt';
    } else if (m.platform === 'torch_aoti' && m.defaultModelFilename === '') {
      m.defaultModelFilename = 'model.pt2';
    }
    return m;
  }

  if (m.backend === '') {
    if (m.defaultModelFilename === 'model.py') m.backend = 'python';
    else if (nothingWritten() && entries?.has('model.py') === true) m.backend = 'python';
  }
  if (m.backend === 'python') {
    if (m.defaultModelFilename === '') m.defaultModelFilename = 'model.py';
    return m;
  }

  // A custom backend is named by the model name's suffix: model "m.mybackend".
  if (m.backend === '' && nothingWritten() && hasVersion) {
    const dot = m.name.indexOf('.');
    if (dot >= 0) {
      m.backend = m.name.slice(dot + 1);
      m.defaultModelFilename = `model.${m.backend}`;
    }
  }
  return m;
}
