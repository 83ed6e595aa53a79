/**
 * The copy decision: one pure function from (whale fill, market rules, risk config, our account, the
 * whale's book) to "place this order" or "skip, because". No I/O, no clock: the executor gathers the
 * inputs, this decides, and tests cover every branch.
 */
import { divMicros, formatMicros as fmt, mulMicros, type Micros } from '../core/money.js';
import { floorTo, notionalOf, worstCost, worstPrice } from './pricing.js';
import { buyUsd, fillUsd, sellShares, sharesWithin } from './sizing.js';
import type { Decision, MarketRules, PlannedOrder, RiskConfig, SkipReason, WhaleFill } from './types.js';

/** Our side of the books at decision time (reservations already subtracted / included). */
export interface AccountView {
  /** Cash not reserved by orders in flight. */
  availableCash: Micros;
  /** Cash + positions at their last price. */
  portfolioValue: Micros;
  /** Shares held in the fill's token. */
  position: Micros;
  /** Cost of positions + reservations in the fill's market. */
  marketExposure: Micros;
  /** Cost of all positions + reservations. */
  totalExposure: Micros;
  /** USD bought today. */
  dailyVolume: Micros;
  /** Equity change since the start of the day (negative = loss). */
  dailyPnl: Micros;
}

export interface WhaleView {
  /** Whale portfolio value (proportional sizing). */
  value?: Micros;
  /** Whale's shares in the token before this fill (proportional sells). */
  positionBefore?: Micros;
}

export function decide(
  fill: WhaleFill,
  rules: MarketRules,
  risk: RiskConfig,
  whale: WhaleView,
  account: AccountView,
): Decision {
  const filtered = marketFilter(rules, risk);
  if (filtered) return filtered;
  return fill.side === 'buy' ? decideBuy(fill, rules, risk, whale, account) : decideSell(fill, rules, risk, whale, account);
}

function marketFilter(rules: MarketRules, risk: RiskConfig): Decision | undefined {
  const ids = [rules.token, rules.market, rules.slug].filter((id): id is string => !!id).map((id) => id.toLowerCase());
  const listed = (list: readonly string[]) => list.some((entry) => ids.includes(entry.toLowerCase()));
  if (listed(risk.deny)) return skip('market_denied', `market ${rules.slug ?? rules.market} is on the deny list`);
  if (risk.allow.length > 0 && !listed(risk.allow)) {
    return skip('market_not_allowed', `market ${rules.slug ?? rules.market} is not on the allow list`);
  }
  if (rules.closed) return skip('market_closed', `market ${rules.slug ?? rules.market} is closed`);
  if (!rules.active) return skip('market_inactive', `market ${rules.slug ?? rules.market} is not active`);
  return undefined;
}

function decideBuy(fill: WhaleFill, rules: MarketRules, risk: RiskConfig, whale: WhaleView, account: AccountView): Decision {
  const { caps } = risk;
  if (caps.dailyLossLimit !== undefined && account.dailyPnl <= -caps.dailyLossLimit) {
    return skip('daily_loss_limit', `today's PnL ${fmt(account.dailyPnl)} reached the daily loss limit ${fmt(caps.dailyLossLimit)}`);
  }
  const usd = buyUsd(risk.sizing, {
    whaleUsd: fillUsd(fill.size, fill.price),
    whaleValue: whale.value,
    ownValue: account.portfolioValue,
    ownCash: account.availableCash,
  });
  if (usd === undefined) return skip('whale_value_unknown', `no portfolio value for ${fill.wallet}`);
  const price = worstPrice('buy', fill.price, risk.maxSlippage, rules.tickSize);
  if (price === undefined) return skip('price_out_of_range', `no tradable price near ${fmt(fill.price)}`);

  // The intended copy is sized at the whale's price; caps bound the worst case: size x cap price plus
  // the most the venue can charge in taker fees at that price (worstCost).
  const wanted = floorTo(divMicros(usd, fill.price), rules.sizeStep);
  const minimum = belowMinimum(wanted, price, rules);
  if (minimum) return skip('below_minimum', minimum);

  const limits: Array<[SkipReason, Micros | undefined]> = [
    ['max_per_trade', caps.maxPerTrade],
    ['max_per_market', caps.maxPerMarket === undefined ? undefined : caps.maxPerMarket - account.marketExposure],
    ['max_exposure', caps.maxExposure === undefined ? undefined : caps.maxExposure - account.totalExposure],
    ['max_daily_volume', caps.maxDailyVolume === undefined ? undefined : caps.maxDailyVolume - account.dailyVolume],
    ['max_copy_fraction', risk.maxCopyFraction === undefined ? undefined : mulMicros(account.portfolioValue, risk.maxCopyFraction)],
    ['insufficient_balance', account.availableCash],
  ];
  let tightest: [SkipReason, Micros] | undefined;
  for (const [reason, room] of limits) {
    if (room !== undefined && (tightest === undefined || room < tightest[1])) tightest = [reason, room];
  }
  if (tightest === undefined || worstCost(wanted, price, rules) <= tightest[1]) {
    return { action: 'place', order: order('buy', wanted, price, rules, risk) };
  }
  // Shrink to fit the tightest cap; never round back up past it, never inflate to the venue minimum.
  const [reason, room] = tightest;
  const fitted = sharesWithin(room, price, rules);
  const tooSmall = belowMinimum(fitted, price, rules);
  if (tooSmall) return skip(reason, `${reason} leaves room for ${fmt(room < 0n ? 0n : room)} USD: ${tooSmall}`);
  return { action: 'place', order: order('buy', fitted, price, rules, risk), limitedBy: reason };
}

