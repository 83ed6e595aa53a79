/**
 * JSON shapes of the local Kalshi's answers, with Kalshi's field names
 * (https://docs.kalshi.com/api-reference: Market, orderbook_fp, Order, Fill, MarketPosition).
 */
import { MICRO, type Micros } from '../../../src/core/money.js';
import { dollars, fixedCount } from './format.js';
import { PRICE_STRUCTURES, type Account, type Fill, type Market, type Order } from './exchange.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** Bids only, [price_dollars, count_fp] ascending by price (best bid last), NO bids in NO prices. */
export function orderbookView(market: Market, depth?: number): unknown {
  const levels = (side: 'bid' | 'ask') => {
    const sizes = new Map<Micros, Micros>();
    for (const order of market.orders) {
      if (order.side !== side || order.status !== 'resting') continue;
      const price = side === 'bid' ? order.price : MICRO - order.price;
      sizes.set(price, (sizes.get(price) ?? 0n) + order.remaining);
    }
    const sorted = [...sizes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const kept = depth && depth > 0 ? sorted.slice(-depth) : sorted;
    return kept.map(([price, size]) => [dollars(price), fixedCount(size)]);
  };
  return { orderbook_fp: { yes_dollars: levels('bid'), no_dollars: levels('ask') } };
}

export function marketView(market: Market): unknown {
  const best = (side: 'bid' | 'ask') =>
    market.orders
      .filter((o) => o.side === side && o.status === 'resting')
      .map((o) => o.price)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const bids = best('bid');
  const asks = best('ask');
  const yesBid = bids[bids.length - 1] ?? 0n;
  const yesAsk = asks[0] ?? MICRO;
  return {
    market: {
      ticker: market.ticker,
      event_ticker: market.ticker.split('-').slice(0, -1).join('-') || market.ticker,
      market_type: 'binary',
      title: market.title,
      status: market.status,
      fractional_trading_enabled: market.fractionalTrading,
      yes_bid_dollars: dollars(yesBid),
      yes_ask_dollars: dollars(yesAsk),
      no_bid_dollars: dollars(MICRO - yesAsk),
      no_ask_dollars: dollars(MICRO - yesBid),
      notional_value_dollars: '1.0000',
      price_level_structure: market.priceLevelStructure,
      price_ranges: (PRICE_STRUCTURES[market.priceLevelStructure] ?? []).map((r) => ({
        start: dollars(r.start),
        end: dollars(r.end),
        step: dollars(r.step),
      })),
    },
  };
}

export function orderView(order: Order): Record<string, unknown> {
  const outcome = order.side === 'bid' ? 'yes' : 'no';
  return {
    order_id: order.order_id,
    user_id: order.user,
    client_order_id: order.client_order_id,
    ticker: order.ticker,
    status: order.status,
    book_side: order.side,
    outcome_side: outcome,
    // Legacy direction, still sent by Kalshi: a bid buys YES, an ask buys NO.
    side: outcome,
    action: 'buy',
    type: 'limit',
    yes_price_dollars: dollars(order.price),
    no_price_dollars: dollars(MICRO - order.price),
    initial_count_fp: fixedCount(order.initial),
    fill_count_fp: fixedCount(order.filled),
    remaining_count_fp: fixedCount(order.status === 'resting' ? order.remaining : 0n),
    taker_fill_cost_dollars: dollars(order.takerCost),
    maker_fill_cost_dollars: dollars(order.makerCost),
    taker_fees_dollars: dollars(order.takerFees),
    maker_fees_dollars: dollars(order.makerFees),
    time_in_force: order.time_in_force,
    self_trade_prevention_type: order.stp,
    expiration_time: order.expiration_time === undefined ? null : iso(order.expiration_time * 1000),
    created_time: iso(order.createdMs),
    last_update_time: iso(order.updatedMs),
  };
}

export function fillView(fill: Fill): Record<string, unknown> {
  const outcome = fill.side === 'bid' ? 'yes' : 'no';
  return {
    fill_id: fill.fill_id,
    trade_id: fill.trade_id,
    order_id: fill.order_id,
    client_order_id: fill.client_order_id,
    ticker: fill.ticker,
    market_ticker: fill.ticker,
    book_side: fill.side,
    outcome_side: outcome,
    side: outcome,
    action: 'buy',
    count_fp: fixedCount(fill.count),
    yes_price_dollars: dollars(fill.price),
    no_price_dollars: dollars(MICRO - fill.price),
    is_taker: fill.is_taker,
    fee_cost: dollars(fill.fee),
    created_time: iso(fill.ms),
    ts: Math.floor(fill.ms / 1000),
  };
}

export function positionsView(account: Account, restingByTicker: Map<string, number>): unknown[] {
  return [...account.positions.entries()].map(([ticker, p]) => ({
    ticker,
    position_fp: fixedCount(p.position),
    market_exposure_dollars: dollars(p.exposure),
    total_traded_dollars: dollars(p.traded),
    realized_pnl_dollars: '0.0000',
    fees_paid_dollars: dollars(p.fees),
    resting_orders_count: restingByTicker.get(ticker) ?? 0,
  }));
}

export function balanceView(account: Account, nowMs: number): unknown {
  const exposure = [...account.positions.values()].reduce((sum, p) => sum + p.exposure, 0n);
  // Whole cents, truncated: a direct member's $0.0001 balance only fits balance_dollars (assumed rounding).
  const cents = (value: Micros) => Number(value / 10_000n);
  return {
    balance: cents(account.cash),
    balance_dollars: dollars(account.cash),
    portfolio_value: cents(exposure),
    updated_ts: Math.floor(nowMs / 1000),
  };
}
