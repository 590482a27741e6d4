/**
 * Structural checks of examples/stack: the compose file's services, images, dependencies,
 * files, ports and pairings, and the Prometheus and Grafana files it mounts.
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

/** The services the stack must run. */
export const REQUIRED_SERVICES = [
  'mlflow',
  'postgres',
  'minio',
  'minio-buckets',
  'triton-staging',
  'triton-production',
  'sync-staging',
  'sync-production',
  'prometheus',
  'node-exporter',
  'grafana',
] as const;

/** Each Triton, the sync service beside it and the alias that sync follows. */
export const SERVING_PAIRS = [
  { triton: 'triton-staging', sync: 'sync-staging', alias: 'challenger' },
  { triton: 'triton-production', sync: 'sync-production', alias: 'champion' },
] as const;

type YamlMap = Record<string, unknown>;

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A YAML scalar as text; anything else is the fallback. */
function text(value: unknown, fallback = ''): string {
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
function commandText(value: unknown): string {
  return list(value)
    .map((part) => text(part))
    .join(' ');
}

/** The environment of a service as a map, from its mapping or `KEY=value` list form. */
function environment(service: YamlMap): Map<string, string> {
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

interface Mount {
  /** A named volume, or a bind mount's host path. */
  source: string;
  target: string;
  bind: boolean;
}

function mounts(service: YamlMap): Mount[] {
  return list(service.volumes).flatMap((entry): Mount[] => {
    if (isMap(entry)) {
      const source = text(entry.source);
      return [{ source, target: text(entry.target), bind: entry.type === 'bind' }];
    }
    const [source = '', target = ''] = interpolate(text(entry)).split(':');
    return [{ source, target, bind: /^[./~]/.test(source) }];
  });
}

/** Whether an image reference names a fixed version: a tag other than latest, or a digest. */
export function isPinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon > 0 && last.slice(colon + 1) !== '' && last.slice(colon + 1) !== 'latest';
}

/** Checks the stack; each problem names the file and service it is about. */
export function checkStack(stack: Stack): string[] {
  const problems: string[] = [];
  const compose = isMap(stack.compose) ? stack.compose : {};
  const services = isMap(compose.services) ? compose.services : {};
  const service = (name: string): YamlMap => {
    const found = services[name];
    return isMap(found) ? found : {};
  };
  const say = (message: string): void => {
    problems.push(message);
  };

  for (const name of REQUIRED_SERVICES) {
    if (!isMap(services[name])) say(`compose.yml: no service ${name}`);
  }
  for (const [name, raw] of Object.entries(services)) {
    if (!isMap(raw)) continue;
    checkImage(stack, name, raw, say);
    checkDependencies(services, name, raw, say);
    checkFiles(stack, compose, name, raw, say);
    if (raw.restart !== 'no' && !isMap(raw.healthcheck)) {
      say(`compose.yml: service ${name} runs on but has no healthcheck`);
    }
  }
  checkPorts(services, say);
  checkMlflow(service('mlflow'), say);
  for (const pair of SERVING_PAIRS) checkPair(service(pair.triton), service(pair.sync), pair, say);
  checkPrometheus(stack, services, say);
  checkGrafana(stack, service('grafana'), say);
  return problems;
}

type Say = (message: string) => void;

/** An image with a pinned tag, or a build whose Dockerfile's FROM lines are pinned. */
function checkImage(stack: Stack, name: string, raw: YamlMap, say: Say): void {
  if (typeof raw.image === 'string') {
    if (!isPinned(interpolate(raw.image))) {
      say(`compose.yml: service ${name} uses ${raw.image}; pin a version instead of latest`);
    }
    return;
  }
  const dockerfile = buildDockerfile(raw);
  if (dockerfile === undefined) {
    say(`compose.yml: service ${name} has neither an image nor a build`);
    return;
  }
  const text = stack.readFile(dockerfile);
  if (text === undefined) {
    say(`compose.yml: service ${name} builds from ${dockerfile}, which is missing`);
    return;
  }
  const stages = new Set<string>();
  for (const [, image = '', alias] of text.matchAll(
    /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/gim,
  )) {
    if (image !== 'scratch' && !stages.has(image.toLowerCase()) && !isPinned(image)) {
      say(`${dockerfile}: FROM ${image} is not pinned to a version`);
    }
    if (alias !== undefined) stages.add(alias.toLowerCase());
  }
}

/** The Dockerfile a build uses, relative to the stack folder. */
export function buildDockerfile(raw: YamlMap): string | undefined {
  if (typeof raw.build === 'string') return path.posix.join(raw.build, 'Dockerfile');
  if (!isMap(raw.build)) return undefined;
  const context = text(raw.build.context, '.');
  return path.posix.join(context, text(raw.build.dockerfile, 'Dockerfile'));
}

const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];

