/**
 * KalshiAdapter: IExchangeAdapter over Kalshi's Trade API v2 (https://docs.kalshi.com/api-reference).
 * Money arrives in cents (balance) or dollar strings and leaves as bigint micro-units.
 */
import type { KeyObject } from 'node:crypto';
import {
  AuthenticationError,
  ConfigError,
  InvalidOrderError,
  NotSupportedError,
  OrderNotFoundError,
  RateLimitedError,
  type BetmirrorError,
} from '../../core/errors.js';
import type { Micros } from '../../core/money.js';
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
  Position,
} from '../../core/types.js';
import type { AdapterContext, Capabilities, IExchangeAdapter } from '../adapter.js';
import { PRIVATE_KEY_SOURCES, loadPrivateKey } from './auth.js';
import { KalshiClient, missingCredentials, type KalshiCredentials } from './client.js';
import { readErrorBody } from './errors.js';
import { assertOrderId, assertTicker } from './ids.js';
import { MarketCache, checkOrderAgainstMarket, foundMarket } from './market.js';
import { kalshiRules } from './rules.js';
import {
  FOK_KILLED_CODE,
  buildOrderBody,
  createResult,
  openOrderFrom,
  orderResultFrom,
  unfilledResult,
  validateOrder,
  type KalshiOrder,
} from './orders.js';
import { KALSHI_URLS, kalshiInfo, type KalshiEnv } from './settings.js';
import { submitOrder } from './submit.js';
import { centsToMicros, FEE_EXACT_BELOW, outcomeBook, parseFixed, parseOrderbook } from './wire.js';

/**
 * Kalshi does not publish how far KALSHI-ACCESS-TIMESTAMP may drift. 5 s is the usual exchange window
 * (e.g. Binance's default recvWindow); the Date header only has 1 s resolution and half a round trip of
 * uncertainty on top, so skew is flagged at 3 s: early enough to fix the clock before signatures fail.
 */
export const MAX_CLOCK_SKEW_MS = 3_000;

/** Kalshi documents no Retry-After; one second is a full window of its per-second write limit. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

/** An order id no order can have, for the read-only probe in validatePermissions. */
const PROBE_ORDER_ID = '00000000-0000-4000-8000-000000000000';

export class KalshiAdapter implements IExchangeAdapter {
  readonly exchangeName = 'kalshi';
  readonly has: Capabilities = { ...kalshiInfo.has };

  readonly env: KalshiEnv;
  readonly baseUrl: string;
  private readonly keyId?: string;
  private readonly pem?: string;
  private key?: KeyObject;
  private readonly client: KalshiClient;
  private readonly markets: MarketCache;

  constructor(private readonly context: AdapterContext) {
    const env = context.settings.env ?? 'prod';
    if (env !== 'prod' && env !== 'demo') {
      throw new ConfigError(`unknown Kalshi environment "${env}"; use prod or demo`);
    }
    this.env = env;
    this.baseUrl = (context.settings.apiUrl || KALSHI_URLS[env]).replace(/\/+$/, '');
    this.keyId = context.settings.apiKeyId || undefined;
    this.pem = context.secrets.privateKeyPem || undefined;
    this.client = new KalshiClient(this.baseUrl, context.fetch, context.clock, () => this.credentials());
    this.markets = new MarketCache(this.client);
  }

  private credentials(): KalshiCredentials | undefined {
    if (!this.keyId || !this.pem) return undefined;
    this.key ??= loadPrivateKey(this.pem);
    return { keyId: this.keyId, key: this.key };
  }

  async initialize(): Promise<void> {
    this.credentials();
  }

  /** Kalshi API keys are created in the web app; there is nothing to derive. Proves the key works. */
  async authenticate(): Promise<AuthResult> {
    const response = await this.client.call('GET', '/portfolio/balance', { auth: true, kind: 'account' });
    return { account: this.keyId ?? '', info: response.data };
  }

