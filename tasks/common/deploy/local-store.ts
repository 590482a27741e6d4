/**
 * A model repository in a local folder. Staging happens inside the model's own folder, on the
 * same file system, so a finished version appears by one rename.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../user-error';
import { type ModelStore, type Staging, WORK_FOLDER_PREFIX } from './model-store';

/** A model repository folder on this machine. */
export class LocalModelStore implements ModelStore {
  readonly location: string;

  constructor(root: string) {
    this.location = path.resolve(root);
  }

  async list(dir: string): Promise<Map<string, 'dir' | 'file'>> {
    const result = new Map<string, 'dir' | 'file'>();
    try {
      for (const entry of await readdir(this.full(dir), { withFileTypes: true })) {
        result.set(entry.name, entry.isDirectory() ? 'dir' : 'file');
      }
    } catch (error) {
      if (!isMissing(error)) throw this.failure('read', dir, error);
    }
    return result;
  }

  async readText(file: string): Promise<string | undefined> {
    try {
      return await readFile(this.full(file), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.failure('read', file, error);
    }
  }

  async createExclusive(file: string, text: string): Promise<boolean> {
    try {
      await writeFile(this.full(file), text, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw this.failure('create', file, error);
    }
  }

  async writeText(file: string, text: string): Promise<void> {
    const target = this.full(file);
    const temporary = `${target}.${randomUUID()}.tmp`;
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(temporary, text);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw this.failure('write', file, error);
    }
  }

  async move(from: string, to: string): Promise<void> {
    try {
      await mkdir(path.dirname(this.full(to)), { recursive: true });
      await rename(this.full(from), this.full(to));
    } catch (error) {
      throw this.failure('move', `${from} -> ${to}`, error);
    }
  }

  async remove(target: string): Promise<void> {
    try {
      await rm(this.full(target), { recursive: true, force: true });
    } catch (error) {
      throw this.failure('remove', target, error);
    }
  }

  async createStaging(model: string, id: string): Promise<Staging> {
    const repoPath = `${model}/${WORK_FOLDER_PREFIX}staging-${id}`;
    const localDir = this.full(repoPath);
    try {
      await mkdir(localDir, { recursive: true });
    } catch (error) {
      throw this.failure('create', repoPath, error);
    }
    return {
      localDir,
      repoPath,
      publish: () => Promise.resolve(),
      dispose: () => this.remove(repoPath),
    };
  }

  async checkReachable(): Promise<void> {
    const found = await stat(this.location).catch(() => undefined);
    if (found?.isDirectory()) return;
    // Created here, the folder would hold models Triton never reads: a typo must fail.
    throw new UserError(
      `The model repository folder ${this.location} does not exist. Give the folder Triton ` +
        'reads (its --model-repository), as this agent sees it.',
    );
  }

  private full(relative: string): string {
    return path.join(this.location, ...relative.split('/').filter(Boolean));
  }

  private failure(action: string, target: string, error: unknown): UserError {
    const reason = error instanceof Error ? error.message : String(error);
    return new UserError(
      `Cannot ${action} ${target} in the model repository ${this.location}: ${reason}. Check ` +
        "that the folder exists and that the agent's user may write to it.",
    );
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
