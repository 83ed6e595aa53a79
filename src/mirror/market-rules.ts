/**
 * Market metadata for sizing (tick, minimum size, open/closed), cached per token so only the first
 * signal on a token pays for a lookup. The Polymarket lookup reads Gamma's /markets by token id.
 */
import { toMicros, type Micros } from '../core/money.js';
import type { Clock } from '../core/runtime.js';
import { ExchangeUnavailableError, NetworkError, RateLimitedError } from '../core/errors.js';
import type { MarketRules, WhaleFill } from './types.js';

export interface MarketRulesSource {
  get(fill: Pick<WhaleFill, 'token' | 'market' | 'slug'>): Promise<MarketRules>;
}

export const POLYMARKET_SIZE_STEP: Micros = 10_000n; // sizes are rounded to 2 decimals
export const POLYMARKET_MIN_NOTIONAL: Micros = 1_000_000n; // marketable orders: $1 minimum

/** Caches a lookup per token for `ttlMs` (markets close; re-check now and then). */
export class CachedMarketRules implements MarketRulesSource {
  private readonly cache = new Map<string, { rules: MarketRules; at: number }>();
  private readonly inflight = new Map<string, Promise<MarketRules>>();
  fetches = 0;

  constructor(
    private readonly lookup: (fill: Pick<WhaleFill, 'token' | 'market' | 'slug'>) => Promise<MarketRules>,
    private readonly clock: Clock,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async get(fill: Pick<WhaleFill, 'token' | 'market' | 'slug'>): Promise<MarketRules> {
    const hit = this.cache.get(fill.token);
    if (hit && this.clock.now() - hit.at < this.ttlMs) return hit.rules;
    let pending = this.inflight.get(fill.token);
    if (!pending) {
      this.fetches++;
      pending = this.lookup(fill)
        .then((rules) => {
          this.cache.set(fill.token, { rules, at: this.clock.now() });
          return rules;
        })
        .finally(() => this.inflight.delete(fill.token));
      this.inflight.set(fill.token, pending);
    }
    return pending;
  }
}

interface GammaMarket {
  conditionId?: string;
  slug?: string;
  active?: boolean;
  closed?: boolean;
  acceptingOrders?: boolean;
  orderPriceMinTickSize?: number | string;
  orderMinSize?: number | string;
  clobTokenIds?: string | string[];
}

/** Gamma lookup: GET {gammaUrl}/markets?clob_token_ids=<token>. */
export function gammaMarketRules(gammaUrl: string, fetchFn: typeof fetch) {
  return async (fill: Pick<WhaleFill, 'token' | 'market' | 'slug'>): Promise<MarketRules> => {
    const url = `${gammaUrl.replace(/\/$/, '')}/markets?clob_token_ids=${encodeURIComponent(fill.token)}`;
    const response = await fetchFn(url);
    if (response.status === 429) throw new RateLimitedError('Gamma rate limit', undefined);
    if (!response.ok) throw new ExchangeUnavailableError(`Gamma /markets answered ${response.status}`);
    const body = (await response.json()) as GammaMarket[] | { data?: GammaMarket[] };
    const list = Array.isArray(body) ? body : (body.data ?? []);
    const market = list[0];
    if (!market) throw new NetworkError(`Gamma knows no market for token ${fill.token}`);
    return {
      token: fill.token,
      market: market.conditionId ?? fill.market ?? fill.token,
      slug: market.slug ?? fill.slug,
      active: (market.active ?? true) && market.acceptingOrders !== false,
      closed: market.closed ?? false,
      tickSize: toMicros(String(market.orderPriceMinTickSize ?? '0.01')),
      minSize: toMicros(String(market.orderMinSize ?? '5')),
      minNotional: POLYMARKET_MIN_NOTIONAL,
      sizeStep: POLYMARKET_SIZE_STEP,
    };
  };
}
