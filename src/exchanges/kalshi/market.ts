/**
 * The market an order goes to, looked up once per adapter before the first order on it: Get Market
 * (https://docs.kalshi.com/api-reference/market/get-market). An unknown ticker, a market that is not
 * open for trading, a price off its grid or a fraction of a contract where it trades whole contracts is
 * refused here, before anything is sent. These refusals rest on Kalshi's own data about the market, so
 * they are InvalidOrderError (exit 5), as Kalshi's refusal of the order would be.
 */
import { ExchangeError, InvalidOrderError } from '../../core/errors.js';
import { MICRO, formatMicros } from '../../core/money.js';
import type { OrderParams } from '../../core/types.js';
import type { KalshiClient } from './client.js';
import { CENT, CONTRACT } from './orders.js';
import { describeGrid, onGrid, parsePriceRanges, type PriceRange } from './wire.js';

/**
 * Market lifecycle (https://docs.kalshi.com/getting_started/market_lifecycle): only `active` markets take
 * orders; `initialized` has not opened yet, `inactive` is paused, and closed, determined, disputed, amended
 * and finalized markets are past trading. `open` is the status filter's name for it in GET /markets.
 */
export const TRADING = new Set(['active', 'open']);
/** Past trading for good (same lifecycle page; `settled` is the older name of `finalized`). */
export const PAST_TRADING = new Set(['closed', 'determined', 'disputed', 'amended', 'finalized', 'settled']);

export interface KalshiMarket {
  ticker: string;
  title?: string;
  /** Absent only from payloads that predate the field; then Kalshi decides. */
  status?: string;
  /** The market's price grid; undefined when the payload carries none (then whole cents only). */
  priceRanges?: PriceRange[];
  /** `fractional_trading_enabled`: counts in 0.01 steps; otherwise whole contracts only. */
  fractional: boolean;
  info: unknown;
}

/** What Kalshi said about a ticker: the market, or a 404 (no such market). */
export type MarketLookup = { found: true; market: KalshiMarket } | { found: false; ticker: string; info: unknown };

export function parseMarket(ticker: string, payload: unknown): KalshiMarket {
  const market = ((payload as { market?: unknown } | undefined)?.market ?? {}) as Record<string, unknown>;
  return {
    ticker,
    title: typeof market.title === 'string' ? market.title : undefined,
    status: typeof market.status === 'string' ? market.status : undefined,
    priceRanges: parsePriceRanges(market),
    fractional: market.fractional_trading_enabled === true,
    info: payload,
  };
}

/**
 * One Get Market per ticker for the adapter's life, shared by concurrent orders. Answers are kept, a 404
 * included (an unknown ticker stays unknown for the run); a failure that says nothing about the market
 * (network, 429, 5xx) is not kept, so the next order asks again.
 */
export class MarketCache {
  private readonly lookups = new Map<string, Promise<MarketLookup>>();

  constructor(private readonly client: KalshiClient) {}

  get(ticker: string): Promise<MarketLookup> {
    let pending = this.lookups.get(ticker);
    if (!pending) {
      pending = this.fetch(ticker);
      this.lookups.set(ticker, pending);
      pending.catch(() => this.lookups.delete(ticker));
    }
    return pending;
  }

  /** Asks again (a market's status changes: it closes), and keeps the answer for later orders. */
  refresh(ticker: string): Promise<MarketLookup> {
    this.lookups.delete(ticker);
    return this.get(ticker);
  }

  private async fetch(ticker: string): Promise<MarketLookup> {
    try {
      const { data } = await this.client.call('GET', `/markets/${encodeURIComponent(ticker)}`, { auth: false, kind: 'market' });
      return { found: true, market: parseMarket(ticker, data) };
    } catch (error) {
      const info = (error as ExchangeError).info as { status?: number } | undefined;
      if (error instanceof ExchangeError && info?.status === 404) return { found: false, ticker, info };
      throw error;
    }
  }
}

/** The market, or InvalidOrderError when Kalshi has none with this ticker. */
export function foundMarket(lookup: MarketLookup): KalshiMarket {
  if (lookup.found) return lookup.market;
  throw new InvalidOrderError(`Kalshi has no market "${lookup.ticker}" (GET /markets/${lookup.ticker} answered 404); nothing was sent`, {
    info: lookup.info,
    hint: 'check --market: a market ticker such as KXHIGHNY-24JAN01-T60 (not its event or series ticker), as in the market map or the market page on kalshi.com',
  });
}

/** The market's own rules for this order; throws InvalidOrderError naming the rule and the fix. */
export function checkOrderAgainstMarket(params: OrderParams, lookup: MarketLookup): void {
  const market = foundMarket(lookup);
  if (market.status !== undefined && !TRADING.has(market.status)) {
    throw new InvalidOrderError(`Kalshi market ${market.ticker} is ${market.status}, not open for trading; nothing was sent`, {
      info: { status: market.status },
      hint:
        market.status === 'initialized'
          ? 'the market has not opened yet: try again after its open time'
          : 'only active markets take orders: pick an open market (or fix the market map)',
    });
  }
  if (!market.fractional && params.size % CONTRACT !== 0n) {
    throw new InvalidOrderError(`Kalshi market ${market.ticker} trades whole contracts only; size ${formatMicros(params.size)} is a fraction`, {
      info: { fractional_trading_enabled: false },
      hint: 'give --size as a whole number of contracts',
    });
  }
  // Sub-cent prices are valid only on some markets: check them against the market's `price_ranges`.
  if (params.price % CENT === 0n) return;
  const yesPrice = params.outcome === 'no' ? MICRO - params.price : params.price;
  if (market.priceRanges && onGrid(yesPrice, market.priceRanges)) return;
  throw new InvalidOrderError(
    `invalid Kalshi order: price ${formatMicros(params.price)} is not on ${market.ticker}'s price grid` +
      (market.priceRanges ? ` (${describeGrid(market.priceRanges)})` : ' (1 cent)'),
    { hint: 'round --price to the grid: whole cents are valid on every Kalshi market' },
  );
}
