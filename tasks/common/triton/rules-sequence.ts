/**
 * Rules on sequence batching (Triton core ValidateModelConfig and the sequence control
 * readers): one tensor per control kind, the false/true value lists, the correlation id type,
 * strategy settings, implicit state, and the response cache, which sequences cannot use.
 */
import {
  bool,
  child,
  children,
  enumName,
  has,
  nums,
  PbMessageNode,
  positionOf,
  scalar,
  str,
  values,
} from './pbtxt-ast';
import { checkPreferredSizes } from './rules-batching';
import { modelLabel, RuleContext } from './rule-context';

const BOOLEAN_KINDS = ['CONTROL_SEQUENCE_START', 'CONTROL_SEQUENCE_END', 'CONTROL_SEQUENCE_READY'];
const VALUE_LISTS = ['int32_false_true', 'fp32_false_true', 'bool_false_true'] as const;
const CORRID_TYPES = ['TYPE_UINT64', 'TYPE_INT64', 'TYPE_UINT32', 'TYPE_INT32', 'TYPE_STRING'];

/** Every sequence batching rule. */
export function checkSequenceBatching(ctx: RuleContext): void {
  const batcher = child(ctx.config, 'sequence_batching');
  if (batcher === undefined) return;
  const cache = child(ctx.config, 'response_cache');
  if (bool(cache, 'enable') && cache !== undefined) {
    ctx.report(
      'error',
      'config.response-cache',
      positionOf(cache, 'enable'),
      `The response cache does not support ${modelLabel(ctx)} with the sequence batching ` +
        'scheduler.',
      'Disable the response cache (response_cache { enable: false }).',
    );
  }
  checkControlTensorNames(ctx, batcher);
  for (const kind of [...BOOLEAN_KINDS, 'CONTROL_SEQUENCE_CORRID'])
    checkControlKind(ctx, batcher, kind);

  const oldest = child(batcher, 'oldest');
  if (oldest !== undefined) checkPreferredSizes(ctx, oldest, 'sequence batching');
  const direct = child(batcher, 'direct');
  const utilization = scalar(direct, 'minimum_slot_utilization');
  if (utilization !== undefined && typeof utilization.value === 'number') {
    const value = utilization.value;
    if (!(value >= 0 && value <= 1)) {
      ctx.report(
        'error',
        'config.sequence-strategy',
        utilization.pos,
        `sequence batching minimum slot utilization must be in range (0.0, 1.0] for ` +
          `${modelLabel(ctx)} (got ${value}).`,
        'Use a value between 0 and 1.',
      );
    }
  }
  checkStates(ctx, batcher);
}

function checkControlTensorNames(ctx: RuleContext, batcher: PbMessageNode): void {
  const seen = new Set<string>();
  for (const control of children(batcher, 'control_input')) {
    const name = str(control, 'name');
    if (name === '') {
      ctx.report(
        'error',
        'config.sequence-control',
        control.pos,
        `sequence batching control tensor must have a name for ${modelLabel(ctx)}.`,
        'Add name: "<tensor name>" to the control_input.',
      );
      continue;
    }
    if (seen.has(name)) {
      ctx.report(
        'error',
        'config.sequence-control',
        positionOf(control, 'name'),
        `sequence batching control tensor '${name}' is specified for multiple control kinds ` +
          `for ${modelLabel(ctx)}.`,
        'Give each control tensor one control_input entry.',
      );
    }
    seen.add(name);
  }
}

