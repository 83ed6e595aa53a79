/**
 * Order building and parsing for Kalshi's V2 order endpoint
 * (https://docs.kalshi.com/api-reference/orders/create-order-v2). Pure functions: the adapter does I/O.
 */
import { randomUUID } from 'node:crypto';
import { BadInputError, InvalidOrderError } from '../../core/errors.js';
import { MICRO, formatMicros, mulMicros, type Micros } from '../../core/money.js';
import type { OpenOrder, OrderParams, OrderResult, OrderStatus, OrderType, Outcome } from '../../core/types.js';
import { CLIENT_ORDER_ID, assertTicker } from './ids.js';
import { countString, dollarString, feePaid, fromYesBook, outcomePrice, parseFixed, toYesBook, type BookSide } from './wire.js';

/** 0.01 contracts: the finest count Kalshi's fixed-point format carries (2 decimals). */
export const COUNT_STEP: Micros = 10_000n;
/** One contract: the step on every market whose `fractional_trading_enabled` is not true (market.ts). */
export const CONTRACT: Micros = MICRO;
/**
 * Kalshi documents no per-order maximum for `count`, and accepted a count of 1e30 (issue 11). A million
 * contracts is $1,000,000 of payout at stake in one order, far beyond what a copied or hand-placed order
 * needs: a bigger count is a typo or a unit mistake, refused before it reaches Kalshi.
 */
export const MAX_COUNT: Micros = 1_000_000n * MICRO;
/**
 * Kalshi documents no maximum for `expiration_time` and left a GTD order expiring in 1e20 days resting
 * (issue 11). A year is longer than almost every Kalshi market lives; beyond it, GTC says the same.
 */
export const MAX_EXPIRY_SECONDS = 365 * 86_400;
/** 1 cent: every Kalshi price structure (linear_cent, tapered_deci_cent, deci_cent) accepts whole cents. */
export const CENT: Micros = 10_000n;

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
 * Checks every value of the order that needs no market data; nothing is sent when one fails. A value
 * out of shape or bounds, or missing (an order without its outcome), is a BadInputError (exit 2) naming
 * the field and the fix. A resting reduce-only order stays InvalidOrderError (exit 5, like Kalshi's
 * own): a trading rule rather than a malformed value. The market's own rules (status, price grid,
 * whole contracts) are checked against the market next (market.ts).
 */
export function validateOrder(params: OrderParams, nowMs: number): void {
  const bad = (message: string, hint: string): never => {
    throw new BadInputError(`invalid Kalshi order: ${message}`, { hint });
  };
  const rule = (message: string, hint: string): never => {
    throw new InvalidOrderError(`invalid Kalshi order: ${message}`, { hint });
  };
  assertTicker(params.market);
  if (params.outcome !== 'yes' && params.outcome !== 'no') {
    bad('Kalshi markets carry both outcomes: say which one', 'add --outcome yes or --outcome no');
  }
  if (params.side !== 'buy' && params.side !== 'sell') bad(`side must be buy or sell, got "${String(params.side)}"`, 'use --side buy or --side sell');
  checkCount(params.size, bad);
  if (params.price <= 0n || params.price >= MICRO) {
    bad(`price must be strictly between 0 and 1, got ${formatMicros(params.price)}`, 'give --price as dollars per contract, e.g. 0.56');
  }
  if (params.price % 100n !== 0n) {
    bad(`price ${formatMicros(params.price)} is finer than any Kalshi price grid (0.0001)`, 'round --price to at most 4 decimals');
  }
  if (params.type === 'GTD') checkExpiry(params.expiresAt, nowMs, bad);
  else if (!(params.type in TIME_IN_FORCE)) bad(`unknown order type "${String(params.type)}"`, 'use --type gtc, gtd, fok or fak');
  // create-order-v2: "Orders with reduce_only set to true will be rejected unless time_in_force is
  // immediate_or_cancel" (the events page as public Kalshi clients quote it; the margin page also allows
  // fill_or_kill, so a FOK goes to Kalshi to decide). A resting order is refused on every page.
  if (params.reduceOnly && (params.type === 'GTC' || params.type === 'GTD')) {
    rule('Kalshi takes reduce-only only on an order that executes at once', 'use --type fak (immediate-or-cancel)');
  }
  if (params.clientOrderId !== undefined && !CLIENT_ORDER_ID.test(params.clientOrderId)) {
    bad('client order id must be 1-64 characters of letters, digits and _ - : + = /', 'leave --client-order-id out for a fresh one');
  }
}

type Refuse = (message: string, hint: string) => never;

/** `count`: positive, whole hundredths of a contract (market.ts narrows it to whole contracts), at most MAX_COUNT. */
function checkCount(size: Micros, refuse: Refuse): void {
  if (size <= 0n) refuse(`size must be positive, got ${formatMicros(size)}`, 'give --size as a number of contracts, e.g. 10');
  if (size > MAX_COUNT) {
    refuse(
      `size ${formatMicros(size)} contracts is above the ${formatMicros(MAX_COUNT)} a single order may carry`,
      `lower --size to at most ${formatMicros(MAX_COUNT)} contracts`,
    );
  }
  if (size % COUNT_STEP !== 0n) {
    refuse(`size ${formatMicros(size)} has more than 2 decimals; Kalshi counts contracts in steps of 0.01 at the finest`, 'give --size in whole contracts, e.g. 10');
  }
}

/** `expiration_time`: whole unix seconds, in the future, at most MAX_EXPIRY_SECONDS ahead. */
function checkExpiry(expiresAt: number | undefined, nowMs: number, refuse: Refuse): void {
  const hint = 'give --expires as a duration of at most 365d (e.g. 2h, 7d), unix seconds or an ISO date; for no expiry use --type gtc';
  if (expiresAt === undefined) refuse('GTD needs an expiry time', hint);
  const at = expiresAt as number;
  if (!Number.isInteger(at)) refuse(`expiry ${String(at)} is not a whole number of unix seconds`, hint);
  const now = Math.floor(nowMs / 1000);
  if (at <= now) refuse(`expiry ${at} (unix seconds) is not in the future`, hint);
  if (at - now > MAX_EXPIRY_SECONDS) {
    refuse(`expiry is ${Math.floor((at - now) / 86_400)} days ahead; a GTD order may expire at most 365 days from now`, hint);
  }
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