function decideSell(fill: WhaleFill, rules: MarketRules, risk: RiskConfig, whale: WhaleView, account: AccountView): Decision {
  if (account.position <= 0n) return skip('no_position', `no shares held in token ${fill.token}`);
  // Without the whale's book there is no fraction to copy: selling everything on a guess could dump a
  // position the whale only trimmed. (A loaded book that lacks the token says the whale exited: that
  // sells everything, in sellShares.)
  if (whale.positionBefore === undefined) return skip('whale_position_unknown', `no positions of ${fill.wallet} could be read: the fraction sold is unknown`);
  const price = worstPrice('sell', fill.price, risk.maxSlippage, rules.tickSize);
  if (price === undefined) return skip('price_out_of_range', `no tradable price near ${fmt(fill.price)}`);
  let shares = floorTo(sellShares(account.position, fill.size, whale.positionBefore), rules.sizeStep);
  // A remainder too small to ever be sold on its own goes with this sale.
  if (shares > 0n && belowMinimum(account.position - shares, price, rules, true)) shares = floorTo(account.position, rules.sizeStep);
  const minimum = belowMinimum(shares, price, rules, true);
  if (minimum) return skip('below_minimum', minimum);
  // Exits are always FAK: sell what the book takes inside the cap (Kalshi accepts reduce-only orders
  // only as immediate-or-cancel: docs.kalshi.com create-order-v2).
  return { action: 'place', order: order('sell', shares, price, rules, { ...risk, orderType: 'FAK' }) };
}

/**
 * The venue's minimums. Our copies are marketable (FAK/FOK); where the venue bounds those by value
 * (Polymarket: $1, `minNotional`; VENUES.md 1.4 "limit orders usually need >= 5 shares; market orders
 * >= $1", and the CLOB's "invalid amount for a marketable SELL order ($x), min size: $1") rather than
 * by the resting-order minimum size, an exit (`marketable`) needs only the value, so a leftover under
 * 5 shares can still be sold.
 */
function belowMinimum(size: Micros, price: Micros, rules: MarketRules, marketable = false): string | undefined {
  const sizeRuleApplies = !(marketable && rules.minNotional > 0n);
  if (size <= 0n || (sizeRuleApplies && size < rules.minSize)) return `size ${fmt(size > 0n ? size : 0n)} is below the venue minimum of ${fmt(rules.minSize)} shares`;
  const notional = notionalOf(size, price);
  if (notional < rules.minNotional) return `value ${fmt(notional)} USD is below the venue minimum of ${fmt(rules.minNotional)} USD`;
  return undefined;
}

function order(side: 'buy' | 'sell', size: Micros, price: Micros, rules: MarketRules, risk: RiskConfig): PlannedOrder {
  return { side, size, price, type: risk.orderType, notional: notionalOf(size, price), maxFee: rules.takerFee(size, price) };
}

/** Kept importable from here: fill-bounds and the tests size against the same rounding. */
export { notionalOf, worstCost };

function skip(reason: SkipReason, detail: string): Decision {
  return { action: 'skip', reason, detail };
}
