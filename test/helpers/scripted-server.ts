import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

/** One scripted answer: a status with a body, or a dropped connection. */
export type ScriptedAnswer =
  | { status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  | { reset: true };

/** A request the scripted server received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A tiny server that answers from a script, for transport tests. */
export interface ScriptedServer {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 that gives the scripted answers in order, repeating the last.
 * With `tls`, it serves HTTPS with that certificate.
 */
export async function startScriptedServer(
  answers: ScriptedAnswer[],
  tls?: { certPem: string; keyPem: string },
): Promise<ScriptedServer> {
  const received: ReceivedRequest[] = [];
  const handler = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)] ?? { status: 200 };
      if ('reset' in answer) {
        request.socket.destroy();
        return;
      }
      response.writeHead(answer.status, {
        'Content-Type': answer.contentType ?? 'application/json',
        ...answer.headers,
      });
      response.end(answer.body ?? '{}');
    });
  };
  const server = tls
    ? https.createServer({ cert: tls.certPem, key: tls.keyPem }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
