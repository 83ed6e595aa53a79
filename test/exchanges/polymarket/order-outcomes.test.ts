/**
 * What an order's answer means, against a sandbox with no market maker (thin, scripted books): partial
 * FAK fills, stale tick sizes and exchange versions repaired once, lost answers after sending, fills
 * without transaction hashes, and one credential derivation for concurrent orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOrderError, NetworkError, OutcomeUnknownError } from '../../../src/core/errors.js';
import { orderHash } from '../../../src/exchanges/polymarket/orders.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { adapterFor, newKey, startInterposer, type Interposer } from './helpers.js';

let sandbox: PolymarketSandbox;
let token: string; // 0.01 tick, minimum 5 shares
let conditionId: `0x${string}`;
const closeLater: Interposer[] = [];

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ liquidity: false });
  const market = sandbox.markets.find((m) => m.slug.includes('rain'))!;
  token = market.tokens[0].tokenId;
  conditionId = market.conditionId;
});

afterAll(async () => {
  await Promise.all(closeLater.map((i) => i.close()));
  await sandbox?.close();
});

function trader(url = sandbox.clobUrl, fetchFn?: typeof fetch) {
  const { key, address } = newKey();
  sandbox.fund(address, 100_000_000n);
  return { address, adapter: adapterFor({ clobUrl: url, dataApiUrl: sandbox.dataApiUrl }, { privateKey: key }, { fetch: fetchFn }) };
}

/** A maker resting `shares` to sell at `price` on the otherwise empty book. */
async function restAsk(shares: bigint, price: bigint) {
  const maker = trader();
  sandbox.setShares(maker.address, token, shares);
  await maker.adapter.createOrder({ market: token, side: 'sell', size: shares, price, type: 'GTC' });
  return maker;
}

const orderPostsTo = (path: string, seen: string[]) => seen.filter((r) => r === `POST ${path}`).length;

describe('marketable buys report what executed', () => {
  it('a FAK buy that finds only part of its amount is partially_filled, with the USD actually paid', async () => {
    await restAsk(5_000_000n, 400_000n);
    const { adapter } = trader();
    // $10 budget (20 x 0.50) against 5 shares at 0.40: $2 changes hands.
    const result = await adapter.createOrder({ market: token, side: 'buy', size: 20_000_000n, price: 500_000n, type: 'FAK' });
    expect(result.status).toBe('partially_filled');
    expect(result.filledSize).toBe(5_000_000n);
    expect(result.filledValue).toBe(2_000_000n);
  });

  it('a FAK buy that spends its whole amount at better prices is filled, with more shares than asked', async () => {
    await restAsk(40_000_000n, 400_000n);
    const { adapter } = trader();
    const result = await adapter.createOrder({ market: token, side: 'buy', size: 20_000_000n, price: 500_000n, type: 'FAK' });
    expect(result.status).toBe('filled');
    expect(result.filledValue).toBe(10_000_000n);
    expect(result.filledSize).toBe(25_000_000n);
  });
});

