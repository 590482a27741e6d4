import { invalidParameter, missingParameter } from '../errors';
import { type FilterClause, clauseMatches, parseFilter } from '../filter';
import { type ApiReply, type ApiRequest, jsonReply } from '../http';
import { readEntries } from '../limits';
import {
  isRecord,
  optionalInteger,
  optionalList,
  optionalString,
  readKeyValues,
  readMessage,
  requireString,
} from '../message';
import type { Route, ServerContext } from '../router';
import type { LoggedModel } from '../store';
import { latestMetrics } from '../store';
import { loggedModelJson, pageToken, readPageToken } from '../views';
import { downloadFrom, listUnder } from './artifacts';
import { readRunId } from './runs';

const statusNames = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
];

function createLoggedModel(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const experiment = context.store.experiment(requireString(message, 'experiment_id'));
  const modelId = `m-${context.store.newHexId()}`;
  const time = context.store.now();
  const location = experiment.artifactLocation.replace(/\/+$/, '');
  const model: LoggedModel = {
    modelId,
    experimentId: experiment.experimentId,
    name: optionalString(message, 'name') || context.store.newRunName(),
    creationTimestampMs: time,
    lastUpdatedTimestampMs: time,
    artifactUri: `${location}/models/${modelId}/artifacts`,
    status: 'LOGGED_MODEL_PENDING',
    modelType: optionalString(message, 'model_type') ?? '',
    sourceRunId: optionalString(message, 'source_run_id') ?? '',
    tags: new Map(readKeyValues(message, 'tags').map((t) => [t.key, t.value])),
    params: new Map(readKeyValues(message, 'params').map((p) => [p.key, p.value])),
    metrics: [],
    deleted: false,
  };
  context.store.loggedModels.set(modelId, model);
  return jsonReply({ model: loggedModelJson(model) });
}

function readStatus(value: unknown): string {
  const name = typeof value === 'number' ? statusNames[value] : value;
  if (typeof name !== 'string' || !statusNames.includes(name)) {
    throw invalidParameter(
      `Invalid value ${JSON.stringify(value)} for parameter 'status' supplied.`,
    );
  }
  return name;
}

function modelValue(model: LoggedModel, clause: FilterClause): string | number | undefined {
  switch (clause.kind) {
    case 'metrics':
      return latestMetrics(model.metrics).find((m) => m.key === clause.key)?.value;
    case 'params':
      return model.params.get(clause.key);
    case 'tags':
      return model.tags.get(clause.key);
    default: {
      const attributes: Record<string, string | number> = {
        name: model.name,
        model_id: model.modelId,
        source_run_id: model.sourceRunId,
        status: model.status,
        model_type: model.modelType,
        creation_timestamp: model.creationTimestampMs,
        last_updated_timestamp: model.lastUpdatedTimestampMs,
      };
      if (!(clause.key in attributes)) {
        throw invalidParameter(`Invalid attribute key '${clause.key}' specified.`);
      }
      return attributes[clause.key];
    }
  }
}

function searchLoggedModels(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const experimentIds = optionalList(message, 'experiment_ids').map(String);
  if (experimentIds.length === 0) throw missingParameter('experiment_ids');
  const clauses = parseFilter(optionalString(message, 'filter'));
  const maxResults = optionalInteger(message, 'max_results') ?? 100;
  const offset = readPageToken(optionalString(message, 'page_token'));
  const orders = optionalList(message, 'order_by').filter(isRecord);
  const matching = [...context.store.loggedModels.values()]
    .filter((m) => !m.deleted && experimentIds.includes(m.experimentId))
    .filter((m) => clauses.every((c) => clauseMatches(c, modelValue(m, c))))
    .sort((a, b) => {
      for (const order of orders) {
        const clause = parseFilter(`${String(order.field_name)} = 0`)[0];
        if (clause === undefined) continue;
        const left = modelValue(a, clause);
        const right = modelValue(b, clause);
        if (left === right || left === undefined || right === undefined) continue;
        return (left < right ? -1 : 1) * (order.ascending === false ? -1 : 1);
      }
      return b.creationTimestampMs - a.creationTimestampMs;
    });
  const page = matching.slice(offset, offset + maxResults);
  const json: Record<string, unknown> = {};
  if (page.length > 0) json.models = page.map(loggedModelJson);
  if (offset + maxResults < matching.length) json.next_page_token = pageToken(offset + maxResults);
  return jsonReply(json);
}

