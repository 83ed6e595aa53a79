/**
 * The trading rules of one outcome token, from the CLOB itself (never from Gamma, whose offset listing
 * is sunset: VENUES 1.5b): tick, minimum size, accepting orders and the taker fee schedule come from
 * GET /book and GET /clob-markets/{condition} (MarketMetaCache); a token without a book is looked up
 * through GET /markets-by-token/{token} to tell a closed market from an unknown token.
 * https://docs.polymarket.com/developers/CLOB/prices-books/get-book, https://docs.polymarket.com/trading/fees
 */
import type { ClobClient } from '@polymarket/clob-client-v2';
import { InvalidOrderError } from '../../core/errors.js';
import { MICRO, toMicros, type Micros } from '../../core/money.js';
import type { InstrumentRules } from '../../core/types.js';
import type { VenueRules } from '../adapter.js';
import { scaledFee, type FeeSchedule } from './fees.js';
import type { MarketMetaCache } from './market.js';

/**
 * Share sizes: the official client rounds an order's size down to 2 decimals (getOrderRawAmounts,
 * VENUES 1.4 "size rounded down to 2 decimals").
 */
export const SIZE_STEP: Micros = 10_000n;
/**
 * Marketable orders need $1 of value: VENUES 1.4 ("market orders >= $1") and the CLOB's refusal
 * "invalid amount for a marketable BUY order ($x), min size: $1".
 */
export const MIN_MARKETABLE_USD: Micros = MICRO;

/**
 * What every Polymarket market shares (the venue definition's `rules`): the size step and the $1 minimum.
 * Tick, minimum size and fee schedule are per market (GET /book, GET /clob-markets).
 */
export const POLYMARKET_RULES: Readonly<VenueRules> = { minNotional: MIN_MARKETABLE_USD, sizeStep: SIZE_STEP };

/**
 * The most a taker can be charged for `shares` at `price`, in USD: C x rate x (p(1-p))^exponent
 * (docs.polymarket.com/trading/fees), rounded UP to the micro-dollar (the venue rounds each fill's fee
 * down to 5 decimals, so this bounds it). A BUY pays it in shares worth this much at p; the official
 * client's adjustBuyAmountForFees keeps it out of the USDC spent all the same, and so does the mirror.
 */
export function maxTakerFee(schedule: FeeSchedule, shares: Micros, price: Micros): Micros {
  if (!(schedule.rate > 0)) return 0n;
  const { value, scale } = scaledFee(shares, price, schedule);
  return (value + scale - 1n) / scale;
}

/**
 * Rules of a token, read afresh (markets pause and close; the caller caches with its own TTL): the new
 * reading also replaces the one later orders on the token are built with.
 */
export async function instrumentRules(meta: MarketMetaCache, clob: ClobReads, tokenId: string): Promise<InstrumentRules> {
  let entry;
  try {
    entry = await meta.refresh(tokenId);
  } catch (error) {
    // No book: a closed market, or a token the venue does not know. Only the first is a market.
    if (error instanceof InvalidOrderError) return closedMarketRules(clob, tokenId, error);
    throw error;
  }
  const schedule = { rate: entry.feeRate, exponent: entry.feeExponent };
  return {
    market: entry.conditionId,
    active: entry.acceptingOrders,
    closed: false,
    tickSize: entry.tick,
    minSize: entry.minOrderSize,
    minNotional: MIN_MARKETABLE_USD,
    sizeStep: SIZE_STEP,
    takerFee: (shares, price) => maxTakerFee(schedule, shares, price),
  };
}

/** The fields read of GET /clob-markets/{condition} (clob-client-v2's MarketDetails: mts tick, mos minimum size, fd fees). */
interface ClobMarketInfo {
  c?: string;
  mts?: number | string;
  mos?: number | string;
  fd?: { r?: number; e?: number };
}

export interface ClobReads {
  client: () => ClobClient;
  /** GET /markets-by-token/{token} -> `condition_id` (the official client keeps this call private); undefined on 404. */
  conditionOf: (tokenId: string) => Promise<string | undefined>;
}

/** GET /markets-by-token/{token} -> condition, then GET /clob-markets/{condition}: the market exists but has no book. */
async function closedMarketRules(clob: ClobReads, tokenId: string, noBook: InvalidOrderError): Promise<InstrumentRules> {
  const conditionId = await clob.conditionOf(tokenId);
  if (!conditionId) throw noBook;
  const info = (await clob.client().getClobMarketInfo(conditionId)) as ClobMarketInfo;
  const schedule = { rate: info.fd?.r ?? 0, exponent: info.fd?.e ?? 0 };
  return {
    market: conditionId,
    active: false,
    closed: true,
    // A closed market is skipped before its grid matters, so without `mts`/`mos` the record holds
    // placeholders: 0.01 (one of the ticks the client accepts, VENUES.md 1.4) and no minimum.
    tickSize: info.mts !== undefined ? toMicros(String(info.mts)) : 10_000n,
    minSize: info.mos !== undefined ? toMicros(String(info.mos)) : 0n,
    minNotional: MIN_MARKETABLE_USD,
    sizeStep: SIZE_STEP,
    takerFee: (shares, price) => maxTakerFee(schedule, shares, price),
  };
}
