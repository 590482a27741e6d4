/**
 * Rules on ensembles (Triton core ValidateEnsembleSchedulingConfig and BuildEnsembleGraph):
 * what an ensemble may not have, well-formed steps, a data flow in which every input is
 * consumed, every output is produced and no tensor is produced twice, and, when the repository
 * is known, that each step names a model and version that exist, with inputs and outputs the
 * step model declares.
 */
import { children, has, mapEntries, PbMessageNode, positionOf, scalar, str } from './pbtxt-ast';
import { Position } from './pbtxt-tokenizer';
import { modelLabel, RuleContext } from './rule-context';

interface TensorNode {
  name: string;
  /** Where the tensor is first named in a step map. */
  pos: Position;
  producedBy: number[];
  /** Tensors whose readiness this tensor waits for (inputs of the step that writes it). */
  prev: TensorNode[];
  next: TensorNode[];
  ready: boolean;
}

/** Every ensemble rule. */
export function checkEnsemble(ctx: RuleContext): void {
  const { config } = ctx;
  const scheduling = children(config, 'ensemble_scheduling').at(-1);
  const isEnsemble = ctx.effective.platform === 'ensemble';
  if (scheduling !== undefined && !isEnsemble) {
    ctx.report(
      'error',
      'ensemble.platform',
      positionOf(config, 'ensemble_scheduling'),
      `ensemble scheduling cannot be set for ${modelLabel(ctx)} whose platform is not ensemble.`,
      'Set platform: "ensemble", or remove ensemble_scheduling.',
    );
    return;
  }
  if (!isEnsemble) return;
  for (const [field, what] of [
    ['instance_group', 'instance group'],
    ['optimization', 'optimization'],
    ['model_warmup', 'model_warmup'],
  ] as const) {
    if (has(config, field)) {
      ctx.report(
        'error',
        'ensemble.forbidden-field',
        positionOf(config, field),
        `${what} should not be specified for ensemble ${modelLabel(ctx)}.`,
        `Remove ${field}; set it on the models the steps call instead.`,
      );
    }
  }
  if (scheduling === undefined) {
    ctx.report(
      'error',
      'ensemble.scheduling',
      positionOf(config, 'platform'),
      `ensemble scheduling must be set for ensemble ${modelLabel(ctx)}.`,
      'Add ensemble_scheduling { step [ ... ] } describing the pipeline.',
    );
    return;
  }
  const steps = children(scheduling, 'step');
  if (steps.length === 0) {
    ctx.report(
      'error',
      'ensemble.step',
      scheduling.pos,
      `must specify 'step' for ensemble ${modelLabel(ctx)}.`,
      'Add at least one step { model_name, input_map, output_map }.',
    );
    return;
  }
  steps.forEach((step, index) => checkStep(ctx, step, index));
  checkDataFlow(ctx, steps);
}

function checkStep(ctx: RuleContext, step: PbMessageNode, index: number): void {
  const modelName = str(step, 'model_name');
  for (const [field, present] of [
    ['model_name', modelName !== ''],
    ['input_map', mapEntries(step, 'input_map').length > 0],
    ['output_map', mapEntries(step, 'output_map').length > 0],
  ] as const) {
    if (!present) {
      ctx.report(
        'error',
        'ensemble.step',
        step.pos,
        `must specify '${field}' in step ${index} of ensemble ${modelLabel(ctx)}.`,
        `Add ${field} to the step.`,
      );
    }
  }
  if (modelName !== '') checkStepTarget(ctx, step, index, modelName);
}

/** With the repository known, the step's model, version, inputs and outputs must exist. */
function checkStepTarget(
  ctx: RuleContext,
  step: PbMessageNode,
  index: number,
  modelName: string,
): void {
  const at = positionOf(step, 'model_name');
  if (modelName === ctx.effective.name) {
    ctx.report(
      'error',
      'ensemble.step-model',
      at,
      `step ${index} of ensemble ${modelLabel(ctx)} calls the ensemble itself.`,
      'Name the model this step should run.',
    );
    return;
  }
  const repository = ctx.facts.repository;
  if (repository === undefined) return;
  const target = repository.get(modelName);
  if (target === undefined) {
    ctx.report(
      'error',
      'ensemble.step-model',
      at,
      `step ${index} of ensemble ${modelLabel(ctx)} names model '${modelName}', which is not ` +
        'in the model repository.',
      `Add the model '${modelName}' to the repository, or correct model_name.`,
    );
    return;
  }
  const version = scalar(step, 'model_version');
  const wanted = typeof version?.value === 'number' ? version.value : -1;
  if (wanted !== -1 && !target.versions.includes(wanted)) {
    ctx.report(
      'error',
      'ensemble.step-model',
      version?.pos ?? at,
      `step ${index} of ensemble ${modelLabel(ctx)} asks for version ${wanted} of ` +
        `'${modelName}', which has versions [${target.versions.join(', ')}].`,
      'Use model_version: -1 (the latest), or a version folder that exists.',
    );
  }
  const ensembleBatch = scalar(ctx.config, 'max_batch_size')?.value;
  const stepBatch = target.maxBatchSize ?? 0;
  if (typeof ensembleBatch === 'number' && stepBatch !== 0 && stepBatch < ensembleBatch) {
    ctx.report(
      'error',
      'ensemble.step-batch-size',
      at,
      `ensemble ${modelLabel(ctx)} allows a maximum batch size of ${ensembleBatch}, but step ` +
        `${index} runs '${modelName}', which allows at most ${stepBatch}.`,
      `Lower the ensemble's max_batch_size to ${stepBatch}, or raise that of '${modelName}'.`,
    );
  }
  const fed = new Set(mapEntries(step, 'input_map').map((entry) => entry.key));
  for (const required of target.requiredInputs ?? []) {
    if (fed.has(required)) continue;
    ctx.report(
      'error',
      'ensemble.step-tensor',
      step.pos,
      `step ${index} of ensemble ${modelLabel(ctx)} does not feed input '${required}' of ` +
        `model '${modelName}'.`,
      `Add input_map { key: "${required}" value: "<ensemble tensor>" } to the step, or mark ` +
        'the input optional in that model.',
    );
  }
  for (const [map, declared, kind] of [
    ['input_map', target.inputs, 'input'],
    ['output_map', target.outputs, 'output'],
  ] as const) {
    if (declared === undefined || declared.length === 0) continue;
    for (const entry of mapEntries(step, map)) {
      if (!declared.includes(entry.key)) {
        ctx.report(
          'error',
          'ensemble.step-tensor',
          entry.pos,
          `step ${index} maps '${entry.key}', but model '${modelName}' has no ${kind} of that ` +
            `name (it has: ${declared.join(', ')}).`,
          `Use one of the ${kind} names of '${modelName}' as the key.`,
        );
      }
    }
  }
}

