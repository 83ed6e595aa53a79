/**
 * A protocol-faithful local Kalshi (Trade API v2) on 127.0.0.1 for tests and demos.
 *
 *   const kalshi = await startKalshiSandbox();
 *   kalshi.registerKey('key-1', publicKeyPem);          // like uploading a key in Kalshi's web app
 *   kalshi.fund('key-1', 100_00);                        // $100.00 in cents
 *   kalshi.addMarket({ ticker: 'KXTEST-26-T1', yesBids: [['0.40', '100']], noBids: [['0.55', '50']] });
 *   // adapter with apiUrl = kalshi.url ...
 *   await kalshi.close();
 *
 * Every /portfolio call must be signed exactly as Kalshi checks it (auth.ts); market data is public.
 * Orders follow the V2 endpoint (exchange.ts): limit GTC rests, IOC fills what crosses and cancels the
 * rest, FOK fills completely or answers 409 fill_or_kill_insufficient_resting_volume, the price is a cap,
 * a repeated client_order_id returns the first order without trading again, reduce_only caps an IOC at
 * the position it closes, and every fill is charged Kalshi's fee in cash (fees.ts: taker 0.07 x C x P x
 * (1-P) by default, per market `fees`). `yesBids`/`noBids` are resting quotes of a house market maker.
 * Markets carry a lifecycle `status` (only `active` takes orders) and `fractional_trading_enabled`
 * (otherwise whole contracts only). An unknown ticker is 404 `market_not_found` ("market not found", the
 * body public Kalshi clients record from the order endpoint) on every market path and on orders.
 * Choices where Kalshi's docs are silent (assumptions): a cancel of an unknown or finished order is 404
 * `not_found`; a read-only key gets 403 `forbidden` on order endpoints; an order on a market that is not
 * active is 400 `market_closed`; a fractional count where fractions are off is 400 `invalid_order`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toMicros } from '../../../src/core/money.js';
import { systemClock, type Clock } from '../../../src/core/runtime.js';
import { KeyRing, authenticate, type RegisteredKey } from './auth.js';
import { KalshiExchange, type Market, type MarketStatus } from './exchange.js';
import { CENT, CENTICENT, DEFAULT_FEE_RATES } from './fees.js';
import { KalshiHttpError, fixedCount } from './format.js';
import { balanceView, fillView, marketView, orderView, orderbookView, positionsView } from './views.js';

export const API_PREFIX = '/trade-api/v2';

export interface KalshiSandboxOptions {
  port?: number;
  /** Server clock: checks signature timestamps and fills the Date header. */
  clock?: Clock;
  /** Accepted |timestamp - server time|; Kalshi does not publish its window, 5 s by default. */
  maxSkewMs?: number;
  /**
   * What fills round balances to (https://docs.kalshi.com/getting_started/fee_rounding): 'cent' ($0.01,
   * non-direct members; the default, which makes fees the fee schedule's "round up to the next cent")
   * or 'centicent' ($0.0001, direct members).
   */
  balancePrecision?: 'cent' | 'centicent';
}

