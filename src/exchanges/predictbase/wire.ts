/**
 * PredictBase's wire format, and every assumption betmirror makes about it, in ONE module.
 *
 * What is documented (VENUES.md section 4; https://predictbase.gitbook.io/docs/developer/endpoints/read-markets
 * and .../place-and-manage-orders, read 2026-11):
 * - D1 `GET /get_active_markets` -> [{id, status (0 active, 1 resolved, 2 canceled), optionTitles,
 *   optionPrices (best asks, USDC 1e6 strings), endsAt (unix s), winningOption, ...}]. Public, rate limited.
 * - D2 "USDC values use 1e6 precision (Example: "550000" = 0.55 USDC)" for market data.
 * - D3 `POST /create-order` with header `x-api-key`, body {kind: "NEW_ORDER", order: {type: "LIMIT", side:
 *   "BUY"|"SELL", marketId (string), optionIndex, qty, price (dollars in [0, 1], a JSON number), userId,
 *   timeInForce: "GTC", receivedAt (ms)}, meta: {clientOrderId, originalQty}}. "The user is resolved from the API key."
 * - D4 Cancel errors: 404 not found, 403 user mismatch, 400 status not cancelable, 409 filled or updated
 *   concurrently, 500. Update errors: 400 missing fields, 409 invalid status or user mismatch, 500.
 * - D5 "View your Orders: returns a list of user active orders."
 * - D6 Fees (https://predictbase.gitbook.io/docs/resources/fees): "Each trade (buy/sell) includes a 2%
 *   transaction fee"; example: a $100 buy, "the seller will receive $98 USDC"
 *   (https://predictbase.gitbook.io/docs/using-predictbase/trading).
 * - D7 Share prices are "displayed in cents"; "each winning share can be redeemed for $1" (docs glossary).
 * - D8 USDC on Base (0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913), the collateral of every market.
 *
 * Everything marked ASSUMPTION below is NOT in the public pages: the paths of get-market, the order book,
 * cancel and list-my-orders, and the shapes of their answers and of create-order's answer. Each one is a
 * constant or a parser here, so correcting it after seeing the real API is a change to this file only.
 */
import { MICRO, formatMicros, toMicros, type Micros } from '../../core/money.js';
import type { BookLevel, Side } from '../../core/types.js';

/** Production REST host (D1, D3). */
export const PREDICTBASE_API_URL = 'https://api.predictbase.app';
/** Base's public RPC (https://docs.base.org/network-information), for the wallet's USDC balance. */
export const BASE_RPC_URL = 'https://mainnet.base.org';
/** Base USDC (D8). */
export const BASE_USDC = '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913';
export const API_KEY_HEADER = 'x-api-key';

export const PATHS = {
  /** D1. */
  activeMarkets: '/get_active_markets',
  /** ASSUMPTION: "Get Market" by id is `GET /get_market/<id>` (the page names it but not its path). */
  market: (id: string) => `/get_market/${encodeURIComponent(id)}`,
  /** ASSUMPTION: "Get Market Orderbook" is `GET /get_market_orderbook/<id>`. */
  orderbook: (id: string) => `/get_market_orderbook/${encodeURIComponent(id)}`,
  /** D3. */
  createOrder: '/create-order',
  /** ASSUMPTION: cancel is `POST /cancel-order` with body {orderId} (the page lists its errors, not its path). */
  cancelOrder: '/cancel-order',
  /** ASSUMPTION: "View your Orders" (D5) is `GET /get-user-orders`. */
  myOrders: '/get-user-orders',
} as const;

// ---- market data ----

export const MARKET_STATUS = { active: 0, resolved: 1, canceled: 2 } as const;

export interface WireMarket {
  id: string;
  question?: string;
  status: number;
  optionTitles: string[];
  /** Best asks per option (D2), micro-USD. */
  optionPrices: Array<Micros | undefined>;
  endsAt?: number;
  winningOption?: number | null;
  info: unknown;
}

/**
 * D1's market object. ASSUMPTION: get-market answers the same object, bare (not wrapped in {market}); a
 * wrapped one is unwrapped too, since the page shows no example.
 */
