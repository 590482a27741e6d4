import { type ApiReply, type ApiRequest, htmlReply, textReply } from '../http';
import { isRecord, readMessage } from '../message';
import type { Route } from '../router';
import type { MlflowStore } from '../store';
import { type Need, type Permission, grants, ruleFor } from './permissions';
import { authRoutes } from './routes';

/** A user of the basic-auth app. */
export interface AuthUser {
  id: number;
  username: string;
  password: string;
  isAdmin: boolean;
}

/** Settings of the basic-auth app (basic_auth.ini). */
export interface AuthOptions {
  /** Users besides the built-in admin/password of 2.17.2. */
  users?: { username: string; password: string; isAdmin?: boolean }[];
  /** Applies where a user has no explicit permission (READ in the shipped ini). */
  defaultPermission?: Permission;
}

const notAuthenticated =
  'You are not authenticated. Please see ' +
  'https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to ' +
  'authenticate.';

/** MLflow's `--app-name basic-auth`: Basic credentials, per-resource permissions. */
export class BasicAuth {
  readonly users = new Map<string, AuthUser>();
  /** `<experiment id> <user id>` → permission. */
  readonly experimentPermissions = new Map<string, Permission>();
  /** `<model name> <user id>` → permission. */
  readonly modelPermissions = new Map<string, Permission>();
  readonly defaultPermission: Permission;
  private nextUserId = 1;

  constructor(
    options: AuthOptions,
    readonly store: MlflowStore,
  ) {
    this.defaultPermission = options.defaultPermission ?? 'READ';
    this.addUser('admin', 'password', true);
    for (const user of options.users ?? []) {
      this.addUser(user.username, user.password, user.isAdmin ?? false);
    }
  }

  /** Creates a user with the next id. */
  addUser(username: string, password: string, isAdmin: boolean): AuthUser {
    const user = { id: this.nextUserId, username, password, isAdmin };
    this.nextUserId += 1;
    this.users.set(username, user);
    return user;
  }

  /** The user whose Basic credentials the request carries, if they are valid. */
  userOf(request: { headers: ApiRequest['headers'] }): AuthUser | undefined {
    const header = request.headers.authorization ?? '';
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (match?.[1] === undefined) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = this.users.get(decoded.slice(0, colon));
    return user !== undefined && user.password === decoded.slice(colon + 1) ? user : undefined;
  }

  /** 401 without valid credentials, 403 without permission, else undefined (go on). */
  authorize(request: ApiRequest, pathname: string): ApiReply | undefined {
    if (pathname === '/health') return undefined;
    const user = this.userOf(request);
    if (user === undefined) {
      return {
        ...textReply(401, notAuthenticated, 'text/html; charset=utf-8'),
        headers: { 'WWW-Authenticate': 'Basic realm="mlflow"' },
      };
    }
    if (user.isAdmin) return undefined;
    return this.allowed(request, user) ? undefined : htmlReply(403, 'Permission denied');
  }

  /** Gives the creator MANAGE on a new experiment or registered model. */
  afterReply(request: ApiRequest, reply: ApiReply): void {
    const user = this.userOf(request);
    if (user === undefined || reply.status !== 200) return;
    if (reply.contentType !== 'application/json') return;
    const parsed: unknown = JSON.parse(reply.body.toString());
    if (!isRecord(parsed)) return;
    if (request.route === 'mlflow/experiments/create') {
      this.experimentPermissions.set(`${String(parsed.experiment_id)} ${user.id}`, 'MANAGE');
    }
    const model = parsed.registered_model;
    if (request.route === 'mlflow/registered-models/create' && isRecord(model)) {
      this.modelPermissions.set(`${String(model.name)} ${user.id}`, 'MANAGE');
    }
  }

  /** The experiment permission of a user. */
  experimentPermission(experimentId: string, user: AuthUser): Permission {
    return this.experimentPermissions.get(`${experimentId} ${user.id}`) ?? this.defaultPermission;
  }

  /** The registered-model permission of a user. */
  modelPermission(name: string, user: AuthUser): Permission {
    return this.modelPermissions.get(`${name} ${user.id}`) ?? this.defaultPermission;
  }

  /** Read filter for experiments/search. */
  canReadExperiment(request: ApiRequest, experimentId: string): boolean {
    const user = this.userOf(request);
    return (
      user !== undefined &&
      (user.isAdmin || grants(this.experimentPermission(experimentId, user), 'read'))
    );
  }

  /** Read filter for registered-models/search. */
  canReadModel(request: ApiRequest, name: string): boolean {
    const user = this.userOf(request);
    return user !== undefined && (user.isAdmin || grants(this.modelPermission(name, user), 'read'));
  }

  /** The user-management and permission routes of the app. */
  routes(): Route[] {
    return authRoutes(this);
  }

  private allowed(request: ApiRequest, user: AuthUser): boolean {
    const rule = ruleFor(request.method, request.route);
    if (rule === undefined) return true;
    let message: Record<string, unknown>;
    try {
      message = rule.resource === 'artifact-path' ? {} : readMessage(request);
    } catch {
      // A malformed request is left to the handler, which answers it as MLflow does.
      return true;
    }
    const value =
      rule.resource === 'artifact-path'
        ? this.artifactPathOf(request, rule.field)
        : (message[rule.field] ?? message.run_uuid);
    if (typeof value !== 'string') return true;
    return this.check(rule.resource, value, rule.need, user);
  }

  private artifactPathOf(request: ApiRequest, field: string): string {
    return field === 'path' ? (request.query.get('path') ?? '') : field;
  }

  private check(resource: string, value: string, need: Need, user: AuthUser): boolean {
    if (resource === 'model') return grants(this.modelPermission(value, user), need);
    let experimentId: string | undefined;
    if (resource === 'experiment') {
      experimentId = this.store.experiments.has(value)
        ? value
        : [...this.store.experiments.values()].find((e) => e.name === value)?.experimentId;
    } else if (resource === 'run') {
      experimentId = this.store.runs.get(value)?.experimentId;
    } else {
      experimentId = value.split('/')[0];
    }
    if (experimentId === undefined) return true;
    return grants(this.experimentPermission(experimentId, user), need);
  }
}
