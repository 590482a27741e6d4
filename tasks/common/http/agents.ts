import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { TlsSettings } from './settings';

type CreateConnection = (
  options: object,
  callback?: (err: Error | null, s: Duplex) => void,
) => Duplex;

/**
 * Wraps an agent's socket factory so that a connection which is not open (TCP, and TLS for
 * https) within `connectMs` fails with ERR_CONNECT_TIMEOUT, apart from the read timeout.
 */
function limitConnectTime<T extends http.Agent>(agent: T, connectMs: number, secure: boolean): T {
  const target = agent as unknown as { createConnection: CreateConnection };
  const original = target.createConnection.bind(agent);
  target.createConnection = (options, callback) => {
    const socket = original(options, callback);
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`connect timed out after ${connectMs} ms`), {
        code: 'ERR_CONNECT_TIMEOUT',
      });
      socket.destroy(error);
    }, connectMs);
    timer.unref();
    socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    return socket;
  };
  return agent;
}

/** The pair of agents one transport uses: keep-alive, TLS as configured, bounded connect. */
export function createAgents(
  settings: TlsSettings,
  connectMs: number,
): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const httpAgent = limitConnectTime(new http.Agent({ keepAlive: true }), connectMs, false);
  const httpsAgent = limitConnectTime(
    new https.Agent({
      keepAlive: true,
      // Extra CAs are added to the system's roots, not substituted for them.
      ...(settings.caPem ? { ca: [...tls.rootCertificates, settings.caPem] } : {}),
      ...(settings.clientCertPem ? { cert: settings.clientCertPem } : {}),
      ...(settings.clientKeyPem ? { key: settings.clientKeyPem } : {}),
      rejectUnauthorized: !settings.insecure,
    }),
    connectMs,
    true,
  );
  return { httpAgent, httpsAgent };
}
