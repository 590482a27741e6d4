import { MlflowApiError, invalidParameter, notFound, wrongType } from '../errors';
import { type FilterClause, clauseMatches, parseFilter } from '../filter';
import { type ApiReply, type ApiRequest, jsonReply } from '../http';
import {
  type Message,
  optionalInteger,
  optionalList,
  optionalString,
  pythonRepr,
  readKeyValues,
  readMessage,
  requireString,
} from '../message';
import type { Route, ServerContext } from '../router';
import { type Run, latestMetrics } from '../store';
import { pageToken, readPageToken, runInfoJson, runJson } from '../views';

/** The run id of a request, accepting the legacy `run_uuid` as the server does. */
export function readRunId(message: Message): string {
  const legacy = optionalString(message, 'run_uuid');
  if ((message.run_id === undefined || message.run_id === '') && legacy !== undefined) {
    return legacy;
  }
  return requireString(message, 'run_id');
}

function createRun(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const { store } = context;
  const rawExperimentId = message.experiment_id;
  if (rawExperimentId !== undefined && typeof rawExperimentId !== 'string') {
    if (context.mode === 3) throw wrongType('experiment_id', rawExperimentId);
    if (context.database === 'postgres') {
      // PostgreSQL refuses the cast in the lookup's SQL; SQLite just finds nothing.
      throw new MlflowApiError(
        'BAD_REQUEST',
        '(psycopg2.errors.InvalidTextRepresentation) invalid input syntax for type integer: ' +
          `"${pythonRepr(rawExperimentId)}"`,
      );
    }
    throw notFound(`No Experiment with id=${pythonRepr(rawExperimentId)} exists`);
  }
  const experiment = store.experiment(rawExperimentId ?? '');
  if (experiment.lifecycleStage !== 'active') {
    throw invalidParameter(
      `The experiment ${experiment.experimentId} must be in the 'active' state. ` +
        `Current state is ${experiment.lifecycleStage}.`,
    );
  }
  const tags = new Map(readKeyValues(message, 'tags').map((t) => [t.key, t.value]));
  const runName =
    optionalString(message, 'run_name') || tags.get('mlflow.runName') || store.newRunName();
  tags.set('mlflow.runName', runName);
  const runId = store.newHexId();
  const run: Run = {
    runId,
    experimentId: experiment.experimentId,
    runName,
    userId: optionalString(message, 'user_id') ?? '',
    status: 'RUNNING',
    startTime: optionalInteger(message, 'start_time') ?? store.now(),
    artifactUri: `${experiment.artifactLocation.replace(/\/+$/, '')}/${runId}/artifacts`,
    lifecycleStage: 'active',
    params: new Map(),
    tags,
    metrics: [],
    modelOutputs: [],
  };
  store.runs.set(runId, run);
  return jsonReply({ run: runJson(run, context.mode, true) });
}

function updateRun(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const run = context.store.activeRun(readRunId(message));
  const status = optionalString(message, 'status');
  if (status !== undefined && status !== '') {
    const statuses = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
    if (!statuses.includes(status)) {
      throw invalidParameter(`Invalid value "${status}" for parameter 'status' supplied.`);
    }
    run.status = status;
  }
  const endTime = optionalInteger(message, 'end_time');
  if (endTime !== undefined) run.endTime = endTime;
  const runName = optionalString(message, 'run_name');
  if (runName !== undefined && runName !== '') {
    run.runName = runName;
    run.tags.set('mlflow.runName', runName);
  }
  return jsonReply({ run_info: runInfoJson(run) });
}

function runValue(run: Run, clause: FilterClause): string | number | undefined {
  switch (clause.kind) {
    case 'metrics':
      return latestMetrics(run.metrics).find((m) => m.key === clause.key)?.value;
    case 'params':
      return run.params.get(clause.key);
    case 'tags':
      return run.tags.get(clause.key);
    default:
      return runAttribute(run, clause.key);
  }
}

function runAttribute(run: Run, key: string): string | number | undefined {
  const attributes: Record<string, string | number | undefined> = {
    status: run.status,
    run_name: run.runName,
    run_id: run.runId,
    user_id: run.userId,
    start_time: run.startTime,
    end_time: run.endTime,
    artifact_uri: run.artifactUri,
    lifecycle_stage: run.lifecycleStage,
  };
  if (!(key in attributes)) {
    throw invalidParameter(`Invalid attribute key '${key}' specified.`);
  }
  return attributes[key];
}

function compareRuns(a: Run, b: Run, orderBy: string[]): number {
  for (const item of orderBy) {
    const [field = '', direction = 'ASC'] = item.trim().split(/\s+/);
    const clause = parseFilter(`${field} = 0`)[0];
    if (clause === undefined) continue;
    const left = runValue(a, clause);
    const right = runValue(b, clause);
    if (left === right) continue;
    // MLflow sorts runs without the value last, whatever the direction.
    if (left === undefined) return 1;
    if (right === undefined) return -1;
    const order = left < right ? -1 : 1;
    return direction.toUpperCase() === 'DESC' ? -order : order;
  }
  return b.startTime - a.startTime || (a.runId < b.runId ? -1 : 1);
}

function searchRuns(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const experimentIds = optionalList(message, 'experiment_ids').map(String);
  const clauses = parseFilter(optionalString(message, 'filter'));
  const viewType = optionalString(message, 'run_view_type') ?? 'ACTIVE_ONLY';
  const maxResults = optionalInteger(message, 'max_results') ?? 1000;
  if (maxResults > 50000) {
    throw invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most 50000`,
    );
  }
  const orderBy = optionalList(message, 'order_by').map(String);
  const offset = readPageToken(optionalString(message, 'page_token'));
  const matching = [...context.store.runs.values()]
    .filter((run) => experimentIds.includes(run.experimentId))
    .filter(
      (run) =>
        viewType === 'ALL' || (viewType === 'DELETED_ONLY') === (run.lifecycleStage === 'deleted'),
    )
    .filter((run) => clauses.every((c) => clauseMatches(c, runValue(run, c))))
    .sort((a, b) => compareRuns(a, b, orderBy));
  const page = matching.slice(offset, offset + maxResults);
  const json: Record<string, unknown> = {};
  if (page.length > 0) json.runs = page.map((run) => runJson(run, context.mode));
  if (offset + maxResults < matching.length) json.next_page_token = pageToken(offset + maxResults);
  return jsonReply(json);
}

function setRunStage(
  request: ApiRequest,
  context: ServerContext,
  stage: 'active' | 'deleted',
): ApiReply {
  const run = context.store.run(readRunId(readMessage(request)));
  run.lifecycleStage = stage;
  return jsonReply({});
}

/** Routes for the run lifecycle: create, get, update, delete, restore, search. */
export const runRoutes: Route[] = [
  { pattern: 'mlflow/runs/create', methods: { POST: createRun } },
  {
    pattern: 'mlflow/runs/get',
    methods: {
      GET: (request, context) => {
        const run = context.store.run(readRunId(readMessage(request)));
        return jsonReply({ run: runJson(run, context.mode) });
      },
    },
  },
  { pattern: 'mlflow/runs/update', methods: { POST: updateRun } },
  { pattern: 'mlflow/runs/search', methods: { POST: searchRuns, GET: searchRuns } },
  { pattern: 'mlflow/runs/delete', methods: { POST: (r, c) => setRunStage(r, c, 'deleted') } },
  { pattern: 'mlflow/runs/restore', methods: { POST: (r, c) => setRunStage(r, c, 'active') } },
];
