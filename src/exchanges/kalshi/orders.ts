/**
 * Order building and parsing for Kalshi's V2 order endpoint
 * (https://docs.kalshi.com/api-reference/orders/create-order-v2). Pure functions: the adapter does I/O.
 */
import { randomUUID } from 'node:crypto';
import { InvalidOrderError } from '../../core/errors.js';
import { MICRO, formatMicros, mulMicros, type Micros } from '../../core/money.js';
import type { OpenOrder, OrderParams, OrderResult, OrderStatus, OrderType, Outcome } from '../../core/types.js';
import { countString, dollarString, feePaid, fromYesBook, outcomePrice, parseFixed, toYesBook, type BookSide } from './wire.js';

/** 0.01 contracts: the finest count Kalshi accepts (2 decimals). */
export const COUNT_STEP: Micros = 10_000n;
/** 1 cent: every Kalshi price structure (linear_cent, tapered_deci_cent, deci_cent) accepts whole cents. */
export const CENT: Micros = 10_000n;
/** Kalshi's `client_order_id`: at most 64 of [A-Za-z0-9_:+=/-]. */
const CLIENT_ORDER_ID = /^[-\w:+=/]{1,64}$/;
const TICKER = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

const TIME_IN_FORCE: Record<OrderType, string> = {
  GTC: 'good_till_canceled',
  // Kalshi has no GTD value: a GTC order with expiration_time (unix seconds) is the documented way.
  GTD: 'good_till_canceled',
  FOK: 'fill_or_kill',
  FAK: 'immediate_or_cancel',
};

export interface CreateOrderBody {
  ticker: string;
  client_order_id: string;
  side: BookSide;
  count: string;
  price: string;
  time_in_force: string;
  /** taker_at_cross: an order that would trade with our own resting order is stopped, not the resting one. */
  self_trade_prevention_type: 'taker_at_cross';
  expiration_time?: number;
  /** Kalshi caps the order at the position it closes, so it can never open or grow one. */
  reduce_only?: true;
}

/**
 * Checks everything Kalshi's rules allow checking without the venue; throws InvalidOrderError (exit 5,
 * like the venue's own refusals) and nothing is sent.
 * Returns whether the price needs the market's own grid (sub-cent prices).
 */
export function validateOrder(params: OrderParams, nowMs: number): { needsMarketGrid: boolean } {
  const fail = (message: string, hint?: string): never => {
    throw new InvalidOrderError(`invalid Kalshi order: ${message}`, { hint });
  };
  if (!TICKER.test(params.market)) fail(`"${params.market}" is not a Kalshi market ticker`, 'e.g. --market KXHIGHNY-24JAN01-T60');
  if (params.outcome !== 'yes' && params.outcome !== 'no') {
    fail('Kalshi markets carry both outcomes: say which one', 'add --outcome yes or --outcome no');
  }
  if (params.side !== 'buy' && params.side !== 'sell') fail(`side must be buy or sell, got "${String(params.side)}"`);
  if (params.size <= 0n) fail(`size must be positive, got ${formatMicros(params.size)}`);
  if (params.size % COUNT_STEP !== 0n) {
    fail(`size ${formatMicros(params.size)} has more than 2 decimals; Kalshi counts contracts in steps of 0.01`);
  }
  if (params.price <= 0n || params.price >= MICRO) fail(`price must be strictly between 0 and 1, got ${formatMicros(params.price)}`);
  if (params.price % 100n !== 0n) fail(`price ${formatMicros(params.price)} is finer than any Kalshi price grid (0.0001)`);
  if (params.type === 'GTD') {
    if (params.expiresAt === undefined) fail('GTD needs an expiry time');
    else if (params.expiresAt * 1000 <= nowMs) fail(`expiry ${params.expiresAt} is in the past`);
  } else if (!(params.type in TIME_IN_FORCE)) {
    fail(`unknown order type "${String(params.type)}"`);
  }
  // create-order-v2: "Orders with reduce_only set to true will be rejected unless time_in_force is
  // immediate_or_cancel" (the events page as public Kalshi clients quote it; the margin page also allows
  // fill_or_kill, so a FOK goes to Kalshi to decide). A resting order is refused on every page.
  if (params.reduceOnly && (params.type === 'GTC' || params.type === 'GTD')) {
    fail('Kalshi takes reduce-only only on an order that executes at once', 'use --type fak (immediate-or-cancel)');
  }
  if (params.clientOrderId !== undefined && !CLIENT_ORDER_ID.test(params.clientOrderId)) {
    fail('client order id must be 1-64 characters of letters, digits and _ - : + = /');
  }
  return { needsMarketGrid: params.price % CENT !== 0n };
}

export function buildOrderBody(params: OrderParams): CreateOrderBody {
  const outcome = params.outcome as Outcome;
  const book = toYesBook(outcome, params.side, params.price);
  return {
    ticker: params.market,
    client_order_id: params.clientOrderId ?? randomUUID(),
    side: book.side,
    count: countString(params.size),
    price: dollarString(book.yesPrice),
    time_in_force: TIME_IN_FORCE[params.type],
    self_trade_prevention_type: 'taker_at_cross',
    ...(params.type === 'GTD' && params.expiresAt !== undefined ? { expiration_time: params.expiresAt } : {}),
    ...(params.reduceOnly ? { reduce_only: true as const } : {}),
  };
}

/** How a create response (fill_count / remaining_count strings) reads in betmirror's terms. */
export function createdStatus(type: OrderType, size: Micros, filled: Micros): OrderStatus {
  if (filled >= size) return 'filled';
  if (type === 'FOK' || type === 'FAK') return filled > 0n ? 'partially_filled' : 'cancelled';
  return filled > 0n ? 'partially_filled' : 'open';
}

