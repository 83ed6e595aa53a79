/**
 * The local Kalshi's matching engine: one YES book per market, the V2 order endpoint's semantics, and
 * accounts with cash and signed positions (positive = YES, negative = NO).
 *
 * Book: `bid` orders buy YES at their price, `ask` orders sell YES (= buy NO at 1 - price). An incoming
 * order trades with the best crossing resting orders (price, then time) at the resting price.
 *
 * Money model: an order locks its own-side price x count up front, except the part that closes a
 * position already held on the other side. A fill that closes pays own-side price and nets the YES+NO
 * pair into $1 at once, so selling 5 held YES at 0.60 credits 5 x 0.60, as on Kalshi. Each fill of a
 * user's order is charged its fee in cash as it happens (fees.ts); the house market maker pays none.
 *
 * reduce_only (create-order-v2, https://docs.kalshi.com/api-reference/orders/create-order-v2): "Specifies
 * whether the order place count should be capped by the member's current position"; the same page (as
 * quoted verbatim by several public Kalshi clients, Sept 2026) adds "Orders with reduce_only set to true
 * will be rejected unless time_in_force is immediate_or_cancel". So a reduce-only IOC is placed for at
 * most the position it closes (holding YES for an ask, NO for a bid). Assumptions where the docs are
 * silent: nothing to reduce is refused (400 invalid_order, like Kalshi's other order refusals, see
 * getting_started/order_errors) rather than placed for 0, and the order's initial count is the capped one.
 */
import { randomUUID } from 'node:crypto';
import { MICRO, mulMicros, type Micros } from '../../../src/core/money.js';
import { CENT, DEFAULT_FEE_RATES, fillFee, tradeFee, worstFee, type FeeRates } from './fees.js';
import { KalshiHttpError, badRequest, dollars, fixedCount, parseRequestFixed } from './format.js';

export type BookSide = 'bid' | 'ask';
export type TimeInForce = 'good_till_canceled' | 'immediate_or_cancel' | 'fill_or_kill';
const TIME_IN_FORCE: readonly string[] = ['good_till_canceled', 'immediate_or_cancel', 'fill_or_kill'];
const STP: readonly string[] = ['taker_at_cross', 'maker'];

/** The house account that quotes the seeded liquidity; it has unlimited cash and no position limits. */
export const MARKET_MAKER = 'market-maker';

export interface PriceRange {
  start: Micros;
  end: Micros;
  step: Micros;
}

export const PRICE_STRUCTURES: Record<string, PriceRange[]> = {
  linear_cent: [{ start: 0n, end: MICRO, step: 10_000n }],
  deci_cent: [{ start: 0n, end: MICRO, step: 1_000n }],
  tapered_deci_cent: [
    { start: 0n, end: 100_000n, step: 1_000n },
    { start: 100_000n, end: 900_000n, step: 10_000n },
    { start: 900_000n, end: MICRO, step: 1_000n },
  ],
};

/** Kalshi's market lifecycle (getting_started/market_lifecycle); only `active` takes orders. */
export const MARKET_STATUSES = ['initialized', 'active', 'inactive', 'closed', 'determined', 'disputed', 'amended', 'finalized'] as const;
export type MarketStatus = (typeof MARKET_STATUSES)[number];

export interface Market {
  ticker: string;
  title: string;
  priceLevelStructure: string;
  fees: FeeRates;
  status: MarketStatus;
  /** `fractional_trading_enabled`: counts in 0.01 steps; otherwise whole contracts only. */
  fractionalTrading: boolean;
  orders: Order[];
}

export interface Order {
  order_id: string;
  user: string;
  client_order_id: string;
  ticker: string;
  side: BookSide;
  price: Micros;
  initial: Micros;
  filled: Micros;
  remaining: Micros;
  status: 'resting' | 'canceled' | 'executed';
  time_in_force: TimeInForce;
  stp: string;
  expiration_time?: number;
  lock: Micros;
  takerCost: Micros;
  makerCost: Micros;
  /** Net fees charged on the order's taker and maker fills. */
  takerFees: Micros;
  makerFees: Micros;
  /** Kalshi's per-order rounding accumulator (fee_rounding). */
  feeAccumulator: Micros;
  createdMs: number;
  updatedMs: number;
  seq: number;
  createResponse?: Record<string, unknown>;
}

