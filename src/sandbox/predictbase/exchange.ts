/**
 * The local PredictBase's order book and accounts. Amounts are micro-units (USDC 1e6, shares 1e6).
 * Matching: an order crosses the opposite side of the same market and option at the resting order's price,
 * best price then oldest first; partial fills; the rest rests (GTC). The buyer pays price x qty from the
 * wallet; the seller receives it less the 2% fee (docs: "the seller will receive the remaining $98").
 * A buy needs the wallet's USDC for it (less what resting buys already commit); a sell needs the shares.
 * The house (market maker) has unlimited USDC and shares.
 */
import { MICRO, type Micros } from '../../core/money.js';

export const HOUSE = 'house';

export class PredictBaseHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type OrderStatus = 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED';

export interface Order {
  orderId: string;
  clientOrderId?: string;
  user: string;
  marketId: string;
  optionIndex: number;
  side: 'BUY' | 'SELL';
  price: Micros;
  qty: Micros;
  filledQty: Micros;
  filledValue: Micros;
  fee: Micros;
  status: OrderStatus;
  createdAt: number;
  seq: number;
}

export interface Market {
  id: string;
  question: string;
  status: number;
  optionTitles: string[];
  endsAt: number;
  createdAt: number;
  volume: Micros;
}

export interface Account {
  usdc: Micros;
  /** `${marketId}:${optionIndex}` -> shares. */
  shares: Map<string, Micros>;
}

/** 2% of a fill's value, rounded up to the micro-dollar. */
export const fee = (value: Micros): Micros => (value * 200n + 9_999n) / 10_000n;

export class PredictBaseExchange {
  readonly markets = new Map<string, Market>();
  readonly orders = new Map<string, Order>();
  readonly accounts = new Map<string, Account>();
  private seq = 0;

  constructor(private readonly now: () => number) {}

  account(user: string): Account {
    const key = user.toLowerCase();
    let account = this.accounts.get(key);
    if (!account) {
      account = { usdc: 0n, shares: new Map() };
      this.accounts.set(key, account);
    }
    return account;
  }

  market(id: string): Market {
    const market = this.markets.get(id);
    if (!market) throw new PredictBaseHttpError(404, 'Market not found');
    return market;
  }

  /** USDC a user's resting buys would spend. */
  committed(user: string): Micros {
    let sum = 0n;
    for (const o of this.orders.values()) {
      if (o.user === user.toLowerCase() && o.side === 'BUY' && isOpen(o)) sum += ((o.qty - o.filledQty) * o.price) / MICRO;
    }
    return sum;
  }

  private sharesCommitted(user: string, key: string): Micros {
    let sum = 0n;
    for (const o of this.orders.values()) {
      if (o.user === user && o.side === 'SELL' && isOpen(o) && `${o.marketId}:${o.optionIndex}` === key) sum += o.qty - o.filledQty;
    }
    return sum;
  }

  place(input: Omit<Order, 'orderId' | 'filledQty' | 'filledValue' | 'fee' | 'status' | 'createdAt' | 'seq'>): Order {
    const market = this.market(input.marketId);
    if (market.status !== 0) throw new PredictBaseHttpError(400, 'Market is not active');
    if (input.optionIndex >= market.optionTitles.length) throw new PredictBaseHttpError(400, 'Invalid optionIndex');
    const user = input.user.toLowerCase();
    const key = `${input.marketId}:${input.optionIndex}`;
    if (user !== HOUSE) {
      const account = this.account(user);
      if (input.side === 'BUY' && account.usdc - this.committed(user) < (input.qty * input.price) / MICRO) {
        throw new PredictBaseHttpError(400, 'Insufficient balance');
      }
      if (input.side === 'SELL' && (account.shares.get(key) ?? 0n) - this.sharesCommitted(user, key) < input.qty) {
        throw new PredictBaseHttpError(400, 'Insufficient shares');
      }
    }
    const order: Order = {
      ...input,
      user,
      orderId: `ord_${(++this.seq).toString().padStart(6, '0')}`,
      filledQty: 0n,
      filledValue: 0n,
      fee: 0n,
      status: 'OPEN',
      createdAt: this.now(),
      seq: this.seq,
    };
    this.orders.set(order.orderId, order);
    this.match(order, market);
    return order;
  }

  private match(taker: Order, market: Market): void {
    const makers = [...this.orders.values()]
      .filter((o) => o !== taker && isOpen(o) && o.marketId === taker.marketId && o.optionIndex === taker.optionIndex && o.side !== taker.side && o.user !== taker.user)
      .filter((o) => (taker.side === 'BUY' ? o.price <= taker.price : o.price >= taker.price))
      .sort((a, b) => (a.price === b.price ? a.seq - b.seq : (taker.side === 'BUY' ? a.price < b.price : a.price > b.price) ? -1 : 1));
    for (const maker of makers) {
      const qty = min(taker.qty - taker.filledQty, maker.qty - maker.filledQty);
      if (qty <= 0n) break;
      const value = (qty * maker.price) / MICRO;
      const [buyer, seller] = taker.side === 'BUY' ? [taker, maker] : [maker, taker];
      const charged = fee(value);
      this.settle(buyer.user, seller.user, `${taker.marketId}:${taker.optionIndex}`, qty, value, charged);
      for (const o of [taker, maker]) {
        o.filledQty += qty;
        o.filledValue += value;
        o.status = o.filledQty >= o.qty ? 'FILLED' : 'PARTIALLY_FILLED';
      }
      seller.fee += charged;
      market.volume += value;
    }
  }

  private settle(buyer: string, seller: string, key: string, qty: Micros, value: Micros, charged: Micros): void {
    if (buyer !== HOUSE) {
      const a = this.account(buyer);
      a.usdc -= value;
      a.shares.set(key, (a.shares.get(key) ?? 0n) + qty);
    }
    if (seller !== HOUSE) {
      const a = this.account(seller);
      a.usdc += value - charged;
      a.shares.set(key, (a.shares.get(key) ?? 0n) - qty);
    }
  }

  /** The documented cancel refusals: 404 not found, 403 user mismatch, 400 status not cancelable. */
  cancel(user: string, orderId: string): Order {
    const order = this.orders.get(orderId);
    if (!order) throw new PredictBaseHttpError(404, 'Order not found');
    if (order.user !== user.toLowerCase()) throw new PredictBaseHttpError(403, 'User mismatch');
    if (!isOpen(order)) throw new PredictBaseHttpError(400, `Order status ${order.status} is not cancelable`);
    order.status = 'CANCELED';
    return order;
  }

  /** The best SELL price of each option (get_active_markets' optionPrices). */
  bestAsks(market: Market): Array<Micros | null> {
    return market.optionTitles.map((_, i) => {
      const asks = [...this.orders.values()].filter((o) => isOpen(o) && o.marketId === market.id && o.optionIndex === i && o.side === 'SELL');
      return asks.length ? asks.reduce((best, o) => (o.price < best ? o.price : best), asks[0]!.price) : null;
    });
  }
}

export const isOpen = (o: Order): boolean => o.status === 'OPEN' || o.status === 'PARTIALLY_FILLED';
const min = (a: Micros, b: Micros): Micros => (a < b ? a : b);
