/**
 * The monitoring half of the stack: Prometheus scrapes compose services on ports they listen
 * on, and Grafana's dashboards use the datasource its provisioning defines.
 */
import { parse } from 'yaml';
import {
  isMap,
  list,
  mountedFile,
  publishedPorts,
  type Say,
  type Stack,
  text,
  type YamlMap,
} from './stack-model';

/** Every scrape target is `<service>:<port>` with a port that service listens on. */
export function checkPrometheus(stack: Stack, services: YamlMap, say: Say): void {
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
export function checkGrafana(stack: Stack, grafana: YamlMap, say: Say): void {
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