export interface Account {
  user: string;
  cash: Micros;
  positions: Map<string, PositionBook>;
}

export interface PositionBook {
  position: Micros;
  exposure: Micros;
  traded: Micros;
  fees: Micros;
}

export interface Fill {
  fill_id: string;
  trade_id: string;
  user: string;
  order_id: string;
  client_order_id: string;
  ticker: string;
  side: BookSide;
  count: Micros;
  price: Micros;
  is_taker: boolean;
  /** Net fee charged for this fill. */
  fee: Micros;
  ms: number;
}

export class KalshiExchange {
  readonly markets = new Map<string, Market>();
  readonly accounts = new Map<string, Account>();
  readonly orders = new Map<string, Order>();
  readonly fills: Fill[] = [];
  private seq = 0;

  /**
   * `balancePrecision`: what fills round the account's balance to ($0.01 for non-direct members,
   * $0.0001 for direct members per getting_started/fee_rounding).
   */
  constructor(
    private readonly now: () => number,
    private readonly balancePrecision: Micros = CENT,
  ) {}

  account(user: string): Account {
    let account = this.accounts.get(user);
    if (!account) this.accounts.set(user, (account = { user, cash: 0n, positions: new Map() }));
    return account;
  }

  addMarket(
    ticker: string,
    title: string,
    priceLevelStructure: string,
    fees: FeeRates = DEFAULT_FEE_RATES,
    options: { status?: MarketStatus; fractionalTrading?: boolean } = {},
  ): Market {
    if (!PRICE_STRUCTURES[priceLevelStructure]) throw new RangeError(`unknown price_level_structure ${priceLevelStructure}`);
    const status = options.status ?? 'active';
    if (!MARKET_STATUSES.includes(status)) throw new RangeError(`unknown market status ${status}`);
    const market: Market = { ticker, title, priceLevelStructure, fees, status, fractionalTrading: options.fractionalTrading ?? false, orders: [] };
    this.markets.set(ticker, market);
    return market;
  }

  /** The market maker rests `count` at `price` on one outcome's bid (a NO bid at q is a YES ask at 1-q). */
  quote(ticker: string, outcome: 'yes' | 'no', price: Micros, count: Micros): void {
    const market = this.market(ticker);
    const side: BookSide = outcome === 'yes' ? 'bid' : 'ask';
    const yesPrice = outcome === 'yes' ? price : MICRO - price;
    market.orders.push(this.newOrder(MARKET_MAKER, market.ticker, side, yesPrice, count, 'good_till_canceled', 'maker', randomUUID()));
  }

  market(ticker: string): Market {
    const market = this.markets.get(ticker);
    // Kalshi's answer for an unknown ticker (as its order endpoint reports it): 404, code market_not_found.
    if (!market) throw new KalshiHttpError(404, 'market_not_found', 'market not found');
    this.expire(market);
    return market;
  }

