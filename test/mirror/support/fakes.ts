/** In-memory test doubles for the mirror engine: a manual clock and a venue that fills at the cap. */
import type { Clock } from '../../../src/core/runtime.js';
import { InsufficientFundsError, OrderNotFoundError, OutcomeUnknownError } from '../../../src/core/errors.js';
import type {
  Balance,
  CashoutRequest,
  CashoutResult,
  OrderParams,
  OrderResult,
  Position,
} from '../../../src/core/types.js';
import type { IExchangeAdapter } from '../../../src/exchanges/adapter.js';
import type { MarketRules, WhaleFill } from '../../../src/mirror/types.js';

export class ManualClock implements Clock {
  constructor(public time = Date.UTC(2026, 0, 5, 12)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export const M = (usd: number): bigint => BigInt(Math.round(usd * 1_000_000));

/**
 * A venue that fills every marketable order completely at `fillPrice(order)` (default: the cap),
 * keeping cash and positions, so engine tests can assert the money moved as decided.
 */
export class FakeVenue implements IExchangeAdapter {
  readonly exchangeName = 'fake';
  readonly has = { cashout: true, orderBook: false, positions: true, openOrders: false, fetchOrder: true, marketableOrders: true, expiringOrders: false };
  orders: Array<OrderParams & { orderId: string }> = [];
  cashouts: CashoutRequest[] = [];
  positions = new Map<string, bigint>();
  balanceCalls = 0;
  /** Makes the next createOrder calls wait on this promise (simulates a slow venue). */
  gate: Promise<void> | undefined;
  fillPrice: (order: OrderParams) => bigint = (order) => order.price;
  fillRatio = 1;
  /** Executes the order, then never answers (a crash or a dropped connection after the venue took it). */
  hangAfterExecute = false;
  /** Executes the order, then throws OutcomeUnknownError (the answer was lost). */
  loseAnswer = false;
  /** Does not report the order id before sending (an adapter without onSigned). */
  silentIds = false;
  private results = new Map<string, OrderResult>();

  constructor(public cash: bigint) {}

  async initialize(): Promise<void> {}
  async validatePermissions() {
    return { ok: true, checks: [] };
  }
  async authenticate() {
    return { account: '0xfake' };
  }
  async fetchBalance(): Promise<Balance> {
    this.balanceCalls++;
    return { cash: this.cash, currency: 'USD' };
  }
  async getMarketPrice(market: string) {
    return { market };
  }
  async createOrder(params: OrderParams): Promise<OrderResult> {
    const orderId = `order-${this.orders.length + 1}`;
    this.orders.push({ ...params, orderId });
    if (!this.silentIds) params.onSigned?.(orderId);
    if (this.gate) await this.gate;
    if (params.dryRun) {
      return { exchange: 'fake', orderId, status: 'dry_run', market: params.market, side: params.side, type: params.type, size: params.size, price: params.price, filledSize: 0n, filledValue: 0n };
    }
    const price = this.fillPrice(params);
    const size = (params.size * BigInt(Math.round(this.fillRatio * 1000))) / 1000n;
    const value = (size * price) / 1_000_000n;
    const held = this.positions.get(params.market) ?? 0n;
    if (params.side === 'buy') {
      if (value > this.cash) throw new InsufficientFundsError('not enough balance / allowance');
      this.cash -= value;
      this.positions.set(params.market, held + size);
    } else {
      this.cash += value;
      this.positions.set(params.market, held - size);
    }
    const result: OrderResult = {
      exchange: 'fake',
      orderId,
      status: size === 0n ? 'cancelled' : size < params.size ? 'partially_filled' : 'filled',
      market: params.market,
      side: params.side,
      type: params.type,
      size: params.size,
      price: params.price,
      filledSize: size,
      filledValue: value,
    };
    this.results.set(orderId, result);
    if (this.hangAfterExecute) await new Promise(() => undefined);
    if (this.loseAnswer) throw new OutcomeUnknownError('connection lost after sending');
    return result;
  }
  async fetchOrder(orderId: string): Promise<OrderResult> {
    const result = this.results.get(orderId);
    if (!result) throw new OrderNotFoundError(orderId);
    return result;
  }
  async fetchPositions(): Promise<Position[]> {
    return [...this.positions].map(([market, size]) => ({ market, size }));
  }
  async cancelOrder() {
    return { cancelled: [], notCancelled: {} };
  }
  async cashout(request: CashoutRequest): Promise<CashoutResult> {
    this.cashouts.push(request);
    const amount = request.amount === 'all' ? this.cash : request.amount;
    if (!request.dryRun) this.cash -= amount;
    return { txHash: `0xcash${this.cashouts.length}`, amount, destination: request.destination, method: 'fake' };
  }
}

export function rules(overrides: Partial<MarketRules> = {}): MarketRules {
  return {
    token: 'T1',
    market: 'C1',
    slug: 'will-it-rain',
    active: true,
    closed: false,
    tickSize: M(0.01),
    minSize: M(5),
    minNotional: M(1),
    sizeStep: M(0.01),
    ...overrides,
  };
}

let tx = 0;
export function fill(overrides: Partial<WhaleFill> = {}): WhaleFill {
  tx++;
  return {
    wallet: '0xwhale',
    token: 'T1',
    market: 'C1',
    side: 'buy',
    size: M(100),
    price: M(0.5),
    timestamp: Date.UTC(2026, 0, 5, 12),
    txHash: `0x${tx.toString(16).padStart(64, '0')}`,
    source: 'data-api',
    seenAt: Date.UTC(2026, 0, 5, 12),
    ...overrides,
  };
}