function checkControlKind(ctx: RuleContext, batcher: PbMessageNode, kind: string): void {
  let seen = false;
  for (const controlInput of children(batcher, 'control_input')) {
    for (const control of children(controlInput, 'control')) {
      if (enumName(control, 'kind', 'CONTROL_SEQUENCE_START') !== kind) continue;
      const at = positionOf(control, has(control, 'kind') ? 'kind' : undefined);
      if (seen) {
        ctx.report(
          'error',
          'config.sequence-control',
          at,
          `sequence batching specifies multiple ${kind} tensors for ${modelLabel(ctx)}.`,
          `Keep one control with kind ${kind}; each kind maps to exactly one tensor.`,
        );
      }
      seen = true;
      const lists = VALUE_LISTS.filter((list) => has(control, list));
      if (kind === 'CONTROL_SEQUENCE_CORRID') {
        checkCorrelationId(ctx, control, at, lists.length > 0);
        continue;
      }
      if (lists.length === 0) {
        ctx.report(
          'error',
          'config.sequence-control',
          at,
          `sequence batching must specify either 'int32_false_true', 'fp32_false_true' or ` +
            `'bool_false_true' for ${kind} for ${modelLabel(ctx)}.`,
          'Add e.g. int32_false_true: [ 0, 1 ].',
        );
      } else if (lists.length > 1) {
        ctx.report(
          'error',
          'config.sequence-control',
          at,
          `sequence batching specifies more than one of 'int32_false_true', 'fp32_false_true' ` +
            `and 'bool_false_true' for ${kind} for ${modelLabel(ctx)}.`,
          'Keep one of the value lists.',
        );
      } else {
        const list = lists[0] ?? 'int32_false_true';
        const count = values(control, list).length;
        if (count !== 2) {
          ctx.report(
            'error',
            'config.sequence-control',
            positionOf(control, list),
            `sequence batching control '${list}' must have exactly 2 entries for ${kind} for ` +
              `${modelLabel(ctx)} (got ${count}).`,
            `Write the false value then the true value, e.g. ${list}: [ 0, 1 ].`,
          );
        }
      }
    }
  }
}

function checkCorrelationId(
  ctx: RuleContext,
  control: PbMessageNode,
  at: { line: number; column: number },
  hasValueList: boolean,
): void {
  if (hasValueList) {
    ctx.report(
      'error',
      'config.sequence-control',
      at,
      "sequence batching must not specify 'int32_false_true', 'fp32_false_true' or " +
        `'bool_false_true' for CONTROL_SEQUENCE_CORRID for ${modelLabel(ctx)}.`,
      'Remove the value list; give data_type instead.',
    );
  }
  const dataType = enumName(control, 'data_type', 'TYPE_INVALID');
  if (!CORRID_TYPES.includes(dataType)) {
    ctx.report(
      'error',
      'config.sequence-control',
      positionOf(control, has(control, 'data_type') ? 'data_type' : 'kind'),
      `unexpected data type ${dataType} for control CONTROL_SEQUENCE_CORRID for ` +
        `${modelLabel(ctx)}. Allowed data types are ${CORRID_TYPES.join(', ')}.`,
      'Set data_type: TYPE_UINT64 (or another allowed type).',
    );
  }
}

/** Implicit state needs both tensor names, a data type and dims; names must be unique. */
function checkStates(ctx: RuleContext, batcher: PbMessageNode): void {
  const inputs = new Set<string>();
  for (const state of children(batcher, 'state')) {
    for (const field of ['input_name', 'output_name'] as const) {
      if (str(state, field) === '') {
        ctx.report(
          'error',
          'config.sequence-state',
          state.pos,
          `sequence batching state must specify '${field}' for ${modelLabel(ctx)}.`,
          `Add ${field}: "<tensor name>".`,
        );
      }
    }
    if (enumName(state, 'data_type', 'TYPE_INVALID') === 'TYPE_INVALID') {
      ctx.report(
        'error',
        'config.sequence-state',
        state.pos,
        `sequence batching state '${str(state, 'input_name')}' must specify 'data_type'.`,
        'Add data_type: TYPE_FP32 (or the state tensor type).',
      );
    }
    if (nums(state, 'dims').length === 0) {
      ctx.report(
        'error',
        'config.sequence-state',
        state.pos,
        `sequence batching state '${str(state, 'input_name')}' must specify 'dims'.`,
        'Add dims: [ ... ].',
      );
    }
    const name = str(state, 'input_name');
    if (name !== '' && inputs.has(name)) {
      ctx.report(
        'error',
        'config.sequence-state',
        positionOf(state, 'input_name'),
        `sequence batching state input '${name}' is declared twice for ${modelLabel(ctx)}.`,
        'Give each state its own input_name.',
      );
    }
    inputs.add(name);
  }
}
