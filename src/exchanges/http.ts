import { NetworkError, RequestTimeoutError } from '../core/errors.js';

/**
 * What the venues' fetch-based clients (Kalshi, PredictBase) share about a fetch that threw: whether
 * the request provably never left this machine. That decides whether an order may be sent again
 * (nothing reached the venue) or its outcome is unknown (it may have).
 */

/** `info` of a transport failure: `sent` is false only when the request provably never left. */
export interface TransportFailure {
  method: string;
  path: string;
  sent: boolean;
}

/**
 * Failures while connecting (refused, unresolvable, unreachable, connect timeout) or in the TLS
 * handshake, before one byte of the request was written. Anything else (reset, socket closed, timeout,
 * an unknown code, a fake fetch's error) may have reached the venue: the safe assumption for an order.
 */
const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** Whether the error fetch threw proves the request never left (see CONNECT_FAILURES). */
export function failedBeforeSending(error: unknown): boolean {
  // undici's fetch wraps the socket error in `cause`; happy eyeballs may wrap several in an AggregateError.
  const cause = (error as { cause?: unknown }).cause as { code?: string; errors?: Array<{ code?: string }> } | undefined;
  if (cause?.code && CONNECT_FAILURES.has(cause.code)) return true;
  return Boolean(cause?.errors?.length && cause.errors.every((inner) => inner.code !== undefined && CONNECT_FAILURES.has(inner.code)));
}

/**
 * A Retry-After header in ms: delta-seconds, or an HTTP date when `nowMs` is given (RFC 9110 10.2.3).
 * Undefined when absent or unreadable: the caller picks its own wait.
 */
export function retryAfterMs(header: string | null, nowMs?: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  if (nowMs === undefined) return undefined;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The error a fetch that threw becomes: a timeout, or a network failure that says whether the request
 * left (`info.sent`), so an order is retried only when it provably never reached `who`.
 */
export function transportError(who: string, method: string, url: URL, error: unknown, timeoutMs: number): NetworkError {
  const info: TransportFailure = { method, path: url.pathname, sent: !failedBeforeSending(error) };
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RequestTimeoutError(`${who} did not answer ${method} ${url.pathname} within ${timeoutMs} ms`, { info });
  }
  const reason = describeCause(error);
  return new NetworkError(
    info.sent ? `the connection to ${who} failed during ${method} ${url.pathname}: ${reason}` : `cannot reach ${who} at ${url.origin}: ${reason}`,
    { cause: error, info },
  );
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const outer = (error as Error).message;
  if (!cause?.message && !cause?.code) return outer;
  return `${outer} (${[cause.code, cause.message].filter(Boolean).join(' ')})`;
}

/** An answer's body: JSON when it parses, else its text (an HTML error page), undefined when empty. */
export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
