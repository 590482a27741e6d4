/** The sync service's endpoints: /healthz for the container runtime, /metrics for Prometheus. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SyncMetrics } from './sync-metrics';
import type { SyncHealth } from './sync-service';

/** A listening endpoint server. */
export interface SyncEndpoints {
  /** e.g. http://127.0.0.1:9400 */
  url: string;
  close(): Promise<void>;
}

/** Serves GET /healthz (200 healthy, 503 not) and GET /metrics. */
export async function serveSyncEndpoints(
  host: string,
  port: number,
  health: () => SyncHealth,
  metrics: SyncMetrics,
): Promise<SyncEndpoints> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET' }).end();
    } else if (path === '/healthz') {
      const state = health();
      response
        .writeHead(state.healthy ? 200 : 503, { 'Content-Type': 'application/json' })
        .end(JSON.stringify(state));
    } else if (path === '/metrics') {
      metrics.scrape().then(
        ({ contentType, body }) =>
          response.writeHead(200, { 'Content-Type': contentType }).end(body),
        () => response.writeHead(500).end(),
      );
    } else {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('GET /healthz or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