function checkDependencies(services: YamlMap, name: string, raw: YamlMap, say: Say): void {
  const entries: [string, unknown][] = isMap(raw.depends_on)
    ? Object.entries(raw.depends_on)
    : list(raw.depends_on).map((target) => [text(target), undefined]);
  for (const [target, options] of entries) {
    const other = services[target];
    if (!isMap(other)) {
      say(`compose.yml: service ${name} depends on ${target}, which is not a service`);
      continue;
    }
    const condition = isMap(options) ? text(options.condition) : 'service_started';
    if (!CONDITIONS.includes(condition)) {
      say(`compose.yml: service ${name} waits on ${target} with unknown condition ${condition}`);
    } else if (condition === 'service_healthy' && !isMap(other.healthcheck)) {
      say(`compose.yml: service ${name} waits for ${target} to be healthy; it has no healthcheck`);
    } else if (condition === 'service_completed_successfully' && other.restart !== 'no') {
      say(`compose.yml: service ${name} waits for ${target} to finish; it is not a one-shot`);
    }
  }
}

/** Host files and folders exist; named volumes are declared. */
function checkFiles(stack: Stack, compose: YamlMap, name: string, raw: YamlMap, say: Say): void {
  const declared = isMap(compose.volumes) ? Object.keys(compose.volumes) : [];
  for (const mount of mounts(raw)) {
    if (!mount.bind) {
      if (!declared.includes(mount.source)) {
        say(`compose.yml: service ${name} mounts volume ${mount.source}, which is not declared`);
      }
    } else if (!mount.source.startsWith('/') && !stack.exists(path.posix.normalize(mount.source))) {
      say(`compose.yml: service ${name} mounts ${mount.source}, which is not in the repository`);
    }
  }
  const context = isMap(raw.build) ? raw.build.context : raw.build;
  if (typeof context === 'string' && !stack.exists(context)) {
    say(`compose.yml: service ${name} builds in ${context}, which is not in the repository`);
  }
  for (const file of list(raw.env_file).map((entry) => text(entry))) {
    if (!stack.exists(file)) say(`compose.yml: service ${name} reads missing ${file}`);
  }
}

