/**
 * PredictBaseAdapter: IExchangeAdapter over PredictBase's order-book API
 * (https://predictbase.gitbook.io/docs/developer/endpoints; every wire assumption is in wire.ts).
 * Orders are placed with a user-bound `x-api-key`; the USDC they settle in stays in the user's own wallet
 * on Base (PREDICTBASE_ADDRESS), read through BASE_RPC_URL.
 */
import { randomUUID } from 'node:crypto';
import {
  AuthenticationError,
  ConfigError,
  ExchangeUnavailableError,
  NetworkError,
  NotSupportedError,
  OutcomeUnknownError,
  RateLimitedError,
  type BetmirrorError,
} from '../../core/errors.js';
import { mulMicros, type Micros } from '../../core/money.js';
import type {
  AuthResult,
  Balance,
  CancelRequest,
  CancelResult,
  CashoutRequest,
  CashoutResult,
  InstrumentRules,
  MarketPrice,
  OpenOrder,
  OrderBook,
  OrderParams,
  OrderResult,
  Outcome,
  PermissionCheck,
  PermissionReport,
} from '../../core/types.js';
import type { AdapterContext, Capabilities, IExchangeAdapter, VenueRules } from '../adapter.js';
import type { TransportFailure } from '../http.js';
import { missingKey, PredictBaseClient, usdcBalance } from './client.js';
import { assertAddress, assertOrderId } from './ids.js';
import { checkMarketOpen, dryRunResult, instrumentFor, openOrderFrom, optionIndexOf, resultFrom, validateOrder } from './orders.js';
import { predictbaseInfo } from './settings.js';
import {
  BASE_RPC_URL,
  BASE_USDC,
  MIN_NOTIONAL,
  PATHS,
  PREDICTBASE_API_URL,
  SHARE,
  TICK,
  createOrderBody,
  parseMarket,
  parseMyOrders,
  parseOrder,
  parseOrderbook,
  tradeFee,
  type CreateOrderBody,
  type WireMarket,
  type WireOrder,
} from './wire.js';

/** The same on every PredictBase market (wire.ts: TICK, SHARE, MIN_NOTIONAL, FEE_RATE_BPS and their sources). */
export const PREDICTBASE_RULES = {
  tickSize: TICK,
  minSize: SHARE,
  minNotional: MIN_NOTIONAL,
  sizeStep: SHARE,
  takerFee: (shares: Micros, price: Micros): Micros => tradeFee(mulMicros(shares, price)),
} satisfies VenueRules;

export class PredictBaseAdapter implements IExchangeAdapter {
  readonly exchangeName = 'predictbase';
  readonly has: Capabilities = { ...predictbaseInfo.has };
  readonly baseUrl: string;
  private readonly rpcUrl: string;
  private readonly address?: string;
  private readonly apiKey?: string;
  private readonly client: PredictBaseClient;
  private readonly markets = new Map<string, Promise<WireMarket>>();

  constructor(private readonly context: AdapterContext) {
    this.baseUrl = (context.settings.apiUrl || PREDICTBASE_API_URL).replace(/\/+$/, '');
    this.rpcUrl = context.settings.rpcUrl || BASE_RPC_URL;
    this.address = context.settings.address || undefined;
    this.apiKey = context.secrets.apiKey || undefined;
    this.client = new PredictBaseClient(this.baseUrl, context.fetch, () => this.apiKey);
  }

  async initialize(): Promise<void> {
    if (this.address !== undefined) assertAddress('PREDICTBASE_ADDRESS', this.address);
  }

  private user(): string {
    if (!this.address) {
      throw new ConfigError('PREDICTBASE_ADDRESS is not set: the wallet address the API key trades for', {
        hint: 'set PREDICTBASE_ADDRESS (or `betmirror auth --exchange predictbase`)',
      });
    }
    assertAddress('PREDICTBASE_ADDRESS', this.address);
    return this.address;
  }

