/**
 * A local PredictBase on 127.0.0.1 for tests and demos, faithful to the public developer pages
 * (https://predictbase.gitbook.io/docs/developer/endpoints) and, where they are silent, to the assumptions
 * written in src/exchanges/predictbase/wire.ts (same paths and shapes: one place to correct both).
 *
 *   const pb = await startPredictBaseSandbox();
 *   pb.registerKey('pb-key-1', '0xabc...');               // a key bound to one user
 *   pb.fund('0xabc...', 100_000_000n);                     // 100 USDC in the wallet on "Base"
 *   pb.addMarket({ id: '10744', optionTitles: ['Yes', 'No'], book: [{ side: 'SELL', optionIndex: 0, price: '0.42', qty: '100' }] });
 *   // adapter with apiUrl = pb.url, rpcUrl = pb.rpcUrl ...
 *
 * Documented behaviour: public market reads (get_active_markets with best asks per option as USDC 1e6
 * strings, status 0/1/2); `x-api-key` on every order call, the user resolved from the key and checked
 * against `userId` (403 user mismatch); cancel answers 404 not found, 403 user mismatch, 400 not
 * cancelable; prices are dollars in the create body. A 409 (filled or updated concurrently) and a 500
 * cannot arise in a single-threaded book: tests inject them with failNext. `rpcUrl` answers the two
 * JSON-RPC calls betmirror makes on Base (eth_chainId, eth_call balanceOf on USDC).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MICRO, toMicros, type Micros } from '../../core/money.js';
import { systemClock, type Clock } from '../../core/runtime.js';
import { BASE_USDC } from '../../exchanges/predictbase/wire.js';
import { HOUSE, PredictBaseExchange, PredictBaseHttpError, isOpen, type Order } from './exchange.js';

export interface SandboxMarketOptions {
  id: string;
  question?: string;
  optionTitles?: string[];
  status?: number;
  /** Resting house orders: price in dollars, qty in shares. */
  book?: Array<{ side: 'BUY' | 'SELL'; optionIndex: number; price: string; qty: string }>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface InjectedFailure {
  status?: number;
  /** Destroy the connection 'before' serving the request (nothing happens) or 'after' (served, answer lost). */
  drop?: 'before' | 'after';
  body?: unknown;
  pathEndsWith?: string;
}

export interface PredictBaseSandbox {
  url: string;
  rpcUrl: string;
  registerKey(apiKey: string, user: string): void;
  fund(user: string, micros: Micros): void;
  addMarket(options: SandboxMarketOptions): void;
  setMarketStatus(id: string, status: number): void;
  /** More house liquidity. */
  quote(marketId: string, side: 'BUY' | 'SELL', optionIndex: number, price: string, qty: string): void;
  failNext(failure: InjectedFailure): void;
  cash(user: string): Micros;
  shares(user: string, marketId: string, optionIndex: number): Micros;
  exchange: PredictBaseExchange;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const CHAIN_ID_HEX = '0x2105'; // Base mainnet, 8453

export async function startPredictBaseSandbox(options: { port?: number; clock?: Clock } = {}): Promise<PredictBaseSandbox> {
  const clock = options.clock ?? systemClock;
  const exchange = new PredictBaseExchange(() => clock.now());
  const keys = new Map<string, string>();
  const requests: RecordedRequest[] = [];
  const failures: InjectedFailure[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });

  function handle(req: IncomingMessage, res: ServerResponse, text: string): void {
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // kept as text: the route answers 400
    }
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    requests.push({ method, path: rawUrl, headers, body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const path = rawUrl.split('?')[0] ?? '/';
    const index = failures.findIndex((f) => !f.pathEndsWith || path.endsWith(f.pathEndsWith));
    const injected = index === -1 ? undefined : failures.splice(index, 1)[0]!;
    if (injected?.drop === 'before') return void res.socket?.destroy();
    if (injected && !injected.drop) return send(injected.status ?? 500, injected.body ?? { error: 'Unexpected server error' });
    let answer: [number, unknown];
    try {
      answer = path === '/rpc' ? [200, rpc(body)] : route(method, path, headers['x-api-key'], body);
    } catch (error) {
      answer = error instanceof PredictBaseHttpError ? [error.status, { error: error.message }] : [500, { error: 'Unexpected server error' }];
    }
    if (injected?.drop === 'after') return void res.socket?.destroy();
    send(...answer);
  }

  function route(method: string, path: string, apiKey: string | undefined, body: unknown): [number, unknown] {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && path === '/get_active_markets') {
      return [200, [...exchange.markets.values()].filter((m) => m.status === 0).map(marketView)];
    }
    if (method === 'GET' && parts.length === 2 && parts[0] === 'get_market') return [200, marketView(exchange.market(parts[1]!))];
    if (method === 'GET' && parts.length === 2 && parts[0] === 'get_market_orderbook') return [200, bookView(parts[1]!)];
    const orderRoutes = ['/create-order', '/cancel-order', '/get-user-orders'];
    if (!orderRoutes.includes(path)) throw new PredictBaseHttpError(404, 'Not found');
    const user = apiKey ? keys.get(apiKey) : undefined;
    if (!user) throw new PredictBaseHttpError(401, 'Invalid API key');
    if (method === 'GET' && path === '/get-user-orders') {
      const orders = [...exchange.orders.values()].filter((o) => o.user === user && isOpen(o)).map(orderView);
      return [200, { userId: user, orders }];
    }
    if (method === 'POST' && path === '/create-order') return [200, orderView(create(user, body))];
    if (method === 'POST' && path === '/cancel-order') {
      const orderId = (body as { orderId?: unknown } | undefined)?.orderId;
      if (typeof orderId !== 'string' || !orderId) throw new PredictBaseHttpError(400, 'Missing orderId');
      return [200, orderView(exchange.cancel(user, orderId))];
    }
    throw new PredictBaseHttpError(404, 'Not found');
  }

  function create(user: string, body: unknown): Order {
    const b = (body ?? {}) as { kind?: unknown; order?: Record<string, unknown>; meta?: Record<string, unknown> };
    const o = b.order ?? {};
    const invalid = (field: string) => new PredictBaseHttpError(400, `Invalid order: ${field}`);
    if (b.kind !== 'NEW_ORDER') throw invalid('kind must be NEW_ORDER');
    if (o.type !== 'LIMIT') throw invalid('type must be LIMIT');
    if (o.side !== 'BUY' && o.side !== 'SELL') throw invalid('side must be BUY or SELL');
    if (typeof o.marketId !== 'string' || !/^\d+$/.test(o.marketId)) throw invalid('marketId');
    if (!Number.isInteger(o.optionIndex) || (o.optionIndex as number) < 0) throw invalid('optionIndex');
    if (!Number.isInteger(o.qty) || (o.qty as number) <= 0) throw invalid('qty must be a positive whole number of shares');
    if (typeof o.price !== 'number' || !(o.price > 0 && o.price <= 1) || toMicros(o.price) % 10_000n !== 0n) {
      throw invalid('price must be between 0.00 and 1.00 in whole cents');
    }
    if (o.timeInForce !== 'GTC') throw invalid('timeInForce must be GTC');
    if (typeof o.receivedAt !== 'number') throw invalid('receivedAt');
    if (typeof o.userId !== 'string') throw invalid('userId');
    if (b.meta?.originalQty !== o.qty || typeof b.meta?.clientOrderId !== 'string') throw invalid('meta');
    if (o.userId.toLowerCase() !== user) throw new PredictBaseHttpError(403, 'User mismatch');
    return exchange.place({
      user,
      clientOrderId: b.meta.clientOrderId,
      marketId: o.marketId,
      optionIndex: o.optionIndex as number,
      side: o.side,
      price: toMicros(o.price),
      qty: BigInt(o.qty as number) * MICRO,
    });
  }