  /** POST /portfolio/events/orders. Returns the create response (201). */
  place(user: string, body: Record<string, unknown>): Record<string, unknown> {
    const clientOrderId = body.client_order_id;
    if (clientOrderId !== undefined && (typeof clientOrderId !== 'string' || !/^[-\w:+=/]{1,64}$/.test(clientOrderId))) {
      throw badRequest('invalid_parameters', 'client_order_id must be 1-64 characters of [A-Za-z0-9_:+=/-]');
    }
    // Idempotency: the same client_order_id from the same user is the same order, executed once.
    if (clientOrderId) {
      const existing = [...this.orders.values()].find((o) => o.user === user && o.client_order_id === clientOrderId);
      if (existing?.createResponse) return existing.createResponse;
    }
    if (typeof body.ticker !== 'string') throw badRequest('invalid_parameters', 'ticker is required');
    const market = this.market(body.ticker);
    if (market.status !== 'active') throw new KalshiHttpError(400, 'market_closed', 'market closed', `market status is ${market.status}`);
    if (body.side !== 'bid' && body.side !== 'ask') throw badRequest('invalid_parameters', 'side must be bid or ask');
    const count = parseRequestFixed(body.count, 2);
    if (count === undefined || count <= 0n) throw badRequest('invalid_parameters', 'count must be a positive fixed-point string with up to 2 decimals');
    if (!market.fractionalTrading && count % MICRO !== 0n) {
      throw new KalshiHttpError(400, 'invalid_order', 'invalid order', 'fractional contracts are not enabled on this market');
    }
    const price = parseRequestFixed(body.price, 6);
    if (price === undefined || price <= 0n || price >= MICRO) throw badRequest('invalid_parameters', 'price must be a dollar string strictly between 0 and 1');
    const ranges = PRICE_STRUCTURES[market.priceLevelStructure] ?? [];
    if (!ranges.some((r) => price >= r.start && price <= r.end && (price - r.start) % r.step === 0n)) {
      throw badRequest('invalid_price', `price ${body.price} is not on the ${market.priceLevelStructure} grid`);
    }
    if (typeof body.time_in_force !== 'string' || !TIME_IN_FORCE.includes(body.time_in_force)) {
      throw badRequest('invalid_parameters', 'time_in_force must be fill_or_kill, good_till_canceled or immediate_or_cancel');
    }
    if (typeof body.self_trade_prevention_type !== 'string' || !STP.includes(body.self_trade_prevention_type)) {
      throw badRequest('invalid_parameters', 'self_trade_prevention_type is required: taker_at_cross or maker');
    }
    if (body.reduce_only !== undefined && typeof body.reduce_only !== 'boolean') {
      throw badRequest('invalid_parameters', 'reduce_only must be a boolean');
    }
    const tif = body.time_in_force as TimeInForce;
    const expiration = body.expiration_time;
    if (expiration !== undefined && (tif !== 'good_till_canceled' || typeof expiration !== 'number' || expiration * 1000 <= this.now())) {
      throw badRequest('invalid_parameters', 'expiration_time must be a future unix time in seconds on a good_till_canceled order');
    }

    const account = this.account(user);
    const held = account.positions.get(market.ticker)?.position ?? 0n;
    // What this order can close: NO held (a short YES) for a bid, YES held for an ask.
    const opposite = body.side === 'bid' ? (held < 0n ? -held : 0n) : held > 0n ? held : 0n;
    const placed = body.reduce_only === true ? this.reduceOnlyCount(tif, count, opposite) : count;
    const ownPrice = body.side === 'bid' ? price : MICRO - price;
    const opening = placed > opposite ? placed - opposite : 0n;
    const lock = mulMicros(ownPrice, opening);
    // Closing fills pay their fee out of their own proceeds; opening ones need it in cash.
    const fees = worstFee(market.fees, body.side, price, opening, this.balancePrecision);
    if (lock + fees > account.cash) {
      throw badRequest(
        'insufficient_balance',
        `insufficient balance: order needs ${dollars(lock)} plus up to ${dollars(fees)} in fees, available ${dollars(account.cash)}`,
      );
    }
    const order = this.newOrder(user, market.ticker, body.side, price, placed, tif, body.self_trade_prevention_type, clientOrderId || randomUUID());
    if (typeof expiration === 'number') order.expiration_time = expiration;
    if (tif === 'fill_or_kill' && this.crossable(market, order) < placed) {
      throw new KalshiHttpError(409, 'fill_or_kill_insufficient_resting_volume', 'fill or kill insufficient resting volume');
    }
    account.cash -= lock;
    order.lock = lock;
    this.orders.set(order.order_id, order);

    const filledBefore = this.match(market, order);
    if (order.remaining > 0n && order.status !== 'canceled') {
      if (tif === 'good_till_canceled') market.orders.push(order);
      else this.close(order, 'canceled');
    } else if (order.remaining === 0n) {
      this.close(order, 'executed');
    }
    const response: Record<string, unknown> = {
      order_id: order.order_id,
      client_order_id: order.client_order_id,
      fill_count: fixedCount(order.filled),
      remaining_count: fixedCount(order.status === 'resting' ? order.remaining : 0n),
      ts_ms: this.now(),
    };
    if (order.filled > 0n) {
      response.average_fill_price = dollars((filledBefore * MICRO) / order.filled);
      // "Volume-weighted average fee paid per contract for fills resulting from this request" (create-order-v2).
      response.average_fee_paid = dollars(((order.takerFees + order.makerFees) * MICRO + order.filled / 2n) / order.filled);
    }
    order.createResponse = response;
    return response;
  }