  /** Keys are issued by PredictBase; nothing to derive. Proves the key is accepted and names its user. */
  async authenticate(): Promise<AuthResult> {
    const listed = parseMyOrders(await this.client.call('GET', PATHS.myOrders, { auth: true, kind: 'orders' }));
    return { account: listed.userId ?? this.address ?? '', info: { userId: listed.userId } };
  }

  async validatePermissions(): Promise<PermissionReport> {
    const checks: PermissionCheck[] = [];
    const push = (name: string, ok: boolean, detail: string, severity?: 'warning') => checks.push({ name, ok, detail, ...(severity ? { severity } : {}) });
    const done = () => ({ ok: checks.every((c) => c.ok || c.severity === 'warning'), signer: this.address, funder: this.address, checks });
    if (!this.apiKey) push('api key', false, 'PREDICTBASE_API_KEY is required (a key bound to your PredictBase user)');
    if (!this.address || !/^0x[0-9a-fA-F]{40}$/.test(this.address)) push('address', false, 'PREDICTBASE_ADDRESS must be your wallet address (0x + 40 hex)');
    if (checks.length > 0) return done();
    push('address', true, `trading for ${this.address}`);
    let userId: string | undefined;
    try {
      userId = parseMyOrders(await this.client.call('GET', PATHS.myOrders, { auth: true, kind: 'orders' })).userId;
      push('api key', true, `PredictBase accepted the key (GET ${PATHS.myOrders} at ${this.baseUrl})`);
    } catch (error) {
      const hint = (error as BetmirrorError).hint;
      push('api key', false, hint ? `${(error as Error).message} (${hint})` : (error as Error).message);
      return done();
    }
    if (userId === undefined) push('key user', true, 'PredictBase did not name the key\'s user; it is checked on every order', 'warning');
    else if (userId.toLowerCase() === (this.address as string).toLowerCase()) push('key user', true, `the key belongs to ${userId}`);
    else push('key user', false, `the key belongs to ${userId}, not to PREDICTBASE_ADDRESS ${this.address}: orders would be refused (403 user mismatch)`);
    push('withdrawals', true, 'not part of PredictBase\'s API: the USDC stays in your wallet, betmirror never moves it');
    return done();
  }

  /**
   * The wallet's USDC on Base (the collateral, wire.ts D8), less what resting buys would spend if they filled:
   * ASSUMPTION (wire.ts): orders settle from the wallet, so a resting buy does not move USDC until it fills.
   */
  async fetchBalance(): Promise<Balance> {
    const user = this.user();
    const [wallet, orders] = await Promise.all([usdcBalance(this.context.fetch, this.rpcUrl, BASE_USDC, user), this.myOrders()]);
    const reserved = orders
      .filter((o) => o.side === 'buy')
      .reduce((sum, o) => sum + mulMicros(o.qty - o.filledQty, o.price), 0n);
    return { cash: wallet > reserved ? wallet - reserved : 0n, reserved, currency: 'USDC', account: user, info: { wallet: wallet.toString() } };
  }

  /** Get Market Orderbook (read-markets page): one option's BUY orders are its bids, its SELL orders its asks. */
  async fetchOrderBook(market: string, outcome?: Outcome): Promise<OrderBook> {
    const instrument = instrumentFor(market, outcome);
    const optionIndex = optionIndexOf(instrument, await this.market(instrument.marketId));
    const data = await this.client.call('GET', PATHS.orderbook(instrument.marketId), { auth: false, kind: 'market' });
    const book = parseOrderbook(data, optionIndex);
    return { market, ...(outcome ? { outcome } : {}), bids: book.bids, asks: book.asks, tickSize: TICK, minOrderSize: SHARE, info: data };
  }

  async getMarketPrice(market: string, outcome?: Outcome): Promise<MarketPrice> {
    const book = await this.fetchOrderBook(market, outcome);
    const bid = book.bids[0]?.price;
    const ask = book.asks[0]?.price;
    const mid = bid !== undefined && ask !== undefined ? (bid + ask) / 2n : undefined;
    return { market, ...(outcome ? { outcome } : {}), bid, ask, mid, info: book.info };
  }

