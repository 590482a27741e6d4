import type { RetryPolicy } from './settings';

/** Network failures after which a retry may succeed. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ERR_CONNECT_TIMEOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** Failures that happen before any byte reached the server: safe to retry for any request. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ERR_CONNECT_TIMEOUT']);

/** Whether another attempt is allowed after this outcome. */
export function shouldRetry(
  outcome: { status?: number; networkCode?: string },
  method: string,
  idempotent: boolean,
): boolean {
  const safe = idempotent || method === 'GET' || method === 'HEAD';
  if (outcome.status === undefined) {
    if (outcome.networkCode === undefined) return false;
    if (NOT_SENT_CODES.has(outcome.networkCode)) return true;
    return safe && RETRYABLE_NETWORK_CODES.has(outcome.networkCode);
  }
  if (!safe) return false;
  if ([429, 502, 503, 504].includes(outcome.status)) return true;
  return outcome.status === 500 && (method === 'GET' || method === 'HEAD');
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (1-based): exponential with full jitter, at least what
 * the server asked for with Retry-After, never more than the policy's largest wait.
 */
export function backoffDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}
