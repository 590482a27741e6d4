/**
 * Structural comparison of a recorded JSON answer with a live one. Keys, value types and
 * stable strings must match; ids, timestamps and signatures may differ, and the ids learnt
 * here are substituted into later requests.
 */
export class IdMap {
  readonly recordedToLive = new Map<string, string>();

  /** Learns that a recorded id is called `live` in this replay. */
  learn(recorded: string, live: string): void {
    if (recorded !== live && !this.recordedToLive.has(recorded)) {
      this.recordedToLive.set(recorded, live);
    }
  }

  /** Replaces every learnt recorded id in a text, longest first. */
  apply(text: string): string {
    const keys = [...this.recordedToLive.keys()].sort((a, b) => b.length - a.length);
    let result = text;
    for (const key of keys) result = result.split(key).join(this.recordedToLive.get(key) ?? key);
    return result;
  }
}

const idPatterns = [/^[0-9a-f]{32}$/, /^m-[0-9a-f]{32}$/, /^[a-z]+-[a-z]+-\d{1,3}$/];
const timeKey = /(time|timestamp|timestamp_ms)$/;

function maskVolatile(text: string): string {
  return text
    .replace(/m-[0-9a-f]{32}/g, 'm-<id>')
    .replace(/[0-9a-f]{32}/g, '<id>')
    .replace(/X-Amz-(Date|Signature|Credential)=[^&"]*/g, 'X-Amz-$1=<v>')
    .replace(/\b\d{13}\b/g, '<time>');
}

/** The part of a message that does not depend on the database or on Python's set order. */
export function stablePrefix(message: string): string {
  const cuts = ['Error: (', '(psycopg2', "not one of '{", '[SQL:'];
  let end = message.length;
  for (const cut of cuts) {
    const at = message.indexOf(cut);
    if (at >= 0 && at < end) end = at;
  }
  return message.slice(0, end);
}

function compareStrings(recorded: string, live: string, key: string, ids: IdMap): boolean {
  if (recorded === live) return true;
  const mapped = ids.apply(recorded);
  if (mapped === live) return true;
  if (idPatterns.some((p) => p.test(recorded)) && idPatterns.some((p) => p.test(live))) {
    ids.learn(recorded, live);
    return true;
  }
  if (recorded.includes('X-Amz-Signature=')) {
    ids.learn(recorded, live);
    return maskVolatile(mapped) === maskVolatile(live);
  }
  if (key === 'message' && /\[SQL:|psycopg2|not one of '\{/.test(recorded)) {
    return stablePrefix(mapped) === stablePrefix(live);
  }
  return maskVolatile(mapped) === maskVolatile(live);
}

/** Differences between recorded and live JSON values, as readable paths. */
export function compareJson(recorded: unknown, live: unknown, ids: IdMap, path = '$'): string[] {
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (typeof recorded === 'string' && typeof live === 'string') {
    return compareStrings(recorded, live, key, ids)
      ? []
      : [`${path}: ${JSON.stringify(recorded)} != ${JSON.stringify(live)}`];
  }
  if (typeof recorded === 'number' && typeof live === 'number') {
    if (recorded === live || timeKey.test(key)) return [];
    return [`${path}: ${recorded} != ${live}`];
  }
  if (Array.isArray(recorded) && Array.isArray(live)) {
    if (recorded.length !== live.length) {
      return [`${path}: ${recorded.length} items recorded, ${live.length} live`];
    }
    return recorded.flatMap((item, index) =>
      compareJson(item, live[index], ids, `${path}[${index}]`),
    );
  }
  if (isObject(recorded) && isObject(live)) {
    const recordedKeys = Object.keys(recorded).sort();
    const liveKeys = Object.keys(live).sort();
    const found: string[] = [];
    if (recordedKeys.join() !== liveKeys.join()) {
      found.push(`${path}: keys [${recordedKeys.join(', ')}] != [${liveKeys.join(', ')}]`);
    }
    // Common keys are still compared, so ids are learnt even when a key is missing.
    const common = recordedKeys.filter((name) => name in live);
    return [
      ...found,
      ...common.flatMap((name) => compareJson(recorded[name], live[name], ids, `${path}.${name}`)),
    ];
  }
  if (recorded === live) return [];
  return [
    `${path}: ${typeof recorded} ${JSON.stringify(recorded)} != ` +
      `${typeof live} ${JSON.stringify(live)}`,
  ];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