  /** Tick, minimums and state of one option's market (wire.ts TICK, SHARE, MIN_NOTIONAL, tradeFee). */
  async fetchInstrumentRules(market: string, outcome?: Outcome): Promise<InstrumentRules> {
    const instrument = instrumentFor(market, outcome);
    const wire = await this.market(instrument.marketId, true);
    optionIndexOf(instrument, wire);
    return {
      market: wire.id,
      ...(wire.question ? { title: wire.question } : {}),
      active: wire.status === 0,
      closed: wire.status !== 0,
      // Every PredictBase market trades on the same grid (no per-market rules in the API: wire.ts).
      ...PREDICTBASE_RULES,
    };
  }

  /**
   * Create a new Order (https://predictbase.gitbook.io/docs/developer/endpoints/place-and-manage-orders).
   * Checked first (orders.ts), then the market (open, option exists); a refusal sends nothing. A FAK is a
   * LIMIT GTC at the cap whose rest is cancelled at once. A lost answer is never sent again (PredictBase
   * promises no deduplication): the open orders are searched for its client order id, else OutcomeUnknownError.
   */
  async createOrder(params: OrderParams): Promise<OrderResult> {
    const instrument = validateOrder(params);
    const user = params.dryRun ? (this.address ?? '0x0000000000000000000000000000000000000000') : this.user();
    if (!params.dryRun && !this.apiKey) throw missingKey();
    const market = await this.market(instrument.marketId);
    checkMarketOpen(market);
    const body = createOrderBody({
      side: params.side,
      marketId: market.id,
      optionIndex: optionIndexOf(instrument, market),
      size: params.size,
      price: params.price,
      userId: user,
      clientOrderId: params.clientOrderId ?? `bm-${randomUUID()}`,
      nowMs: this.context.clock.now(),
    });
    if (params.dryRun) return dryRunResult(params, body);
    let placed: WireOrder;
    try {
      placed = parseOrder(await this.client.call('POST', PATHS.createOrder, { auth: true, kind: 'create', body }));
    } catch (error) {
      if (!outcomeUnknown(error)) throw error;
      placed = await this.recover(body, error as BetmirrorError);
    }
    if (params.type === 'FAK' && (placed.status === 'OPEN' || placed.status === 'PARTIALLY_FILLED') && placed.filledQty < placed.qty) {
      placed = await this.cancelRest(body, placed);
    }
    return resultFrom(params, body, placed);
  }

  /** After a lost create answer: the order, if it rests, is among the open orders under its client order id. */
  private async recover(body: CreateOrderBody, first: BetmirrorError): Promise<WireOrder> {
    const id = body.meta.clientOrderId;
    let found: WireOrder | undefined;
    let lookup = '';
    try {
      found = (await this.myOrders()).find((order) => order.clientOrderId === id);
      lookup = 'it is not among the open orders (it may have filled completely, or never arrived)';
    } catch (error) {
      lookup = `the open orders could not be read either (${(error as Error).message})`;
    }
    if (found) return found;
    throw new OutcomeUnknownError(
      `PredictBase may or may not have placed the order with client order id ${id} on market ${body.order.marketId}: ` +
        `the request was sent but its answer was lost (${first.message}), and ${lookup}`,
      {
        hint: `look for client order id ${id} in your PredictBase orders and trades before trading again; do not simply repeat the order`,
        info: { clientOrderId: id, request: body, first: first.info },
        cause: first,
      },
    );
  }