  /** The count a reduce_only order is placed for: capped by the position it closes (see the header). */
  private reduceOnlyCount(tif: TimeInForce, count: Micros, closable: Micros): Micros {
    if (tif !== 'immediate_or_cancel') {
      throw new KalshiHttpError(400, 'invalid_order', 'invalid order', 'reduce_only requires time_in_force immediate_or_cancel');
    }
    if (closable === 0n) throw new KalshiHttpError(400, 'invalid_order', 'invalid order', 'reduce only order would open or increase a position');
    return count < closable ? count : closable;
  }

  /** DELETE /portfolio/events/orders/{id}: only the owner's resting orders. */
  cancel(user: string, orderId: string): Record<string, unknown> {
    const order = this.orders.get(orderId);
    if (order) this.expire(this.market(order.ticker));
    if (!order || order.user !== user || order.status !== 'resting') {
      throw new KalshiHttpError(404, 'not_found', 'order not found');
    }
    const reducedBy = order.remaining;
    this.close(order, 'canceled');
    return { order_id: order.order_id, client_order_id: order.client_order_id, reduced_by: fixedCount(reducedBy), ts_ms: this.now() };
  }

  /** Volume an order could take right now, walking the book as match() would. */
  private crossable(market: Market, taker: Order): Micros {
    let volume = 0n;
    for (const maker of this.crossing(market, taker)) {
      if (maker.user === taker.user && taker.stp === 'taker_at_cross') break;
      if (maker.user !== taker.user) volume += maker.remaining;
    }
    return volume;
  }

  private crossing(market: Market, taker: Order): Order[] {
    const other = taker.side === 'bid' ? 'ask' : 'bid';
    return market.orders
      .filter((o) => o.side === other && o.status === 'resting' && (taker.side === 'bid' ? o.price <= taker.price : o.price >= taker.price))
      .sort((a, b) => (a.price === b.price ? a.seq - b.seq : (a.price < b.price) === (taker.side === 'bid') ? -1 : 1));
  }

  /** Trades the taker against the book; returns sum(price x count) in the YES frame for the VWAP. */
  private match(market: Market, taker: Order): Micros {
    let notional = 0n;
    for (const maker of this.crossing(market, taker)) {
      if (taker.remaining === 0n) break;
      if (maker.user === taker.user) {
        if (taker.stp === 'taker_at_cross') {
          this.close(taker, 'canceled');
          break;
        }
        this.close(maker, 'canceled');
        continue;
      }
      const count = maker.remaining < taker.remaining ? maker.remaining : taker.remaining;
      const tradeId = randomUUID();
      this.settle(taker, count, maker.price, true, tradeId, market.fees);
      this.settle(maker, count, maker.price, false, tradeId, market.fees);
      notional += mulMicros(maker.price, count);
      if (maker.remaining === 0n) this.close(maker, 'executed');
    }
    market.orders = market.orders.filter((o) => o.status === 'resting');
    return notional;
  }

