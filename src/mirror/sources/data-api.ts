/**
 * Polymarket Data API client for the mirror: /activity (fills), /value and /positions (whale books).
 * https://docs.polymarket.com/developers/misc-endpoints/data-api-activity
 * /activity goes through v2 (cursor pages) and falls back to v1 (offset pages) where v2 is not served:
 * data-api-v2.ts holds what is known and assumed about both. Every request waits for a slot of the
 * optional RequestBudget, and a 429 pauses the whole budget for its Retry-After.
 */
import { toMicros, type Micros } from '../../core/money.js';
import type { Clock } from '../../core/runtime.js';
import { ExchangeUnavailableError, NetworkError, RateLimitedError } from '../../core/errors.js';
import { retryAfterMs } from '../../exchanges/http.js';
import type { WhaleFill } from '../types.js';
import type { RequestBudget } from './budget.js';
import { nextV1Page, parseV2Page, v1ActivityUrl, v2ActivityUrl, type ActivityPageRef, type ActivityQuery } from './data-api-v2.js';

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
/** Wait after a 429 that named no Retry-After: one window of the documented limit (VENUES.md 1.7). */
const DEFAULT_RETRY_AFTER_MS = 10_000;

export interface ActivityPage {
  /** Newest first. */
  items: ActivityItem[];
  /** The page after this one; undefined at the end (or at v1's offset bound). */
  next?: ActivityPageRef;
}

export class DataApiClient {
  requests = 0;
  /** 429 answers received. */
  rateLimited = 0;
  /** Which /activity the venue serves: v2 until it answers 404 (data-api-v2.ts, A4). */
  activityVersion: 'v2' | 'v1' = 'v2';

  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch,
    readonly budget?: RequestBudget,
  ) {}

  /** One page of a wallet's trades, newest first; `start` (unix seconds) bounds the oldest row. */
  async activityPage(wallet: string, query: ActivityQuery, signal?: AbortSignal): Promise<ActivityPage> {
    if (this.activityVersion === 'v2' && !(query.after && 'offset' in query.after)) {
      const response = await this.send(v2ActivityUrl(wallet, query), signal);
      if (response.status !== 404) {
        const body = await this.body(response, '/v2/activity');
        const page = parseV2Page(body);
        if (!page) throw new NetworkError('Data API /v2/activity did not answer a { data, pagination } page', { info: body });
        return page;
      }
      this.activityVersion = 'v1';
    }
    const response = await this.send(v1ActivityUrl(wallet, query), signal);
    // A5: past v1's offset bound the venue refuses the page: the history ends there for us.
    if (response.status >= 400 && response.status < 500 && response.status !== 429 && query.after) return { items: [] };
    const body = await this.body(response, '/activity');
    if (!Array.isArray(body)) throw new NetworkError('Data API /activity did not return an array', { info: body });
    return { items: body as ActivityItem[], next: nextV1Page(query, body.length) };
  }

  /** The newest page only (the start's history baseline). */
  async activity(wallet: string, options: { limit: number; start?: number }): Promise<ActivityItem[]> {
    return (await this.activityPage(wallet, options)).items;
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
    return this.body(await this.send(path), path.split('?')[0]!);
  }

  private async send(path: string, signal?: AbortSignal): Promise<Response> {
    // The signal only cancels the wait for a slot: a request on the wire is short, and fetch keeps a
    // listener on the signal per request until it is collected (thousands on one long-lived signal).
    await this.budget?.take(path, signal);
    this.requests++;
    return this.fetchFn(`${this.baseUrl.replace(/\/$/, '')}${path}`);
  }

  private async body(response: Response, route: string): Promise<unknown> {
    if (response.status === 429) {
      this.rateLimited++;
      const waitMs = retryAfterMs(response.headers.get('retry-after')) || undefined;
      // The limit is the venue's, for the whole process: every request waits, not only this one.
      this.budget?.pause(waitMs ?? DEFAULT_RETRY_AFTER_MS);
      throw new RateLimitedError('Data API rate limit', waitMs);
    }
    if (!response.ok) throw new ExchangeUnavailableError(`Data API ${route} answered ${response.status}`);
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