  /** A FAK's unfilled rest is cancelled; if that fails the rest may still rest, which the caller must know. */
  private async cancelRest(body: CreateOrderBody, placed: WireOrder): Promise<WireOrder> {
    try {
      return parseOrder(await this.client.call('POST', PATHS.cancelOrder, { auth: true, kind: 'cancel', body: { orderId: placed.orderId } }));
    } catch (error) {
      throw new OutcomeUnknownError(
        `PredictBase order ${placed.orderId} (client order id ${body.meta.clientOrderId}) filled ${placed.filledQty / SHARE} of ${placed.qty / SHARE} shares, ` +
          `but cancelling the rest failed (${(error as Error).message}): it may still rest on the book`,
        { hint: `run \`betmirror cancel --exchange predictbase --order-id ${placed.orderId}\``, info: { order: placed.info }, cause: error },
      );
    }
  }

  /**
   * Cancel an Order (same page). One request per order; a refusal (404, 403 user mismatch, 400 not
   * cancelable, 409 filled concurrently) is recorded in notCancelled and the rest still go out. Only a key
   * refused before anything was cancelled is thrown: every other cancel would fail the same way.
   */
  async cancelOrder(request: CancelRequest): Promise<CancelResult> {
    if (!request.all) request.orderIds.forEach((id) => assertOrderId(id));
    const ids = request.all ? (await this.myOrders()).map((order) => order.orderId) : request.orderIds;
    const result: CancelResult = { cancelled: [], notCancelled: {}, info: [] as unknown[] };
    for (const orderId of ids) {
      try {
        const answer = await this.client.call('POST', PATHS.cancelOrder, { auth: true, kind: 'cancel', body: { orderId } });
        result.cancelled.push(orderId);
        (result.info as unknown[]).push(answer);
      } catch (error) {
        if (error instanceof AuthenticationError && result.cancelled.length === 0) throw error;
        result.notCancelled[orderId] = (error as Error).message;
      }
    }
    return result;
  }

  cashout(_request: CashoutRequest): Promise<CashoutResult> {
    return Promise.reject(
      new NotSupportedError(
        "PredictBase's API offers no withdrawal: the USDC is in your own wallet (PREDICTBASE_ADDRESS) on Base, which betmirror holds no key for",
        { hint: 'move the USDC with that wallet (the one you connected to predictbase.app)' },
      ),
    );
  }

  /** View your Orders (same page): the key's active orders, optionally of one market (`<id>` or `<id>:<option>`). */
  async fetchOpenOrders(market?: string): Promise<OpenOrder[]> {
    const marketId = market?.split(':')[0];
    return (await this.myOrders()).filter((o) => marketId === undefined || o.marketId === marketId).map(openOrderFrom);
  }

  private async myOrders(): Promise<WireOrder[]> {
    return parseMyOrders(await this.client.call('GET', PATHS.myOrders, { auth: true, kind: 'orders' })).orders;
  }

  /** Get Market, once per id for the adapter's life (a market's options never change); `fresh` re-reads its status. */
  private market(id: string, fresh = false): Promise<WireMarket> {
    let pending = fresh ? undefined : this.markets.get(id);
    if (!pending) {
      pending = this.client.call('GET', PATHS.market(id), { auth: false, kind: 'market' }).then(parseMarket);
      this.markets.set(id, pending);
      pending.catch(() => this.markets.delete(id));
    }
    return pending;
  }
}

/**
 * Whether PredictBase may have acted on a create that failed: anything sent and unanswered, or a
 * 500/502/504. 429 and 503 refuse the request before handling it; 4xx are answers. PredictBase documents
 * none of these for create-order (VENUES.md 4 lists only cancel's codes): this is HTTP's meaning,
 * RFC 6585 section 4 (429: "too many requests", not handled) and RFC 9110 section 15.6.4 (503: "unable to
 * handle the request"). ASSUMPTION: its edge does not answer 503 after passing the order on.
 */
function outcomeUnknown(error: unknown): boolean {
  if (error instanceof RateLimitedError) return false;
  if (error instanceof ExchangeUnavailableError) return (error.info as { status?: number } | undefined)?.status !== 503;
  if (error instanceof NetworkError) return (error.info as TransportFailure | undefined)?.sent !== false;
  return false;
}
