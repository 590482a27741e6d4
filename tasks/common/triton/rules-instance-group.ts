/**
 * Rules on instance groups (Triton core ValidateInstanceGroup and NormalizeInstanceGroup). What
 * depends on the server's GPUs is an error only when the caller says how many GPUs it has;
 * otherwise it is a warning for the live validation to confirm.
 */
import { children, enumName, has, positionOf, scalar, scalars, str } from './pbtxt-ast';
import { modelLabel, RuleContext } from './rule-context';

/** Every instance group rule. */
export function checkInstanceGroups(ctx: RuleContext): void {
  if (ctx.effective.platform === 'ensemble') return;
  const gpuCount = ctx.options.gpuCount;
  children(ctx.config, 'instance_group').forEach((group, index) => {
    const name = str(group, 'name') || `${ctx.effective.name || '<model>'}_${index}`;
    const label = `instance group ${name} of ${modelLabel(ctx)}`;
    const kind = enumName(group, 'kind', 'KIND_AUTO');
    const gpus = scalars(group, 'gpus');
    const kindAt = positionOf(group, has(group, 'kind') ? 'kind' : undefined);
    const gpusAt = positionOf(group, has(group, 'gpus') ? 'gpus' : undefined);

    if ((kind === 'KIND_CPU' || kind === 'KIND_MODEL') && gpus.length > 0) {
      ctx.report(
        'error',
        'instance-group.kind-gpus',
        gpusAt,
        `${label} has kind ${kind} but specifies one or more GPUs.`,
        kind === 'KIND_CPU'
          ? 'Remove gpus, or use kind: KIND_GPU to run on those GPUs.'
          : 'Remove gpus: with KIND_MODEL the model places itself.',
      );
    }
    for (const gpu of gpus) {
      const id = typeof gpu.value === 'number' ? gpu.value : 0;
      if (id < 0) {
        ctx.report(
          'error',
          'instance-group.gpu-id',
          gpu.pos,
          `${label} names gpu id ${id}; GPU ids are 0 or more.`,
          'Use the index of a GPU on the server (0, 1, ...).',
        );
      } else if (gpuCount !== undefined && id >= gpuCount && kind !== 'KIND_CPU') {
        ctx.report(
          'error',
          'instance-group.gpu-id',
          gpu.pos,
          `${label} specifies gpu id ${id}, but the server has ${gpuCount} GPU(s).`,
          `Use ids between 0 and ${gpuCount - 1}, or leave gpus out to use all GPUs.`,
        );
      } else if (gpuCount === undefined && kind !== 'KIND_CPU' && kind !== 'KIND_MODEL') {
        ctx.report(
          'warning',
          'instance-group.gpu-id',
          gpu.pos,
          `${label} specifies gpu id ${id}; whether the server has it can only be checked on ` +
            'the server.',
          'Make sure the target server has this GPU; the live validation confirms it.',
        );
      }
    }
    if (kind === 'KIND_GPU') {
      if (gpuCount === 0) {
        ctx.report(
          'error',
          'instance-group.gpu-required',
          kindAt,
          `${label} has kind KIND_GPU but no GPUs are available on the server.`,
          'Use kind: KIND_CPU, or deploy to a server with a GPU.',
        );
      } else if (gpuCount === undefined && gpus.length === 0) {
        ctx.report(
          'warning',
          'instance-group.gpu-required',
          kindAt,
          `${label} has kind KIND_GPU: it loads only on a server with a GPU.`,
          'Deploy to a GPU server, or use kind: KIND_CPU; the live validation confirms it.',
        );
      }
    }
    checkCountAndProfiles(ctx, group, label);
  });
}

function checkCountAndProfiles(
  ctx: RuleContext,
  group: Parameters<typeof str>[0],
  label: string,
): void {
  if (group === undefined) return;
  const count = scalar(group, 'count');
  if (count !== undefined && typeof count.value === 'number' && count.value < 0) {
    ctx.report(
      'warning',
      'instance-group.count',
      count.pos,
      `${label} has count ${count.value}; Triton ignores it and uses its default count.`,
      'Use a count of 1 or more.',
    );
  }
  const profiles = scalars(group, 'profile');
  if (profiles.length === 0) return;
  if (ctx.effective.platform !== 'tensorrt_plan') {
    ctx.report(
      'error',
      'instance-group.profile',
      positionOf(group, 'profile'),
      `${label} and platform ${ctx.effective.platform || '(none)'} specifies the profile ` +
        'field, which is only supported for TensorRT models.',
      'Remove profile, or use it with a TensorRT plan.',
    );
    return;
  }
  for (const profile of profiles) {
    const text = String(profile.value);
    // Triton reads the profile with stoi: leading digits count, anything else is refused.
    const match = /^\s*([+-]?\d+)/.exec(text);
    if (match === null || Number(match[1]) < 0) {
      ctx.report(
        'error',
        'instance-group.profile',
        profile.pos,
        `${label} specifies invalid profile "${text}". The field should contain the string ` +
          'representation of a non-negative integer.',
        'Write the optimization profile index as a string, e.g. profile: ["0"].',
      );
    }
  }
}
