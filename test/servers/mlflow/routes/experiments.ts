import { duplicateExperimentMessage } from '../database-messages';
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
import type { Experiment } from '../store';
import { experimentJson, pageToken, readPageToken } from '../views';

/** Creates the Default experiment ("0") every MLflow server starts with. */
export function createDefaultExperiment(context: ServerContext): void {
  const id = context.store.takeExperimentId();
  const time = context.store.now();
  context.store.experiments.set(id, {
    experimentId: id,
    name: 'Default',
    artifactLocation: context.defaultArtifactLocation(id),
    lifecycleStage: 'active',
    creationTime: time,
    lastUpdateTime: time,
    tags: new Map(),
  });
}

/** Experiments by view type, as `view_type` selects them. */
export function experimentsInView(
  context: ServerContext,
  viewType: string | undefined,
): Experiment[] {
  const all = [...context.store.experiments.values()];
  if (viewType === 'ALL') return all;
  const stage = viewType === 'DELETED_ONLY' ? 'deleted' : 'active';
  return all.filter((e) => e.lifecycleStage === stage);
}

function experimentValue(
  experiment: Experiment,
  clause: FilterClause,
): string | number | undefined {
  if (clause.kind === 'tags') return experiment.tags.get(clause.key);
  switch (clause.key) {
    case 'name':
      return experiment.name;
    case 'creation_time':
      return experiment.creationTime;
    case 'last_update_time':
      return experiment.lastUpdateTime;
    default:
      throw invalidParameter(`Invalid attribute key '${clause.key}' specified.`);
  }
}

/** Routes under `mlflow/experiments/`. */
export const experimentRoutes: Route[] = [
  {
    pattern: 'mlflow/experiments/create',
    methods: {
      POST: (request, context) => {
        const message = readMessage(request);
        const name = requireString(message, 'name');
        const { store } = context;
        const time = store.now();
        if ([...store.experiments.values()].some((e) => e.name === name)) {
          throw alreadyExists(
            duplicateExperimentMessage(name, time, context.database, context.mode),
          );
        }
        const id = store.takeExperimentId();
        const location = optionalString(message, 'artifact_location');
        store.experiments.set(id, {
          experimentId: id,
          name,
          artifactLocation:
            location === undefined || location === ''
              ? context.defaultArtifactLocation(id)
              : location,
          lifecycleStage: 'active',
          creationTime: time,
          lastUpdateTime: time,
          tags: new Map(readKeyValues(message, 'tags').map((t) => [t.key, t.value])),
        });
        return jsonReply({ experiment_id: id });
      },
    },
  },
  {
    pattern: 'mlflow/experiments/get',
    methods: {
      GET: (request, context) => {
        const id = requireString(readMessage(request), 'experiment_id');
        return jsonReply({ experiment: experimentJson(context.store.experiment(id)) });
      },
    },
  },
  {
    pattern: 'mlflow/experiments/get-by-name',
    methods: {
      GET: (request, context) => {
        const name = requireString(readMessage(request), 'experiment_name');
        const found = [...context.store.experiments.values()].find((e) => e.name === name);
        if (found === undefined) {
          throw notFound(`Could not find experiment with name '${name}'`);
        }
        return jsonReply({ experiment: experimentJson(found) });
      },
    },
  },
  {
    pattern: 'mlflow/experiments/search',
    methods: { GET: searchExperiments, POST: searchExperiments },
  },
  {
    pattern: 'mlflow/experiments/delete',
    methods: { POST: (request, context) => setStage(request, context, 'deleted') },
  },
  {
    pattern: 'mlflow/experiments/restore',
    methods: { POST: (request, context) => setStage(request, context, 'active') },
  },
  {
    pattern: 'mlflow/experiments/update',
    methods: {
      POST: (request, context) => {
        const message = readMessage(request);
        const experiment = context.store.experiment(requireString(message, 'experiment_id'));
        experiment.name = requireString(message, 'new_name');
        experiment.lastUpdateTime = context.store.now();
        return jsonReply({});
      },
    },
  },
  {
    pattern: 'mlflow/experiments/set-experiment-tag',
    methods: {
      POST: (request, context) => {
        const message = readMessage(request);
        const experiment = context.store.experiment(requireString(message, 'experiment_id'));
        experiment.tags.set(requireString(message, 'key'), optionalString(message, 'value') ?? '');
        return jsonReply({});
      },
    },
  },
];

/** `order_by` such as `name ASC`; by default the newest first, as the SQL store orders. */
function compareExperiments(a: Experiment, b: Experiment, orderBy: string[]): number {
  for (const item of orderBy) {
    const [field = '', direction = 'ASC'] = item.trim().split(/\s+/);
    const clause = parseFilter(`${field} = 0`)[0];
    if (clause === undefined) continue;
    const left = experimentValue(a, clause);
    const right = experimentValue(b, clause);
    if (left === right || left === undefined || right === undefined) continue;
    return (left < right ? -1 : 1) * (direction.toUpperCase() === 'DESC' ? -1 : 1);
  }
  return b.creationTime - a.creationTime || Number(a.experimentId) - Number(b.experimentId);
}

function searchExperiments(request: ApiRequest, context: ServerContext): ApiReply {
  const message = readMessage(request);
  const maxResults = optionalInteger(message, 'max_results') ?? 1000;
  const clauses = parseFilter(optionalString(message, 'filter'));
  const offset = readPageToken(optionalString(message, 'page_token'));
  const viewType = optionalString(message, 'view_type');
  const visible = context.visibleExperiments ?? (() => true);
  const orderBy = optionalList(message, 'order_by').map(String);
  const matching = experimentsInView(context, viewType)
    .filter((e) => clauses.every((c) => clauseMatches(c, experimentValue(e, c))))
    .filter((e) => visible(request, e.experimentId))
    .sort((a, b) => compareExperiments(a, b, orderBy));
  const page = matching.slice(offset, offset + maxResults);
  const json: Record<string, unknown> = {};
  if (page.length > 0) json.experiments = page.map(experimentJson);
  if (offset + maxResults < matching.length) json.next_page_token = pageToken(offset + maxResults);
  return jsonReply(json);
}

function setStage(
  request: ApiRequest,
  context: ServerContext,
  stage: 'active' | 'deleted',
): ApiReply {
  const id = requireString(readMessage(request), 'experiment_id');
  const experiment = context.store.experiment(id);
  experiment.lifecycleStage = stage;
  experiment.lastUpdateTime = context.store.now();
  for (const run of context.store.runs.values()) {
    if (run.experimentId === id) run.lifecycleStage = stage;
  }
  return jsonReply({});
}
