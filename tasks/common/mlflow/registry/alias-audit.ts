import type { MlflowClient } from '../mlflow-client';
import { setVersionTags } from './versions';

/** MLflow's longest tag key. */
const MAX_TAG_KEY_LENGTH = 250;
const AUDIT_PREFIX = 'azure_pipelines.alias.';

/** Who moved an alias: the pipeline run, as the agent describes it. */
export interface AliasMover {
  buildId?: string;
  buildNumber?: string;
  pipelineName?: string;
  runUrl?: string;
  requestedFor?: string;
}

/** One alias move, to be recorded on the versions it touched. */
export interface AliasMove {
  name: string;
  alias: string;
  /** The version the alias points to now; absent after a delete. */
  toVersion?: string;
  /** The version it pointed to before; absent when it was unset. */
  fromVersion?: string;
  by: AliasMover;
  at: Date;
}

/**
 * Tags the versions an alias move touched, so the registry tells who moved it and when: the
 * new target gets `azure_pipelines.alias.<alias>` = "set ...", the old one "removed ...".
 */
export async function recordAliasMove(client: MlflowClient, move: AliasMove): Promise<void> {
  const key = aliasTagKey(move.alias);
  const who = describeMover(move.by);
  const when = move.at.toISOString();
  if (move.toVersion !== undefined) {
    const from = move.fromVersion !== undefined ? ` (was version ${move.fromVersion})` : '';
    await setVersionTags(client, move.name, move.toVersion, [
      { key, value: `set ${when} by ${who}${from}` },
    ]);
  }
  if (move.fromVersion !== undefined && move.fromVersion !== move.toVersion) {
    const to = move.toVersion !== undefined ? ` (moved to version ${move.toVersion})` : '';
    await setVersionTags(client, move.name, move.fromVersion, [
      { key, value: `removed ${when} by ${who}${to}` },
    ]);
  }
}

/** The version tag key that records moves of an alias. */
export function aliasTagKey(alias: string): string {
  const key = `${AUDIT_PREFIX}${alias}`;
  // Aliases may be 255 characters long but tag keys only 250; long ones are cut, and keep a
  // short hash of the whole alias so that two long aliases never share a key.
  if (key.length <= MAX_TAG_KEY_LENGTH) return key;
  const hash = fnv1a(alias).toString(16).padStart(8, '0');
  return `${key.slice(0, MAX_TAG_KEY_LENGTH - 9)}~${hash}`;
}

/** A one-line description of the pipeline run, for tag values and messages. */
export function describeMover(by: AliasMover): string {
  const parts: string[] = [];
  const run = by.buildNumber ?? by.buildId;
  parts.push(
    by.pipelineName
      ? `pipeline "${by.pipelineName}" run ${run ?? '?'}`
      : `pipeline run ${run ?? '?'}`,
  );
  if (by.requestedFor) parts.push(`for ${by.requestedFor}`);
  if (by.runUrl) parts.push(`<${by.runUrl}>`);
  return run === undefined && !by.runUrl ? 'a run outside Azure Pipelines' : parts.join(' ');
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
