import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMlflowServer } from '../../test/servers/mlflow';
import { startTritonServer } from '../../test/servers/triton';

/** Where the demo's servers are, and how to reach them from a task's environment. */
export interface DemoServers {
  /** Environment every task gets: MLFLOW_* and AWS_* as MLflow's client reads them. */
  env: Record<string, string>;
  mlflowUrl: string;
  staging: { tritonUrl: string; repository: string };
  production: { tritonUrl: string; repository: string };
  /** How the servers were found, for the first line of the report. */
  description: string;
  close(): Promise<void>;
}

const PASSED_THROUGH = /^(MLFLOW_|AWS_)/;

/**
 * Real servers when MLFLOW_TRACKING_URI is set (with TRITON_STAGING_URL,
 * TRITON_PRODUCTION_URL and their model repositories), otherwise the project's test servers
 * on 127.0.0.1: an MLflow 3.11 protocol server and two Triton servers in explicit mode.
 */
export async function demoServers(): Promise<DemoServers> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (PASSED_THROUGH.test(key) && value !== undefined) env[key] = value;
  }
  const trackingUri = process.env.MLFLOW_TRACKING_URI;
  if (trackingUri) return realServers(trackingUri, env);

  const mlflow = await startMlflowServer({ mode: 3 });
  const stagingRepository = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-staging-'));
  const productionRepository = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-production-'));
  const staging = await startTritonServer({
    repository: stagingRepository,
    modelControl: 'explicit',
    strictReadiness: false,
  });
  const production = await startTritonServer({
    repository: productionRepository,
    modelControl: 'explicit',
    strictReadiness: false,
  });
  return {
    env: { ...env, MLFLOW_TRACKING_URI: mlflow.url },
    mlflowUrl: mlflow.url,
    staging: { tritonUrl: staging.url, repository: stagingRepository },
    production: { tritonUrl: production.url, repository: productionRepository },
    description:
      "MLFLOW_TRACKING_URI is not set, so the demo started the project's own test servers on " +
      `127.0.0.1: MLflow (3.11 protocol) at ${mlflow.url}, Triton staging at ${staging.url}, ` +
      `Triton production at ${production.url}. Set MLFLOW_TRACKING_URI, TRITON_STAGING_URL, ` +
      'TRITON_PRODUCTION_URL and the repositories to run it against real servers.',
    close: async () => {
      await Promise.all([mlflow.close(), staging.close(), production.close()]);
      for (const folder of [stagingRepository, productionRepository]) {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

function realServers(trackingUri: string, env: Record<string, string>): DemoServers {
  const required = (name: string): string => {
    const value = process.env[name];
    if (!value) {
      throw new Error(
        `MLFLOW_TRACKING_URI is set, so the demo uses real servers and needs ${name} too ` +
          '(see examples/stack/README.md for the values docker compose prints).',
      );
    }
    return value;
  };
  return {
    env,
    mlflowUrl: trackingUri,
    staging: {
      tritonUrl: required('TRITON_STAGING_URL'),
      repository: required('TRITON_STAGING_REPOSITORY'),
    },
    production: {
      tritonUrl: required('TRITON_PRODUCTION_URL'),
      repository: required('TRITON_PRODUCTION_REPOSITORY'),
    },
    description: `Using the real servers named by the environment: MLflow at ${trackingUri}.`,
    close: () => Promise.resolve(),
  };
}
