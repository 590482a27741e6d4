/**
 * Rules on optional model features: the response cache with decoupled models, model warmup
 * samples (Triton's warmup data generation), custom metrics (ValidateModelMetrics), and
 * data types given by an unknown enum number in places other than inputs and outputs.
 */
import {
  bool,
  child,
  children,
  enumName,
  has,
  mapEntries,
  nums,
  PbMessageNode,
  positionOf,
  str,
} from './pbtxt-ast';
import { modelLabel, RuleContext } from './rule-context';

/** The response cache cannot serve a decoupled model. */
export function checkResponseCache(ctx: RuleContext): void {
  const cache = child(ctx.config, 'response_cache');
  const decoupled = bool(child(ctx.config, 'model_transaction_policy'), 'decoupled');
  if (cache !== undefined && bool(cache, 'enable') && decoupled) {
    ctx.report(
      'error',
      'config.response-cache',
      positionOf(cache, 'enable'),
      `The response cache does not support ${modelLabel(ctx)} with the 'decoupled' ` +
        'transaction policy.',
      'Disable the response cache, or make the model non-decoupled.',
    );
  }
}

/** Each warmup sample must be generatable: known inputs, fixed dims, a data source. */
export function checkWarmup(ctx: RuleContext): void {
  const maxBatch = nums(ctx.config, 'max_batch_size')[0] ?? 0;
  const inputs = new Set(children(ctx.config, 'input').map((io) => str(io, 'name')));
  const states = children(child(ctx.config, 'sequence_batching'), 'state').map((s) =>
    str(s, 'input_name'),
  );
  const controls = children(child(ctx.config, 'sequence_batching'), 'control_input').map((c) =>
    str(c, 'name'),
  );
  for (const warmup of children(ctx.config, 'model_warmup')) {
    const name = str(warmup, 'name') || '(unnamed)';
    const batch = nums(warmup, 'batch_size')[0] ?? 0;
    if (batch > maxBatch && maxBatch > 0) {
      ctx.report(
        'warning',
        'warmup.batch-size',
        positionOf(warmup, 'batch_size'),
        `warmup sample '${name}' has batch_size ${batch}, more than max_batch_size ${maxBatch}.`,
        `Use a batch_size of at most ${maxBatch}.`,
      );
    }
    if (batch > 1 && maxBatch === 0 && has(ctx.config, 'max_batch_size')) {
      ctx.report(
        'warning',
        'warmup.batch-size',
        positionOf(warmup, 'batch_size'),
        `warmup sample '${name}' has batch_size ${batch}, but the model does not batch ` +
          '(max_batch_size is 0).',
        'Use batch_size: 1.',
      );
    }
    for (const entry of mapEntries(warmup, 'inputs')) {
      const input = entry.value?.kind === 'message' ? entry.value : undefined;
      checkWarmupInput(ctx, name, entry.key, entry.pos, input, inputs, [...states, ...controls]);
    }
  }
}

function checkWarmupInput(
  ctx: RuleContext,
  sample: string,
  inputName: string,
  at: { line: number; column: number },
  input: PbMessageNode | undefined,
  inputs: ReadonlySet<string>,
  otherInputs: string[],
): void {
  if (inputs.size > 0 && !inputs.has(inputName) && !otherInputs.includes(inputName)) {
    ctx.report(
      'warning',
      'warmup.input',
      at,
      `warmup sample '${sample}' feeds '${inputName}', which is not an input of ` +
        `${modelLabel(ctx)}.`,
      `Use one of the inputs: ${[...inputs].join(', ')}.`,
    );
  }
  if (enumName(input, 'data_type', 'TYPE_INVALID') === 'TYPE_INVALID') {
    ctx.report(
      'error',
      'warmup.input',
      at,
      `warmup sample '${sample}' input '${inputName}' must specify 'data_type'.`,
      "Add the input's data_type.",
    );
  }
  if (nums(input, 'dims').includes(-1)) {
    ctx.report(
      'error',
      'warmup.input',
      positionOf(input ?? ctx.config, 'dims'),
      `warmup setting expects all variable-size dimensions to be specified for input ` +
        `'${inputName}' of sample '${sample}'.`,
      'Replace each -1 with a concrete size for the warmup request.',
    );
  }
  const sources = ['zero_data', 'random_data', 'input_data_file'].filter((f) => has(input, f));
  if (sources.length === 0) {
    ctx.report(
      'error',
      'warmup.input',
      at,
      `warmup setting expects input '${inputName}' of sample '${sample}' to have ` +
        'input_data_type set.',
      'Add zero_data: true, random_data: true or input_data_file: "<file in warmup/>".',
    );
  }
}

/** Custom metric settings must be complete (ValidateModelMetrics). */
export function checkModelMetrics(ctx: RuleContext): void {
  for (const control of children(child(ctx.config, 'model_metrics'), 'metric_control')) {
    const identifier = child(control, 'metric_identifier');
    const problems: Array<[string, string]> = [];
    if (identifier === undefined) {
      problems.push(["metric control must specify 'metric_identifier'", 'Add metric_identifier']);
    } else if (str(identifier, 'family') === '') {
      problems.push([
        "metric identifier must specify a non-empty 'family'",
        'Add family: "<metric family>"',
      ]);
    }
    const histogram = child(control, 'histogram_options');
    if (histogram === undefined) {
      problems.push(["metric control must specify 'histogram_options'", 'Add histogram_options']);
    } else if (nums(histogram, 'buckets').length === 0) {
      problems.push(["histogram options must specify non-empty 'buckets'", 'Add buckets: [ ... ]']);
    }
    for (const [message, fix] of problems) {
      ctx.report('error', 'config.model-metrics', control.pos, `${message}.`, `${fix}.`);
    }
  }
}
