/**
 * Taker fees, as the venue charges them at match time (production since 2026; VENUES 1.5b):
 *   fee = C x rate x (p x (1 - p))^exponent   USD, per fill: C shares matched at price p
 * - rate and exponent: the market's fee schedule, `fd.r` / `fd.e` of GET /clob-markets/{conditionId}
 *   (what the official client's getClobMarketInfo caches and its adjustBuyAmountForFees applies).
 * - Takers only; makers pay nothing.
 * - Collected "in shares on buy orders and USDC on sell orders": a BUY receives C minus the fee's value
 *   in shares at p, i.e. C x rate x (p(1-p))^e / p (py-clob-client issue #311: BUY 5 @ 0.29 at rate
 *   0.03 left 4.8935 shares = 5 - 5 x 0.03 x 0.71; issue #245: size_matched 5, balance ~4.95).
 * - Rounded to 5 decimals (0.00001 is the smallest fee charged), down, per fill.
 * The order answer (takingAmount / size_matched) and the trade records carry no fee amount, only
 * `fee_rate_bps`, so the fee is computed here from the schedule and the fills the venue reports.
 * https://docs.polymarket.com/trading/fees
 */
import type { Trade } from '@polymarket/clob-client-v2';
import { MICRO, type Micros } from '../../core/money.js';
import type { Side } from '../../core/types.js';
import { venueMicros } from './orders.js';

export interface FeeSchedule {
  /** `fd.r`, a fraction (0.03 = 3%). */
  rate: number;
  /** `fd.e`; the official client defaults a missing one to 0. */
  exponent: number;
}

/** One execution of our order as the taker. */
export interface TakerFill {
  shares: Micros;
  price: Micros;
}

export interface Fee {
  usd: Micros;
  shares: Micros;
}

/** 5 decimals of a 6-decimal amount. */
const FEE_STEP = 10n;
/** Rates are read to this many decimals (published rates have 2 to 4). */
const RATE_DECIMALS = 10;

export function chargesFees(schedule: FeeSchedule | undefined): schedule is FeeSchedule {
  return schedule !== undefined && schedule.rate > 0;
}

/**
 * C x rate x (p(1-p))^exponent of one fill, exactly: USD micro-units times `scale` (the caller rounds as
 * its use needs: the venue's charge down to 5 decimals, a worst-case bound up). 0n outside (0, 1).
 */
export function scaledFee(shares: Micros, price: Micros, schedule: FeeSchedule): { value: bigint; scale: bigint } {
  const rate = BigInt(schedule.rate.toFixed(RATE_DECIMALS).replace('.', ''));
  const exponent = BigInt(Math.max(0, Math.round(schedule.exponent)));
  const scale = 10n ** BigInt(RATE_DECIMALS) * MICRO ** (2n * exponent);
  if (shares <= 0n || price <= 0n || price >= MICRO) return { value: 0n, scale };
  return { value: shares * rate * (price * (MICRO - price)) ** exponent, scale };
}

/** What the taker paid: shares withheld on a BUY, pUSD withheld on a SELL. */
export function takerFee(side: Side, fills: readonly TakerFill[], schedule: FeeSchedule): Fee {
  let usd = 0n;
  let shares = 0n;
  for (const { shares: c, price: p } of fills) {
    if (c <= 0n || p <= 0n || p >= MICRO) continue;
    const { value, scale } = scaledFee(c, p, schedule); // USD micro-units x scale
    if (side === 'sell') usd += roundDown(value / scale);
    else shares += roundDown((value * MICRO) / (scale * p));
  }
  return { usd, shares };
}

/**
 * The fills in which `orderId` was the taker, from its trade records: one per maker order matched, at
 * that maker's price. A maker on the other outcome (a mint or merge match) traded at 1 - its price.
 */
export function takerFillsOf(trades: readonly Trade[], orderId: string, tokenId: string): TakerFill[] {
  const fills: TakerFill[] = [];
  for (const trade of trades) {
    if (trade.taker_order_id !== orderId) continue;
    for (const maker of trade.maker_orders ?? []) {
      const price = venueMicros(maker.price);
      fills.push({ shares: venueMicros(maker.matched_amount), price: maker.asset_id && maker.asset_id !== tokenId ? MICRO - price : price });
    }
  }
  return fills;
}

export function totalShares(fills: readonly TakerFill[]): Micros {
  return fills.reduce((sum, fill) => sum + fill.shares, 0n);
}

function roundDown(micros: Micros): Micros {
  return micros - (micros % FEE_STEP);
}
