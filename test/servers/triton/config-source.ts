/**
 * Turns the two ways a configuration reaches Triton - config.pbtxt text in the repository and
 * the JSON `config` parameter of a load request - into one JSON object with ModelConfig's
 * proto field names, before completion and checks.
 */
import { PbtxtMessage, PbtxtValue, readPbtxt } from './pbtxt-reader';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

// ModelConfig fields (at any depth) that are repeated in model_config.proto.
const REPEATED_FIELDS = new Set([
  'input',
  'output',
  'dims',
  'shape',
  'instance_group',
  'gpus',
  'profile',
  'secondary_devices',
  'batch_input',
  'batch_output',
  'target_name',
  'source_input',
  'preferred_batch_size',
  'versions',
  'model_warmup',
  'op_library_filename',
  'agents',
  'control_input',
  'control',
  'state',
  'initial_state',
  'int32_false_true',
  'fp32_false_true',
  'bool_false_true',
  'step',
  'gpu_execution_accelerator',
  'cpu_execution_accelerator',
  'graph_spec',
  'dim',
  'resources',
  'metric_control',
  'buckets',
]);

// Map fields, written in text format as repeated { key: ... value: ... } entries.
const MAP_FIELDS = new Set([
  'parameters',
  'cc_model_filenames',
  'metric_tags',
  'input_map',
  'output_map',
  'priority_queue_policy',
  'inputs',
]);

function isMessage(value: PbtxtValue): value is PbtxtMessage {
  return typeof value === 'object';
}

function convertValue(value: PbtxtValue): JsonValue {
  return isMessage(value) ? convertMessage(value) : value;
}

function convertMap(entries: PbtxtValue[]): JsonObject {
  const map: JsonObject = {};
  for (const entry of entries) {
    if (!isMessage(entry)) continue;
    const key = entry.key?.at(-1);
    const value = entry.value?.at(-1);
    if (key !== undefined && value !== undefined) {
      map[String(key)] = convertValue(value);
    }
  }
  return map;
}

function convertMessage(message: PbtxtMessage): JsonObject {
  const json: JsonObject = {};
  for (const [field, values] of Object.entries(message)) {
    if (MAP_FIELDS.has(field) && values.every(isMessage) && values.some((v) => 'key' in v)) {
      json[field] = convertMap(values);
    } else if (REPEATED_FIELDS.has(field)) {
      json[field] = values.map(convertValue);
    } else {
      const last = values.at(-1);
      if (last !== undefined) json[field] = convertValue(last);
    }
  }
  return json;
}

/** Reads config.pbtxt text into a ModelConfig-shaped JSON object. */
export function configFromPbtxt(text: string): JsonObject {
  return convertMessage(readPbtxt(text));
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
}

// Protobuf's JSON parser accepts lowerCamelCase names as well as the proto names.
function normaliseKeys(value: JsonValue, insideMap: boolean): JsonValue {
  if (Array.isArray(value)) {
    return value.map((v) => normaliseKeys(v, false));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const json: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = insideMap ? key : snakeCase(key);
    json[name] = normaliseKeys(inner, !insideMap && MAP_FIELDS.has(name));
  }
  return json;
}

/** Parses the JSON form of ModelConfig sent in a load request; throws on invalid JSON. */
export function configFromJson(text: string): JsonObject {
  const parsed = JSON.parse(text) as JsonValue;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('the configuration must be a JSON object');
  }
  return normaliseKeys(parsed, false) as JsonObject;
}
