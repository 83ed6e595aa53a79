/** The venue's JSON shapes, built from sandbox state (field names as the official client and docs read them). */
import { createHash } from 'node:crypto';
import { formatMicros } from '../../core/money.js';
import type { BookOrder } from './engine.js';
import { scheduleOf } from './fees.js';
import type { SandboxMarket } from './types.js';
import type { TradeRecord, Venue } from './venue.js';

const remaining = (o: BookOrder) => o.originalSize - o.sizeMatched;

/** GET /data/orders, /data/order/{id} (OpenOrder). */
export function openOrderJson(venue: Venue, o: BookOrder): Record<string, unknown> {
  const info = venue.marketOfToken(o.tokenId);
  return {
    id: o.id,
    status: o.status,
    owner: o.owner,
    maker_address: o.maker,
    market: info?.market.conditionId ?? '',
    asset_id: o.tokenId,
    side: o.side,
    original_size: formatMicros(o.originalSize),
    size_matched: formatMicros(o.sizeMatched),
    price: formatMicros(o.price),
    associate_trades: [...o.tradeIds],
    outcome: info ? info.market.tokens[info.outcomeIndex]!.outcome : '',
    created_at: o.createdAt,
    expiration: String(o.expiration),
    order_type: o.type,
  };
}

/** GET /data/trades (Trade), seen by `viewerKeys` (the caller's API keys) to set trader_side. */
export function tradeJson(t: TradeRecord, viewerKeys: Set<string>): Record<string, unknown> {
  const avg = t.shares > 0n ? (t.usd * 1_000_000n) / t.shares : 0n;
  return {
    id: t.id,
    taker_order_id: t.takerOrder.id,
    market: t.market.conditionId,
    asset_id: t.tokenId,
    side: t.side,
    size: formatMicros(t.shares),
    // The rate applied to the taker; makers pay no fee, so theirs is 0. The record carries no fee
    // amount: a client derives it from the schedule and the fills (docs.polymarket.com/trading/fees).
    fee_rate_bps: t.feeRateBps,
    price: formatMicros(t.makers.length === 1 ? t.makers[0]!.price : avg),
    status: 'CONFIRMED',
    match_time: String(t.matchTime),
    last_update: String(t.matchTime),
    outcome: t.outcome,
    bucket_index: 0,
    owner: t.takerOrder.owner,
    maker_address: t.takerOrder.maker,
    maker_orders: t.makers.map((m) => ({
      order_id: m.order.id,
      owner: m.order.owner,
      maker_address: m.order.maker,
      matched_amount: formatMicros(m.shares),
      price: formatMicros(m.price),
      fee_rate_bps: '0',
      asset_id: t.tokenId,
      outcome: t.outcome,
      side: m.order.side,
    })),
    transaction_hash: t.transactionHash,
    trader_side: viewerKeys.has(t.takerOrder.owner) ? 'TAKER' : 'MAKER',
  };
}

/** GET /book: levels aggregated by price, best level LAST on both sides (as the client expects). */
export function bookJson(venue: Venue, market: SandboxMarket, tokenId: string): Record<string, unknown> {
  const { bids, asks } = venue.engine.levels(tokenId);
  const aggregate = (orders: BookOrder[]) => {
    const levels = new Map<bigint, bigint>();
    for (const o of orders) levels.set(o.price, (levels.get(o.price) ?? 0n) + remaining(o));
    return [...levels.entries()].map(([price, size]) => ({ price: formatMicros(price), size: formatMicros(size) }));
  };
  const body = {
    market: market.conditionId,
    asset_id: tokenId,
    timestamp: String(venue.clock.now()),
    bids: aggregate(bids).reverse(),
    asks: aggregate(asks).reverse(),
    min_order_size: String(market.minOrderSize),
    tick_size: market.tickSize,
    neg_risk: market.negRisk,
    last_trade_price: formatMicros(venue.lastTradePrice.get(tokenId) ?? 500_000n),
  };
  const hash = createHash('sha1').update(JSON.stringify({ ...body, timestamp: '' })).digest('hex');
  return { ...body, hash };
}

/**
 * GET /clob-markets/{conditionId}: the compact form the client caches (tick, neg risk, fees). `fd` is the
 * fee schedule (rate, exponent, taker only) that the official client's getClobMarketInfo reads.
 */
export function clobMarketJson(market: SandboxMarket): Record<string, unknown> {
  const schedule = scheduleOf(market);
  return {
    c: market.conditionId,
    t: market.tokens.map((t) => ({ t: t.tokenId, o: t.outcome })),
    mts: Number(market.tickSize),
    nr: market.negRisk,
    fd: schedule ? { r: schedule.rate, e: schedule.exponent, to: true } : { r: 0, e: 0, to: false },
    mos: market.minOrderSize,
    r: null,
    ao: market.active && !market.closed,
  };
}

/** GET /markets/{conditionId} (CLOB market). */
export function marketJson(venue: Venue, market: SandboxMarket): Record<string, unknown> {
  return {
    condition_id: market.conditionId,
    question_id: market.conditionId,
    question: market.question,
    market_slug: market.slug,
    active: market.active,
    closed: market.closed,
    accepting_orders: market.active && !market.closed,
    enable_order_book: true,
    minimum_order_size: market.minOrderSize,
    minimum_tick_size: Number(market.tickSize),
    neg_risk: market.negRisk,
    tokens: market.tokens.map((t) => ({
      token_id: t.tokenId,
      outcome: t.outcome,
      price: Number(formatMicros(venue.markPrice(t.tokenId))),
      winner: false,
    })),
  };
}

/** Gamma market: note that outcomes, outcomePrices and clobTokenIds are JSON-encoded strings, as on Gamma. */
export function gammaMarketJson(venue: Venue, market: SandboxMarket): Record<string, unknown> {
  const index = venue.markets.indexOf(market) + 1;
  const [yes] = market.tokens;
  const q = venue.quote(yes.tokenId);
  const schedule = scheduleOf(market);
  return {
    id: String(index),
    question: market.question,
    conditionId: market.conditionId,
    slug: market.slug,
    outcomes: JSON.stringify(market.tokens.map((t) => t.outcome)),
    outcomePrices: JSON.stringify(market.tokens.map((t) => formatMicros(venue.markPrice(t.tokenId)))),
    clobTokenIds: JSON.stringify(market.tokens.map((t) => t.tokenId)),
    active: market.active,
    closed: market.closed,
    acceptingOrders: market.active && !market.closed,
    enableOrderBook: true,
    negRisk: market.negRisk,
    orderPriceMinTickSize: Number(market.tickSize),
    orderMinSize: market.minOrderSize,
    // docs.polymarket.com/trading/fees: "Markets with fees enabled have `feesEnabled` set to true".
    feesEnabled: schedule !== undefined,
    ...(schedule ? { feeSchedule: { rate: schedule.rate, exponent: schedule.exponent, takerOnly: true } } : {}),
    bestBid: q.bid !== undefined ? Number(formatMicros(q.bid)) : undefined,
    bestAsk: q.ask !== undefined ? Number(formatMicros(q.ask)) : undefined,
    lastTradePrice: q.last !== undefined ? Number(formatMicros(q.last)) : undefined,
    events: [{ id: String(index), slug: market.eventSlug, title: market.question }],
  };
}
