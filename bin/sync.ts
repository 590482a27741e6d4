/**
 * `sync`: the long-running service that keeps a Triton server serving what registry aliases
 * point to. Configured by environment variables only; logs one JSON line per decision; serves
 * /healthz and /metrics; stops on SIGTERM or SIGINT once the deployment under way is done.
 */
import type { DeployServices } from '../tasks/common/deploy/deploy-model';
import { openDeployServices } from '../tasks/common/deploy/deploy-services';
import { type DecisionLog, jsonLineLog } from '../tasks/common/deploy/decision-log';
import {
  readSyncConfig,
  SYNC_VARIABLES,
  type SyncConfig,
} from '../tasks/common/deploy/sync-config';
import { serveSyncEndpoints } from '../tasks/common/deploy/sync-endpoints';
import { SyncMetrics } from '../tasks/common/deploy/sync-metrics';
import { SyncService } from '../tasks/common/deploy/sync-service';
import { isUserError } from '../tasks/common/user-error';

const USAGE = `Usage: mlflow-triton sync [--once] [--debug]

Polls the MLflow model registry and deploys the version each configured alias points to into
a Triton model repository, loading it on Triton (explicit model control). Configuration comes
from the environment: MLflow's own variables (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN or
MLFLOW_TRACKING_USERNAME/PASSWORD, MLFLOW_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID/SECRET_ACCESS_KEY)
and these:

${Object.entries(SYNC_VARIABLES)
  .map(([name, meaning]) => `  ${name.padEnd(27)} ${meaning}`)
  .join('\n')}

Options:
  --once     run one round and exit: 0 when every model is in sync, 1 when not
  --debug    also log each step of a deployment
  -h, --help show this help

Exit codes: 0 stopped cleanly, 1 a round failed (--once), 2 wrong usage or configuration.`;

/** Where the service's settings and outputs come from; tests replace them. */
export interface SyncRuntime {
  env: NodeJS.ProcessEnv;
  write: (line: string) => void;
  /** Registers the stop request (SIGTERM and SIGINT for the real process). */
  onStop: (stop: () => void) => void;
}

const PROCESS_RUNTIME: SyncRuntime = {
  env: process.env,
  write: (line) => process.stdout.write(`${line}\n`),
  onStop: (stop) => {
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
};

/** Runs the sync command with the process's environment and signals. */
export async function syncCli(argv: string[]): Promise<number> {
  return runSync(argv, PROCESS_RUNTIME);
}

/** Runs the sync command; resolves with the exit code once the service has stopped. */
export async function runSync(argv: string[], runtime: SyncRuntime): Promise<number> {
  const unknown = argv.filter((arg) => !['--once', '--debug', '-h', '--help'].includes(arg));
  if (argv.includes('-h') || argv.includes('--help') || unknown.length > 0) {
    if (unknown.length > 0) runtime.write(`Unknown argument '${unknown[0] ?? ''}'.`);
    runtime.write(USAGE);
    return unknown.length > 0 ? 2 : 0;
  }
  const log = jsonLineLog({ debug: argv.includes('--debug'), out: runtime.write });

  let config: SyncConfig;
  try {
    config = readSyncConfig(runtime.env);
  } catch (error) {
    log.write('failed', { message: describe(error) });
    return 2;
  }
  const metrics = new SyncMetrics();
  const services = openServices(config, log);
  if (services === undefined) return 2;
  const service = new SyncService(config, services, log, metrics);

  if (argv.includes('--once')) return (await service.syncOnce()) ? 0 : 1;

  const endpoints = await serveSyncEndpoints(
    config.listenHost,
    config.listenPort,
    () => service.health(),
    metrics,
  ).catch((error: unknown) => {
    log.write('failed', {
      message:
        `Cannot listen on ${config.listenHost}:${config.listenPort} for /healthz and ` +
        `/metrics: ${describe(error)}. Set SYNC_PORT to a free port.`,
    });
    return undefined;
  });
  if (endpoints === undefined) return 2;
  log.write('listening', {
    message: `Health at ${endpoints.url}/healthz, metrics at ${endpoints.url}/metrics.`,
  });

  const stopped = new Promise<void>((resolve) => runtime.onStop(resolve));
  service.start();
  await stopped;
  await service.stop();
  await endpoints.close();
  return 0;
}

function openServices(config: SyncConfig, log: DecisionLog): DeployServices | undefined {
  try {
    return openDeployServices(
      {
        connection: config.connection,
        tritonUrl: config.tritonUrl,
        repository: config.repository,
        repositoryName: 'Variable TRITON_MODEL_REPOSITORY',
      },
      {
        info: (message) => log.write('progress', { message }),
        warning: (message) => log.write('warning', { message }),
      },
    );
  } catch (error) {
    log.write('failed', { message: describe(error) });
    return undefined;
  }
}

function describe(error: unknown): string {
  if (isUserError(error)) return error.message;
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}
