import type { MlflowServerOptions } from '../../servers/mlflow';
import type { RecordedExchange, Transcript } from './transcript';

/** The recorded S3 endpoint, replaced by the live s3rver's in requests and answers. */
export const recordedS3Endpoint = 'http://127.0.0.1:9000';

/** The server setup a transcript was recorded with, read from its header. */
export function serverOptionsFor(transcript: Transcript): MlflowServerOptions {
  const header = transcript.header;
  const options: MlflowServerOptions = { mode: /MLflow 3\.\d+/.test(header) ? 3 : 2 };
  if (header.includes('PostgreSQL')) options.database = 'postgres';
  if (header.includes('--no-serve-artifacts')) options.artifacts = 's3-direct';
  else if (header.includes('--artifacts-destination s3://')) options.artifacts = 's3-proxy';
  if (header.includes('--app-name basic-auth')) options.auth = { defaultPermission: 'READ' };
  return options;
}

/**
 * Exchanges the test server cannot reproduce, with the reason. Kept small on purpose: every
 * other recorded exchange is replayed.
 */
export function skipReason(exchange: RecordedExchange): string | undefined {
  if (/\/graphql"/.test(exchange.command)) {
    return "GraphQL is the web UI's API; no task uses it";
  }
  return undefined;
}

const partSizes: Record<string, number> = {
  'part1.bin': 5242880,
  'part2.bin': 1000,
  'small1.bin': 1024,
  'small2.bin': 10,
  'x.txt': 1,
};

/** The bytes of a file a transcript uploaded with `--data-binary @name`. */
export function uploadContent(transcript: Transcript, text: string, name: string): Buffer {
  const listed = new RegExp(
    `"path": "(?:[^"]*/)?${name.replace('.', '\\.')}",\\s*"is_dir": false,\\s*"file_size": (\\d+)`,
  ).exec(text);
  const size = partSizes[name] ?? (listed?.[1] === undefined ? 16 : Number(listed[1]));
  const shown = transcript.exchanges.find(
    (e) =>
      e.bodyKind === 'text' &&
      e.status === 200 &&
      e.command.includes(name) &&
      e.command.startsWith('curl -X GET'),
  )?.body;
  if (shown === undefined) {
    return Buffer.alloc(size, 0x61);
  }
  let content = `${shown}\n`;
  while (content.length > size && content.endsWith('\n')) content = content.slice(0, -1);
  while (content.length < size) content += '\n';
  return Buffer.from(content);
}