  async validatePermissions(): Promise<PermissionReport> {
    const checks: PermissionCheck[] = [];
    const push = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
    try {
      const credentials = this.credentials();
      if (!credentials) {
        push('credentials', false, `KALSHI_API_KEY_ID and a private key (${PRIVATE_KEY_SOURCES}) are required`);
        return { ok: false, checks };
      }
      const bits = credentials.key.asymmetricKeyDetails?.modulusLength;
      push('credentials', true, `key id ${credentials.keyId}, RSA ${bits ?? '?'}-bit private key, ${this.env} at ${this.baseUrl}`);
    } catch (error) {
      const hint = (error as BetmirrorError).hint;
      push('credentials', false, hint ? `${(error as Error).message} (${hint})` : (error as Error).message);
      return { ok: false, checks };
    }

    try {
      const response = await this.client.call('GET', '/portfolio/balance', { auth: true, kind: 'account' });
      push('signed request', true, `Kalshi accepted a signed GET /portfolio/balance (${this.env})`);
      if (response.serverDateMs === undefined) {
        push('clock', true, 'the server sent no Date header; clock skew unknown');
      } else {
        // Date has 1 s resolution: the server time lies in [Date, Date + 1 s), so take the middle.
        const skew = response.serverDateMs + 500 - (response.sentAtMs + response.receivedAtMs) / 2;
        const ok = Math.abs(skew) <= MAX_CLOCK_SKEW_MS;
        const direction = skew >= 0 ? 'behind' : 'ahead of';
        push(
          'clock',
          ok,
          `local clock is about ${Math.abs(Math.round(skew))} ms ${direction} Kalshi's` +
            (ok ? '' : `; above ${MAX_CLOCK_SKEW_MS} ms signatures start being refused: sync the clock (NTP)`),
        );
      }
    } catch (error) {
      const hint = (error as BetmirrorError).hint;
      push('signed request', false, hint ? `${(error as Error).message} (${hint})` : (error as Error).message);
      return { ok: false, checks };
    }

    // A read-only key can read but not trade. Cancelling an order id that cannot exist is harmless and
    // tells the two apart: a trading key gets "not found", a read-only key is refused (401/403).
    try {
      await this.client.call('DELETE', `/portfolio/events/orders/${PROBE_ORDER_ID}`, { auth: true, kind: 'order-lookup' });
      push('trade permission', true, 'the key may place and cancel orders');
    } catch (error) {
      if (error instanceof AuthenticationError) push('trade permission', false, `the key cannot trade: ${error.message}`);
      else if (error instanceof OrderNotFoundError) push('trade permission', true, 'the key may place and cancel orders');
      else push('trade permission', true, `not refused (probe answered: ${(error as Error).message})`);
    }
    push('withdrawals', true, "not part of Kalshi's API: betmirror never moves funds on Kalshi (withdraw in the Kalshi web app)");
    return { ok: checks.every((check) => check.ok), checks };
  }

  /**
   * Get Balance (https://docs.kalshi.com/api-reference/portfolio): `balance_dollars` first, since a direct
   * member's balance moves in $0.0001 steps (getting_started/fee_rounding) that `balance` (cents) cannot carry.
   */
  async fetchBalance(): Promise<Balance> {
    const { data } = await this.client.call<Record<string, unknown>>('GET', '/portfolio/balance', { auth: true, kind: 'account' });
    const cash = typeof data.balance_dollars === 'string' ? parseFixed(data.balance_dollars) : centsToMicros(data.balance);
    return {
      cash,
      positionsValue: data.portfolio_value !== undefined ? centsToMicros(data.portfolio_value) : undefined,
      currency: 'USD',
      info: data,
    };
  }

  /** Get Market Orderbook (https://docs.kalshi.com/getting_started/orderbook_responses): bids only, asks derived. */
  async fetchOrderBook(market: string, outcome: Outcome = 'yes'): Promise<OrderBook> {
    assertTicker(market);
    const { data } = await this.client.call('GET', `/markets/${encodeURIComponent(market)}/orderbook`, { auth: false, kind: 'market' });
    const book = outcomeBook(parseOrderbook(data), outcome);
    return { market, outcome, bids: book.bids, asks: book.asks, info: data };
  }

