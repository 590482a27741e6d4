import { randomBytes } from 'node:crypto';

import { alreadyExists, invalidParameter, notFound } from '../errors';
import { type ApiReply, type ApiRequest, htmlReply, jsonReply } from '../http';
import { type Message, isRecord, readMessage, requireString } from '../message';
import type { Route } from '../router';
import type { AuthUser, BasicAuth } from './basic-auth';
import { type Permission, grants, permissionNames } from './permissions';

const background = '(Background on this error at: https://sqlalche.me/e/14/gkpj)';
const denied = (): ApiReply => htmlReply(403, 'Permission denied');

/** The signup page the form variant of users/create answers with. */
function signupPage(username: string): string {
  return (
    '\n<script type = "text/javascript">\n\n  \n    \n' +
    `      alert("Successfully signed up user: ${username}");\n    \n  \n\n` +
    '      window.location.href = "/";\n</script>'
  );
}

function userJson(auth: BasicAuth, user: AuthUser): Record<string, unknown> {
  const experiments = [...auth.experimentPermissions]
    .filter(([key]) => key.endsWith(` ${user.id}`))
    .map(([key, permission]) => ({
      experiment_id: key.slice(0, key.lastIndexOf(' ')),
      permission,
      user_id: user.id,
    }));
  const models = [...auth.modelPermissions]
    .filter(([key]) => key.endsWith(` ${user.id}`))
    .map(([key, permission]) => ({
      name: key.slice(0, key.lastIndexOf(' ')),
      permission,
      user_id: user.id,
    }));
  return {
    experiment_permissions: experiments,
    id: user.id,
    is_admin: user.isAdmin,
    registered_model_permissions: models,
    username: user.username,
  };
}

function readPermission(message: Message): Permission {
  const value = requireString(message, 'permission');
  const permission = permissionNames.find((p) => p === value);
  if (permission === undefined) {
    throw invalidParameter(
      `Invalid permission '${value}'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', ` +
        "'NO_PERMISSIONS')",
    );
  }
  return permission;
}

function createUser(auth: BasicAuth, request: ApiRequest): ApiReply {
  const caller = auth.userOf(request);
  if (caller?.isAdmin !== true) return denied();
  const contentType = request.headers['content-type'];
  let message: Message;
  if (contentType === 'application/json') {
    message = readMessage(request);
  } else if (contentType === 'application/x-www-form-urlencoded') {
    message = Object.fromEntries(new URLSearchParams(request.body.toString('utf8')));
  } else {
    return htmlReply(
      400,
      'Invalid content type. Must be one of: application/x-www-form-urlencoded, application/json',
    );
  }
  const username = requireString(message, 'username');
  const password = requireString(message, 'password');
  if (auth.users.has(username)) {
    const salt = randomBytes(8).toString('hex');
    const hash = `pbkdf2:sha256:260000$${salt}$${randomBytes(32).toString('hex')}`;
    throw alreadyExists(
      `User (username=${username}) already exists. Error: (sqlite3.IntegrityError) UNIQUE ` +
        'constraint failed: users.username\n[SQL: INSERT INTO users (username, password_hash, ' +
        `is_admin) VALUES (?, ?, ?)]\n[parameters: ('${username}', '${hash}', 0)]\n${background}`,
    );
  }
  const user = auth.addUser(username, password, false);
  if (contentType !== 'application/json') return htmlReply(200, signupPage(username));
  return jsonReply({ user: userJson(auth, user) });
}

/** The target user of a users/* call, which only the user themself or an admin may touch. */
function targetUser(auth: BasicAuth, request: ApiRequest, adminOnly: boolean): AuthUser | ApiReply {
  const caller = auth.userOf(request);
  const username = requireString(readMessage(request), 'username');
  if (caller === undefined || (!caller.isAdmin && (adminOnly || caller.username !== username))) {
    return denied();
  }
  const user = auth.users.get(username);
  if (user === undefined) throw notFound(`User with username=${username} not found`);
  return user;
}

interface PermissionKind {
  path: string;
  idField: string;
  json: string;
  table: (auth: BasicAuth) => Map<string, Permission>;
  canManage: (auth: BasicAuth, id: string, user: AuthUser) => boolean;
  duplicate: (id: string, username: string, userId: number, permission: string) => string;
  missing: (id: string, username: string) => string;
}

