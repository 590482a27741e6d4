/**
 * One deployment per model folder at a time. Two deployers (a pipeline and the sync service,
 * or two pipeline runs) would otherwise remove each other's staging folders and interleave
 * their moves. The lock is a file at the repository root, which Triton never reads as a model;
 * a lock older than its time limit was left by a killed deployer and is taken over.
 */
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { UserError } from '../user-error';
import type { ModelStore } from './model-store';

/** What the lock file says about its holder. */
interface LockContent {
  token: string;
  owner: string;
  host: string;
  pid: number;
  since: string;
}

/** The lock file of a model, relative to the repository root. */
export function lockPath(model: string): string {
  return `.${model}.deploy-lock`;
}

/**
 * Takes the model's lock; answers the function that releases it. Throws a UserError naming the
 * holder when another deployment holds a lock younger than `staleAfterMs`.
 */
export async function acquireDeployLock(
  store: ModelStore,
  model: string,
  owner: string,
  staleAfterMs: number,
  now: () => number = Date.now,
): Promise<() => Promise<void>> {
  const file = lockPath(model);
  const mine: LockContent = {
    token: randomUUID(),
    owner,
    host: os.hostname(),
    pid: process.pid,
    since: new Date(now()).toISOString(),
  };
  const text = JSON.stringify(mine);

  const existing = await store.readText(file);
  if (existing !== undefined) {
    const held = parse(existing);
    const age = held ? now() - Date.parse(held.since) : Infinity;
    if (held && age < staleAfterMs) {
      const expires = new Date(Date.parse(held.since) + staleAfterMs).toISOString();
      throw new UserError(
        `Another deployment of '${model}' is under way in ${store.location}: ${held.owner} on ` +
          `${held.host} (pid ${held.pid}) since ${held.since}. Run this one when it has ` +
          `finished. If that deployment was killed, its lock expires at ${expires}, or delete ` +
          `${store.location}/${file}.`,
      );
    }
    // A lock past its limit, or unreadable, was left by a deployer that died.
    await store.writeText(file, text);
  } else if (!(await store.createExclusive(file, text))) {
    throw raced(model, store);
  }
  // Servers without exclusive creation let two writers both "succeed": the last one wins.
  if (parse(await store.readText(file))?.token !== mine.token) throw raced(model, store);
  return async () => {
    if (parse(await store.readText(file))?.token === mine.token) await store.remove(file);
  };
}

function raced(model: string, store: ModelStore): UserError {
  return new UserError(
    `Another deployment of '${model}' took the lock in ${store.location} at the same moment. ` +
      'Run this one again when it has finished.',
  );
}

function parse(text: string | undefined): LockContent | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    return typeof value.token === 'string' && typeof value.since === 'string'
      ? (value as LockContent)
      : undefined;
  } catch {
    return undefined;
  }
}
