/**
 * Polymarket Data API client for the mirror: /activity (fills), /value and /positions (whale books).
 * https://docs.polymarket.com/developers/misc-endpoints/data-api-activity
 */
import { toMicros, type Micros } from '../../core/money.js';
import type { Clock } from '../../core/runtime.js';
import { ExchangeUnavailableError, NetworkError, RateLimitedError } from '../../core/errors.js';
import type { WhaleFill } from '../types.js';

/** One /activity row (the fields the mirror reads). RTDS trade payloads carry the same names. */
export interface ActivityItem {
  proxyWallet: string;
  timestamp: number;
  conditionId?: string;
  type?: string;
  size: number | string;
  usdcSize?: number | string;
  transactionHash: string;
  price: number | string;
  asset: string;
  side: 'BUY' | 'SELL';
  outcome?: string;
  title?: string;
  slug?: string;
}

export const ACTIVITY_PAGE_LIMIT = 500;

export class DataApiClient {
  requests = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch,
  ) {}

  /** Newest first; `start` (unix seconds) bounds the oldest row returned. */
  async activity(wallet: string, options: { limit: number; offset: number; start?: number }): Promise<ActivityItem[]> {
    const query = new URLSearchParams({
      user: wallet,
      type: 'TRADE',
      limit: String(options.limit),
      offset: String(options.offset),
      sortBy: 'TIMESTAMP',
      sortDirection: 'DESC',
    });
    if (options.start !== undefined) query.set('start', String(options.start));
    const body = await this.get(`/activity?${query}`);
    if (!Array.isArray(body)) throw new NetworkError('Data API /activity did not return an array', { info: body });
    return body as ActivityItem[];
  }

  /** Portfolio value (USD) of a wallet: GET /value?user= -> [{user, value}]. */
  async value(wallet: string): Promise<Micros> {
    const body = (await this.get(`/value?user=${encodeURIComponent(wallet)}`)) as Array<{ value: number | string }> | { value: number };
    const raw = Array.isArray(body) ? body[0]?.value : body.value;
    return raw === undefined ? 0n : toMicros(roundTo6(raw));
  }

  /** Share positions of a wallet by token: GET /positions?user= */
  async positions(wallet: string): Promise<Map<string, Micros>> {
    const body = (await this.get(`/positions?user=${encodeURIComponent(wallet)}&limit=500&sizeThreshold=0`)) as Array<{
      asset: string;
      size: number | string;
    }>;
    const map = new Map<string, Micros>();
    for (const row of Array.isArray(body) ? body : []) map.set(row.asset, toMicros(roundTo6(row.size)));
    return map;
  }

  private async get(path: string): Promise<unknown> {
    this.requests++;
    const response = await this.fetchFn(`${this.baseUrl.replace(/\/$/, '')}${path}`);
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new RateLimitedError('Data API rate limit', Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    if (!response.ok) throw new ExchangeUnavailableError(`Data API ${path.split('?')[0]} answered ${response.status}`);
    return response.json();
  }
}

function roundTo6(value: number | string): string {
  return typeof value === 'number' ? value.toFixed(6) : value;
}

/** An /activity row (or an RTDS payload) as a fill. Timestamps in seconds become ms. */
export function activityToFill(item: ActivityItem, source: WhaleFill['source'], clock: Clock): WhaleFill {
  const ts = Number(item.timestamp);
  return {
    wallet: item.proxyWallet.toLowerCase(),
    token: String(item.asset),
    market: item.conditionId,
    side: item.side === 'SELL' ? 'sell' : 'buy',
    size: toMicros(roundTo6(item.size)),
    price: toMicros(roundTo6(item.price)),
    timestamp: ts < 1e12 ? ts * 1000 : ts,
    txHash: item.transactionHash,
    source,
    seenAt: clock.now(),
    title: item.title,
    outcome: item.outcome,
    slug: item.slug,
  };
}
