import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

import { type MlflowTestServer, startMlflowServer } from '../../servers/mlflow';
import { type TestS3, startS3 } from '../../servers/s3';
import { IdMap, compareJson } from './compare';
import { parseCurl } from './curl';
import { type LiveAnswer, send } from './replay-http';
import { recordedS3Endpoint, serverOptionsFor, skipReason, uploadContent } from './replay-setup';
import { type RecordedExchange, type Transcript, parseTranscript } from './transcript';

// out/test/unit/mlflow-server → the repository root is four levels up; CI puts shared/ beside it.
const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const fixtures = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'mlflow');
const files = existsSync(fixtures)
  ? readdirSync(fixtures)
      .filter((name) => /^rest-transcript-.*\.md$/.test(name))
      .sort()
  : [];

interface Replay {
  transcript: Transcript;
  text: string;
  servers: Record<string, MlflowTestServer>;
  s3?: TestS3;
  variables: Record<string, string>;
  ids: IdMap;
}

async function startReplay(file: string): Promise<Replay> {
  const transcript = parseTranscript(path.join(fixtures, file));
  const text = readFileSync(path.join(fixtures, file), 'utf8');
  const options = serverOptionsFor(transcript);
  const needsS3 = options.artifacts !== undefined || text.includes('$S3');
  const s3 = needsS3 ? await startS3() : undefined;
  const servers: Record<string, MlflowTestServer> = {
    BASE: await startMlflowServer({ ...options, ...(s3 === undefined ? {} : { s3 }) }),
  };
  if (text.includes('$BASE_DISK')) {
    servers.BASE_DISK = await startMlflowServer({ mode: options.mode ?? 2, artifacts: 'proxy' });
  }
  const variables: Record<string, string> = {
    S3: s3?.endpoint ?? recordedS3Endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  };
  for (const [name, server] of Object.entries(servers)) variables[name] = server.url;
  const replay: Replay = { transcript, text, servers, variables, ids: new IdMap() };
  if (s3 !== undefined) replay.s3 = s3;
  return replay;
}

async function replayExchange(replay: Replay, exchange: RecordedExchange): Promise<LiveAnswer> {
  const curl = parseCurl(exchange.command, replay.variables);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(curl.headers)) headers[name] = replay.ids.apply(value);
  if (curl.user !== undefined) {
    headers.authorization = `Basic ${Buffer.from(curl.user).toString('base64')}`;
  }
  let body: Buffer | undefined;
  if (curl.data !== undefined) body = Buffer.from(replay.ids.apply(curl.data));
  if (curl.dataFile !== undefined) {
    body = uploadContent(replay.transcript, replay.text, curl.dataFile);
  }
  return send(curl.method, replay.ids.apply(curl.url), headers, body);
}

function withLiveS3(text: string, replay: Replay): string {
  return replay.s3 === undefined ? text : text.split(recordedS3Endpoint).join(replay.s3.endpoint);
}

/** Differences between the recording and the live answer; empty when they agree. */
function differences(replay: Replay, exchange: RecordedExchange, live: LiveAnswer): string[] {
  const found: string[] = [];
  if (live.status !== exchange.status) {
    found.push(
      `status ${exchange.status} recorded, ${live.status} live: ` +
        live.body.toString().slice(0, 300),
    );
    return found;
  }
  if (exchange.command.includes('$S3/') || exchange.command.includes('"$S3?')) {
    return found;
  }
  if (live.contentType !== exchange.contentType) {
    found.push(`content type ${exchange.contentType} recorded, ${live.contentType} live`);
  }
  for (const name of ['www-authenticate', 'content-disposition']) {
    const recorded = exchange.headers[name];
    if (recorded !== undefined && live.headers[name] !== recorded) {
      found.push(`header ${name}: ${recorded} recorded, ${String(live.headers[name])} live`);
    }
  }
  const liveText = live.body.toString('utf8');
  if (exchange.bodyKind === 'json' && exchange.body !== undefined) {
    const recorded: unknown = JSON.parse(withLiveS3(exchange.body, replay));
    let parsed: unknown;
    try {
      parsed = JSON.parse(liveText);
    } catch {
      return [...found, `live body is not JSON: ${liveText.slice(0, 200)}`];
    }
    found.push(...compareJson(recorded, parsed, replay.ids));
  } else if (exchange.bodyKind === 'text' && exchange.body !== undefined) {
    const recorded = replay.ids.apply(exchange.body).trimEnd();
    if (recorded !== liveText.trimEnd()) {
      found.push(`text body differs:\n--- recorded\n${recorded}\n--- live\n${liveText.trimEnd()}`);
    }
  } else if (exchange.bodyKind === 'summary' && live.body.length !== exchange.summarySize) {
    found.push(`body of ${live.body.length} bytes, recorded ${String(exchange.summarySize)}`);
  }
  return found;
}

describe('MLflow test server replays the recordings of real servers', function () {
  this.timeout(120000);

  if (files.length === 0) {
    it.skip(`needs the recordings in ${fixtures}`);
  }

  for (const file of files) {
    describe(file, () => {
      let replay: Replay | undefined;
      const transcript = parseTranscript(path.join(fixtures, file));

      before(async () => {
        replay = await startReplay(file);
      });

      after(async () => {
        for (const server of Object.values(replay?.servers ?? {})) await server.close();
        await replay?.s3?.close();
      });

      transcript.exchanges.forEach((exchange, index) => {
        const reason = skipReason(exchange);
        const title = `${index + 1}. ${exchange.title}`;
        if (reason !== undefined) {
          it.skip(`${title} (${reason})`);
          return;
        }
        it(title, async () => {
          assert.ok(replay !== undefined);
          const live = await replayExchange(replay, exchange);
          assert.deepEqual(differences(replay, exchange, live), []);
        });
      });
    });
  }
});