function finalize(request: ApiRequest, context: ServerContext, modelId: string): ApiReply {
  const model = context.store.loggedModel(modelId);
  const message = readMessage(request);
  if (message.status !== undefined) {
    model.status = readStatus(message.status);
  }
  model.lastUpdatedTimestampMs = context.store.now();
  return jsonReply({ model: loggedModelJson(model) });
}

function linkOutputs(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const run = context.store.activeRun(readRunId(message));
  for (const entry of readEntries(message.models)) {
    const modelId = requireString(entry, 'model_id', 'models.model_id');
    context.store.loggedModel(modelId);
    run.modelOutputs.push({ modelId, step: Number(entry.step ?? 0) });
  }
  return jsonReply({});
}

/** 3.x logged models, and the run output link that points at them. */
export const loggedModelRoutes: Route[] = [
  { pattern: 'mlflow/logged-models', methods: { POST: createLoggedModel } },
  { pattern: 'mlflow/logged-models/search', methods: { POST: searchLoggedModels } },
  {
    pattern: /^mlflow\/logged-models\/([^/]+)$/,
    methods: {
      GET: (request, context, match) => {
        const allowDeleted = request.query.get('allow_deleted') === 'true';
        const model = context.store.loggedModel(match[1] ?? '', allowDeleted);
        return jsonReply({ model: loggedModelJson(model) });
      },
      PATCH: (request, context, match) => finalize(request, context, match[1] ?? ''),
      DELETE: (_request, context, match) => {
        const model = context.store.loggedModel(match[1] ?? '');
        model.deleted = true;
        model.lastUpdatedTimestampMs = context.store.now();
        return jsonReply({});
      },
    },
  },
  {
    pattern: /^mlflow\/logged-models\/([^/]+)\/tags$/,
    methods: {
      PATCH: (request, context, match) => {
        const model = context.store.loggedModel(match[1] ?? '');
        for (const tag of readKeyValues(readMessage(request), 'tags')) {
          model.tags.set(tag.key, tag.value);
        }
        return jsonReply({});
      },
    },
  },
  {
    pattern: /^mlflow\/logged-models\/([^/]+)\/tags\/(.+)$/,
    methods: {
      DELETE: (_request, context, match) => {
        context.store.loggedModel(match[1] ?? '').tags.delete(match[2] ?? '');
        return jsonReply({});
      },
    },
  },
  {
    pattern: /^mlflow\/logged-models\/([^/]+)\/params$/,
    methods: {
      POST: (request, context, match) => {
        const model = context.store.loggedModel(match[1] ?? '');
        for (const param of readKeyValues(readMessage(request), 'params')) {
          model.params.set(param.key, param.value);
        }
        return jsonReply({});
      },
    },
  },
  {
    pattern: /^mlflow\/logged-models\/([^/]+)\/artifacts\/directories$/,
    methods: {
      GET: async (request, context, match) => {
        const model = context.store.loggedModel(match[1] ?? '');
        const path = request.query.get('artifact_directory_path') ?? undefined;
        const files = await listUnder(context, model.artifactUri, path);
        const json: Record<string, unknown> = { root_uri: model.artifactUri };
        if (files.length > 0) json.files = files;
        return jsonReply(json);
      },
    },
  },
  {
    pattern: /^mlflow\/logged-models\/([^/]+)\/artifacts\/files$/,
    ajaxOnly: true,
    methods: {
      GET: (request, context, match) => {
        const model = context.store.loggedModel(match[1] ?? '');
        const path = request.query.get('artifact_file_path') ?? '';
        return downloadFrom(context, model.artifactUri, path);
      },
    },
  },
  { pattern: 'mlflow/runs/outputs', methods: { POST: linkOutputs } },
];
