import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../harness/task-runner';
import { checkStack, isPinned, loadStack, type Stack } from './compose-check';

const STACK_DIR = path.join(REPO_ROOT, 'examples', 'stack');
const stack = loadStack(STACK_DIR);

type YamlMap = Record<string, unknown>;

/** The stack with its compose file changed by `edit` and some files replaced or removed. */
function variant(
  edit: (services: Record<string, YamlMap>, compose: YamlMap) => void,
  files: Record<string, string | undefined> = {},
): Stack {
  const compose = structuredClone(stack.compose) as YamlMap;
  edit(compose.services as Record<string, YamlMap>, compose);
  const replaced = (relative: string): boolean => Object.hasOwn(files, relative);
  return {
    compose,
    readFile: (relative) => (replaced(relative) ? files[relative] : stack.readFile(relative)),
    exists: (relative) =>
      replaced(relative) ? files[relative] !== undefined : stack.exists(relative),
    listDir: (relative) => stack.listDir(relative),
  };
}

const DASHBOARD = 'grafana/dashboards/triton-inference.json';

describe('examples/stack/compose.yml', () => {
  it('holds together: services, images, dependencies, files, ports, scrapes, dashboards', () => {
    assert.deepEqual(checkStack(stack), []);
  });

  it('pins MLflow and Triton to the images the issue names', () => {
    const mlflowDockerfile = stack.readFile('mlflow/Dockerfile') ?? '';
    assert.match(mlflowDockerfile, /^FROM ghcr\.io\/mlflow\/mlflow:v\d+\.\d+\.\d+$/m);
    const services = (stack.compose as { services: Record<string, { image?: string }> }).services;
    for (const name of ['triton-staging', 'triton-production']) {
      assert.match(services[name]?.image ?? '', /^nvcr\.io\/nvidia\/tritonserver:\d+\.\d+-py3$/);
    }
    assert.match(services['minio-buckets']?.image ?? '', /^minio\/mc:RELEASE\./);
  });

  it('builds each sync service from examples/stack/sync/Dockerfile', () => {
    const services = (stack.compose as { services: Record<string, YamlMap> }).services;
    for (const name of ['sync-staging', 'sync-production']) {
      const build = services[name]?.build as { context: string; dockerfile: string };
      assert.equal(
        path.resolve(STACK_DIR, build.context, build.dockerfile),
        path.join(STACK_DIR, 'sync', 'Dockerfile'),
      );
    }
  });

  it('has a dashboard for inference latency, throughput and health', () => {
    const dashboard = JSON.parse(stack.readFile(DASHBOARD) ?? '{}') as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const expressions = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    assert.ok(
      expressions.some((e) => e.includes('nv_inference_request_summary_us')),
      'latency',
    );
    assert.ok(
      expressions.some((e) => e.includes('rate(nv_inference_count')),
      'throughput',
    );
    assert.ok(
      expressions.some((e) => /\bup\{job="triton"\}/.test(e)),
      'Triton health',
    );
    assert.ok(
      expressions.some((e) => e.includes('triton_sync_last_success')),
      'sync health',
    );
  });

  it('documents every variable compose.yml reads in .env.example', () => {
    const used = new Set(
      [...(stack.readFile('compose.yml') ?? '').matchAll(/(?<!\$)\$\{(\w+)/g)].map((m) => m[1]),
    );
    const documented = (stack.readFile('.env.example') ?? '')
      .split('\n')
      .map((line) => /^(\w+)=/.exec(line)?.[1])
      .filter((name) => name !== undefined);
    assert.deepEqual([...used].sort(), [...new Set(documented)].sort());
  });

  it('README gives the variables of npm run demo', () => {
    const readme = stack.readFile('README.md') ?? '';
    for (const variable of [
      'MLFLOW_TRACKING_URI=http://localhost:5000',
      'MLFLOW_S3_ENDPOINT_URL=http://localhost:9000',
      'AWS_ACCESS_KEY_ID=',
      'AWS_SECRET_ACCESS_KEY=',
      'TRITON_STAGING_URL=http://localhost:8000',
      'TRITON_PRODUCTION_URL=http://localhost:8100',
      'TRITON_STAGING_REPOSITORY=$PWD/examples/stack/models/staging',
      'TRITON_PRODUCTION_REPOSITORY=$PWD/examples/stack/models/production',
    ]) {
      assert.ok(readme.includes(`export ${variable}`), variable);
    }
    assert.match(readme, /docker compose up/);
    assert.match(readme, /npm run demo/);
  });

  it('tells pinned image references from floating ones', () => {
    for (const image of ['postgres:17.6', 'nvcr.io/nvidia/tritonserver:26.07-py3', 'a@sha256:00']) {
      assert.ok(isPinned(image), image);
    }
    for (const image of ['postgres', 'postgres:latest', 'localhost:5000/mlflow']) {
      assert.ok(!isPinned(image), image);
    }
  });
});

describe('the stack checker', () => {
  const cases: [string, Stack, RegExp | RegExp[]][] = [
    [
      'a missing service',
      variant((services) => delete services['node-exporter']),
      [
        /^compose\.yml: no service node-exporter$/,
        /service prometheus depends on node-exporter, which is not a service/,
        /job node scrapes node-exporter:9100; node-exporter is not a service/,
      ],
    ],
    [
      'an image on latest',
      variant((services) => ((services.grafana as YamlMap).image = 'grafana/grafana:latest')),
      /service grafana uses grafana\/grafana:latest; pin a version/,
    ],
    [
      'a Dockerfile FROM without a version',
      variant(() => undefined, { 'mlflow/Dockerfile': 'FROM ghcr.io/mlflow/mlflow\n' }),
      /mlflow\/Dockerfile: FROM ghcr.io\/mlflow\/mlflow is not pinned/,
    ],
    [
      'a dependency on a service that does not exist',
      variant((services) => {
        (services.mlflow as { depends_on: YamlMap }).depends_on.postgresql = {
          condition: 'service_healthy',
        };
      }),
      /service mlflow depends on postgresql, which is not a service/,
    ],
    [
      'waiting for a service that has no healthcheck to be healthy',
      variant((services) => delete (services.postgres as YamlMap).healthcheck),
      [
        /service mlflow waits for postgres to be healthy; it has no healthcheck/,
        /service postgres runs on but has no healthcheck/,
      ],
    ],
    [
      'a mounted file missing from the repository',
      variant(() => undefined, { 'prometheus/prometheus.yml': undefined }),
      /service prometheus mounts \.\/prometheus\/prometheus\.yml, which is not in the repository/,
    ],
    [
      'a model folder the repository neither has nor ignores',
      variant(() => undefined, { '.gitignore': '' }),
      [
        /service model-folders mounts \.\/models\/staging, which is not in the repository/,
        /service model-folders mounts \.\/models\/production, which is not in the repository/,
        /service triton-staging mounts \.\/models\/staging, which is not in the repository/,
        /service triton-production mounts \.\/models\/production, which is not in the/,
        /service sync-staging mounts \.\/models\/staging, which is not in the repository/,
        /service sync-production mounts \.\/models\/production, which is not in the/,
      ],
    ],
    [
      'two services on one host port',
      variant(
        (services) =>
          ((services['triton-production'] as YamlMap).ports = [
            '8000:8000',
            '8101:8001',
            '8102:8002',
          ]),
      ),
      /host port 8000\/tcp is published by triton-staging and triton-production/,
    ],
    [
      'a scrape target that is not a service',
      variant(() => undefined, {
        'prometheus/prometheus.yml': (stack.readFile('prometheus/prometheus.yml') ?? '').replace(
          'node-exporter:9100',
          'node_exporter:9100',
        ),
      }),
      /job node scrapes node_exporter:9100; node_exporter is not a service/,
    ],
    [
      'a scrape on a port the service does not listen on',
      variant(() => undefined, {
        'prometheus/prometheus.yml': (stack.readFile('prometheus/prometheus.yml') ?? '').replace(
          'triton-staging:8002',
          'triton-staging:8003',
        ),
      }),
      /scrapes triton-staging:8003; triton-staging has no port 8003/,
    ],
    [
      'a dashboard on another datasource',
      variant(() => undefined, {
        [DASHBOARD]: (stack.readFile(DASHBOARD) ?? '').replace(
          /"uid": "prometheus"/,
          '"uid": "prom"',
        ),
      }),
      /panel "Triton servers" uses datasource prom; the provisioned one is prometheus/,
    ],
    [
      'a dashboard that is not JSON',
      variant(() => undefined, { [DASHBOARD]: '{ "panels": [' }),
      /triton-inference\.json: not JSON/,
    ],
    [
      'a Triton not in explicit mode',
      variant((services) => {
        (services['triton-staging'] as YamlMap).command = [
          'tritonserver',
          '--model-repository=/models',
        ];
      }),
      /service triton-staging is not in explicit model-control mode/,
    ],
    [
      'a sync service writing another repository',
      variant((services) => {
        (services['sync-production'] as YamlMap).volumes = ['./models/staging:/models'];
      }),
      /service sync-production does not write triton-production's repository/,
    ],
    [
      'production following the challenger',
      variant((services) => {
        const env = (services['sync-production'] as { environment: YamlMap }).environment;
        env.SYNC_MODELS = 'iris-classifier@challenger';
      }),
      /service sync-production does not follow the champion alias/,
    ],
    [
      'MLflow without its artifact proxy',
      variant((services) => {
        const entrypoint = (services.mlflow as { entrypoint: string[] }).entrypoint;
        entrypoint[2] = (entrypoint[2] ?? '').replace('--serve-artifacts', '');
      }),
      /service mlflow does not proxy artifacts \(--serve-artifacts\)/,
    ],
    [
      'an undeclared named volume',
      variant((_, compose) => delete (compose.volumes as YamlMap)['grafana-data']),
      /service grafana mounts volume grafana-data, which is not declared/,
    ],
  ];
  // Each break is reported, and reported alone: no other check trips over it.
  for (const [what, broken, expected] of cases) {
    it(`reports ${what}`, () => {
      const problems = checkStack(broken);
      const patterns = Array.isArray(expected) ? expected : [expected];
      assert.equal(problems.length, patterns.length, problems.join('\n'));
      for (const pattern of patterns) {
        assert.ok(
          problems.some((problem) => pattern.test(problem)),
          `${String(pattern)} not among:\n${problems.join('\n')}`,
        );
      }
    });
  }

  it('reads the compose file it is given, not a cached one', () => {
    const text = (stack.readFile('compose.yml') ?? '').replace(/^ {2}grafana:$/m, '  grafana2:');
    const problems = checkStack({ ...stack, compose: parse(text) });
    assert.ok(problems.includes('compose.yml: no service grafana'), problems.join('\n'));
  });
});
