/**
 * "paper": an in-memory venue used to test the CLI shell in isolation (parsing, output, exit codes,
 * secrets). It keeps real state (cash, resting orders) and enforces its own rules so commands have
 * something to be right or wrong about. Real venues are tested against their local stand-ins.
 */
import { MICRO, mulMicros, type Micros } from '../../src/core/money.js';
import {
  AuthenticationError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  OrderNotFoundError,
  RateLimitedError,
} from '../../src/core/errors.js';
import type { AdapterContext, IExchangeAdapter, VenueDefinition } from '../../src/exchanges/adapter.js';
import type { OrderParams, OrderResult } from '../../src/core/types.js';

export interface PaperState {
  cash: Micros;
  orders: Map<string, OrderParams>;
  sent: OrderParams[];
  cashouts: Array<{ amount: Micros; destination: string }>;
  /** Forces the next call to fail the way a venue can. */
  failNext?: 'rate-limit' | 'unavailable';
}

export const PAPER_KEY_ENV = 'PAPER_PRIVATE_KEY';

export function paperVenue(state: PaperState, options: { cashout?: boolean } = {}): VenueDefinition {
  return {
    id: 'paper',
    title: 'Paper',
    has: paperCapabilities(options.cashout ?? true),
    settings: [{ key: 'account', env: 'PAPER_ACCOUNT', description: 'account name', default: 'paper-1' }],
    secrets: [
      { key: 'privateKey', env: PAPER_KEY_ENV, description: 'private key', required: true },
      { key: 'apiSecret', description: 'API secret', required: false },
    ],
    create: (context) => new PaperAdapter(context, state, options.cashout ?? true),
  };
}

function paperCapabilities(cashout: boolean) {
  return { cashout, orderBook: false, positions: false, openOrders: false, fetchOrder: false, marketableOrders: true, expiringOrders: true };
}

export function paperState(cash = 100n * MICRO): PaperState {
  return { cash, orders: new Map(), sent: [], cashouts: [] };
}

class PaperAdapter implements IExchangeAdapter {
  readonly exchangeName = 'paper';
  readonly has;

  constructor(
    private readonly context: AdapterContext,
    private readonly state: PaperState,
    cashout: boolean,
  ) {
    this.has = paperCapabilities(cashout);
  }

  async initialize() {
    if (this.context.secrets.privateKey === 'wrong-key-0000') throw new AuthenticationError('the venue does not know this key');
  }

  async validatePermissions() {
    return { ok: true, signer: this.account(), checks: [{ name: 'key', ok: true, detail: 'key accepted' }] };
  }

  async authenticate() {
    return { account: this.account(), issuedSecrets: { apiSecret: `issued-secret-for-${this.account()}` } };
  }

  async fetchBalance() {
    this.maybeFail();
    return { cash: this.state.cash, currency: 'USD', account: this.account() };
  }

  async getMarketPrice(market: string) {
    return { market, bid: 490_000n, ask: 510_000n, mid: 500_000n };
  }

  async createOrder(params: OrderParams): Promise<OrderResult> {
    this.maybeFail();
    // A careless venue library: echoes the key in its message and raw payload (the Redactor must catch it).
    if (params.market === 'leak') {
      throw new InvalidOrderError(`signer ${this.context.secrets.privateKey} refused`, { info: { key: this.context.secrets.privateKey } });
    }
    if (params.market === 'unknown') throw new InvalidOrderError('market not found: unknown', { info: { error: 'MARKET_NOT_FOUND' } });
    const cost = mulMicros(params.size, params.price);
    if (params.side === 'buy' && cost > this.state.cash) throw new InsufficientFundsError('not enough balance / allowance');
    const orderId = `paper-${this.state.sent.length + (params.dryRun ? 1000 : 1)}`;
    if (params.dryRun) {
      return { exchange: 'paper', orderId, status: 'dry_run', market: params.market, side: params.side, type: params.type, size: params.size, price: params.price, filledSize: 0n, filledValue: 0n, request: { signed: true, market: params.market } };
    }
    this.state.sent.push(params);
    this.state.orders.set(orderId, params);
    return { exchange: 'paper', orderId, status: 'open', market: params.market, side: params.side, type: params.type, size: params.size, price: params.price, filledSize: 0n, filledValue: 0n };
  }

  async cancelOrder(request: { orderIds: string[]; all?: boolean }) {
    const ids = request.all ? [...this.state.orders.keys()] : request.orderIds;
    const cancelled: string[] = [];
    const notCancelled: Record<string, string> = {};
    for (const id of ids) {
      if (this.state.orders.delete(id)) cancelled.push(id);
      else if (!request.all && ids.length === 1) throw new OrderNotFoundError(`order ${id} not found`);
      else notCancelled[id] = 'not found';
    }
    return { cancelled, notCancelled };
  }

  async cashout(request: { amount: Micros | 'all'; destination: string; dryRun?: boolean }) {
    const amount = request.amount === 'all' ? this.state.cash : request.amount;
    if (amount > this.state.cash) throw new InsufficientFundsError(`cannot cash out ${amount}: only ${this.state.cash} free`);
    if (!request.dryRun) {
      this.state.cash -= amount;
      this.state.cashouts.push({ amount, destination: request.destination });
    }
    return { txHash: `0x${'ab'.repeat(32)}`, amount, destination: request.destination, method: 'paper-transfer' };
  }

  private account(): string {
    return this.context.settings.account ?? 'paper-1';
  }

  private maybeFail() {
    const failure = this.state.failNext;
    this.state.failNext = undefined;
    if (failure === 'rate-limit') throw new RateLimitedError('429 too many requests', 2000);
    if (failure === 'unavailable') throw new ExchangeUnavailableError('503 service unavailable');
  }
}
