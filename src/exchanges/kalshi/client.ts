/**
 * A small fetch-based Kalshi REST client: signs private calls, parses JSON, maps failures.
 *
 * Why not the official `kalshi-typescript` SDK: it is an OpenAPI-generated axios client whose
 * constructor installs its signing interceptor on the *global* axios instance, again for every API
 * object constructed. Two Kalshi accounts (or Kalshi next to any other axios user) in one process then
 * sign each other's requests, interceptors pile up, and requests cannot be routed through an injected
 * fetch or clock - which the mirror engine and the tests depend on. Signing is ~20 lines of node:crypto
 * (auth.ts), so this client owns it instead.
 */
import type { KeyObject } from 'node:crypto';
import { AuthenticationError, NetworkError, RequestTimeoutError } from '../../core/errors.js';
import type { Clock } from '../../core/runtime.js';
import { PRIVATE_KEY_SOURCES, signRequest } from './auth.js';
import { failedBeforeSending, type TransportFailure } from '../http.js';
import { errorInAnswer, mapKalshiError, type CallKind } from './errors.js';

export interface KalshiCredentials {
  keyId: string;
  key: KeyObject;
}

export interface CallOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Private endpoints are signed; public market data is not. */
  auth: boolean;
  kind: CallKind;
}

export interface KalshiResponse<T> {
  status: number;
  data: T;
  /** Server clock from the Date header (ms), when present. */
  serverDateMs?: number;
  /** Local clock before sending and after the answer, for clock-skew estimates. */
  sentAtMs: number;
  receivedAtMs: number;
}

export class KalshiClient {
  constructor(
    /** Base URL including /trade-api/v2, no trailing slash. */
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch,
    private readonly clock: Clock,
    private readonly credentials: () => KalshiCredentials | undefined,
    private readonly timeoutMs = 15_000,
  ) {}

  async call<T>(method: string, path: string, options: CallOptions): Promise<KalshiResponse<T>> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.auth) {
      const credentials = this.credentials();
      if (!credentials) throw missingCredentials();
      // url.pathname is exactly what goes on the wire; signRequest never includes the query.
      Object.assign(headers, signRequest(credentials.key, credentials.keyId, this.clock.now(), method, url.pathname));
    }

    const sentAtMs = this.clock.now();
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const info: TransportFailure = { method, path: url.pathname, sent: !failedBeforeSending(error) };
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new RequestTimeoutError(`Kalshi did not answer ${method} ${url.pathname} within ${this.timeoutMs} ms`, { info });
      }
      const reason = describeCause(error);
      const message = info.sent
        ? `the connection to Kalshi failed during ${method} ${url.pathname}: ${reason}`
        : `cannot reach Kalshi at ${url.origin}: ${reason}`;
      throw new NetworkError(message, { cause: error, info });
    }
    const receivedAtMs = this.clock.now();
    const text = await response.text();
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    // A 2xx carrying an error object is a failure like any other (errors.ts errorInAnswer).
    if (!response.ok || errorInAnswer(data)) {
      throw mapKalshiError({
        status: response.status,
        method,
        path: url.pathname,
        payload: data,
        retryAfter: response.headers.get('retry-after'),
        nowMs: receivedAtMs,
        kind: options.kind,
      });
    }
    const date = response.headers.get('date');
    const serverDateMs = date ? Date.parse(date) : Number.NaN;
    return {
      status: response.status,
      data: data as T,
      serverDateMs: Number.isNaN(serverDateMs) ? undefined : serverDateMs,
      sentAtMs,
      receivedAtMs,
    };
  }
}

export function missingCredentials(): AuthenticationError {
  return new AuthenticationError('Kalshi API key id and private key are required for this call', {
    hint: `set KALSHI_API_KEY_ID and ${PRIVATE_KEY_SOURCES} (or run \`betmirror auth --exchange kalshi\`)`,
  });
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const outer = (error as Error).message;
  if (!cause?.message && !cause?.code) return outer;
  return `${outer} (${[cause.code, cause.message].filter(Boolean).join(' ')})`;
}