/** `[ip:]host:container[/protocol]` host sides, after interpolation. */
function publishedPorts(raw: YamlMap): { host: string; container: string }[] {
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

function checkPorts(services: YamlMap, say: Say): void {
  const owners = new Map<string, string>();
  for (const [name, raw] of Object.entries(services)) {
    if (!isMap(raw)) continue;
    for (const { host } of publishedPorts(raw)) {
      const owner = owners.get(host);
      if (owner !== undefined)
        say(`compose.yml: host port ${host} is published by ${owner} and ${name}`);
      owners.set(host, name);
    }
  }
}

function checkMlflow(raw: YamlMap, say: Say): void {
  const command = `${commandText(raw.entrypoint)} ${commandText(raw.command)}`;
  const expected: [RegExp, string][] = [
    [/\bmlflow server\b/, 'run `mlflow server`'],
    [/--backend-store-uri[ =]"?postgresql:\/\/[^ ]*@postgres:/, 'keep its metadata in postgres'],
    [/--artifacts-destination[ =]"?s3:\/\//, 'store artifacts in MinIO (s3://)'],
    [/--serve-artifacts\b/, 'proxy artifacts (--serve-artifacts)'],
    [/--allowed-hosts\b/, 'name the hosts it answers to (--allowed-hosts)'],
  ];
  for (const [pattern, what] of expected) {
    if (!pattern.test(command)) say(`compose.yml: service mlflow does not ${what}`);
  }
  if (!/^http:\/\/minio:9000$/.test(environment(raw).get('MLFLOW_S3_ENDPOINT_URL') ?? '')) {
    say('compose.yml: service mlflow does not reach MinIO through MLFLOW_S3_ENDPOINT_URL');
  }
}

/** A Triton in explicit mode and its sync service: same repository volume, right alias. */
function checkPair(
  triton: YamlMap,
  sync: YamlMap,
  pair: (typeof SERVING_PAIRS)[number],
  say: Say,
): void {
  const command = commandText(triton.command);
  if (!/--model-control-mode[ =]explicit\b/.test(command)) {
    say(`compose.yml: service ${pair.triton} is not in explicit model-control mode`);
  }
  const repository = /--model-repository[ =](\S+)/.exec(command)?.[1];
  const volume = mounts(triton).find((mount) => mount.target === repository);
  const env = environment(sync);
  if (repository === undefined || volume === undefined) {
    say(`compose.yml: service ${pair.triton} reads no mounted --model-repository`);
  } else {
    const shared = mounts(sync).find((mount) => mount.source === volume.source);
    if (shared === undefined || shared.target !== env.get('TRITON_MODEL_REPOSITORY')) {
      say(
        `compose.yml: service ${pair.sync} does not write ${pair.triton}'s repository ` +
          `(mount ${volume.source} at the path TRITON_MODEL_REPOSITORY names)`,
      );
    }
  }
  if (!new RegExp(`^http://${pair.triton}:8000/?$`).test(env.get('TRITON_URL') ?? '')) {
    say(`compose.yml: service ${pair.sync} has TRITON_URL ${env.get('TRITON_URL') ?? 'unset'}`);
  }
  const models = (env.get('SYNC_MODELS') ?? '').split(/[\s,]+/).filter(Boolean);
  if (models.length === 0 || !models.every((model) => model.endsWith(`@${pair.alias}`))) {
    say(`compose.yml: service ${pair.sync} does not follow the ${pair.alias} alias`);
  }
  if (!/^http:\/\/mlflow:5000\/?$/.test(env.get('MLFLOW_TRACKING_URI') ?? '')) {
    say(`compose.yml: service ${pair.sync} does not reach mlflow through MLFLOW_TRACKING_URI`);
  }
}

/** The host file mounted at a container path of a service, relative to the stack folder. */
function mountedFile(raw: YamlMap, target: string): string | undefined {
  const mount = mounts(raw).find((candidate) => candidate.bind && candidate.target === target);
  return mount === undefined ? undefined : path.posix.normalize(mount.source);
}

/** Every scrape target is `<service>:<port>` with a port that service listens on. */
function checkPrometheus(stack: Stack, services: YamlMap, say: Say): void {
  const prometheus = isMap(services.prometheus) ? services.prometheus : {};
  const file = mountedFile(prometheus, '/etc/prometheus/prometheus.yml');
  if (file === undefined) {
    say('compose.yml: service prometheus has no prometheus.yml mounted from the repository');
    return;
  }
  // A mounted file that is missing is reported with the other mounts.
  const content = stack.readFile(file);
  if (content === undefined) return;
  const config: unknown = parse(content);
  const jobs = isMap(config) ? list(config.scrape_configs).filter(isMap) : [];
  for (const job of jobs) {
    const targets = list(job.static_configs)
      .filter(isMap)
      .flatMap((group) => list(group.targets).map(String));
    for (const target of targets) {
      const [host = '', port = ''] = target.split(':');
      const owner = services[host];
      if (!isMap(owner)) {
        say(`${file}: job ${text(job.job_name)} scrapes ${target}; ${host} is not a service`);
        continue;
      }
      const listening = [
        ...publishedPorts(owner).map((published) => published.container),
        ...list(owner.expose).map(String),
      ];
      if (!listening.includes(port)) {
        say(`${file}: job ${text(job.job_name)} scrapes ${target}; ${host} has no port ${port}`);
      }
    }
  }
}

/** Datasources and dashboards provisioned from the repository agree on the datasource. */
function checkGrafana(stack: Stack, grafana: YamlMap, say: Say): void {
  const provisioning = mountedFile(grafana, '/etc/grafana/provisioning');
  if (provisioning === undefined) {
    say('compose.yml: service grafana has no provisioning folder mounted from the repository');
    return;
  }
  const datasourceFile = `${provisioning}/datasources/prometheus.yml`;
  const datasources = parse(stack.readFile(datasourceFile) ?? '') as unknown;
  const uids = (isMap(datasources) ? list(datasources.datasources) : [])
    .filter(isMap)
    .map((source) => text(source.uid));
  if (uids.length === 0) say(`${datasourceFile}: no datasource with a uid`);

  const providerFile = `${provisioning}/dashboards/dashboards.yml`;
  const providers = parse(stack.readFile(providerFile) ?? '') as unknown;
  for (const provider of (isMap(providers) ? list(providers.providers) : []).filter(isMap)) {
    const options = isMap(provider.options) ? provider.options : {};
    const folder = mountedFile(grafana, text(options.path));
    if (folder === undefined) {
      say(`${providerFile}: dashboards path ${text(options.path)} is not mounted in grafana`);
      continue;
    }
    const files = stack.listDir(folder).filter((name) => name.endsWith('.json'));
    if (files.length === 0) say(`${folder}: no dashboard JSON`);
    for (const name of files) checkDashboard(stack, `${folder}/${name}`, uids, say);
  }
}

function checkDashboard(stack: Stack, file: string, uids: string[], say: Say): void {
  let dashboard: unknown;
  try {
    dashboard = JSON.parse(stack.readFile(file) ?? '');
  } catch (error) {
    say(`${file}: not JSON (${(error as Error).message})`);
    return;
  }
  const panels = isMap(dashboard) ? list(dashboard.panels).filter(isMap) : [];
  for (const panel of panels) {
    const references = [
      panel.datasource,
      ...list(panel.targets)
        .filter(isMap)
        .map((t) => t.datasource),
    ];
    for (const reference of references) {
      if (reference === undefined) continue;
      const uid = isMap(reference) ? text(reference.uid) : text(reference);
      if (!uids.includes(uid)) {
        say(
          `${file}: panel "${text(panel.title)}" uses datasource ${uid}; ` +
            `the provisioned one is ${uids.join(', ')}`,
        );
      }
    }
  }
}
