import { invalidParameter, missingParameter, notFound } from '../errors';
import {
  checkBatchLimits,
  limitKey,
  truncateValue,
  limits,
  readEntries,
  readMetricInteger,
  readMetricValue,
} from '../limits';
import { type ApiReply, type ApiRequest, jsonReply } from '../http';
import { type Message, optionalString, readMessage, requireString } from '../message';
import type { Route, ServerContext } from '../router';
import type { MetricPoint, Run } from '../store';
import { readRunId } from './runs';

interface KeyValue {
  key: string;
  value: string;
}

function readMetric(
  entry: Record<string, unknown>,
  runId: string,
  pathPrefix: string,
): MetricPoint {
  const key = entry.key;
  if (typeof key !== 'string' || key === '') {
    throw missingParameter(`${pathPrefix}key`);
  }
  const point: MetricPoint = {
    key,
    value: readMetricValue(entry, `${pathPrefix}value`),
    timestamp: readMetricInteger(entry, 'timestamp', `${pathPrefix}timestamp`),
    step: readMetricInteger(entry, 'step', `${pathPrefix}step`, 0),
    runId,
  };
  if (typeof entry.model_id === 'string' && entry.model_id !== '') {
    point.modelId = entry.model_id;
  }
  return point;
}

function readPairs(
  message: Message,
  name: string,
  valueLimit: number,
  context: ServerContext,
): KeyValue[] {
  return readEntries(message[name]).map((entry, index) => {
    const key = requireString(entry, 'key', `${name}[${index}].key`);
    const entity = name === 'params' ? 'Param' : 'Tag';
    limitKey(`${entity} key`, key, context.mode);
    const raw = optionalString(entry, 'value') ?? '';
    return { key, value: truncateValue(raw, valueLimit) };
  });
}

/** Stores params, refusing to change a logged value as MLflow does. */
function logParams(run: Run, params: KeyValue[]): void {
  const seen = new Map<string, string>();
  const duplicates = params.filter((p) => {
    const before = seen.get(p.key);
    seen.set(p.key, p.value);
    return before !== undefined;
  });
  if (duplicates.length > 0) {
    const keys = duplicates.map((p) => `'${p.key}'`).join(', ');
    throw invalidParameter(
      `Duplicate parameter keys have been submitted: [${keys}]. Please ensure the request ` +
        'contains only one param value per param key.',
    );
  }
  const changed = params.filter((p) => run.params.has(p.key) && run.params.get(p.key) !== p.value);
  if (changed.length > 0) {
    const listed = changed
      .map(
        (p) =>
          `{'key': '${p.key}', 'old_value': '${run.params.get(p.key) ?? ''}', ` +
          `'new_value': '${p.value}'}`,
      )
      .join(', ');
    throw invalidParameter(
      `Changing param values is not allowed. Params were already logged='[${listed}]' ` +
        `for run ID='${run.runId}'.`,
    );
  }
  for (const param of params) run.params.set(param.key, param.value);
}

function logMetrics(context: ServerContext, run: Run, metrics: MetricPoint[]): void {
  for (const point of metrics) {
    run.metrics.push(point);
    if (point.modelId !== undefined) {
      context.store.loggedModels.get(point.modelId)?.metrics.push(point);
    }
  }
}

function logBatch(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const runId = readRunId(message);
  const metricEntries = readEntries(message.metrics);
  const paramEntries = readEntries(message.params);
  const tagEntries = readEntries(message.tags);
  checkBatchLimits(metricEntries.length, paramEntries.length, tagEntries.length);
  const metrics = metricEntries.map((entry, i) => readMetric(entry, runId, `metrics[${i}].`));
  const params = readPairs(message, 'params', limits.paramValueLength, context);
  const tags = readPairs(message, 'tags', limits.tagValueLength, context);
  const run = context.store.activeRun(runId);
  logParams(run, params);
  logMetrics(context, run, metrics);
  for (const tag of tags) run.tags.set(tag.key, tag.value);
  return jsonReply({});
}

function logMetric(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const runId = readRunId(message);
  const point = readMetric(message, runId, '');
  logMetrics(context, context.store.activeRun(runId), [point]);
  return jsonReply({});
}

function logParameter(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const runId = readRunId(message);
  const key = requireString(message, 'key');
  limitKey('Param key', key, context.mode);
  const raw = optionalString(message, 'value') ?? '';
  const value = truncateValue(raw, limits.paramValueLength);
  logParams(context.store.activeRun(runId), [{ key, value }]);
  return jsonReply({});
}

function setTag(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const runId = readRunId(message);
  const key = requireString(message, 'key');
  limitKey('Tag key', key, context.mode);
  const raw = optionalString(message, 'value') ?? '';
  const value = truncateValue(raw, limits.tagValueLength);
  const run = context.store.activeRun(runId);
  run.tags.set(key, value);
  if (key === 'mlflow.runName') run.runName = value;
  return jsonReply({});
}

function deleteTag(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const runId = requireString(message, 'run_id');
  const key = requireString(message, 'key');
  const run = context.store.activeRun(runId);
  if (!run.tags.delete(key)) {
    throw notFound(`No tag with name: ${key} in run with id ${runId}`);
  }
  return jsonReply({});
}

/** Routes that write run data: metrics, params, tags. */
export const loggingRoutes: Route[] = [
  { pattern: 'mlflow/runs/log-batch', methods: { POST: logBatch } },
  { pattern: 'mlflow/runs/log-metric', methods: { POST: logMetric } },
  { pattern: 'mlflow/runs/log-parameter', methods: { POST: logParameter } },
  { pattern: 'mlflow/runs/set-tag', methods: { POST: setTag } },
  { pattern: 'mlflow/runs/delete-tag', methods: { POST: deleteTag } },
];