export function parseMarket(payload: unknown): WireMarket {
  const root = (payload ?? {}) as Record<string, unknown>;
  const m = (root.market && typeof root.market === 'object' ? root.market : root) as Record<string, unknown>;
  if (m.id === undefined || !Array.isArray(m.optionTitles)) throw new RangeError('not a PredictBase market object');
  const prices = Array.isArray(m.optionPrices) ? m.optionPrices : [];
  return {
    id: String(m.id),
    question: typeof m.question === 'string' ? m.question : undefined,
    status: Number(m.status),
    optionTitles: m.optionTitles.map(String),
    optionPrices: m.optionTitles.map((_, i) => (prices[i] === undefined || prices[i] === null ? undefined : usdc(prices[i]))),
    endsAt: m.endsAt === undefined ? undefined : Number(m.endsAt),
    winningOption: m.winningOption === undefined ? undefined : (m.winningOption as number | null),
    info: payload,
  };
}

/**
 * ASSUMPTION: the order book answer is {marketId, buy: [...], sell: [...]}, each entry {optionIndex,
 * price, qty} with price and qty as 1e6 strings like every read amount (D2), "sorted by price" (D1 page).
 * Levels are aggregated and sorted here anyway: best first (bids descending, asks ascending).
 */
export function parseOrderbook(payload: unknown, optionIndex: number): { bids: BookLevel[]; asks: BookLevel[] } {
  const root = (payload ?? {}) as Record<string, unknown>;
  const side = (raw: unknown): BookLevel[] => {
    const levels = new Map<Micros, Micros>();
    for (const entry of Array.isArray(raw) ? raw : []) {
      const e = entry as Record<string, unknown>;
      if (Number(e.optionIndex) !== optionIndex) continue;
      const price = usdc(e.price);
      levels.set(price, (levels.get(price) ?? 0n) + usdc(e.qty));
    }
    return [...levels].map(([price, size]) => ({ price, size })).filter((level) => level.size > 0n);
  };
  const bids = side(root.buy).sort((a, b) => (a.price === b.price ? 0 : a.price > b.price ? -1 : 1));
  const asks = side(root.sell).sort((a, b) => (a.price === b.price ? 0 : a.price < b.price ? -1 : 1));
  return { bids, asks };
}

// ---- market rules ----

/** D7: prices in whole cents. ASSUMPTION: the API refuses sub-cent prices as the web app shows none. */
export const TICK: Micros = 10_000n;
/** ASSUMPTION: `qty` is whole shares (D3's example sends 1; no fractional example exists). */
export const SHARE: Micros = MICRO;
/** ASSUMPTION: no minimum order value is documented; the smallest order is one share at one tick. */
export const MIN_NOTIONAL: Micros = 0n;
/** D6: 2% of each trade's value. */
export const FEE_RATE_BPS = 200n;

/**
 * D6 says the seller receives 98% of a trade's value. ASSUMPTION: that 2% is the whole fee (the buyer pays
 * exactly price x qty), rounded up to the micro-dollar per fill. As the most a taker can be charged, it is
 * used for both sides in InstrumentRules.takerFee.
 */
export function tradeFee(value: Micros): Micros {
  return (value * FEE_RATE_BPS + 9_999n) / 10_000n;
}

// ---- orders ----

export type WireSide = 'BUY' | 'SELL';
export const toWireSide = (side: Side): WireSide => (side === 'buy' ? 'BUY' : 'SELL');
export const fromWireSide = (side: unknown): Side => (side === 'SELL' ? 'sell' : 'buy');

/**
 * D3 documents `timeInForce: "GTC"` only. ASSUMPTION: nothing else is accepted, so a marketable (FAK)
 * order is sent as a LIMIT GTC at the price cap and its unfilled rest is cancelled right after (adapter.ts).
 */
export const TIME_IN_FORCE = 'GTC';

export interface CreateOrderBody {
  kind: 'NEW_ORDER';
  order: {
    type: 'LIMIT';
    side: WireSide;
    marketId: string;
    optionIndex: number;
    qty: number;
    price: number;
    userId: string;
    timeInForce: typeof TIME_IN_FORCE;
    receivedAt: number;
  };
  meta: { clientOrderId: string; originalQty: number };
}

