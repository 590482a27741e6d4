import type { ArtifactStorage } from './artifact-storage';
import type { Database } from './database-messages';
import {
  type ApiReply,
  type ApiRequest,
  htmlReply,
  methodNotAllowedPage,
  notFoundPage,
} from './http';
import type { S3Access } from './s3-access';
import type { MlflowStore } from './store';
import type { MlflowMode } from './views';

/** How new model versions register: immediately, after some polls, or failing. */
export interface RegistrationBehaviour {
  /** `model-versions/get` calls that still see PENDING_REGISTRATION. */
  pendingPolls: number;
  /** When set, a pending registration ends FAILED_REGISTRATION with this status message. */
  failWith?: string;
}

/** Everything a handler may use. */
export interface ServerContext {
  mode: MlflowMode;
  store: MlflowStore;
  /** The proxy's destination; undefined when artifacts are not served. */
  storage?: ArtifactStorage;
  /** Reads s3:// locations (runs of S3-backed experiments). */
  s3?: S3Access;
  /** `artifact_location` for a new experiment without one. */
  defaultArtifactLocation(experimentId: string): string;
  registration: RegistrationBehaviour;
  database: Database;
  /** Basic auth's read filter for experiment searches; everything is visible when absent. */
  visibleExperiments?: (request: ApiRequest, experimentId: string) => boolean;
  /** Basic auth's read filter for registered-model searches. */
  visibleModels?: (request: ApiRequest, name: string) => boolean;
}

/** A route handler; `match` holds the pattern's capture groups. */
export type Handler = (
  request: ApiRequest,
  context: ServerContext,
  match: string[],
) => ApiReply | Promise<ApiReply>;

/** One route: a path under the API prefix (or a pattern) and a handler per method. */
export interface Route {
  pattern: string | RegExp;
  methods: Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Handler>>;
  /** Served under `/ajax-api/2.0` only (UI routes of 3.x). */
  ajaxOnly?: boolean;
}

/** The handler for a request, or the HTML 404/405 the real server gives. */
export function resolveRoute(
  routes: Route[],
  request: ApiRequest,
): { handler: Handler; match: string[] } | ApiReply {
  let knownPath = false;
  for (const route of routes) {
    if (route.ajaxOnly === true && request.prefix !== '/ajax-api/2.0') continue;
    const match = matchPattern(route.pattern, request.route);
    if (match === undefined) continue;
    knownPath = true;
    const handler = route.methods[request.method as keyof Route['methods']];
    if (handler !== undefined) {
      return { handler, match };
    }
  }
  return knownPath ? htmlReply(405, methodNotAllowedPage) : htmlReply(404, notFoundPage);
}

function matchPattern(pattern: string | RegExp, route: string): string[] | undefined {
  if (typeof pattern === 'string') {
    return pattern === route ? [route] : undefined;
  }
  const match = pattern.exec(route);
  return match === null ? undefined : match.map((group) => group ?? '');
}
