/** The sync service's log: one JSON object per line, one line per decision. */

/** What the service decided or saw. */
export type SyncEvent =
  | 'started'
  | 'listening'
  | 'deployed'
  | 'unchanged'
  | 'failed'
  | 'backoff'
  | 'progress'
  | 'warning'
  | 'stopping'
  | 'stopped';

/** One log line's fields besides the time and the event. */
export interface DecisionFields {
  model?: string;
  alias?: string;
  version?: string;
  previousVersion?: string;
  message: string;
  retryInSeconds?: number;
  removedVersions?: string[];
}

/** Writes decisions; progress lines only when asked for. */
export interface DecisionLog {
  write(event: SyncEvent, fields: DecisionFields): void;
}

const LEVELS: Readonly<Record<SyncEvent, 'debug' | 'info' | 'warn' | 'error'>> = {
  started: 'info',
  listening: 'info',
  deployed: 'info',
  unchanged: 'info',
  failed: 'error',
  backoff: 'warn',
  progress: 'debug',
  warning: 'warn',
  stopping: 'info',
  stopped: 'info',
};

/** A log that writes JSON lines to `out` (stdout unless given). */
export function jsonLineLog(
  options: { debug?: boolean; out?: (line: string) => void; now?: () => Date } = {},
): DecisionLog {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  return {
    write(event, fields) {
      const level = LEVELS[event];
      if (level === 'debug' && options.debug !== true) return;
      out(JSON.stringify({ time: now().toISOString(), level, event, ...fields }));
    },
  };
}
