/**
 * The venue's taker fee, charged at match time (production since 2026):
 *   fee = C x rate x (p x (1 - p))^exponent   (USD; C = shares matched, p = the fill's price)
 * with rate and exponent from the market's fee schedule (GET /clob-markets `fd.r`, `fd.e`). Makers pay
 * nothing. A SELL taker pays it in pUSD out of the proceeds; a BUY taker pays it in shares, the fee's
 * value at the fill price withheld from the shares it receives (so it holds less than size_matched).
 * Each fill's fee is rounded down to 5 decimals (0.00001, the smallest fee charged).
 * Sources: https://docs.polymarket.com/trading/fees (formula, taker only, "collected in shares on buy
 * orders and USDC on sell orders", 5 decimals), the official client's adjustBuyAmountForFees (the
 * exponent), py-clob-client issue #311 (BUY 5 @ 0.29, rate 0.03: 4.8935 shares received, i.e. the share
 * fee is C x rate x (1 - p), not the rounded USD fee divided by p).
 * Deliberately written apart from the adapter's copy: a stand-in must not share the code it checks.
 */
import { MICRO } from '../../core/money.js';

export interface FeeSchedule {
  rate: number;
  exponent: number;
}

export interface TakerFee {
  /** Shares withheld from a BUY taker. */
  shares: bigint;
  /** pUSD withheld from a SELL taker's proceeds. */
  usd: bigint;
}

export const NO_FEE: TakerFee = { shares: 0n, usd: 0n };

/** 5 decimals of a 6-decimal amount. */
const FEE_STEP = 10n;
const RATE_DECIMALS = 10;

/** The fee one fill costs its taker. */
export function takerFee(side: 'BUY' | 'SELL', shares: bigint, price: bigint, schedule: FeeSchedule | undefined): TakerFee {
  if (!schedule || !(schedule.rate > 0) || shares <= 0n) return NO_FEE;
  const rateNum = BigInt(schedule.rate.toFixed(RATE_DECIMALS).replace('.', ''));
  const rateDen = 10n ** BigInt(RATE_DECIMALS);
  const exponent = BigInt(Math.max(0, Math.round(schedule.exponent)));
  const curve = (price * (MICRO - price)) ** exponent; // (p(1-p))^e scaled by MICRO^(2e)
  const scale = rateDen * MICRO ** (2n * exponent);
  if (side === 'SELL') return { shares: 0n, usd: floorToStep((shares * rateNum * curve) / scale) };
  return { shares: floorToStep((shares * rateNum * curve * MICRO) / (scale * price)), usd: 0n };
}

function floorToStep(micros: bigint): bigint {
  return micros - (micros % FEE_STEP);
}

export function scheduleOf(market: { feeRate?: number; feeExponent?: number }): FeeSchedule | undefined {
  return market.feeRate && market.feeRate > 0 ? { rate: market.feeRate, exponent: market.feeExponent ?? 1 } : undefined;
}

/** The schedule's rate in basis points, as the venue's trade records carry it (`fee_rate_bps`). */
export function feeRateBps(schedule: FeeSchedule | undefined): string {
  return schedule ? String(Math.round(schedule.rate * 10_000)) : '0';
}
