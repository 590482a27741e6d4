/**
 * Compares the configuration Triton serves with the local config.pbtxt: everything the local
 * config sets must hold on the server, while what Triton filled in on its own is left alone.
 * Type names are compared in one spelling (TYPE_FP32 = FP32, TYPE_STRING = BYTES) and int64
 * values that arrive as strings are compared as numbers.
 */
import type { JsonObject, JsonValue } from '../kserve/kserve-types';
import { toWireType } from '../data-types';

/** A field whose served value differs from what the local config sets. */
export interface ConfigDifference {
  /** Where, e.g. `input[INPUT0].dims` or `max_batch_size`. */
  path: string;
  local: string;
  /** The served value, or `(absent)`. */
  served: string;
}

/** Fields whose values are type names. */
const TYPE_FIELDS: ReadonlySet<string> = new Set(['data_type', 'datatype']);

/** Every field the local config sets that the served config does not hold. */
export function compareServedConfig(local: JsonObject, served: JsonObject): ConfigDifference[] {
  const differences: ConfigDifference[] = [];
  compareObjects('', local, served, differences);
  return differences;
}

/** One line per difference, for reports. */
export function describeDifference(difference: ConfigDifference): string {
  return (
    `${difference.path}: the local config sets ${difference.local}, ` +
    `Triton serves ${difference.served}`
  );
}

function compareObjects(
  path: string,
  local: JsonObject,
  served: JsonObject,
  out: ConfigDifference[],
): void {
  for (const [key, value] of Object.entries(local)) {
    compareValues(path === '' ? key : `${path}.${key}`, key, value, served[key], out);
  }
}

function compareValues(
  path: string,
  key: string,
  local: JsonValue,
  served: JsonValue | undefined,
  out: ConfigDifference[],
): void {
  if (served === undefined || served === null) {
    if (!isDefault(local)) out.push({ path, local: show(local), served: '(absent)' });
    return;
  }
  if (Array.isArray(local)) {
    compareLists(path, key, local, served, out);
    return;
  }
  if (isObject(local)) {
    if (isObject(served)) compareObjects(path, local, served, out);
    else out.push({ path, local: show(local), served: show(served) });
    return;
  }
  if (key === 'kind' && local === 'KIND_AUTO') return; // Triton resolves AUTO to CPU or GPU.
  if (!sameScalar(key, local, served)) out.push({ path, local: show(local), served: show(served) });
}

function compareLists(
  path: string,
  key: string,
  local: JsonValue[],
  served: JsonValue,
  out: ConfigDifference[],
): void {
  if (!Array.isArray(served)) {
    out.push({ path, local: show(local), served: show(served) });
    return;
  }
  const named =
    local.length > 0 && local.every((item) => isObject(item) && typeof item.name === 'string');
  if (named) {
    // Inputs, outputs and the like are matched by name: their order is not significant.
    for (const item of local as JsonObject[]) {
      const name = item.name as string;
      const match = served.find((candidate) => isObject(candidate) && candidate.name === name);
      const itemPath = `${path}[${name}]`;
      if (match === undefined)
        out.push({ path: itemPath, local: `an entry named "${name}"`, served: '(absent)' });
      else compareValues(itemPath, key, item, match, out);
    }
    return;
  }
  if (local.some(isObject)) {
    local.forEach((item, index) =>
      compareValues(`${path}[${index}]`, key, item, served[index], out),
    );
    return;
  }
  const same =
    local.length === served.length && local.every((item, i) => sameScalar(key, item, served[i]));
  if (!same) out.push({ path, local: show(local), served: show(served) });
}

function sameScalar(key: string, local: JsonValue, served: JsonValue | undefined): boolean {
  if (TYPE_FIELDS.has(key) && typeof local === 'string' && typeof served === 'string') {
    return (toWireType(local) ?? local) === (toWireType(served) ?? served);
  }
  if (typeof local === 'number' || typeof served === 'number') {
    const a = Number(local);
    const b = Number(served);
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return local === served;
}

function isDefault(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.length === 0;
  // A message that is set means something even when empty (dynamic_batching { }).
  if (isObject(value)) return false;
  return value === 0 || value === '' || value === false || value === null;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return (
    value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value)
  );
}

function show(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (isObject(value)) return JSON.stringify(value);
  return typeof value === 'string' ? value : String(value);
}