  private settle(order: Order, count: Micros, yesPrice: Micros, isTaker: boolean, tradeId: string, rates: FeeRates): void {
    const ownPrice = order.side === 'bid' ? yesPrice : MICRO - yesPrice;
    const value = mulMicros(ownPrice, count);
    order.filled += count;
    order.remaining -= count;
    order.updatedMs = this.now();
    if (isTaker) order.takerCost += value;
    else order.makerCost += value;
    const fee = order.user === MARKET_MAKER ? 0n : this.book(order, count, ownPrice, value, tradeFee(isTaker ? rates.taker : rates.maker, count, yesPrice));
    if (isTaker) order.takerFees += fee;
    else order.makerFees += fee;
    this.fills.push({
      fill_id: randomUUID(),
      trade_id: tradeId,
      user: order.user,
      order_id: order.order_id,
      client_order_id: order.client_order_id,
      ticker: order.ticker,
      side: order.side,
      count,
      price: yesPrice,
      is_taker: isTaker,
      fee,
      ms: this.now(),
    });
  }

  /** Moves a user's cash and position for one fill; returns the net fee charged (fee_rounding). */
  private book(order: Order, count: Micros, ownPrice: Micros, value: Micros, trade: Micros): Micros {
    const account = this.account(order.user);
    const book = account.positions.get(order.ticker) ?? { position: 0n, exposure: 0n, traded: 0n, fees: 0n };
    const opposite = order.side === 'bid' ? (book.position < 0n ? -book.position : 0n) : book.position > 0n ? book.position : 0n;
    const closing = count < opposite ? count : opposite;
    const opening = count - closing;
    const credit = mulMicros(MICRO - ownPrice, closing);
    if (closing > 0n) {
      account.cash += credit;
      book.exposure -= (book.exposure * closing) / opposite;
    }
    const cost = mulMicros(ownPrice, opening);
    const fromLock = cost < order.lock ? cost : order.lock;
    order.lock -= fromLock;
    account.cash -= cost - fromLock;
    const fee = fillFee(credit - cost, trade, order.feeAccumulator, this.balancePrecision);
    order.feeAccumulator = fee.accumulator;
    account.cash -= fee.net;
    book.fees += fee.net;
    book.exposure += cost;
    book.traded += value;
    book.position += order.side === 'bid' ? count : -count;
    account.positions.set(order.ticker, book);
    return fee.net;
  }

  private close(order: Order, status: 'canceled' | 'executed'): void {
    order.status = status;
    order.updatedMs = this.now();
    if (order.user !== MARKET_MAKER && order.lock > 0n) this.account(order.user).cash += order.lock;
    order.lock = 0n;
    const market = this.markets.get(order.ticker);
    if (market) market.orders = market.orders.filter((o) => o !== order);
  }

  /** Kalshi cancels a GTC order with expiration_time once that time passes. */
  private expire(market: Market): void {
    const nowSeconds = this.now() / 1000;
    for (const order of [...market.orders]) {
      if (order.expiration_time !== undefined && order.expiration_time <= nowSeconds) this.close(order, 'canceled');
    }
  }

  private newOrder(
    user: string,
    ticker: string,
    side: BookSide,
    price: Micros,
    count: Micros,
    tif: TimeInForce,
    stp: string,
    clientOrderId: string,
  ): Order {
    const order: Order = {
      order_id: randomUUID(),
      user,
      client_order_id: clientOrderId,
      ticker,
      side,
      price,
      initial: count,
      filled: 0n,
      remaining: count,
      status: 'resting',
      time_in_force: tif,
      stp,
      lock: 0n,
      takerCost: 0n,
      makerCost: 0n,
      takerFees: 0n,
      makerFees: 0n,
      feeAccumulator: 0n,
      createdMs: this.now(),
      updatedMs: this.now(),
      seq: ++this.seq,
    };
    if (user === MARKET_MAKER) this.orders.set(order.order_id, order);
    return order;
  }
}
