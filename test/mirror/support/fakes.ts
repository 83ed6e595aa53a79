/** In-memory test doubles for the mirror engine: a manual clock and a venue that fills at the cap. */
import type { Clock } from '../../../src/core/runtime.js';
import { InsufficientFundsError, OrderNotFoundError, OutcomeUnknownError } from '../../../src/core/errors.js';
import type {
  Balance,
  CashoutRequest,
  CashoutResult,
  InstrumentRules,
  OrderParams,
  OrderResult,
  Outcome,
  Position,
} from '../../../src/core/types.js';
import type { IExchangeAdapter } from '../../../src/exchanges/adapter.js';
import type { MarketRules, WhaleFill } from '../../../src/mirror/types.js';

/**
 * Virtual time: `now` moves only by hand, and timers set through `after` fire, in order, when
 * `advance`/`run` moves time past them. The engine's timers all go through the clock, so a test runs
 * hours of mirror time in milliseconds without sleeping.
 */
export class ManualClock implements Clock {
  private timers: Array<{ at: number; seq: number; fn: () => void }> = [];
  private seq = 0;
  constructor(public time = Date.UTC(2026, 0, 5, 12)) {}
  now(): number {
    return this.time;
  }
  /** Moves time by `ms` synchronously, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = end;
  }
  /** Moves time by `ms`, letting promises settle after each timer (timers that start async work). */
  async run(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = end;
    await settle();
  }
  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.time + ms, seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  get pendingTimers(): number {
    return this.timers.length;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets pending promise chains and I/O callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

export const M = (usd: number): bigint => BigInt(Math.round(usd * 1_000_000));

/**
 * A venue that fills every marketable order completely at `fillPrice(order)` (default: the cap),
 * keeping cash and positions, so engine tests can assert the money moved as decided.
 */
export class FakeVenue implements IExchangeAdapter {
  readonly exchangeName = 'fake';
  get has() {
    return { cashout: true, orderBook: false, positions: true, openOrders: false, fetchOrder: true, marketableOrders: true, expiringOrders: false, orderIdBeforeSend: !this.silentIds };
  }
  orders: Array<OrderParams & { orderId: string }> = [];
  cashouts: CashoutRequest[] = [];
  positions = new Map<string, bigint>();
  balanceCalls = 0;
  holdingCalls = 0;
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
  /** Fees the venue charges on a fill (applied to its balances and reported in the result). */
  fee: ((side: 'buy' | 'sell', size: bigint, value: bigint) => { usd: bigint; shares: bigint }) | undefined;
  /** What fetchInstrumentRules answers (the venue's rules of the instrument), and the instruments asked for. */
  instrumentRules: (market: string, outcome?: Outcome) => InstrumentRules = (market) => {
    const { token: _token, slug: _slug, ...venue } = rules({ market: `C-${market}` });
    return venue;
  };
  rulesCalls: Array<{ market: string; outcome?: Outcome }> = [];
  /** Rewrites the answer after the venue executed (a venue that misreports). */
  misreport: ((result: OrderResult) => OrderResult) | undefined;
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
    const fee = size > 0n ? this.fee?.(params.side, size, value) : undefined;
    if (params.side === 'buy') {
      if (value + (fee?.usd ?? 0n) > this.cash) throw new InsufficientFundsError('not enough balance / allowance');
      this.cash -= value + (fee?.usd ?? 0n);
      this.positions.set(params.market, held + size - (fee?.shares ?? 0n));
    } else {
      if (size > held) throw new InsufficientFundsError('not enough balance / allowance');
      this.cash += value - (fee?.usd ?? 0n);
      this.positions.set(params.market, held - size);
    }
    let result: OrderResult = {
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
      ...(fee ? { fee } : {}),
    };
    if (this.misreport) result = this.misreport(result);
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
  async fetchInstrumentRules(market: string, outcome?: Outcome): Promise<InstrumentRules> {
    this.rulesCalls.push({ market, outcome });
    return this.instrumentRules(market, outcome);
  }
  async fetchHolding(market: string): Promise<bigint> {
    this.holdingCalls++;
    return this.positions.get(market) ?? 0n;
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
    takerFee: () => 0n,
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