  function rpc(body: unknown): unknown {
    const call = (body ?? {}) as { id?: unknown; method?: unknown; params?: unknown[] };
    if (call.method === 'eth_chainId') return { jsonrpc: '2.0', id: call.id, result: CHAIN_ID_HEX };
    const tx = (call.params?.[0] ?? {}) as { to?: string; data?: string };
    if (call.method === 'eth_call' && tx.to?.toLowerCase() === BASE_USDC.toLowerCase() && tx.data?.startsWith('0x70a08231')) {
      const owner = `0x${tx.data.slice(-40)}`;
      return { jsonrpc: '2.0', id: call.id, result: `0x${exchange.account(owner).usdc.toString(16).padStart(64, '0')}` };
    }
    return { jsonrpc: '2.0', id: call.id, error: { code: -32601, message: 'not supported by the local Base' } };
  }

  const marketView = (m: ReturnType<PredictBaseExchange['market']>) => ({
    id: m.id,
    creator: '0x0000000000000000000000000000000000000000',
    question: m.question,
    status: m.status,
    categories: [],
    volume: m.volume.toString(),
    endsAt: String(m.endsAt),
    createdAt: String(m.createdAt),
    updatedAt: String(Math.floor(clock.now() / 1000)),
    optionTitles: m.optionTitles,
    optionPrices: exchange.bestAsks(m).map((p) => (p === null ? null : p.toString())),
    optionVolumes: m.optionTitles.map(() => '0'),
    shares: m.optionTitles.map(() => '0'),
    winningOption: null,
  });

  function bookView(id: string) {
    exchange.market(id);
    const open = [...exchange.orders.values()].filter((o) => o.marketId === id && isOpen(o));
    const entry = (o: Order) => ({ optionIndex: o.optionIndex, price: o.price.toString(), qty: (o.qty - o.filledQty).toString() });
    return {
      marketId: id,
      buy: open.filter((o) => o.side === 'BUY').sort((a, b) => Number(b.price - a.price)).map(entry),
      sell: open.filter((o) => o.side === 'SELL').sort((a, b) => Number(a.price - b.price)).map(entry),
    };
  }

  const orderView = (o: Order) => ({
    orderId: o.orderId,
    ...(o.clientOrderId ? { clientOrderId: o.clientOrderId } : {}),
    userId: o.user,
    marketId: o.marketId,
    optionIndex: o.optionIndex,
    side: o.side,
    price: o.price.toString(),
    qty: o.qty.toString(),
    filledQty: o.filledQty.toString(),
    filledValue: o.filledValue.toString(),
    fee: o.fee.toString(),
    status: o.status,
    timeInForce: 'GTC',
    createdAt: o.createdAt,
  });

  const quote = (marketId: string, side: 'BUY' | 'SELL', optionIndex: number, price: string, qty: string) => {
    exchange.place({ user: HOUSE, marketId, optionIndex, side, price: toMicros(price), qty: toMicros(qty) });
  };

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    rpcUrl: `${url}/rpc`,
    registerKey: (apiKey, user) => void keys.set(apiKey, user.toLowerCase()),
    fund: (user, micros) => void (exchange.account(user).usdc += micros),
    addMarket: (m) => {
      const now = Math.floor(clock.now() / 1000);
      exchange.markets.set(m.id, {
        id: m.id,
        question: m.question ?? `Market ${m.id}?`,
        status: 0,
        optionTitles: m.optionTitles ?? ['Yes', 'No'],
        endsAt: now + 30 * 86_400,
        createdAt: now,
        volume: 0n,
      });
      for (const q of m.book ?? []) quote(m.id, q.side, q.optionIndex, q.price, q.qty);
      exchange.market(m.id).status = m.status ?? 0;
    },
    setMarketStatus: (id, status) => void (exchange.market(id).status = status),
    quote,
    failNext: (failure) => void failures.push(failure),
    cash: (user) => exchange.account(user).usdc,
    shares: (user, marketId, optionIndex) => exchange.account(user).shares.get(`${marketId}:${optionIndex}`) ?? 0n,
    exchange,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
