/**
 * The local model folder as the live validation uses it: config.pbtxt read into the JSON form
 * Triton serves from /config and accepts in a load request, and the version folders' files.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { JsonObject, JsonValue } from '../kserve/kserve-types';
import { MODEL_CONFIG_SCHEMA, MODEL_CONFIG_TYPE } from '../model-config-schema';
import { lastEntry, type PbMessageNode, type PbNode, scalar } from '../pbtxt-ast';
import { parsePbtxt } from '../pbtxt-parser';
import { scanModelFolder } from '../repository-layout';
import { LiveInputError } from './live-options';

/** The local model: its config in JSON form and, for a load, the files to send. */
export interface LocalModel {
  folder: string;
  /** config.pbtxt as Triton's JSON form; undefined when the folder has none. */
  config?: JsonObject;
  /** Version number to the version folder's name. */
  versions: ReadonlyMap<number, string>;
}

/** Reads the folder's config.pbtxt; a config that does not parse is a LiveInputError. */
export async function readLocalModel(folder: string): Promise<LocalModel> {
  const stat = await fs.stat(folder).catch(() => undefined);
  if (stat === undefined || !stat.isDirectory()) {
    throw new LiveInputError(
      `Model folder "${folder}" does not exist or is not a folder: give the folder that holds ` +
        'config.pbtxt and the version folders.',
    );
  }
  const scan = await scanModelFolder(folder);
  const model: LocalModel = { folder, versions: scan.versions };
  if (scan.configText !== undefined) {
    model.config = configTextToJson(scan.configText, path.join(folder, 'config.pbtxt'));
  }
  return model;
}

/** Parses config.pbtxt text into Triton's JSON form; errors name the file, line and column. */
export function configTextToJson(text: string, file: string): JsonObject {
  const parsed = parsePbtxt(text, MODEL_CONFIG_TYPE, MODEL_CONFIG_SCHEMA);
  const errors = parsed.issues.filter((issue) => issue.severity === 'error');
  const first = errors[0];
  if (parsed.root === undefined || first !== undefined) {
    const where = first === undefined ? file : `${file}:${first.line}:${first.column}`;
    const problem = first?.message ?? 'the file could not be read';
    const fix = first?.fix ?? 'Correct config.pbtxt.';
    throw new LiveInputError(`${where}: ${problem} ${fix} The offline checks list every problem.`);
  }
  return messageToJson(parsed.root);
}

/**
 * The files a load request sends: every file under the served version folders, keyed
 * `<version folder>/<path>` as Triton's `file:` parameters expect.
 */
export async function versionFiles(
  model: LocalModel,
  version: number | undefined,
): Promise<Map<string, Buffer>> {
  const folders =
    version === undefined
      ? [...model.versions.values()]
      : [model.versions.get(version)].filter((name): name is string => name !== undefined);
  if (folders.length === 0) {
    const which = version === undefined ? 'any version folder' : `version folder ${version}`;
    throw new LiveInputError(
      `Model folder "${model.folder}" has no ${which}: put the model file in ` +
        `"${model.folder}/${version ?? 1}/" or pick a version the folder holds.`,
    );
  }
  const files = new Map<string, Buffer>();
  for (const folder of folders) {
    for (const relative of await listFiles(path.join(model.folder, folder))) {
      const key = `${folder}/${relative}`;
      files.set(key, await fs.readFile(path.join(model.folder, folder, ...relative.split('/'))));
    }
  }
  return files;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await listFiles(path.join(dir, entry.name), relative)));
    else if (entry.isFile()) found.push(relative);
  }
  return found;
}

/** A parsed message in protobuf's JSON form: repeated fields as lists, maps as objects. */
export function messageToJson(message: PbMessageNode): JsonObject {
  const json: JsonObject = {};
  for (const entry of message.entries) {
    const name = entry.field.name;
    const value = entry.value;
    if (value.kind === 'message' && value.type.mapEntry) {
      const map = json[name];
      const holder: JsonObject = isObject(map) ? map : {};
      holder[String(scalar(value, 'key')?.value ?? '')] = mapValue(value);
      json[name] = holder;
    } else if (entry.field.repeated) {
      const list = json[name];
      json[name] = [...(Array.isArray(list) ? list : []), nodeToJson(value)];
    } else {
      json[name] = nodeToJson(value);
    }
  }
  return json;
}

function mapValue(entry: PbMessageNode): JsonValue {
  const value = lastEntry(entry, 'value')?.value;
  if (value !== undefined) return nodeToJson(value);
  const field = entry.type.fields.get('value');
  if (field?.type === 'message') return {};
  if (field?.type === 'string') return '';
  if (field?.type === 'bool') return false;
  return 0;
}

function nodeToJson(node: PbNode): JsonValue {
  if (node.kind === 'message') return messageToJson(node);
  if (node.enumNumber !== undefined && node.value === '') return node.enumNumber;
  return node.value;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return (
    value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value)
  );
}