function valueName(node: PbMessageNode['entries'][number]['value'] | undefined): string {
  return node?.kind === 'scalar' ? String(node.value) : '';
}

function checkDataFlow(ctx: RuleContext, steps: PbMessageNode[]): void {
  const tensors = new Map<string, TensorNode>();
  const tensor = (name: string, pos: Position): TensorNode => {
    let node = tensors.get(name);
    if (node === undefined) {
      node = { name, pos, producedBy: [], prev: [], next: [], ready: false };
      tensors.set(name, node);
    }
    return node;
  };

  steps.forEach((step, index) => {
    const written: TensorNode[] = [];
    for (const entry of mapEntries(step, 'output_map')) {
      const node = tensor(valueName(entry.value), entry.pos);
      if (node.producedBy.length > 0) {
        ctx.report(
          'error',
          'ensemble.tensor-written-twice',
          entry.pos,
          `ensemble tensor '${node.name}' can appear in an output map only once for ensemble ` +
            `${modelLabel(ctx)} (step ${index}; already written by step ${node.producedBy[0]}).`,
          'Give each step output its own ensemble tensor name.',
        );
      }
      node.producedBy.push(index);
      written.push(node);
    }
    for (const entry of mapEntries(step, 'input_map')) {
      const node = tensor(valueName(entry.value), entry.pos);
      for (const output of written) {
        output.prev.push(node);
        node.next.push(output);
      }
    }
  });

  const queue: TensorNode[] = [];
  for (const input of children(ctx.config, 'input')) {
    const name = str(input, 'name');
    const node = tensors.get(name);
    if (node === undefined) {
      ctx.report(
        'error',
        'ensemble.unused-input',
        positionOf(input, 'name'),
        `ensemble input '${name}' for ensemble ${modelLabel(ctx)} is not used.`,
        `Feed '${name}' to a step (as a value in its input_map), or remove the input.`,
      );
      continue;
    }
    node.ready = true;
    queue.push(node);
  }
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    for (const next of node.next) {
      if (next.ready || !next.prev.every((prev) => prev.ready)) continue;
      next.ready = true;
      queue.push(next);
    }
  }

  const outputs = new Set<string>();
  for (const output of children(ctx.config, 'output')) {
    const name = str(output, 'name');
    outputs.add(name);
    const node = tensors.get(name);
    if (node === undefined) {
      ctx.report(
        'error',
        'ensemble.unused-output',
        positionOf(output, 'name'),
        `ensemble output '${name}' for ensemble ${modelLabel(ctx)} is not used: no step ` +
          'writes it.',
        `Map a step output to '${name}' (as a value in its output_map), or remove the output.`,
      );
    } else if (!node.ready) {
      const blocker = firstNotReady(node);
      ctx.report(
        'error',
        'ensemble.unreachable-output',
        positionOf(output, 'name'),
        `output '${name}' for ensemble ${modelLabel(ctx)} is not written` +
          (blocker === node
            ? '.'
            : `: at least one of its depending tensors, '${blocker.name}', ` + 'is not connected.'),
        'Make sure every tensor the output depends on comes from an ensemble input or a step.',
      );
    }
  }
  for (const node of tensors.values()) {
    if (outputs.has(node.name)) continue;
    if (!node.ready || node.next.length === 0) {
      ctx.report(
        'error',
        'ensemble.unused-tensor',
        node.pos,
        `ensemble tensor '${node.name}' is unused in ensemble ${modelLabel(ctx)}` +
          (node.ready ? ': no step reads it.' : ': it is read but never written.'),
        node.ready
          ? `Feed '${node.name}' to a step or declare it as an ensemble output.`
          : `Write '${node.name}' from a step or declare it as an ensemble input.`,
      );
    }
  }
}

/** Follows not-ready predecessors back to the first tensor that nothing connects. */
function firstNotReady(start: TensorNode): TensorNode {
  let last = start;
  const seen = new Set<string>();
  let prev = start.prev;
  while (prev.length > 0) {
    const next = prev.find((node) => !node.ready && !seen.has(node.name));
    if (next === undefined) break;
    seen.add(next.name);
    last = next;
    prev = next.prev;
  }
  return last;
}