describe('a market whose tick size changed after its first order', () => {
  it('a coarser tick: the refusal refreshes the cache, names the new tick, and the next off-grid order is refused locally', async () => {
    const market = sandbox.markets.find((m) => m.slug.includes('election'))!;
    const own = market.tokens[0].tokenId;
    const { adapter } = trader();
    await adapter.createOrder({ market: own, side: 'buy', size: 5_000_000n, price: 550_000n, type: 'GTC' });
    sandbox.setTickSize(market.conditionId, '0.1');
    try {
      const posts = () => sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/order').length;
      const before = posts();
      const error = (await adapter.createOrder({ market: own, side: 'buy', size: 5_000_000n, price: 450_000n, type: 'GTC' }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(InvalidOrderError);
      expect(error.message).toContain('tick size is now 0.1');
      expect(posts()).toBe(before + 1);
      await expect(adapter.createOrder({ market: own, side: 'buy', size: 5_000_000n, price: 350_000n, type: 'GTC' })).rejects.toBeInstanceOf(InvalidOrderError);
      expect(posts()).toBe(before + 1);
      expect((await adapter.createOrder({ market: own, side: 'buy', size: 5_000_000n, price: 500_000n, type: 'GTC' })).status).toBe('open');
    } finally {
      sandbox.setTickSize(market.conditionId, '0.01');
    }
  });

  it('a finer tick: a price the stale cache refuses is checked again and placed', async () => {
    const { adapter } = trader();
    await adapter.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 100_000n, type: 'GTC' });
    sandbox.setTickSize(conditionId, '0.001');
    try {
      const placed = await adapter.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 105_000n, type: 'GTC' });
      expect(placed.status).toBe('open');
    } finally {
      sandbox.setTickSize(conditionId, '0.01');
    }
  });

  it('a venue tick refusal for a price still on the new grid is retried once and placed', async () => {
    let refuseNext = false;
    const proxy = await startInterposer(sandbox.url, ({ method, path }) => {
      if (method !== 'POST' || path !== '/order' || !refuseNext) return undefined;
      refuseNext = false;
      return { answer: { status: 400, body: { error: 'order 0x01 is invalid. Price (0.2) breaks minimum tick size rule: 0.1' } } };
    });
    closeLater.push(proxy);
    const { adapter } = trader(proxy.url);
    await adapter.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 100_000n, type: 'GTC' });
    sandbox.setTickSize(conditionId, '0.1');
    try {
      refuseNext = true;
      const placed = await adapter.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 200_000n, type: 'GTC' });
      expect(placed.status).toBe('open');
      expect(orderPostsTo('/order', proxy.seen)).toBe(3);
    } finally {
      sandbox.setTickSize(conditionId, '0.01');
    }
  });
});

describe('an exchange that moved to order version 3 after the version was cached', () => {
  it('order_version_mismatch refetches /version, re-signs for V3 and posts once more', async () => {
    const v3 = await startPolymarketSandbox({ exchangeVersion: 3, liquidity: false });
    let announced = 2;
    const proxy = await startInterposer(v3.url, ({ method, path }) => {
      if (path === '/version') return { answer: { status: 200, body: { version: announced } } };
      if (method === 'POST' && path === '/order' && announced === 2) {
        announced = 3;
        return { answer: { status: 400, body: { error: 'order_version_mismatch' } } };
      }
      return undefined;
    });
    try {
      const { key, address } = newKey();
      v3.fund(address, 10_000_000n);
      const market = v3.markets[0]!;
      const adapter = adapterFor({ clobUrl: proxy.url }, { privateKey: key });
      const placed = await adapter.createOrder({ market: market.tokens[0].tokenId, side: 'buy', size: 5_000_000n, price: 100_000n, type: 'GTC' });
      expect(placed.status).toBe('open');
      const request = placed.request as { order: Parameters<typeof orderHash>[0] };
      expect(placed.orderId).toBe(orderHash(request.order, { chainId: 137, version: 3, negRisk: market.negRisk }));
      expect(orderPostsTo('/order', proxy.seen)).toBe(2);
      expect(proxy.seen.filter((r) => r === 'GET /version').length).toBe(2);
    } finally {
      await proxy.close();
      await v3.close();
    }
  });
});

