/**
 * Turns the two ways a configuration reaches Triton - config.pbtxt text in the repository and
 * the JSON `config` parameter of a load request - into one JSON object with ModelConfig's
 * proto field names, before completion and checks. The text is read with the project's
 * schema-driven parser, so a config Triton cannot parse fails here too.
 */
import { PbMessageNode, PbNode } from '../../../tasks/common/triton/pbtxt-ast';
import { parsePbtxt } from '../../../tasks/common/triton/pbtxt-parser';
import {
  MODEL_CONFIG_SCHEMA,
  MODEL_CONFIG_TYPE,
} from '../../../tasks/common/triton/model-config-schema';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

// Map fields of ModelConfig, whose JSON keys are not field names.
const MAP_FIELDS = new Set([
  'parameters',
  'cc_model_filenames',
  'metric_tags',
  'input_map',
  'output_map',
  'priority_queue_policy',
  'inputs',
]);

function nodeToJson(node: PbNode): JsonValue {
  return node.kind === 'scalar' ? node.value : messageToJson(node);
}

function mapEntryToPair(entry: PbMessageNode): [string, JsonValue] | undefined {
  const key = entry.entries.filter((e) => e.field.name === 'key').at(-1)?.value;
  const value = entry.entries.filter((e) => e.field.name === 'value').at(-1)?.value;
  if (key === undefined || value === undefined || key.kind !== 'scalar') return undefined;
  return [String(key.value), nodeToJson(value)];
}

function messageToJson(message: PbMessageNode): JsonObject {
  const json: JsonObject = {};
  for (const entry of message.entries) {
    const name = entry.field.name;
    const value = entry.value;
    if (value.kind === 'message' && value.type.mapEntry) {
      const map = (json[name] ?? {}) as JsonObject;
      const pair = mapEntryToPair(value);
      if (pair !== undefined) map[pair[0]] = pair[1];
      json[name] = map;
    } else if (entry.field.repeated) {
      const list = (json[name] ?? []) as JsonValue[];
      list.push(nodeToJson(value));
      json[name] = list;
    } else {
      json[name] = nodeToJson(value);
    }
  }
  return json;
}

/** Reads config.pbtxt text into a ModelConfig-shaped JSON object; throws when it is invalid. */
export function configFromPbtxt(text: string): JsonObject {
  const result = parsePbtxt(text, MODEL_CONFIG_TYPE, MODEL_CONFIG_SCHEMA);
  const error = result.issues.find((issue) => issue.severity === 'error');
  if (result.root === undefined || error !== undefined) {
    throw new Error(`config.pbtxt: ${error?.message ?? 'unreadable'}`);
  }
  return messageToJson(result.root);
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
