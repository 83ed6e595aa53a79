/**
 * What Kalshi requires of an order on one market, from Get Market
 * (https://docs.kalshi.com/api-reference/market/get-market): status, price grid, whole or fractional
 * contracts. The fee is the published taker formula: Kalshi's market payload carries no fee rate.
 */
import { MICRO, type Micros } from '../../core/money.js';
import type { InstrumentRules } from '../../core/types.js';
import type { VenueRules } from '../adapter.js';
import { PAST_TRADING, TRADING, type KalshiMarket } from './market.js';
import { CENT, CONTRACT, COUNT_STEP } from './orders.js';


/**
 * General trading fee of a taker (Kalshi fee schedule, https://kalshi.com/docs/kalshi-fee-schedule.pdf,
 * "General Trading Fees Table"): 0.07 x C x P x (1 - P), rounded up to the next cent. The same for YES
 * at p and NO at 1 - p. An assumption: the market's series uses the standard `quadratic` fee type (a
 * series with a fee multiplier or a flat fee is not told apart in Get Market's answer).
 */
export const TAKER_FEE_RATE: Micros = 70_000n;

export function kalshiTakerFee(count: Micros, price: Micros): Micros {
  if (count <= 0n || price <= 0n || price >= MICRO) return 0n;
  const exact = TAKER_FEE_RATE * count * price * (MICRO - price); // micro^4
  const cents = CENT * MICRO * MICRO * MICRO;
  return ((exact + cents - 1n) / cents) * CENT;
}

/**
 * The grid the mirror rounds prices to: the coarsest step among the market's price ranges, never above
 * a cent (whole cents are valid on every Kalshi market: market.ts), so every multiple lies on the grid.
 */
function tickOf(market: KalshiMarket): Micros {
  const steps = (market.priceRanges ?? []).map((range) => range.step).filter((step) => step > 0n);
  const coarsest = steps.reduce((max, step) => (step > max ? step : max), 0n);
  return coarsest > 0n && coarsest < CENT ? coarsest : CENT;
}

export function kalshiRules(market: KalshiMarket): InstrumentRules {
  // Counts of a fractional market move in 0.01 steps (`fractional_trading_enabled`, create-order-v2 `count`).
  const step = market.fractional ? COUNT_STEP : CONTRACT;
  // A payload without a status predates the field: Kalshi decides at the order (market.ts).
  const active = market.status === undefined || TRADING.has(market.status);
  return {
    market: market.ticker,
    title: market.title,
    active,
    closed: market.status !== undefined && PAST_TRADING.has(market.status),
    tickSize: tickOf(market),
    minSize: step,
    // Kalshi bounds orders by count only; no minimum value is documented.
    minNotional: 0n,
    sizeStep: step,
    takerFee: kalshiTakerFee,
  };
}

/**
 * What every Kalshi market accepts (the venue definition's `rules`): whole-cent prices (sub-cent ranges
 * only add finer steps: tickOf), whole contracts (fractional markets only add 0.01 steps), no minimum
 * value, and the published taker fee formula.
 */
export const KALSHI_RULES: Readonly<VenueRules> = { tickSize: CENT, minSize: CONTRACT, minNotional: 0n, sizeStep: CONTRACT, takerFee: kalshiTakerFee };