describe('an order whose answer is lost after it was sent', () => {
  it('the socket closes after the venue took the order: OutcomeUnknownError naming the order hash, and the order exists', async () => {
    const proxy = await startInterposer(sandbox.url, ({ method, path }) => (method === 'POST' && path === '/order' ? { forwardThenDestroy: true } : undefined));
    closeLater.push(proxy);
    const { adapter } = trader(proxy.url);
    const signed: string[] = [];
    const error = (await adapter
      .createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 110_000n, type: 'GTC', onSigned: (id) => signed.push(id) })
      .catch((e: unknown) => e)) as OutcomeUnknownError;
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).not.toBeInstanceOf(NetworkError);
    expect(signed).toHaveLength(1);
    expect(error.info).toMatchObject({ orderId: signed[0] });
    expect(error.hint).toContain(signed[0]);
    expect((await adapter.fetchOrder(signed[0]!)).status).toBe('open');
  });

  it('a 5xx answer to the POST is OutcomeUnknownError too', async () => {
    const proxy = await startInterposer(sandbox.url, ({ method, path }) =>
      method === 'POST' && path === '/order' ? { answer: { status: 502, body: { error: 'bad gateway' } } } : undefined,
    );
    closeLater.push(proxy);
    const { adapter } = trader(proxy.url);
    await expect(adapter.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 120_000n, type: 'GTC' })).rejects.toBeInstanceOf(OutcomeUnknownError);
  });

  it('a connection refused before sending stays a retryable NetworkError', async () => {
    const refusing = (async (input: string | URL | Request, init?: RequestInit) => {
      if (String(input).endsWith('/order')) {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
      }
      return fetch(input, init);
    }) as typeof fetch;
    const { adapter } = trader(sandbox.clobUrl, refusing);
    const error = await adapter.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 130_000n, type: 'GTC' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(OutcomeUnknownError);
  });
});

describe('the hot path does not wait for settlement', () => {
  it('fills answered without transactionsHashes return at once, without polling /data/trades', async () => {
    await restAsk(10_000_000n, 300_000n);
    const proxy = await startInterposer(sandbox.url, ({ method, path }) =>
      method === 'POST' && path === '/order'
        ? {
            forwardAndRewrite: (body) => {
              const { transactionsHashes: _dropped, ...rest } = JSON.parse(body) as Record<string, unknown>;
              return JSON.stringify(rest);
            },
          }
        : undefined,
    );
    closeLater.push(proxy);
    const { adapter } = trader(proxy.url);
    const started = Date.now();
    const result = await adapter.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 300_000n, type: 'FOK' });
    expect(result.status).toBe('filled');
    expect((result.info as { tradeIDs: string[] }).tradeIDs.length).toBeGreaterThan(0);
    expect(proxy.seen.filter((r) => r.includes('/data/trades'))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('concurrent orders without stored credentials', () => {
  it('share one credential derivation: one POST /auth/api-key, at most one derive', async () => {
    const { adapter } = trader();
    const keyCalls = () => sandbox.requests.filter((r) => r.path.startsWith('/auth/api-key') && r.method === 'POST').length;
    const deriveCalls = () => sandbox.requests.filter((r) => r.path.startsWith('/auth/derive-api-key')).length;
    const [creates, derives] = [keyCalls(), deriveCalls()];
    const results = await Promise.all([
      adapter.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 140_000n, type: 'GTC' }),
      adapter.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 150_000n, type: 'GTC' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['open', 'open']);
    expect(keyCalls() - creates).toBe(1);
    expect(deriveCalls() - derives).toBeLessThanOrEqual(1);
  });
});

describe('a market whose neg-risk flag changed after it was cached', () => {
  it('the refused signature refetches the market and re-signs once for the other exchange', async () => {
    const market = sandbox.markets.find((m) => m.slug.includes('cup') === false && !m.negRisk && m.tickSize === '0.001')!;
    const own = market.tokens[0].tokenId;
    const { adapter } = trader();
    await adapter.createOrder({ market: own, side: 'buy', size: 5_000_000n, price: 100_000n, type: 'GTC' });
    // The sandbox serves its market objects live: flipping the flag is the venue changing it.
    market.negRisk = true;
    try {
      const placed = await adapter.createOrder({ market: own, side: 'buy', size: 5_000_000n, price: 101_000n, type: 'GTC' });
      expect(placed.status).toBe('open');
      const request = placed.request as { order: Parameters<typeof orderHash>[0] };
      expect(placed.orderId).toBe(orderHash(request.order, { chainId: 137, version: 2, negRisk: true }));
    } finally {
      market.negRisk = false;
    }
  });
});
