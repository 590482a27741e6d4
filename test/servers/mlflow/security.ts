import type { IncomingHttpHeaders } from 'node:http';

import { type ApiReply, textReply } from './http';

/** The 3.x security middleware's settings (`--allowed-hosts`, `--cors-allowed-origins`). */
export interface SecuritySettings {
  /** Extra Host values (with or without port) to accept; '*' accepts any. */
  allowedHosts: string[];
  /** Extra Origin values to accept for writes. */
  allowedOrigins: string[];
}

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostName(host: string): string {
  if (host.startsWith('[')) {
    return host.slice(0, host.indexOf(']') + 1);
  }
  return host.split(':')[0] ?? '';
}

function isPrivateAddress(name: string): boolean {
  const parts = name.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    return false;
  }
  const [a = 0, b = 0] = parts;
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function hostAllowed(host: string, settings: SecuritySettings): boolean {
  const name = hostName(host);
  if (loopbackNames.has(name) || isPrivateAddress(name)) return true;
  return settings.allowedHosts.some(
    (allowed) => allowed === '*' || allowed === host || allowed === name,
  );
}

function originAllowed(origin: string, settings: SecuritySettings): boolean {
  if (settings.allowedOrigins.includes('*') || settings.allowedOrigins.includes(origin))
    return true;
  try {
    return loopbackNames.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/**
 * MLflow 3.x's middleware: a Host that is not loopback, private or allowed gets 403 (DNS
 * rebinding guard; /health and /version exempt), and so does a write with a foreign Origin.
 */
export function checkSecurity(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  settings: SecuritySettings,
): ApiReply | undefined {
  if (path === '/health' || path === '/version') {
    return undefined;
  }
  const host = headers.host ?? '';
  if (!hostAllowed(host, settings)) {
    return textReply(403, 'Invalid Host header - possible DNS rebinding attack detected');
  }
  const origin = headers.origin;
  const isWrite = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);
  if (isWrite && origin !== undefined && !originAllowed(origin, settings)) {
    return textReply(403, 'Cross-origin request blocked');
  }
  return undefined;
}
