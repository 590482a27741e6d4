/**
 * examples/stack as the structural checks read it: the parsed compose file, its files, and
 * the parts of a service (environment, mounts, ports) the checks compare.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** The stack folder as the checks see it: the parsed compose file and a way to read files. */
export interface Stack {
  compose: unknown;
  /** A file's text by its path relative to the stack folder; undefined when it is missing. */
  readFile(relative: string): string | undefined;
  /** Whether a file or folder exists, by its path relative to the stack folder. */
  exists(relative: string): boolean;
  /** The names in a folder, by its path relative to the stack folder. */
  listDir(relative: string): string[];
}

/** Reads `compose.yml` of a stack folder. */
export function loadStack(dir: string): Stack {
  const readFile = (relative: string): string | undefined => {
    const file = path.join(dir, relative);
    return fs.existsSync(file) && fs.statSync(file).isFile()
      ? fs.readFileSync(file, 'utf8')
      : undefined;
  };
  return {
    compose: parse(readFile('compose.yml') ?? ''),
    readFile,
    exists: (relative) => fs.existsSync(path.join(dir, relative)),
    listDir: (relative) => {
      const folder = path.join(dir, relative);
      return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    },
  };
}

/** A YAML mapping. */
export type YamlMap = Record<string, unknown>;

/** Whether a YAML value is a mapping. */
export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A YAML value as a list: a single value becomes one item, a missing one none. */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A YAML scalar as text; anything else is the fallback. */
export function text(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fallback;
}

/** Compose's interpolation with the defaults only: `${X:-d}` is d, `${X}` is empty. */
export function interpolate(value: string): string {
  return value
    .split('$$')
    .map((part) =>
      part.replace(/\$\{\w+(?::?-([^}]*))?\}/g, (_, fallback?: string) => fallback ?? ''),
    )
    .join('$');
}

/** A command, entrypoint or healthcheck test as one line of text. */
export function commandText(value: unknown): string {
  return list(value)
    .map((part) => text(part))
    .join(' ');
}

/** The environment of a service as a map, from its mapping or `KEY=value` list form. */
export function environment(service: YamlMap): Map<string, string> {
  const env = new Map<string, string>();
  if (isMap(service.environment)) {
    for (const [key, value] of Object.entries(service.environment)) {
      env.set(key, interpolate(text(value)));
    }
  } else {
    for (const entry of list(service.environment)) {
      const [key = '', ...rest] = text(entry).split('=');
      env.set(key, interpolate(rest.join('=')));
    }
  }
  return env;
}

/** A volume or bind mount of a service. */
export interface Mount {
  /** A named volume, or a bind mount's host path. */
  source: string;
  target: string;
  bind: boolean;
}

/** A service's mounts, from the short `source:target[:mode]` or the long syntax. */
export function mounts(service: YamlMap): Mount[] {
  return list(service.volumes).flatMap((entry): Mount[] => {
    if (isMap(entry)) {
      const source = text(entry.source);
      return [{ source, target: text(entry.target), bind: entry.type === 'bind' }];
    }
    const [source = '', target = ''] = interpolate(text(entry)).split(':');
    return [{ source, target, bind: /^[./~]/.test(source) }];
  });
}

/** `[ip:]host:container[/protocol]` host sides, after interpolation. */
export function publishedPorts(raw: YamlMap): { host: string; container: string }[] {
  return list(raw.ports).flatMap((entry) => {
    if (isMap(entry)) {
      const protocol = text(entry.protocol, 'tcp');
      if (entry.published === undefined) return [];
      return [{ host: `${text(entry.published)}/${protocol}`, container: text(entry.target) }];
    }
    const [spec = '', protocol = 'tcp'] = interpolate(text(entry)).split('/');
    const parts = spec.split(':');
    if (parts.length < 2) return [];
    const container = parts[parts.length - 1] ?? '';
    return [{ host: `${parts.slice(0, -1).join(':')}/${protocol}`, container }];
  });
}

/** The host file mounted at a container path of a service, relative to the stack folder. */
export function mountedFile(raw: YamlMap, target: string): string | undefined {
  const mount = mounts(raw).find((candidate) => candidate.bind && candidate.target === target);
  return mount === undefined ? undefined : path.posix.normalize(mount.source);
}

/** Records a problem, already naming its file. */
export type Say = (message: string) => void;
