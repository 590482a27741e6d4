import { MlflowApiError, internalError, invalidParameter, notFound } from '../errors';
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
import type { ModelVersion } from '../store';
import { modelVersionJson, pageToken, readPageToken } from '../views';

const stages = ['None', 'Staging', 'Production', 'Archived'];

/** MLflow's `_validate_source`: local paths must lie in the run; no `..` in remote URIs. */
function checkSource(source: string): void {
  const scheme = /^([A-Za-z][\w+.-]*):/.exec(source)?.[1];
  if (scheme === undefined || scheme === 'file') {
    throw invalidParameter(
      `Invalid model version source: '${source}'. To use a local path as a model version ` +
        'source, the run_id request parameter has to be specified and the local path has to ' +
        'be contained within the artifact directory of the run specified by the run_id.',
    );
  }
  const path = source.replace(/^[^:]+:\/*[^/]*/, '');
  if (decodeURIComponent(path).split('/').includes('..')) {
    throw invalidParameter(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, ` +
        'local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be ' +
        'provided without relative path references present. Please provide an absolute path.',
    );
  }
}

/** 3.x: a `models:/<id>` source must name an existing logged model (else a 500). */
function loggedModelOfSource(context: ServerContext, source: string): string | undefined {
  const id = /^models:\/(m-[0-9a-f]+)/.exec(source)?.[1];
  if (context.mode !== 3 || id === undefined) return undefined;
  try {
    context.store.loggedModel(id);
  } catch (error) {
    const reason = error instanceof MlflowApiError ? error.message : String(error);
    throw internalError(
      `Unable to fetch model from model URI source artifact location '${source}'.Error: ${reason}`,
    );
  }
  return id;
}

function recordRegistration(context: ServerContext, modelId: string, version: ModelVersion): void {
  const model = context.store.loggedModel(modelId);
  const previous = model.tags.get('mlflow.modelVersions');
  const entries = previous === undefined ? [] : previous.replace(/^\[|\]$/g, '').split(/(?<=\}), /);
  entries.push(`{"name": "${version.name}", "version": ${version.version}}`);
  model.tags.set('mlflow.modelVersions', `[${entries.filter((e) => e !== '').join(', ')}]`);
}

function createVersion(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const name = requireString(message, 'name');
  const source = requireString(message, 'source');
  checkSource(source);
  const modelId = loggedModelOfSource(context, source);
  const { store } = context;
  const model = store.registeredModel(name);
  const time = store.now();
  const behaviour = context.registration;
  const pending = behaviour.pendingPolls > 0 || behaviour.failWith !== undefined;
  const version: ModelVersion = {
    name,
    version: store.modelVersions.filter((v) => v.name === name).length + 1,
    creationTimestamp: time,
    lastUpdatedTimestamp: time,
    currentStage: 'None',
    description: optionalString(message, 'description') ?? '',
    source,
    runId: optionalString(message, 'run_id') ?? '',
    runLink: optionalString(message, 'run_link') ?? '',
    status: pending ? 'PENDING_REGISTRATION' : 'READY',
    tags: new Map(readKeyValues(message, 'tags').map((t) => [t.key, t.value])),
    deleted: false,
    pendingPolls: behaviour.pendingPolls,
  };
  if (behaviour.failWith !== undefined) version.failureMessage = behaviour.failWith;
  if (modelId !== undefined) {
    version.modelId = modelId;
    recordRegistration(context, modelId, version);
  }
  store.modelVersions.push(version);
  model.lastUpdatedTimestamp = time;
  return jsonReply({ model_version: modelVersionJson(version, model, false) });
}

/** Counts down a pending registration, ending READY or FAILED_REGISTRATION. */
function pollRegistration(version: ModelVersion): void {
  if (version.status !== 'PENDING_REGISTRATION') return;
  if (version.pendingPolls > 0) {
    version.pendingPolls -= 1;
    return;
  }
  if (version.failureMessage !== undefined) {
    version.status = 'FAILED_REGISTRATION';
    version.statusMessage = version.failureMessage;
  } else {
    version.status = 'READY';
  }
}

function readVersion(request: ApiRequest, context: ServerContext): ModelVersion {
  const message = readMessage(request);
  return context.store.modelVersion(
    requireString(message, 'name'),
    requireString(message, 'version'),
  );
}

function versionReply(context: ServerContext, version: ModelVersion, aliases: boolean): ApiReply {
  const model = context.store.registeredModels.get(version.name);
  return jsonReply({ model_version: modelVersionJson(version, model, aliases) });
}

function versionValue(version: ModelVersion, clause: FilterClause): string | number | undefined {
  if (clause.kind === 'tags') return version.tags.get(clause.key);
  const attributes: Record<string, string | number> = {
    name: version.name,
    run_id: version.runId,
    source_path: version.source,
    version_number: version.version,
  };
  if (!(clause.key in attributes)) {
    throw invalidParameter(`Invalid attribute key '${clause.key}' specified.`);
  }
  return attributes[clause.key];
}

function searchVersions(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const clauses = parseFilter(optionalString(message, 'filter'));
  const maxResults = optionalInteger(message, 'max_results') ?? 10000;
  const offset = readPageToken(optionalString(message, 'page_token'));
  const orderBy = optionalList(message, 'order_by').map(String);
  const byVersion = orderBy.find((o) => /^version_number/i.test(o.trim()));
  const matching = context.store.modelVersions
    .filter((v) => !v.deleted)
    .filter((v) => clauses.every((c) => clauseMatches(c, versionValue(v, c))))
    .sort((a, b) => {
      if (byVersion !== undefined) {
        return (a.version - b.version) * (/desc/i.test(byVersion) ? -1 : 1);
      }
      return b.lastUpdatedTimestamp - a.lastUpdatedTimestamp || b.version - a.version;
    });
  const page = matching.slice(offset, offset + maxResults);
  const json: Record<string, unknown> = {};
  if (page.length > 0) {
    json.model_versions = page.map((v) =>
      modelVersionJson(v, context.store.registeredModels.get(v.name), false),
    );
  }
  if (offset + maxResults < matching.length) json.next_page_token = pageToken(offset + maxResults);
  return jsonReply(json);
}

function transitionStage(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const version = readVersion(request, context);
  const requested = requireString(message, 'stage');
  const stage = stages.find((s) => s.toLowerCase() === requested.toLowerCase());
  if (stage === undefined) {
    throw invalidParameter(
      `Invalid Model Version stage: ${requested}. Value must be one of None, Staging, ` +
        'Production, Archived.',
    );
  }
  const time = context.store.now();
  if (
    message.archive_existing_versions === true &&
    (stage === 'Staging' || stage === 'Production')
  ) {
    for (const other of context.store.versionsOf(version.name)) {
      if (other !== version && other.currentStage === stage) {
        other.currentStage = 'Archived';
        other.lastUpdatedTimestamp = time;
      }
    }
  }
  version.currentStage = stage;
  version.lastUpdatedTimestamp = time;
  return versionReply(context, version, false);
}

function downloadUri(request: ApiRequest, context: ServerContext): ApiReply {
  const version = readVersion(request, context);
  const modelId =
    context.mode === 3 ? /^models:\/(m-[0-9a-f]+)/.exec(version.source)?.[1] : undefined;
  const uri =
    modelId === undefined ? version.source : context.store.loggedModel(modelId, true).artifactUri;
  return jsonReply({ artifact_uri: uri });
}

/** Routes under `mlflow/model-versions/`. */
export const modelVersionRoutes: Route[] = [
  { pattern: 'mlflow/model-versions/create', methods: { POST: createVersion } },
  {
    pattern: 'mlflow/model-versions/get',
    methods: {
      GET: (request, context) => {
        const version = readVersion(request, context);
        pollRegistration(version);
        return versionReply(context, version, true);
      },
    },
  },
  { pattern: 'mlflow/model-versions/search', methods: { GET: searchVersions } },
  {
    pattern: 'mlflow/model-versions/update',
    methods: {
      PATCH: (request, context) => {
        const version = readVersion(request, context);
        const description = optionalString(readMessage(request), 'description');
        if (description !== undefined) version.description = description;
        version.lastUpdatedTimestamp = context.store.now();
        return versionReply(context, version, false);
      },
    },
  },
  {
    pattern: 'mlflow/model-versions/delete',
    methods: {
      DELETE: (request, context) => {
        const version = readVersion(request, context);
        version.deleted = true;
        const aliases = context.store.registeredModels.get(version.name)?.aliases;
        for (const [alias, number] of aliases ?? []) {
          if (number === version.version) aliases?.delete(alias);
        }
        return jsonReply({});
      },
    },
  },
  {
    pattern: 'mlflow/model-versions/set-tag',
    methods: {
      POST: (request, context) => {
        const version = readVersion(request, context);
        const message = readMessage(request);
        version.tags.set(requireString(message, 'key'), optionalString(message, 'value') ?? '');
        return jsonReply({});
      },
    },
  },
  {
    pattern: 'mlflow/model-versions/delete-tag',
    methods: {
      DELETE: (request, context) => {
        const version = readVersion(request, context);
        const key = requireString(readMessage(request), 'key');
        if (!version.tags.delete(key)) {
          throw notFound(
            `Model version tag with name=${version.name}, version=${version.version}, ` +
              `key=${key} not found`,
          );
        }
        return jsonReply({});
      },
    },
  },
  { pattern: 'mlflow/model-versions/transition-stage', methods: { POST: transitionStage } },
  { pattern: 'mlflow/model-versions/get-download-uri', methods: { GET: downloadUri } },
];