export interface CreateOrderResponse {
  order_id: string;
  client_order_id?: string;
  fill_count?: string;
  remaining_count?: string;
  /** YES-book VWAP, present only when something filled (assumed YES frame: the endpoint prices the YES book). */
  average_fill_price?: string;
  /** Per contract, dollars: "Volume-weighted average fee paid per contract for fills resulting from this request". */
  average_fee_paid?: string;
  ts_ms?: number;
}

export function createResult(params: OrderParams, body: CreateOrderBody, response: CreateOrderResponse): OrderResult {
  const outcome = params.outcome as Outcome;
  const filledSize = parseFixed(response.fill_count);
  const average = parseFixed(response.average_fill_price);
  return {
    exchange: 'kalshi',
    orderId: response.order_id,
    clientOrderId: body.client_order_id,
    status: createdStatus(params.type, params.size, filledSize),
    market: params.market,
    outcome,
    side: params.side,
    type: params.type,
    size: params.size,
    price: params.price,
    filledSize,
    filledValue: filledSize > 0n && average > 0n ? mulMicros(filledSize, outcomePrice(outcome, average)) : 0n,
    ...(filledSize > 0n && response.average_fee_paid !== undefined
      ? { fee: { usd: feePaid(response.average_fee_paid, filledSize), shares: 0n } }
      : {}),
    request: body,
    info: { ...response, client_order_id: body.client_order_id },
  };
}

/** A FOK that cannot fill completely: Kalshi answers 409 with this code and nothing executes. */
export const FOK_KILLED_CODE = 'fill_or_kill_insufficient_resting_volume';

/** A result with nothing executed and no venue order id: a killed FOK ('cancelled') or a dry run. */
export function unfilledResult(params: OrderParams, body: CreateOrderBody, status: 'cancelled' | 'dry_run', info?: unknown): OrderResult {
  return {
    exchange: 'kalshi',
    orderId: '',
    clientOrderId: body.client_order_id,
    status,
    market: params.market,
    outcome: params.outcome,
    side: params.side,
    type: params.type,
    size: params.size,
    price: params.price,
    filledSize: 0n,
    filledValue: 0n,
    request: body,
    // The venue's refusal payload (killed FOK) next to the id, so `info` always names the client order id.
    info: { client_order_id: body.client_order_id, ...(info && typeof info === 'object' ? info : {}) },
  };
}

/** Kalshi's order resource (GET /portfolio/orders[/{id}]), the fields betmirror reads. */
export interface KalshiOrder {
  order_id: string;
  client_order_id?: string;
  ticker: string;
  status: 'resting' | 'canceled' | 'executed' | string;
  book_side?: BookSide;
  outcome_side?: Outcome;
  /** Legacy direction, still sent: side yes|no + action buy|sell. */
  side?: string;
  action?: string;
  yes_price_dollars?: string;
  initial_count_fp?: string;
  fill_count_fp?: string;
  remaining_count_fp?: string;
  taker_fill_cost_dollars?: string;
  maker_fill_cost_dollars?: string;
  /** Totals for the order's taker and maker fills, dollars (kalshi-typescript 3.30.0 Order). */
  taker_fees_dollars?: string;
  maker_fees_dollars?: string;
  expiration_time?: string | number | null;
  created_time?: string;
}

function bookSideOf(order: KalshiOrder): BookSide {
  if (order.book_side === 'bid' || order.book_side === 'ask') return order.book_side;
  // Legacy: buy yes / sell no rest on the bid; buy no / sell yes on the ask.
  const buysYes = (order.side === 'yes') === (order.action !== 'sell');
  return buysYes ? 'bid' : 'ask';
}

export function openOrderFrom(order: KalshiOrder): OpenOrder {
  const view = fromYesBook(bookSideOf(order), parseFixed(order.yes_price_dollars));
  return {
    orderId: order.order_id,
    market: order.ticker,
    outcome: view.outcome,
    side: view.side,
    price: view.price,
    size: parseFixed(order.initial_count_fp),
    filledSize: parseFixed(order.fill_count_fp),
    type: order.expiration_time ? 'GTD' : 'GTC',
    createdAt: order.created_time ? Date.parse(order.created_time) : undefined,
    info: order,
  };
}

export function orderResultFrom(order: KalshiOrder): OrderResult {
  const open = openOrderFrom(order);
  const filled = open.filledSize;
  let status: OrderStatus;
  if (order.status === 'executed') status = 'filled';
  else if (order.status === 'resting') status = filled > 0n ? 'partially_filled' : 'open';
  else if (order.status === 'canceled') status = filled > 0n ? 'partially_filled' : 'cancelled';
  else status = 'pending';
  return {
    exchange: 'kalshi',
    orderId: order.order_id,
    ...(order.client_order_id ? { clientOrderId: order.client_order_id } : {}),
    status,
    market: open.market,
    outcome: open.outcome,
    side: open.side,
    type: open.type,
    size: open.size,
    price: open.price,
    filledSize: filled,
    filledValue: parseFixed(order.taker_fill_cost_dollars) + parseFixed(order.maker_fill_cost_dollars),
    ...(order.taker_fees_dollars !== undefined || order.maker_fees_dollars !== undefined
      ? { fee: { usd: parseFixed(order.taker_fees_dollars) + parseFixed(order.maker_fees_dollars), shares: 0n } }
      : {}),
    info: order,
  };
}
