/**
 * Kalshi's trading fees for the local Kalshi: the fee model, and how each fill's fee is rounded.
 *
 * Fee model (Kalshi fee schedule, https://kalshi.com/docs/kalshi-fee-schedule.pdf, and the Series
 * `fee_type` doc in kalshi-typescript 3.30.0): a fill of C contracts at price P costs
 * rate x C x P x (1 - P), with rate 0.07 for the taker ("General Trading Fees Table"). Makers pay
 * nothing on `quadratic` series and 0.0175 on `quadratic_with_maker_fees` series. P x (1 - P) is the
 * same for YES at p and NO at 1 - p, so the YES price is used.
 *
 * Rounding (https://docs.kalshi.com/getting_started/fee_rounding): per fill, the trade fee is rounded
 * UP to $0.0001; the balance change (revenue - trade fee) is floored to the account's balance precision
 * ($0.01 for non-direct members; $0.0001 for direct members in the current page, $0.01 for everyone in
 * the March 2026 page) and the difference is a rounding fee; a per-order accumulator of rounding fees
 * pays back a whole cent once it exceeds $0.01. Net fee = trade fee + rounding fee - rebate. With whole
 * cents and whole contracts at cent precision this equals the fee schedule's "round up to the next cent".
 */
import { MICRO, type Micros } from '../../../src/core/money.js';

/** Fee rates of a market, micro-units (0.07 = 70_000n). */
export interface FeeRates {
  taker: Micros;
  maker: Micros;
}

/** The documented defaults: taker 0.07, no maker fee (fee_type `quadratic`). */
export const DEFAULT_FEE_RATES: FeeRates = { taker: 70_000n, maker: 0n };

/** $0.0001: trade fees are rounded up to it. */
export const CENTICENT: Micros = 100n;
/** $0.01: the balance precision of non-direct members, and the rebate unit. */
export const CENT: Micros = 10_000n;

const ceilTo = (value: Micros, step: Micros): Micros => ((value + step - 1n) / step) * step;
/** Toward negative infinity, for signed balance changes. */
const floorTo = (value: Micros, step: Micros): Micros => {
  const remainder = ((value % step) + step) % step;
  return value - remainder;
};

/** rate x count x P x (1 - P), rounded up to $0.0001. All arguments micro-units; P is the YES price. */
export function tradeFee(rate: Micros, count: Micros, yesPrice: Micros): Micros {
  if (rate === 0n || count === 0n) return 0n;
  const exact = rate * count * yesPrice * (MICRO - yesPrice); // micro^4
  const scale = MICRO * MICRO * MICRO;
  return ceilTo((exact + scale - 1n) / scale, CENTICENT);
}

export interface FillFee {
  tradeFee: Micros;
  roundingFee: Micros;
  rebate: Micros;
  /** tradeFee + roundingFee - rebate: what the fill costs in fees. */
  net: Micros;
  /** The order's accumulator after this fill. */
  accumulator: Micros;
}

/**
 * One fill's fee components. `revenue` is the fill's signed cash change before fees (negative for a
 * buyer), `accumulator` the order's rounding accumulator before the fill, `precision` the account's
 * balance precision.
 */
export function fillFee(revenue: Micros, trade: Micros, accumulator: Micros, precision: Micros): FillFee {
  const change = revenue - trade;
  const roundingFee = change - floorTo(change, precision);
  let acc = accumulator + roundingFee;
  let rebate = 0n;
  if (acc > CENT) {
    rebate = CENT;
    acc -= CENT;
  }
  return { tradeFee: trade, roundingFee, rebate, net: trade + roundingFee - rebate, accumulator: acc };
}

/**
 * The worst fee an order can be charged, for the balance check at placement: the taker rate at the
 * price in the order's fillable range closest to 0.50 (bids fill at or below their price, asks at or
 * above), plus one rounding step. An assumption: Kalshi does not document how it reserves fees.
 */
export function worstFee(rates: FeeRates, side: 'bid' | 'ask', yesPrice: Micros, count: Micros, precision: Micros): Micros {
  const half = MICRO / 2n;
  const worstPrice = side === 'bid' ? (yesPrice < half ? yesPrice : half) : yesPrice > half ? yesPrice : half;
  const rate = rates.taker > rates.maker ? rates.taker : rates.maker;
  const fee = tradeFee(rate, count, worstPrice);
  return fee === 0n ? 0n : ceilTo(fee, precision) + precision;
}
