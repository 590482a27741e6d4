/**
 * Rules on what the model is: its name, platform and backend pair, and max_batch_size (Triton
 * core ValidateModelConfig), with hints for the usual mix-ups of platform and backend names.
 */
import { child, lastEntry, nums, positionOf, scalar } from './pbtxt-ast';
import { KNOWN_BACKENDS, PLATFORM_BACKEND, PLATFORMS, TYPED_BACKENDS } from './platforms';
import { modelLabel, RuleContext } from './rule-context';
import { closestMatch } from './suggest';

/** What to write instead of a backend name used as a platform, and vice versa. */
const PLATFORM_MIXUPS: Readonly<Record<string, string>> = {
  python: 'Write backend: "python" (python is a backend, not a platform)',
  onnxruntime: 'Write platform: "onnxruntime_onnx", or backend: "onnxruntime"',
  tensorrt: 'Write platform: "tensorrt_plan", or backend: "tensorrt"',
  pytorch: 'Write platform: "pytorch_libtorch", or backend: "pytorch"',
  tensorflow: 'Write platform: "tensorflow_savedmodel" (or "tensorflow_graphdef")',
  openvino: 'Write backend: "openvino" (openvino is a backend, not a platform)',
  fil: 'Write backend: "fil"',
};

const BACKEND_MIXUPS: Readonly<Record<string, string>> = {
  tensorrt_plan: 'Write platform: "tensorrt_plan", or backend: "tensorrt"',
  onnxruntime_onnx: 'Write platform: "onnxruntime_onnx", or backend: "onnxruntime"',
  pytorch_libtorch: 'Write platform: "pytorch_libtorch", or backend: "pytorch"',
  tensorflow_savedmodel: 'Write platform: "tensorflow_savedmodel", or backend: "tensorflow"',
  tensorflow_graphdef: 'Write platform: "tensorflow_graphdef", or backend: "tensorflow"',
  ensemble: 'Write platform: "ensemble" and no backend',
};

/** The model must have a name, and a platform/backend pair Triton can load. */
export function checkPlatformAndBackend(ctx: RuleContext): void {
  const { config, effective } = ctx;
  const platformAt = positionOf(config, lastEntry(config, 'platform') ? 'platform' : 'backend');
  const backendAt = positionOf(config, lastEntry(config, 'backend') ? 'backend' : 'platform');
  const written = scalar(config, 'backend')?.value ?? '';

  if (typeof written === 'string' && BACKEND_MIXUPS[written] !== undefined) {
    ctx.report(
      'error',
      'config.backend',
      backendAt,
      `backend "${written}" is a platform name; Triton looks for a backend library ` +
        `libtriton_${written}.so and finds none.`,
      `${BACKEND_MIXUPS[written]}.`,
    );
    return;
  }

  if (effective.backend === '') {
    reportMissingBackend(ctx, platformAt);
    return;
  }
  if (effective.platform === 'ensemble') {
    ctx.report(
      'error',
      'config.platform-backend',
      backendAt,
      `Ensemble ${modelLabel(ctx)} must have platform type 'ensemble' and an empty backend ` +
        `type (got backend "${effective.backend}").`,
      'Remove the backend line: an ensemble runs on Triton itself.',
    );
    return;
  }

  const family = PLATFORM_BACKEND[effective.platform];
  if (TYPED_BACKENDS.has(effective.backend) && family !== effective.backend) {
    ctx.report(
      'error',
      'config.platform-backend',
      platformAt,
      `unexpected 'platform' and 'backend' pair, got: ${effective.platform || '(none)'}, ` +
        `${effective.backend}.`,
      platformFix(effective.platform, effective.backend),
    );
    return;
  }

  const known: readonly string[] = KNOWN_BACKENDS;
  if (!known.includes(effective.backend)) {
    const near = closestMatch(effective.backend, KNOWN_BACKENDS);
    if (near !== undefined) {
      ctx.report(
        'warning',
        'config.backend',
        backendAt,
        `backend "${effective.backend}" is not a backend Triton ships. Did you mean "${near}"?`,
        `Write backend: "${near}", or make sure the server has a backend named ` +
          `"${effective.backend}" installed.`,
      );
    }
  }
  if (effective.platform !== '' && family === undefined && effective.platform !== 'libtorch') {
    ctx.report(
      'warning',
      'config.platform',
      platformAt,
      `platform "${effective.platform}" is not a Triton platform; backend ` +
        `"${effective.backend}" will load the model and the platform is only a label.`,
      'Remove the platform line, or use one of: ' + PLATFORMS.join(', ') + '.',
    );
  }
}

