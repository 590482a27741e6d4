import * as fs from 'node:fs';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS, type HttpAuth } from '../../tasks/common/http/settings';
import { MlflowClient } from '../../tasks/common/mlflow/mlflow-client';
import { logRunData, type MetricPoint } from '../../tasks/common/mlflow/tracking/log-batch';
import type { KeyValue } from '../../tasks/common/mlflow/types';

/** Logs into the run named by MLFLOW_RUN_ID, as a script using MLflow's own client would. */
export interface RunLogger {
  logParams(params: Record<string, string | number>): Promise<void>;
  logMetrics(step: number, metrics: Record<string, number>): void;
  /** Sends the metrics gathered so far, in batches MLflow accepts. */
  flush(): Promise<void>;
}

/**
 * A logger for the run MLflowLogRun opened, from the variables it sets (MLFLOW_TRACKING_URI,
 * MLFLOW_RUN_ID and the credentials); without them, a logger that only prints.
 */
export function runLoggerFromEnvironment(print: (line: string) => void): RunLogger {
  const uri = process.env.MLFLOW_TRACKING_URI;
  const runId = process.env.MLFLOW_RUN_ID;
  if (!uri || !runId) {
    print('MLFLOW_TRACKING_URI or MLFLOW_RUN_ID not set: metrics are printed, not logged.');
    return {
      logParams: (params) => Promise.resolve(print(`params ${JSON.stringify(params)}`)),
      logMetrics: () => undefined,
      flush: () => Promise.resolve(),
    };
  }
  const token = process.env.MLFLOW_TRACKING_TOKEN;
  const username = process.env.MLFLOW_TRACKING_USERNAME;
  const auth: HttpAuth = token
    ? { kind: 'token', token }
    : username !== undefined
      ? { kind: 'basic', username, password: process.env.MLFLOW_TRACKING_PASSWORD ?? '' }
      : { kind: 'none' };
  const caPath = process.env.MLFLOW_TRACKING_SERVER_CERT_PATH;
  const client = new MlflowClient({
    trackingUri: uri,
    auth,
    tls: {
      insecure: process.env.MLFLOW_TRACKING_INSECURE_TLS === 'true',
      ...(caPath ? { caPem: fs.readFileSync(caPath, 'utf8') } : {}),
    },
    s3: { region: 'us-east-1', tls: {} },
    retry: DEFAULT_RETRY,
    timeouts: DEFAULT_TIMEOUTS,
    origin: 'environment',
  });
  const pending: MetricPoint[] = [];
  return {
    logParams: async (params) => {
      const entries: KeyValue[] = Object.entries(params).map(([key, value]) => ({
        key,
        value: String(value),
      }));
      await logRunData(client, runId, { params: entries, metrics: [], tags: [] });
    },
    logMetrics: (step, metrics) => {
      const timestamp = Date.now();
      for (const [key, value] of Object.entries(metrics))
        pending.push({ key, value, step, timestamp });
    },
    flush: async () => {
      await logRunData(client, runId, { params: [], metrics: pending.splice(0), tags: [] });
    },
  };
}