const permissionKinds: PermissionKind[] = [
  {
    path: 'mlflow/experiments/permissions',
    idField: 'experiment_id',
    json: 'experiment_permission',
    table: (auth) => auth.experimentPermissions,
    canManage: (auth, id, user) => grants(auth.experimentPermission(id, user), 'manage'),
    duplicate: (id, username, userId, permission) =>
      `Experiment permission (experiment_id=${id}, username=${username}) already exists. Error: ` +
      '(sqlite3.IntegrityError) UNIQUE constraint failed: experiment_permissions.experiment_id, ' +
      'experiment_permissions.user_id\n[SQL: INSERT INTO experiment_permissions (experiment_id, ' +
      `user_id, permission) VALUES (?, ?, ?)]\n[parameters: ('${id}', ${userId}, ` +
      `'${permission}')]\n${background}`,
    missing: (id, username) =>
      `Experiment permission with experiment_id=${id} and username=${username} not found`,
  },
  {
    path: 'mlflow/registered-models/permissions',
    idField: 'name',
    json: 'registered_model_permission',
    table: (auth) => auth.modelPermissions,
    canManage: (auth, id, user) => grants(auth.modelPermission(id, user), 'manage'),
    duplicate: (id, username, userId, permission) =>
      `Registered model permission (name=${id}, username=${username}) already exists. Error: ` +
      '(sqlite3.IntegrityError) UNIQUE constraint failed: registered_model_permissions.name, ' +
      'registered_model_permissions.user_id\n[SQL: INSERT INTO registered_model_permissions ' +
      `(name, user_id, permission) VALUES (?, ?, ?)]\n[parameters: ('${id}', ${userId}, ` +
      `'${permission}')]\n${background}`,
    missing: (id, username) =>
      `Registered model permission with name=${id} and username=${username} not found`,
  },
];

function permissionRoutes(auth: BasicAuth, kind: PermissionKind): Route[] {
  const resolve = (
    request: ApiRequest,
  ): { id: string; user: AuthUser; key: string; message: Message } | ApiReply => {
    const message = readMessage(request);
    const id = requireString(message, kind.idField);
    const caller = auth.userOf(request);
    if (caller === undefined || (!caller.isAdmin && !kind.canManage(auth, id, caller))) {
      return denied();
    }
    const username = requireString(message, 'username');
    const user = auth.users.get(username);
    if (user === undefined) throw notFound(`User with username=${username} not found`);
    return { id, user, key: `${id} ${user.id}`, message };
  };
  const shape = (id: string, permission: Permission, user: AuthUser): Record<string, unknown> => ({
    [kind.idField]: id,
    permission,
    user_id: user.id,
  });
  return [
    {
      pattern: `${kind.path}/create`,
      methods: {
        POST: (request) => {
          const target = resolve(request);
          if (!('key' in target)) return target;
          const permission = readPermission(target.message);
          if (kind.table(auth).has(target.key)) {
            throw alreadyExists(
              kind.duplicate(target.id, target.user.username, target.user.id, permission),
            );
          }
          kind.table(auth).set(target.key, permission);
          return jsonReply({ [kind.json]: shape(target.id, permission, target.user) });
        },
      },
    },
    {
      pattern: `${kind.path}/get`,
      methods: {
        GET: (request) => {
          const target = resolve(request);
          if (!('key' in target)) return target;
          const permission = kind.table(auth).get(target.key);
          if (permission === undefined)
            throw notFound(kind.missing(target.id, target.user.username));
          return jsonReply({ [kind.json]: shape(target.id, permission, target.user) });
        },
      },
    },
    {
      pattern: `${kind.path}/update`,
      methods: {
        PATCH: (request) => {
          const target = resolve(request);
          if (!('key' in target)) return target;
          const permission = readPermission(target.message);
          if (!kind.table(auth).has(target.key))
            throw notFound(kind.missing(target.id, target.user.username));
          kind.table(auth).set(target.key, permission);
          return jsonReply({});
        },
      },
    },
    {
      pattern: `${kind.path}/delete`,
      methods: {
        DELETE: (request) => {
          const target = resolve(request);
          if (!('key' in target)) return target;
          if (!kind.table(auth).delete(target.key)) {
            throw notFound(kind.missing(target.id, target.user.username));
          }
          return jsonReply({});
        },
      },
    },
  ];
}

/** users/* and the permission routes of the basic-auth app. */
export function authRoutes(auth: BasicAuth): Route[] {
  const withUser =
    (adminOnly: boolean, action: (user: AuthUser, message: Message) => ApiReply) =>
    (request: ApiRequest): ApiReply => {
      const user = targetUser(auth, request, adminOnly);
      return 'id' in user ? action(user, readMessage(request)) : user;
    };
  return [
    { pattern: 'mlflow/users/create', methods: { POST: (request) => createUser(auth, request) } },
    {
      pattern: 'mlflow/users/get',
      methods: { GET: withUser(false, (user) => jsonReply({ user: userJson(auth, user) })) },
    },
    {
      pattern: 'mlflow/users/update-password',
      methods: {
        PATCH: withUser(false, (user, message) => {
          user.password = requireString(message, 'password');
          return jsonReply({});
        }),
      },
    },
    {
      pattern: 'mlflow/users/update-admin',
      methods: {
        PATCH: withUser(true, (user, message) => {
          user.isAdmin = isRecord(message) && message.is_admin === true;
          return jsonReply({});
        }),
      },
    },
    {
      pattern: 'mlflow/users/delete',
      methods: {
        DELETE: withUser(true, (user) => {
          auth.users.delete(user.username);
          return jsonReply({});
        }),
      },
    },
    ...permissionKinds.flatMap((kind) => permissionRoutes(auth, kind)),
  ];
}