  async getMarketPrice(market: string, outcome: Outcome = 'yes'): Promise<MarketPrice> {
    const book = await this.fetchOrderBook(market, outcome);
    const bid = book.bids[0]?.price;
    const ask = book.asks[0]?.price;
    const mid = bid !== undefined && ask !== undefined ? (bid + ask) / 2n : undefined;
    return { market, outcome, bid, ask, mid, info: book.info };
  }

  /**
   * Status, price grid, contract step and taker fee of a market (rules.ts), read afresh: the answer
   * also replaces the one later orders are checked against. https://docs.kalshi.com/api-reference/market/get-market
   */
  async fetchInstrumentRules(market: string): Promise<InstrumentRules> {
    assertTicker(market);
    return kalshiRules(foundMarket(await this.markets.refresh(market)));
  }

  /**
   * https://docs.kalshi.com/api-reference/orders/create-order-v2 (mapping in wire.ts). Every value is
   * checked first (orders.ts), then the market (market.ts: one Get Market per ticker per adapter, dry
   * runs included); a refusal sends no order. A lost answer is repeated once with the same
   * client_order_id, then OutcomeUnknownError (submit.ts). The result carries the client_order_id used.
   */
  async createOrder(params: OrderParams): Promise<OrderResult> {
    validateOrder(params, this.context.clock.now());
    // A key that cannot sign fails here, before the market look-up: nothing reaches Kalshi.
    if (!params.dryRun && !this.credentials()) throw missingCredentials();
    checkOrderAgainstMarket(params, await this.markets.get(params.market));
    const body = buildOrderBody(params);
    if (params.dryRun) return unfilledResult(params, body, 'dry_run');
    try {
      return await this.withExactFee(createResult(params, body, await submitOrder(this.client, this.context.clock, body)));
    } catch (error) {
      const info = (error as BetmirrorError).info as { body?: unknown } | undefined;
      if (error instanceof InvalidOrderError && readErrorBody(info?.body).code === FOK_KILLED_CODE) {
        return unfilledResult(params, body, 'cancelled', info);
      }
      throw error;
    }
  }

  /**
   * The create answer's per-contract fee average is exact only for small fills (wire.ts feePaid): for
   * larger ones the order resource gives the exact total. If it cannot be read, the estimate stands
   * (within $0.0001 per 200 contracts) and the mirror's balance sync settles the rest.
   */
  private async withExactFee(result: OrderResult): Promise<OrderResult> {
    if (!result.fee || result.filledSize < FEE_EXACT_BELOW) return result;
    try {
      const order = await this.fetchOrder(result.orderId);
      return order.fee ? { ...result, fee: order.fee } : result;
    } catch {
      return result;
    }
  }

  /**
   * Cancel Order V2 (https://docs.kalshi.com/api-reference/orders): one DELETE per order; `all` lists the
   * resting orders first. A failed cancel is recorded in notCancelled and the rest still go out: stopping
   * would throw away what was already cancelled. A 429 waits its Retry-After (once per order) and retries.
   * Only a key refused before anything was cancelled is thrown: every other cancel would fail the same way.
   */
  async cancelOrder(request: CancelRequest): Promise<CancelResult> {
    // Every id is checked before the first DELETE: a malformed one must not leave the others half done.
    if (!request.all) request.orderIds.forEach((id) => assertOrderId(id));
    const ids = request.all ? (await this.fetchOpenOrders()).map((order) => order.orderId) : request.orderIds;
    const result: CancelResult = { cancelled: [], notCancelled: {}, info: [] as unknown[] };
    for (const id of ids) {
      try {
        const data = await this.cancelOne(id);
        result.cancelled.push(id);
        (result.info as unknown[]).push(data);
      } catch (error) {
        if (error instanceof AuthenticationError && result.cancelled.length === 0) throw error;
        result.notCancelled[id] = (error as Error).message;
      }
    }
    return result;
  }

