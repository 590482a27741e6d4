/**
 * Rules on dynamic batching (Triton core ValidateModelConfig): preferred batch sizes against
 * max_batch_size, priority levels and their queue policies, and preserve_ordering limits.
 */
import {
  bool,
  child,
  enumName,
  has,
  mapEntries,
  num,
  PbMessageNode,
  positionOf,
  scalars,
} from './pbtxt-ast';
import { modelLabel, RuleContext } from './rule-context';

/** Preferred batch sizes must be positive and, when known, no larger than max_batch_size. */
export function checkPreferredSizes(ctx: RuleContext, holder: PbMessageNode, what: string): void {
  const maxBatch = num(ctx.config, 'max_batch_size');
  for (const size of scalars(holder, 'preferred_batch_size')) {
    const value = typeof size.value === 'number' ? size.value : 0;
    if (value <= 0) {
      ctx.report(
        'error',
        'config.preferred-batch-size',
        size.pos,
        `${what} preferred batch size must be positive for ${modelLabel(ctx)} (got ${value}).`,
        'Use sizes between 1 and max_batch_size.',
      );
    } else if (value > maxBatch && !autoCompletesBatchSize(ctx)) {
      ctx.report(
        'error',
        'config.preferred-batch-size',
        size.pos,
        `${what} preferred batch size ${value} must be <= max_batch_size (${maxBatch}) for ` +
          `${modelLabel(ctx)}.`,
        maxBatch === 0
          ? 'Set max_batch_size: a model without a batch dimension cannot batch requests.'
          : `Lower the preferred size to at most ${maxBatch}, or raise max_batch_size.`,
      );
    }
  }
}

/**
 * A config without max_batch_size, for a backend that fills it in from the model, gets its
 * max_batch_size at load time: the comparison then cannot be made offline.
 */
function autoCompletesBatchSize(ctx: RuleContext): boolean {
  const fills = ['tensorflow', 'tensorrt', 'onnxruntime', 'openvino', 'python'];
  return !has(ctx.config, 'max_batch_size') && fills.includes(ctx.effective.backend);
}

/** Dynamic batching: sizes, priority levels, queue policies, preserve_ordering. */
export function checkDynamicBatching(ctx: RuleContext): void {
  const batching = child(ctx.config, 'dynamic_batching');
  if (batching === undefined) return;
  checkPreferredSizes(ctx, batching, 'dynamic batching');

  const levels = num(batching, 'priority_levels');
  const policies = mapEntries(batching, 'priority_queue_policy');
  if (levels !== 0) {
    const defaultLevel = num(batching, 'default_priority_level');
    if (defaultLevel === 0 || defaultLevel > levels) {
      ctx.report(
        'error',
        'config.priority-levels',
        positionOf(batching, 'default_priority_level'),
        `default priority level must be in range [1, ${levels}] for ${modelLabel(ctx)} ` +
          `(got ${defaultLevel}).`,
        `Set default_priority_level between 1 and ${levels}.`,
      );
    }
    for (const policy of policies) {
      const level = Number(policy.key);
      if (level === 0 || level > levels) {
        ctx.report(
          'error',
          'config.priority-levels',
          policy.pos,
          `priority queue policy must have a priority level in range [1, ${levels}] for ` +
            `${modelLabel(ctx)} (got ${policy.key}).`,
          `Use keys between 1 and ${levels}, or raise priority_levels.`,
        );
      }
    }
  } else if (policies.length > 0) {
    ctx.report(
      'warning',
      'config.priority-levels',
      positionOf(batching, 'priority_queue_policy'),
      'priority_queue_policy is given but priority_levels is 0, so the policies are never used.',
      'Set priority_levels, or remove priority_queue_policy.',
    );
  }

  if (!bool(batching, 'preserve_ordering')) return;
  if (levels > 1) {
    ctx.report(
      'error',
      'config.preserve-ordering',
      positionOf(batching, 'preserve_ordering'),
      `Only one priority level is allowed when 'preserve_ordering' is true for ${modelLabel(ctx)}.`,
      'Set priority_levels to 0 or 1, or turn preserve_ordering off.',
    );
  }
  const queues: PbMessageNode[] = [];
  const defaultQueue = child(batching, 'default_queue_policy');
  if (defaultQueue !== undefined) queues.push(defaultQueue);
  for (const policy of policies) {
    if (policy.value?.kind === 'message') queues.push(policy.value);
  }
  for (const queue of queues) {
    const delays = enumName(queue, 'timeout_action', 'REJECT') === 'DELAY';
    if (delays && num(queue, 'default_timeout_microseconds') !== 0) {
      ctx.report(
        'error',
        'config.preserve-ordering',
        positionOf(queue, 'timeout_action'),
        "A queue policy cannot have DELAY as timeout action when 'preserve_ordering' is true " +
          `for ${modelLabel(ctx)}.`,
        'Use timeout_action: REJECT, or turn preserve_ordering off.',
      );
    }
  }
}
