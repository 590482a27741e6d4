/**
 * A task step against its task.json: the task exists at that major version, and its inputs
 * are declared, complete (required ones, as their visibleRule shows them) and allowed.
 */
import { type Problem, same } from './check-context';
import { type PipelineStep, scalarText } from './pipeline-model';
import type { ManifestInput, TaskManifest } from './task-manifests';

const TASK_REFERENCE = /^([A-Za-z][\w-]*)@(\d+)$/;

/** The task exists at that major version, and its inputs are known, complete and allowed. */
export function checkTaskStep(
  step: PipelineStep,
  manifests: Map<string, TaskManifest>,
  where: string,
  problem: Problem,
): void {
  const reference = step.task ?? '';
  const match = TASK_REFERENCE.exec(reference);
  if (match === null) {
    problem(where, `task ${reference} is not written <Task>@<major version>`);
    return;
  }
  const [, name = '', major = ''] = match;
  const manifest = manifests.get(name.toLowerCase());
  if (manifest === undefined) {
    const known = [...manifests.values()].map((m) => m.name).join(', ');
    problem(where, `${reference}: no folder tasks/${name} with a task.json (tasks: ${known})`);
    return;
  }
  if (Number(major) !== manifest.version.Major) {
    problem(
      where,
      `${reference}: tasks/${manifest.name}/task.json is version ` +
        `${manifest.version.Major}.${manifest.version.Minor}; write ${manifest.name}@` +
        `${manifest.version.Major}`,
    );
    return;
  }

  const given = new Map<string, string>();
  for (const [key, value] of Object.entries(step.inputs)) {
    const input = manifest.inputs.find(
      (candidate) =>
        same(candidate.name, key) || (candidate.aliases ?? []).some((alias) => same(alias, key)),
    );
    if (input === undefined) {
      const known = manifest.inputs.map((candidate) => candidate.name).join(', ');
      problem(where, `input ${key} is not an input of ${reference} (its inputs: ${known})`);
      continue;
    }
    const text = scalarText(value);
    if (text === undefined) {
      problem(where, `input ${key} must be a single value, not a list or a mapping`);
      continue;
    }
    given.set(input.name, text);
    checkValue(input, text, reference, where, problem);
  }

  const value = (input: string): string =>
    given.get(input) ?? manifest.inputs.find((i) => i.name === input)?.defaultValue ?? '';
  for (const input of manifest.inputs) {
    if (input.required !== true || !isVisible(input.visibleRule, value)) continue;
    if (value(input.name).trim() === '') {
      problem(where, `${reference} needs input ${input.name} (${input.label ?? input.name})`);
    }
  }
}

/** Whether a value is one the task accepts: pickList options, booleans as true or false. */
function checkValue(
  input: ManifestInput,
  text: string,
  reference: string,
  where: string,
  problem: Problem,
): void {
  // A value made at run time or from a template parameter cannot be checked here.
  if (/\$\(|\$\[|\$\{\{/.test(text)) return;
  if (input.type === 'pickList' && input.options !== undefined) {
    const editable = /^true$/i.test(input.properties?.EditableOptions ?? '');
    const allowed = Object.keys(input.options);
    if (!editable && text !== '' && !allowed.includes(text)) {
      problem(where, `input ${input.name} is '${text}'; ${reference} allows ${allowed.join(', ')}`);
    }
  }
  if (input.type === 'boolean' && !/^(true|false)$/i.test(text)) {
    problem(where, `input ${input.name} is '${text}'; give true or false`);
  }
}

/** Evaluates a task.json visibleRule such as `source = folder` (clauses joined by && or ||). */
function isVisible(rule: string | undefined, value: (input: string) => string): boolean {
  if (rule === undefined || rule.trim() === '') return true;
  const any = rule.includes('||');
  const clauses = rule.split(any ? '||' : '&&').map((clause) => {
    const match = /^\s*(\w+)\s*(!=|=)\s*(.*?)\s*$/.exec(clause);
    if (match === null) return true;
    const [, input = '', operator, expected = ''] = match;
    const equal = value(input).toLowerCase() === expected.toLowerCase();
    return operator === '=' ? equal : !equal;
  });
  return any ? clauses.some(Boolean) : clauses.every(Boolean);
}
