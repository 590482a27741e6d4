/**
 * Structural checks of examples/stack: the compose file's services, images, dependencies,
 * files, ports and pairings, and the Prometheus and Grafana files it mounts.
 */
import * as path from 'node:path';
import { checkGrafana, checkPrometheus } from './monitoring-check';
import {
  commandText,
  environment,
  interpolate,
  isMap,
  list,
  mounts,
  publishedPorts,
  type Say,
  type Stack,
  text,
  type YamlMap,
} from './stack-model';

export { loadStack, type Stack } from './stack-model';

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
    } else if (mount.source.startsWith('/')) {
      // A path of the host system, such as node exporter's view of the root file system.
      continue;
    } else {
      const relative = path.posix.normalize(mount.source);
      if (!stack.exists(relative) && !isRuntimeData(stack, relative)) {
        say(`compose.yml: service ${name} mounts ${mount.source}, which is not in the repository`);
      }
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

/** Whether the stack's .gitignore marks a path as data the stack makes at run time. */
function isRuntimeData(stack: Stack, relative: string): boolean {
  const patterns = (stack.readFile('.gitignore') ?? '')
    .split('\n')
    .map((line) => line.trim().replace(/^\/|\/$/g, ''))
    .filter((line) => line !== '' && !line.startsWith('#'));
  return patterns.some((pattern) => relative === pattern || relative.startsWith(`${pattern}/`));
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
