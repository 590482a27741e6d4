import { duplicateModelMessage } from '../database-messages';
import { alreadyExists, invalidParameter, notFound } from '../errors';
import { type FilterClause, clauseMatches, parseFilter } from '../filter';
import { type ApiReply, type ApiRequest, jsonReply } from '../http';
import {
  optionalInteger,
  optionalList,
  optionalString,
  readKeyValues,
  readMessage,
  requireString,
} from '../message';
import type { Route, ServerContext } from '../router';
import type { RegisteredModel } from '../store';
import {
  latestVersions,
  modelVersionJson,
  pageToken,
  readPageToken,
  registeredModelJson,
} from '../views';

function createModel(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const name = requireString(message, 'name');
  const { store } = context;
  const time = store.now();
  if (store.registeredModels.has(name)) {
    throw alreadyExists(duplicateModelMessage(name, time, context.database, context.mode));
  }
  const model: RegisteredModel = {
    name,
    creationTimestamp: time,
    lastUpdatedTimestamp: time,
    description: optionalString(message, 'description') ?? '',
    tags: new Map(readKeyValues(message, 'tags').map((t) => [t.key, t.value])),
    aliases: new Map(),
  };
  store.registeredModels.set(name, model);
  return jsonReply({ registered_model: registeredModelJson(store, model) });
}

function modelValue(model: RegisteredModel, clause: FilterClause): string | number | undefined {
  if (clause.kind === 'tags') return model.tags.get(clause.key);
  if (clause.key === 'name') return model.name;
  throw invalidParameter(`Invalid attribute key '${clause.key}' specified.`);
}

function searchModels(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const clauses = parseFilter(optionalString(message, 'filter'));
  const maxResults = optionalInteger(message, 'max_results') ?? 100;
  const offset = readPageToken(optionalString(message, 'page_token'));
  const descending = optionalList(message, 'order_by').some((o) => /desc/i.test(String(o)));
  const visible = context.visibleModels ?? (() => true);
  const matching = [...context.store.registeredModels.values()]
    .filter((m) => clauses.every((c) => clauseMatches(c, modelValue(m, c))))
    .filter((m) => visible(request, m.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1) * (descending ? -1 : 1));
  const page = matching.slice(offset, offset + maxResults);
  const json: Record<string, unknown> = {};
  if (page.length > 0) {
    json.registered_models = page.map((m) => registeredModelJson(context.store, m));
  }
  if (offset + maxResults < matching.length) json.next_page_token = pageToken(offset + maxResults);
  return jsonReply(json);
}

function getLatestVersions(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const model = context.store.registeredModel(requireString(message, 'name'));
  const stages = optionalList(message, 'stages').map(String);
  const versions = latestVersions(context.store, model.name, stages).map((v) =>
    modelVersionJson(v, model, false),
  );
  return jsonReply(versions.length > 0 ? { model_versions: versions } : {});
}

/** MLflow's alias name rules, checked before the version is looked up. */
function checkAliasName(alias: string): void {
  if (!/^[\w-]*$/.test(alias)) {
    throw invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), ` +
        'and dashes (-).',
    );
  }
  if (alias.length > 255) {
    throw invalidParameter(
      `Registered model alias name '${alias.slice(0, 250)}' had length ${alias.length}, which ` +
        'exceeded length limit of 255',
    );
  }
  if (alias.toLowerCase() === 'latest') {
    throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  }
  if (/^[vV]\d+$/.test(alias)) {
    throw invalidParameter(`Version alias name '${alias}' is reserved.`);
  }
}

function setAlias(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const name = requireString(message, 'name');
  const alias = requireString(message, 'alias');
  const versionText = requireString(message, 'version');
  checkAliasName(alias);
  const version = context.store.modelVersion(name, versionText);
  context.store.registeredModel(name).aliases.set(alias, version.version);
  return jsonReply({});
}

function getAlias(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const model = context.store.registeredModel(requireString(message, 'name'));
  const alias = requireString(message, 'alias');
  const number = model.aliases.get(alias);
  if (number === undefined) {
    throw invalidParameter(`Registered model alias ${alias} not found.`);
  }
  const version = context.store.modelVersion(model.name, number);
  return jsonReply({ model_version: modelVersionJson(version, model, true) });
}

function deleteAlias(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const model = context.store.registeredModel(requireString(message, 'name'));
  model.aliases.delete(requireString(message, 'alias'));
  return jsonReply({});
}

/** Routes under `mlflow/registered-models/`. */
export const registeredModelRoutes: Route[] = [
  { pattern: 'mlflow/registered-models/create', methods: { POST: createModel } },
  {
    pattern: 'mlflow/registered-models/get',
    methods: {
      GET: (request, context) => {
        const model = context.store.registeredModel(requireString(readMessage(request), 'name'));
        return jsonReply({ registered_model: registeredModelJson(context.store, model) });
      },
    },
  },
  { pattern: 'mlflow/registered-models/search', methods: { GET: searchModels } },
  {
    pattern: 'mlflow/registered-models/update',
    methods: {
      PATCH: (request, context) => {
        const message = readMessage(request);
        const model = context.store.registeredModel(requireString(message, 'name'));
        model.description = optionalString(message, 'description') ?? model.description;
        model.lastUpdatedTimestamp = context.store.now();
        return jsonReply({ registered_model: registeredModelJson(context.store, model) });
      },
    },
  },
  {
    pattern: 'mlflow/registered-models/delete',
    methods: {
      DELETE: (request, context) => {
        const name = requireString(readMessage(request), 'name');
        context.store.registeredModel(name);
        context.store.registeredModels.delete(name);
        // A model created again under this name starts at version 1, as in MLflow.
        const versions = context.store.modelVersions;
        for (let i = versions.length - 1; i >= 0; i -= 1) {
          if (versions[i]?.name === name) versions.splice(i, 1);
        }
        return jsonReply({});
      },
    },
  },
  {
    pattern: 'mlflow/registered-models/set-tag',
    methods: {
      POST: (request, context) => {
        const message = readMessage(request);
        const model = context.store.registeredModel(requireString(message, 'name'));
        model.tags.set(requireString(message, 'key'), optionalString(message, 'value') ?? '');
        return jsonReply({});
      },
    },
  },
  {
    pattern: 'mlflow/registered-models/delete-tag',
    methods: {
      DELETE: (request, context) => {
        const message = readMessage(request);
        const model = context.store.registeredModel(requireString(message, 'name'));
        const key = requireString(message, 'key');
        if (!model.tags.delete(key)) {
          throw notFound(`Registered model tag with name=${model.name}, key=${key} not found`);
        }
        return jsonReply({});
      },
    },
  },
  {
    pattern: 'mlflow/registered-models/get-latest-versions',
    methods: { GET: getLatestVersions, POST: getLatestVersions },
  },
  {
    pattern: 'mlflow/registered-models/alias',
    methods: { POST: setAlias, GET: getAlias, DELETE: deleteAlias },
  },
];
