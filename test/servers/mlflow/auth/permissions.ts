/** The basic-auth app's permission levels. */
export type Permission = 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';

/** What a route needs on its experiment or registered model. */
export type Need = 'read' | 'update' | 'manage';

/** The valid permission names, in MLflow's order (its error message lists them so). */
export const permissionNames: Permission[] = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'];

/** Whether a permission grants a need, as MLflow's Permission.can_* flags say. */
export function grants(permission: Permission, need: Need): boolean {
  switch (permission) {
    case 'MANAGE':
      return true;
    case 'EDIT':
      return need !== 'manage';
    case 'READ':
      return need === 'read';
    default:
      return false;
  }
}

/** A rule: which resource a route acts on, how to find it, and what it needs. */
export interface PermissionRule {
  resource: 'experiment' | 'run' | 'model' | 'artifact-path';
  /** Request field holding the id or name (for artifact paths: the path itself). */
  field: string;
  need: Need;
}

const experimentRules: Record<string, PermissionRule> = {
  'GET mlflow/experiments/get': { resource: 'experiment', field: 'experiment_id', need: 'read' },
  'POST mlflow/experiments/delete': {
    resource: 'experiment',
    field: 'experiment_id',
    need: 'manage',
  },
  'POST mlflow/experiments/restore': {
    resource: 'experiment',
    field: 'experiment_id',
    need: 'manage',
  },
  'POST mlflow/experiments/update': {
    resource: 'experiment',
    field: 'experiment_id',
    need: 'update',
  },
  'POST mlflow/experiments/set-experiment-tag': {
    resource: 'experiment',
    field: 'experiment_id',
    need: 'update',
  },
  'POST mlflow/runs/create': { resource: 'experiment', field: 'experiment_id', need: 'update' },
};

const runRules: Record<string, PermissionRule> = {
  'GET mlflow/runs/get': { resource: 'run', field: 'run_id', need: 'read' },
  'POST mlflow/runs/update': { resource: 'run', field: 'run_id', need: 'update' },
  'POST mlflow/runs/delete': { resource: 'run', field: 'run_id', need: 'manage' },
  'POST mlflow/runs/restore': { resource: 'run', field: 'run_id', need: 'manage' },
  'POST mlflow/runs/log-batch': { resource: 'run', field: 'run_id', need: 'update' },
  'POST mlflow/runs/log-metric': { resource: 'run', field: 'run_id', need: 'update' },
  'POST mlflow/runs/log-parameter': { resource: 'run', field: 'run_id', need: 'update' },
  'POST mlflow/runs/set-tag': { resource: 'run', field: 'run_id', need: 'update' },
  'POST mlflow/runs/delete-tag': { resource: 'run', field: 'run_id', need: 'update' },
  'GET mlflow/metrics/get-history': { resource: 'run', field: 'run_id', need: 'read' },
  'GET mlflow/artifacts/list': { resource: 'run', field: 'run_id', need: 'read' },
};

const modelRules: Record<string, PermissionRule> = {
  'GET mlflow/registered-models/get': { resource: 'model', field: 'name', need: 'read' },
  'PATCH mlflow/registered-models/update': { resource: 'model', field: 'name', need: 'update' },
  'DELETE mlflow/registered-models/delete': { resource: 'model', field: 'name', need: 'manage' },
  'POST mlflow/registered-models/set-tag': { resource: 'model', field: 'name', need: 'update' },
  'DELETE mlflow/registered-models/delete-tag': {
    resource: 'model',
    field: 'name',
    need: 'update',
  },
  'POST mlflow/registered-models/alias': { resource: 'model', field: 'name', need: 'update' },
  'DELETE mlflow/registered-models/alias': { resource: 'model', field: 'name', need: 'update' },
  'GET mlflow/registered-models/alias': { resource: 'model', field: 'name', need: 'read' },
  'POST mlflow/registered-models/get-latest-versions': {
    resource: 'model',
    field: 'name',
    need: 'read',
  },
  'POST mlflow/model-versions/create': { resource: 'model', field: 'name', need: 'update' },
  'GET mlflow/model-versions/get': { resource: 'model', field: 'name', need: 'read' },
  'GET mlflow/model-versions/get-download-uri': { resource: 'model', field: 'name', need: 'read' },
  'PATCH mlflow/model-versions/update': { resource: 'model', field: 'name', need: 'update' },
  'POST mlflow/model-versions/set-tag': { resource: 'model', field: 'name', need: 'update' },
  'DELETE mlflow/model-versions/delete-tag': { resource: 'model', field: 'name', need: 'update' },
  'POST mlflow/model-versions/transition-stage': {
    resource: 'model',
    field: 'name',
    need: 'update',
  },
  'DELETE mlflow/model-versions/delete': { resource: 'model', field: 'name', need: 'manage' },
};

/** The rule for a request, or undefined when the route is not permission-checked. */
export function ruleFor(method: string, route: string): PermissionRule | undefined {
  const key = `${method} ${route}`;
  const rule = experimentRules[key] ?? runRules[key] ?? modelRules[key];
  if (rule !== undefined) return rule;
  if (route === 'mlflow/experiments/get-by-name') {
    return { resource: 'experiment', field: 'experiment_name', need: 'read' };
  }
  if (route === 'mlflow-artifacts/artifacts' && method === 'GET') {
    return { resource: 'artifact-path', field: 'path', need: 'read' };
  }
  if (route.startsWith('mlflow-artifacts/artifacts/')) {
    const need: Need = method === 'GET' ? 'read' : method === 'PUT' ? 'update' : 'manage';
    return {
      resource: 'artifact-path',
      field: route.slice('mlflow-artifacts/artifacts/'.length),
      need,
    };
  }
  return undefined;
}