export function createOrderBody(order: {
  side: Side;
  marketId: string;
  optionIndex: number;
  size: Micros;
  price: Micros;
  userId: string;
  clientOrderId: string;
  nowMs: number;
}): CreateOrderBody {
  // Whole shares and whole cents (checked before): both convert to JSON numbers exactly.
  const qty = Number(order.size / SHARE);
  return {
    kind: 'NEW_ORDER',
    order: {
      type: 'LIMIT',
      side: toWireSide(order.side),
      marketId: order.marketId,
      optionIndex: order.optionIndex,
      qty,
      price: Number(formatMicros(order.price)),
      userId: order.userId,
      timeInForce: TIME_IN_FORCE,
      receivedAt: order.nowMs,
    },
    meta: { clientOrderId: order.clientOrderId, originalQty: qty },
  };
}

/**
 * ASSUMPTION: `meta.clientOrderId` is stored with the order and listed back (D3 sends it; nothing says
 * PredictBase deduplicates by it). It is NOT assumed idempotent: a lost answer is never sent again, the
 * adapter looks for the id among the open orders instead (adapter.ts).
 */
export const CLIENT_ORDER_ID = /^[A-Za-z0-9_#:.-]{1,64}$/;

export type WireOrderStatus = 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED';

/**
 * One order as betmirror reads it. ASSUMPTION (create-order's "Response (Success)" and "View your Orders"
 * show no example): both answer the order object {orderId, clientOrderId, marketId, optionIndex, side,
 * price, qty, filledQty, filledValue, fee, status, createdAt (ms)}, amounts as 1e6 strings (D2), `fee`
 * the USDC this order's fills cost its owner (D6), `status` one of WireOrderStatus. Create may wrap it
 * as {order: {...}}; both are read.
 */
export interface WireOrder {
  orderId: string;
  clientOrderId?: string;
  marketId: string;
  optionIndex: number;
  side: Side;
  price: Micros;
  qty: Micros;
  filledQty: Micros;
  filledValue: Micros;
  fee?: Micros;
  status: WireOrderStatus | string;
  createdAt?: number;
  info: unknown;
}

export function parseOrder(payload: unknown): WireOrder {
  const root = (payload ?? {}) as Record<string, unknown>;
  const o = (root.order && typeof root.order === 'object' ? root.order : root) as Record<string, unknown>;
  if (typeof o.orderId !== 'string' && typeof o.orderId !== 'number') throw new RangeError('no orderId in the answer');
  return {
    orderId: String(o.orderId),
    clientOrderId: typeof o.clientOrderId === 'string' ? o.clientOrderId : undefined,
    marketId: String(o.marketId ?? ''),
    optionIndex: Number(o.optionIndex ?? 0),
    side: fromWireSide(o.side),
    price: usdc(o.price),
    qty: usdc(o.qty),
    filledQty: usdc(o.filledQty),
    filledValue: usdc(o.filledValue),
    fee: o.fee === undefined ? undefined : usdc(o.fee),
    status: String(o.status ?? ''),
    createdAt: o.createdAt === undefined ? undefined : Number(o.createdAt),
    info: payload,
  };
}

/** ASSUMPTION: list-my-orders answers {userId, orders: [...]}: the user resolved from the key, and its active orders. */
export function parseMyOrders(payload: unknown): { userId?: string; orders: WireOrder[] } {
  const root = (payload ?? {}) as Record<string, unknown>;
  const list = Array.isArray(payload) ? payload : Array.isArray(root.orders) ? root.orders : [];
  return { userId: typeof root.userId === 'string' ? root.userId : undefined, orders: list.map(parseOrder) };
}

/** ASSUMPTION: errors answer {"error": "<message>"} (some gateways send {message}); both are read. */
export function errorMessage(payload: unknown): string | undefined {
  if (typeof payload === 'string') return payload || undefined;
  if (!payload || typeof payload !== 'object') return undefined;
  const root = payload as Record<string, unknown>;
  for (const field of [root.error, root.message]) if (typeof field === 'string' && field) return field;
  return undefined;
}

// ---- numbers ----

/** A 1e6 integer string (D2) to micro-units; numbers and decimals are refused: they would be a format change. */
export function usdc(value: unknown): Micros {
  if (value === undefined || value === null || value === '') return 0n;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new RangeError(`not a 1e6 integer string: ${JSON.stringify(value)}`);
}

/** Micro-units as D2's 1e6 string (the local PredictBase writes with it). */
export function usdcString(value: Micros): string {
  return value.toString();
}

/** Dollars as a JSON number (D3) back to micro-units, exactly for whole cents. */
export function dollarsToMicros(value: number): Micros {
  return toMicros(value);
}