  private async cancelOne(id: string): Promise<unknown> {
    const cancel = async () =>
      (await this.client.call('DELETE', `/portfolio/events/orders/${encodeURIComponent(id)}`, { auth: true, kind: 'order-lookup' })).data;
    try {
      return await cancel();
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      await this.context.clock.sleep(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS);
      return await cancel();
    }
  }

  cashout(_request: CashoutRequest): Promise<CashoutResult> {
    return Promise.reject(
      new NotSupportedError("Kalshi's API offers no withdrawal: betmirror cannot cash out from Kalshi", {
        hint: 'withdraw in the Kalshi web app (kalshi.com > Account > Withdraw)',
      }),
    );
  }

  /** Get Positions (https://docs.kalshi.com/api-reference/portfolio): `position_fp` > 0 is YES, < 0 is NO. */
  async fetchPositions(): Promise<Position[]> {
    const rows = await this.pages<Record<string, unknown>>('/portfolio/positions', 'market_positions', {});
    const positions: Position[] = [];
    for (const row of rows) {
      const signed = row.position_fp !== undefined ? parseFixed(row.position_fp) : parseFixed(row.position);
      if (signed === 0n) continue;
      positions.push({
        market: String(row.ticker),
        outcome: signed > 0n ? 'yes' : 'no',
        size: signed > 0n ? signed : -signed,
        currentValue: row.market_exposure_dollars !== undefined ? parseFixed(row.market_exposure_dollars) : undefined,
        info: row,
      });
    }
    return positions;
  }

  /**
   * Contracts of one outcome held now, from Get Positions (https://docs.kalshi.com/api-reference/portfolio/get-positions)
   * filtered by ticker: `position_fp` is signed, positive YES and negative NO, so YES holds max(p, 0) and
   * NO max(-p, 0). No row for the ticker holds nothing.
   */
  async fetchHolding(market: string, outcome: Outcome = 'yes'): Promise<Micros> {
    assertTicker(market);
    const rows = await this.pages<Record<string, unknown>>('/portfolio/positions', 'market_positions', { ticker: market });
    const signed = rows
      .filter((row) => row.ticker === market)
      .reduce((sum, row) => sum + (row.position_fp !== undefined ? parseFixed(row.position_fp) : parseFixed(row.position)), 0n);
    const held = outcome === 'yes' ? signed : -signed;
    return held > 0n ? held : 0n;
  }

  /** Get Orders with status=resting (https://docs.kalshi.com/api-reference/orders). */
  async fetchOpenOrders(market?: string): Promise<OpenOrder[]> {
    if (market !== undefined) assertTicker(market);
    const orders = await this.pages<KalshiOrder>('/portfolio/orders', 'orders', { status: 'resting', ticker: market });
    return orders.map(openOrderFrom);
  }

  /** Get Order (https://docs.kalshi.com/api-reference/orders); OrderNotFoundError on 404. */
  async fetchOrder(orderId: string): Promise<OrderResult> {
    assertOrderId(orderId);
    const { data } = await this.client.call<{ order: KalshiOrder }>('GET', `/portfolio/orders/${encodeURIComponent(orderId)}`, {
      auth: true,
      kind: 'order-lookup',
    });
    return orderResultFrom(data.order);
  }

  /** Cursor pagination: `cursor` comes back until the last page. */
  private async pages<T>(path: string, field: string, query: Record<string, string | undefined>): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const { data } = await this.client.call<Record<string, unknown>>('GET', path, {
        auth: true,
        kind: 'account',
        query: { ...query, limit: '200', cursor },
      });
      all.push(...((data[field] as T[] | undefined) ?? []));
      cursor = typeof data.cursor === 'string' && data.cursor ? data.cursor : undefined;
      if (!cursor) break;
    }
    return all;
  }
}
