/**
 * Market rules for sizing (tick, minimums, open/closed, taker fee), read from the venue the copy is
 * placed on (IExchangeAdapter.fetchInstrumentRules: the Polymarket CLOB, Kalshi's Get Market), never
 * from Gamma, and cached per instrument so only the first signal on it pays for a lookup.
 */
import type { Clock } from '../core/runtime.js';
import { NotSupportedError } from '../core/errors.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import type { Instrument } from './books.js';
import type { MarketRules, WhaleFill } from './types.js';

export type RulesFill = Pick<WhaleFill, 'token' | 'market' | 'slug'>;

export interface MarketRulesSource {
  /** `venue`: where a mapped copy goes (a Kalshi market); absent, the whale's token itself. */
  get(fill: RulesFill, venue?: Instrument): Promise<MarketRules>;
}

/** Caches a lookup per instrument for `ttlMs` (markets close; re-check now and then). A failed lookup is not kept. */
export class CachedMarketRules implements MarketRulesSource {
  private readonly cache = new Map<string, { rules: MarketRules; at: number }>();
  private readonly inflight = new Map<string, Promise<MarketRules>>();
  fetches = 0;

  constructor(
    private readonly lookup: (fill: RulesFill, venue?: Instrument) => Promise<MarketRules>,
    private readonly clock: Clock,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async get(fill: RulesFill, venue?: Instrument): Promise<MarketRules> {
    const key = venue ? `${fill.token}>${venue.market}:${venue.outcome ?? ''}` : fill.token;
    const hit = this.cache.get(key);
    if (hit && this.clock.now() - hit.at < this.ttlMs) return hit.rules;
    let pending = this.inflight.get(key);
    if (!pending) {
      this.fetches++;
      pending = this.lookup(fill, venue)
        .then((rules) => {
          this.cache.set(key, { rules, at: this.clock.now() });
          return rules;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }
}

/** The lookup over the adapter: the instrument a copy is placed on (the whale's token, or its mapped market). */
export function venueMarketRules(adapter: IExchangeAdapter) {
  const fetchRules = adapter.fetchInstrumentRules?.bind(adapter);
  if (!fetchRules) {
    throw new NotSupportedError(`${adapter.exchangeName} cannot report its market rules (tick, minimums, fees): the mirror cannot size copies on it`);
  }
  return async (fill: RulesFill, venue?: Instrument): Promise<MarketRules> => {
    const rules = await fetchRules(venue?.market ?? fill.token, venue?.outcome);
    return { ...rules, token: fill.token, slug: fill.slug };
  };
}
