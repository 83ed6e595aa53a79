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
import { AuthenticationError } from '../../core/errors.js';
import type { Clock } from '../../core/runtime.js';
import { PRIVATE_KEY_SOURCES, signRequest } from './auth.js';
import { readBody, transportError } from '../http.js';
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
      throw transportError('Kalshi', method, url, error, this.timeoutMs);
    }
    const receivedAtMs = this.clock.now();
    const data = await readBody(response);
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