function reportMissingBackend(ctx: RuleContext, at: { line: number; column: number }): void {
  const { effective } = ctx;
  if (effective.platform === 'ensemble') return;
  if (effective.platform === '') {
    // Without the folder, Triton's inference from the model file cannot be judged here.
    if (ctx.facts.firstSubfolderEntries === undefined) return;
    ctx.report(
      'error',
      'config.platform-backend',
      at,
      `Triton cannot tell which backend runs ${modelLabel(ctx)}: the config names no ` +
        'platform or backend and the version folder holds no default model file.',
      'Add backend: "<name>" (onnxruntime, tensorrt, pytorch, tensorflow, python, ...).',
    );
    return;
  }
  ctx.report(
    'error',
    'config.platform',
    at,
    `unexpected platform type '${effective.platform}' for ${modelLabel(ctx)}.`,
    platformFix(effective.platform, ''),
  );
}

function platformFix(platform: string, backend: string): string {
  const mixup = PLATFORM_MIXUPS[platform];
  if (mixup !== undefined) return `${mixup}.`;
  const near = closestMatch(platform, PLATFORMS);
  if (near !== undefined) return `Did you mean platform: "${near}"?`;
  const forBackend = Object.keys(PLATFORM_BACKEND).filter((p) => PLATFORM_BACKEND[p] === backend);
  if (forBackend.length > 0)
    return `With backend "${backend}" use platform: ${forBackend.join(' or ')}.`;
  return `Use one of the platforms ${PLATFORMS.join(', ')}, or name a backend instead.`;
}

/** max_batch_size must not be negative; version policies must name sensible versions. */
export function checkBatchSizeAndVersions(ctx: RuleContext): void {
  const { config } = ctx;
  const maxBatch = scalar(config, 'max_batch_size');
  if (maxBatch !== undefined && typeof maxBatch.value === 'number' && maxBatch.value < 0) {
    ctx.report(
      'error',
      'config.max-batch-size',
      positionOf(config, 'max_batch_size'),
      `'max_batch_size' must be a non-negative value for ${modelLabel(ctx)} ` +
        `(got ${maxBatch.value}).`,
      'Use 0 for a model without a batch dimension, or the largest batch it accepts.',
    );
  }

  const policy = child(config, 'version_policy');
  const latest = child(policy, 'latest');
  if (latest !== undefined && (scalar(latest, 'num_versions')?.value ?? 0) === 0) {
    ctx.report(
      'warning',
      'config.version-policy',
      latest.pos,
      'version_policy.latest.num_versions is 0, so Triton serves no version of this model.',
      'Set num_versions: 1 (or more).',
    );
  }
  const specific = child(policy, 'specific');
  if (specific === undefined) return;
  const versions = nums(specific, 'versions');
  if (versions.length === 0) {
    ctx.report(
      'warning',
      'config.version-policy',
      specific.pos,
      'version_policy.specific lists no versions, so Triton serves no version of this model.',
      'List the versions to serve, e.g. specific { versions: [1] }.',
    );
  }
  const present = ctx.facts.versions;
  for (const version of versions) {
    if (present !== undefined && !present.includes(version)) {
      ctx.report(
        'error',
        'config.version-policy',
        specific.pos,
        `version_policy.specific names version ${version}, but the model has no folder ` +
          `"${version}".`,
        `Add the version folder ${version}/, or remove ${version} from the policy.`,
      );
    }
  }
}
