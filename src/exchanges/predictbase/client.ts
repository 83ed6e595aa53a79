/**
 * A small fetch-based PredictBase client: adds `x-api-key` to private calls, parses JSON, maps failures
 * (errors.ts), and reads the wallet's USDC on Base with one `eth_call`. No official client exists.
 */
import { AuthenticationError, ExchangeUnavailableError } from '../../core/errors.js';
import type { Micros } from '../../core/money.js';
import { readBody, transportError } from '../http.js';
import { mapPredictBaseError, type CallKind } from './errors.js';
import { API_KEY_HEADER } from './wire.js';

export interface CallOptions {
  body?: unknown;
  /** Private calls carry the API key; market data is public (read-markets page). */
  auth: boolean;
  kind: CallKind;
}

export class PredictBaseClient {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch,
    private readonly apiKey: () => string | undefined,
    private readonly timeoutMs = 15_000,
  ) {}

  async call<T>(method: 'GET' | 'POST', path: string, options: CallOptions): Promise<T> {
    const url = new URL(this.baseUrl + path);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.auth) {
      const key = this.apiKey();
      if (!key) throw missingKey();
      headers[API_KEY_HEADER] = key;
    }
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw transportError('PredictBase', method, url, error, this.timeoutMs);
    }
    const data = await readBody(response);
    if (!response.ok) {
      throw mapPredictBaseError({
        status: response.status,
        method,
        path: url.pathname,
        payload: data,
        retryAfter: response.headers.get('retry-after'),
        kind: options.kind,
      });
    }
    return data as T;
  }
}

/** USDC balance of `owner` on Base: ERC-20 balanceOf (selector 0x70a08231) through `eth_call`. */
export async function usdcBalance(fetchFn: typeof fetch, rpcUrl: string, usdc: string, owner: string, timeoutMs = 15_000): Promise<Micros> {
  const url = new URL(rpcUrl);
  const data = `0x70a08231${owner.slice(2).toLowerCase().padStart(64, '0')}`;
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_call', params: [{ to: usdc, data }, 'latest'] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw transportError('the Base RPC', 'POST', url, error, timeoutMs);
  }
  const body = (await readBody(response)) as { result?: unknown; error?: { message?: string } } | undefined;
  if (!response.ok || typeof body?.result !== 'string' || !/^0x[0-9a-fA-F]*$/.test(body.result)) {
    throw new ExchangeUnavailableError(`the Base RPC could not read the USDC balance (${body?.error?.message ?? `HTTP ${response.status}`})`, {
      info: { status: response.status, body },
      hint: 'check BASE_RPC_URL',
    });
  }
  return body.result === '0x' ? 0n : BigInt(body.result);
}

export function missingKey(): AuthenticationError {
  return new AuthenticationError('no PredictBase API key for this call', {
    hint: 'run `betmirror auth --exchange predictbase` or set PREDICTBASE_API_KEY',
  });
}