export interface SandboxMarketOptions {
  ticker: string;
  title?: string;
  priceLevelStructure?: 'linear_cent' | 'deci_cent' | 'tapered_deci_cent';
  /** Market-maker YES bids: [price dollars, count]. */
  yesBids?: Array<[string, string]>;
  /** Market-maker NO bids: [NO price dollars, count] (each is a YES ask at 1 - price). */
  noBids?: Array<[string, string]>;
  /**
   * Fee rates as dollar multipliers of C x P x (1-P). Default taker "0.07", maker "0" (a `quadratic`
   * series); `quadratic_with_maker_fees` series charge makers "0.0175"; "0" makes the market fee-free.
   */
  fees?: { taker?: string; maker?: string };
  /** Lifecycle status; default `active` (open for trading). */
  status?: MarketStatus;
  /** `fractional_trading_enabled`; default false (whole contracts only, as most Kalshi markets). */
  fractionalTrading?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** As received, query string included. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface InjectedFailure {
  /** The HTTP status to answer; ignored with `drop`. */
  status?: number;
  /**
   * Destroy the connection instead of answering: 'before' serving the request (nothing happens), or
   * 'after' serving it (the order is placed, the answer is lost), the two faces of a dropped connection.
   */
  drop?: 'before' | 'after';
  body?: unknown;
  headers?: Record<string, string>;
  /** Only requests whose path (without query) ends with this; any request when absent. */
  pathEndsWith?: string;
}

export interface KalshiSandbox {
  /** Base URL ending with /trade-api/v2: the adapter's apiUrl. */
  url: string;
  registerKey(keyId: string, publicKeyPem: string, options?: { user?: string; readOnly?: boolean }): void;
  fund(keyId: string, cents: number): void;
  addMarket(options: SandboxMarketOptions): void;
  /** Moves a market through its lifecycle (e.g. `closed` after its close time). */
  setMarketStatus(ticker: string, status: MarketStatus): void;
  /** More market-maker liquidity on one outcome's bid. */
  quote(ticker: string, outcome: 'yes' | 'no', price: string, count: string): void;
  /** Answers the next matching request with this failure instead of serving it. */
  failNext(failure: InjectedFailure): void;
  balanceCents(keyId: string): number;
  /** Exact cash in USD micro-units (a direct member's balance has $0.0001 steps). */
  cash(keyId: string): bigint;
  /** Signed position as Kalshi reports it ("5.00" YES, "-5.00" NO). */
  position(keyId: string, ticker: string): string;
  markets: ReadonlyMap<string, Market>;
  exchange: KalshiExchange;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startKalshiSandbox(options: KalshiSandboxOptions = {}): Promise<KalshiSandbox> {
  const clock = options.clock ?? systemClock;
  const maxSkewMs = options.maxSkewMs ?? 5_000;
  const keys = new KeyRing();
  const exchange = new KalshiExchange(() => clock.now(), options.balancePrecision === 'centicent' ? CENTICENT : CENT);
  const requests: RecordedRequest[] = [];
  const failures: InjectedFailure[] = [];
  const userOf = (keyId: string) => keys.get(keyId)?.user ?? keyId;

  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // kept as text; the route answers 400
      }
      const rawUrl = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path: rawUrl, headers, body });
      const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', date: new Date(clock.now()).toUTCString(), ...extra });
        res.end(JSON.stringify(payload));
      };
      const path = rawUrl.split('?')[0] ?? '/';
      const failure = failures.findIndex((f) => !f.pathEndsWith || path.endsWith(f.pathEndsWith));
      const injected = failure === -1 ? undefined : failures.splice(failure, 1)[0]!;
      if (injected?.drop === 'before') return void res.socket?.destroy();
      if (injected && !injected.drop) {
        const status = injected.status ?? 500;
        return send(status, injected.body ?? { error: { code: 'injected', message: `injected HTTP ${status}` } }, injected.headers);
      }
      try {
        const [status, payload] = route(req.method ?? 'GET', rawUrl, req.headers, body);
        if (injected?.drop === 'after') return void res.socket?.destroy();
        send(status, payload);
      } catch (error) {
        if (injected?.drop === 'after') return void res.socket?.destroy();
        if (error instanceof KalshiHttpError) send(error.status, error.body());
        else send(500, { error: { code: 'internal_error', message: (error as Error).message, service: 'exchange' } });
      }
    });
  });

  function route(method: string, rawUrl: string, headers: IncomingMessage['headers'], body: unknown): [number, unknown] {
    const url = new URL(rawUrl, 'http://sandbox');
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) throw new KalshiHttpError(404, 'not_found', 'not found');
    const parts = url.pathname.slice(API_PREFIX.length + 1).split('/').map(decodeURIComponent);
    const at = (i: number) => parts[i] ?? '';
    const query = url.searchParams;

    if (method === 'GET' && parts.length === 2 && at(0) === 'exchange' && at(1) === 'status') {
      return [200, { exchange_active: true, trading_active: true }];
    }
    if (method === 'GET' && at(0) === 'markets' && parts.length === 2) return [200, marketView(exchange.market(at(1)))];
    if (method === 'GET' && at(0) === 'markets' && parts.length === 3 && at(2) === 'orderbook') {
      return [200, orderbookView(exchange.market(at(1)), Number(query.get('depth') ?? 0))];
    }
    if (at(0) !== 'portfolio') throw new KalshiHttpError(404, 'not_found', 'not found');

    const key: RegisteredKey = authenticate(keys, method, rawUrl, headers, clock.now(), maxSkewMs);
    const user = key.user;
    const account = exchange.account(user);
    const write = method === 'POST' || method === 'DELETE';
    if (write && key.readOnly) throw new KalshiHttpError(403, 'forbidden', 'this API key is read-only');

    if (method === 'GET' && parts.length === 2 && at(1) === 'balance') return [200, balanceView(account, clock.now())];
    if (method === 'GET' && parts.length === 2 && at(1) === 'positions') {
      const resting = new Map<string, number>();
      for (const o of exchange.orders.values()) if (o.user === user && o.status === 'resting') resting.set(o.ticker, (resting.get(o.ticker) ?? 0) + 1);
      const rows = positionsView(account, resting).filter((p) => !query.get('ticker') || (p as { ticker: string }).ticker === query.get('ticker'));
      return [200, { ...paginate('market_positions', rows, query), event_positions: [] }];
    }
    if (method === 'GET' && parts.length === 2 && at(1) === 'fills') {
      const fills = exchange.fills
        .filter((f) => f.user === user && (!query.get('ticker') || f.ticker === query.get('ticker')) && (!query.get('order_id') || f.order_id === query.get('order_id')))
        .reverse()
        .map(fillView);
      return [200, paginate('fills', fills, query)];
    }
    if (method === 'GET' && at(1) === 'orders' && parts.length === 2) {
      for (const m of exchange.markets.values()) exchange.market(m.ticker); // expire due GTD orders
      const orders = [...exchange.orders.values()]
        .filter((o) => o.user === user && (!query.get('status') || o.status === query.get('status')) && (!query.get('ticker') || o.ticker === query.get('ticker')))
        .reverse()
        .map(orderView);
      return [200, paginate('orders', orders, query)];
    }
    if (method === 'GET' && at(1) === 'orders' && parts.length === 3) {
      const order = exchange.orders.get(at(2));
      if (!order || order.user !== user) throw new KalshiHttpError(404, 'not_found', 'order not found');
      exchange.market(order.ticker);
      return [200, { order: orderView(order) }];
    }
    // The legacy create-order endpoint (deprecated from May 2026): production answers it with a 2xx that
    // carries an error object and places nothing (VENUES 3).
    if (method === 'POST' && parts.length === 2 && at(1) === 'orders') {
      return [200, { error: { code: 'deprecated_v1_order_endpoint', message: 'this endpoint is deprecated: use POST /portfolio/events/orders', service: 'exchange' } }];
    }
    if (at(1) === 'events' && at(2) === 'orders') {
      if (method === 'POST' && parts.length === 3) {
        if (!body || typeof body !== 'object') throw new KalshiHttpError(400, 'invalid_parameters', 'body must be a JSON object');
        return [201, exchange.place(user, body as Record<string, unknown>)];
      }
      if (method === 'DELETE' && parts.length === 4) return [200, exchange.cancel(user, at(3))];
    }
    throw new KalshiHttpError(404, 'not_found', 'not found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${API_PREFIX}`,
    registerKey: (keyId, publicKeyPem, keyOptions) => void keys.register(keyId, publicKeyPem, keyOptions),
    fund: (keyId, cents) => {
      exchange.account(userOf(keyId)).cash += BigInt(cents) * 10_000n;
    },
    addMarket: (market) => {
      exchange.addMarket(
        market.ticker,
        market.title ?? market.ticker,
        market.priceLevelStructure ?? 'linear_cent',
        {
          taker: market.fees?.taker !== undefined ? toMicros(market.fees.taker) : DEFAULT_FEE_RATES.taker,
          maker: market.fees?.maker !== undefined ? toMicros(market.fees.maker) : DEFAULT_FEE_RATES.maker,
        },
        { status: market.status, fractionalTrading: market.fractionalTrading },
      );
      for (const [price, count] of market.yesBids ?? []) exchange.quote(market.ticker, 'yes', toMicros(price), toMicros(count));
      for (const [price, count] of market.noBids ?? []) exchange.quote(market.ticker, 'no', toMicros(price), toMicros(count));
    },
    setMarketStatus: (ticker, status) => {
      exchange.market(ticker).status = status;
    },
    quote: (ticker, outcome, price, count) => exchange.quote(ticker, outcome, toMicros(price), toMicros(count)),
    failNext: (failure) => void failures.push(failure),
    balanceCents: (keyId) => Number(exchange.account(userOf(keyId)).cash / 10_000n),
    cash: (keyId) => exchange.account(userOf(keyId)).cash,
    position: (keyId, ticker) => fixedCount(exchange.account(userOf(keyId)).positions.get(ticker)?.position ?? 0n),
    markets: exchange.markets,
    exchange,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

/** Kalshi's cursor pagination: `limit` (1-1000, default 100) and an opaque `cursor`; empty when done. */
function paginate(field: string, rows: unknown[], query: URLSearchParams): Record<string, unknown> {
  const limit = Math.min(Math.max(Number(query.get('limit') ?? 100) || 100, 1), 1000);
  const offset = Number(Buffer.from(query.get('cursor') ?? '', 'base64url').toString() || 0) || 0;
  const page = rows.slice(offset, offset + limit);
  const next = offset + limit < rows.length ? Buffer.from(String(offset + limit)).toString('base64url') : '';
  return { [field]: page, cursor: next };
}

