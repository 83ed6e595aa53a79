/**
 * PolymarketAdapter end to end against the local Polymarket sandbox, for every funding mode: auth,
 * permissions, balance, limit / FOK / FAK / GTD orders, open orders, order state, cancel (one and all),
 * positions, dry runs, and orders refused before anything is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, BadInputError, InsufficientFundsError, InvalidOrderError } from '../../../src/core/errors.js';
import type { OrderParams } from '../../../src/core/types.js';
import type { PolymarketAdapter } from '../../../src/exchanges/polymarket/adapter.js';
import { derivedFunder } from '../../../src/exchanges/polymarket/funding.js';
import { orderHash } from '../../../src/exchanges/polymarket/orders.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { adapterFor, newKey } from './helpers.js';

let sandbox: PolymarketSandbox;
let yes: string; // token of the plain 0.01-tick market
let fine: string; // token of the 0.001-tick market
let negRisk: string;
let closed: string;

beforeAll(async () => {
  sandbox = await startPolymarketSandbox();
  const bySlug = (part: string) => sandbox.markets.find((m) => m.slug.includes(part))!;
  yes = bySlug('rain').tokens[0].tokenId;
  fine = bySlug('coin').tokens[0].tokenId;
  negRisk = bySlug('election').tokens[0].tokenId;
  closed = bySlug('cup').tokens[0].tokenId;
});

afterAll(async () => {
  await sandbox?.close();
});

const orderPosts = () => sandbox.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/order')).length;

interface Mode {
  name: string;
  make(): { adapter: PolymarketAdapter; funder: `0x${string}`; settings: Record<string, string>; key: `0x${string}` };
}

function settings(extra: Record<string, string> = {}) {
  return { clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl, gammaUrl: sandbox.gammaUrl, chainId: '137', ...extra };
}

const MODES: Mode[] = [
  {
    name: 'type 0 EOA',
    make() {
      const { key, address } = newKey();
      const s = settings({ signatureType: 'eoa' });
      return { adapter: adapterFor(s, { privateKey: key }), funder: address, settings: s, key };
    },
  },
  {
    name: 'type 1 proxy (derived funder)',
    make() {
      const { key, address } = newKey();
      const s = settings({ signatureType: 'proxy' });
      return { adapter: adapterFor(s, { privateKey: key }), funder: derivedFunder(1, address, 137)!, settings: s, key };
    },
  },
  {
    name: 'type 2 Safe (derived funder)',
    make() {
      const { key, address } = newKey();
      const s = settings({ signatureType: '2' });
      return { adapter: adapterFor(s, { privateKey: key }), funder: derivedFunder(2, address, 137)!, settings: s, key };
    },
  },
  {
    name: 'type 3 deposit wallet signed by its owner',
    make() {
      const { key, address } = newKey();
      const wallet = derivedFunder(3, address, 137)!;
      sandbox.registerDepositWallet(wallet, address);
      const s = settings({ signatureType: 'deposit-wallet' });
      return { adapter: adapterFor(s, { privateKey: key }), funder: wallet, settings: s, key };
    },
  },
  {
    name: 'type 3 deposit wallet signed by an approved session signer',
    make() {
      const owner = newKey();
      const session = newKey();
      const wallet = derivedFunder(3, owner.address, 137)!;
      sandbox.registerDepositWallet(wallet, owner.address, [session.address]);
      const s = settings({ signatureType: 'deposit-wallet', depositWalletOwner: owner.address });
      return { adapter: adapterFor(s, { privateKey: session.key }), funder: wallet, settings: s, key: session.key };
    },
  },
];

describe.each(MODES)('$name', (mode) => {
  let adapter: PolymarketAdapter;
  let funder: `0x${string}`;
  let modeSettings: Record<string, string>;
  let key: `0x${string}`;

  beforeAll(async () => {
    ({ adapter, funder, settings: modeSettings, key } = mode.make());
    sandbox.fund(funder, 200_000_000n);
  });

  it('authenticate issues L2 credentials for the caller to store', async () => {
    const auth = await adapter.authenticate();
    expect(auth.account).toBe(funder);
    expect(Object.keys(auth.issuedSecrets ?? {}).sort()).toEqual(['apiKey', 'apiPassphrase', 'apiSecret']);
  });

  it('validatePermissions passes: pair, balance, allowances', async () => {
    const report = await adapter.validatePermissions();
    expect(report.funder).toBe(funder);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      [expect.stringMatching(/^signer\/funder pair/), true],
      ['API credentials', true],
      ['collateral balance', true],
      ['allowance (CTF exchange)', true],
      ['allowance (neg-risk CTF exchange)', true],
    ]);
    expect(report.ok).toBe(true);
  });

  it('stored credentials are reported accepted, and wrong ones refused, by validatePermissions', async () => {
    const stored = (await adapter.authenticate()).issuedSecrets!;
    const fresh = await adapterFor(modeSettings, { privateKey: key, ...stored }).validatePermissions();
    expect(fresh.checks.find((c) => c.name === 'API credentials')).toMatchObject({ ok: true, detail: 'stored credentials accepted' });
    const wrong = { ...stored, apiPassphrase: 'not-the-passphrase' };
    const refused = await adapterFor(modeSettings, { privateKey: key, ...wrong }).validatePermissions();
    expect(refused.ok).toBe(false);
    expect(refused.checks.find((c) => c.name === 'API credentials')).toMatchObject({ ok: false, detail: expect.stringMatching(/refused the stored credentials/) });
  });

  it('fetchBalance reads the funder collateral', async () => {
    const balance = await adapter.fetchBalance();
    expect(balance).toMatchObject({ cash: 200_000_000n, currency: 'USD', account: funder });
  });

  it('limit GTC rests, shows in open orders and by id, and cancels', async () => {
    const placed = await adapter.createOrder({ market: yes, side: 'buy', size: 10_000_000n, price: 100_000n, type: 'GTC' });
    expect(placed.status).toBe('open');
    expect(placed.orderId).toMatch(/^0x[0-9a-f]{64}$/);
    const open = await adapter.fetchOpenOrders(yes);
    expect(open.map((o) => o.orderId)).toContain(placed.orderId);
    expect(open.find((o) => o.orderId === placed.orderId)).toMatchObject({ side: 'buy', price: 100_000n, size: 10_000_000n, filledSize: 0n });
    expect(await adapter.fetchOrder(placed.orderId)).toMatchObject({ status: 'open', size: 10_000_000n });
    const cancelled = await adapter.cancelOrder({ orderIds: [placed.orderId] });
    expect(cancelled.cancelled).toEqual([placed.orderId]);
    expect((await adapter.fetchOpenOrders()).map((o) => o.orderId)).not.toContain(placed.orderId);
    expect((await adapter.fetchOrder(placed.orderId)).status).toBe('cancelled');
  });

  it('FOK buy with a worst-price cap fills, and the position shows', async () => {
    const ask = (await adapter.getMarketPrice(yes)).ask!;
    const result = await adapter.createOrder({ market: yes, side: 'buy', size: 10_000_000n, price: ask, type: 'FOK' });
    expect(result.status).toBe('filled');
    expect(result.filledSize).toBeGreaterThanOrEqual(10_000_000n);
    expect(result.filledValue).toBeLessThanOrEqual(10_000_000n * ask / 1_000_000n);
    expect(sandbox.sharesOf(funder, yes)).toBe(result.filledSize);
    const positions = await adapter.fetchPositions();
    expect(positions.find((p) => p.market === yes)?.size).toBe(result.filledSize);
  });

  it('FAK sell fills against the bids', async () => {
    const bid = (await adapter.getMarketPrice(yes)).bid!;
    const held = sandbox.sharesOf(funder, yes);
    const result = await adapter.createOrder({ market: yes, side: 'sell', size: 5_000_000n, price: bid, type: 'FAK' });
    expect(result.status).toBe('filled');
    expect(result.filledSize).toBe(5_000_000n);
    expect(sandbox.sharesOf(funder, yes)).toBe(held - 5_000_000n);
  });

  it('GTD on a neg-risk market, then cancel all', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const a = await adapter.createOrder({ market: negRisk, side: 'buy', size: 5_000_000n, price: 50_000n, type: 'GTD', expiresAt });
    const b = await adapter.createOrder({ market: fine, side: 'buy', size: 6_000_000n, price: 101_000n, type: 'GTC' });
    expect([a.status, b.status]).toEqual(['open', 'open']);
    const result = await adapter.cancelOrder({ orderIds: [], all: true });
    expect(result.cancelled.sort()).toEqual([a.orderId, b.orderId].sort());
    expect(await adapter.fetchOpenOrders()).toEqual([]);
  });
});

describe('orders refused before anything is sent (type 0)', () => {
  let adapter: PolymarketAdapter;
  beforeAll(async () => {
    const { key, address } = newKey();
    sandbox.fund(address, 50_000_000n);
    adapter = adapterFor(settings(), { privateKey: key });
    await adapter.authenticate();
  });

  const cases: Array<[string, () => OrderParams, RegExp]> = [
    ['off-tick price', () => ({ market: yes, side: 'buy', size: 10_000_000n, price: 555_000n, type: 'GTC' }), /INVALID_ORDER_MIN_TICK_SIZE.*0\.01/],
    ['undersized limit', () => ({ market: yes, side: 'buy', size: 4_000_000n, price: 100_000n, type: 'GTC' }), /INVALID_ORDER_MIN_SIZE.*5 shares/],
    ['unknown token', () => ({ market: '12345', side: 'buy', size: 10_000_000n, price: 100_000n, type: 'GTC' }), /no order book.*Invalid token id/],
    ['closed market', () => ({ market: closed, side: 'buy', size: 10_000_000n, price: 100_000n, type: 'GTC' }), /no order book/],
    ['marketable under $1', () => ({ market: yes, side: 'buy', size: 1_000_000n, price: 600_000n, type: 'FOK' }), /at least \$1/],
  ];

  it.each(cases)('%s', async (_name, params, reason) => {
    const before = orderPosts();
    const error = await adapter.createOrder(params()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toMatch(reason);
    expect(orderPosts()).toBe(before);
  });

  it('a price outside (0, 1) is bad input (exit 2), refused before sending', async () => {
    const before = orderPosts();
    const error = await adapter.createOrder({ market: yes, side: 'buy', size: 10_000_000n, price: 1_000_000n, type: 'GTC' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(/price 1 is outside \(0, 1\)/);
    expect(orderPosts()).toBe(before);
  });

  it('dry run builds and signs, returns the order hash, posts nothing', async () => {
    const before = orderPosts();
    const result = await adapter.createOrder({ market: yes, side: 'buy', size: 10_000_000n, price: 200_000n, type: 'GTC', dryRun: true });
    expect(result.status).toBe('dry_run');
    const request = result.request as { order: { signature: string; makerAmount: string; takerAmount: string }; orderType: string };
    expect(request.orderType).toBe('GTC');
    expect([request.order.makerAmount, request.order.takerAmount]).toEqual(['2000000', '10000000']);
    expect(request.order.signature).toMatch(/^0x[0-9a-f]{130}$/);
    expect(result.orderId).toMatch(/^0x[0-9a-f]{64}$/);
    expect(orderPosts()).toBe(before);
  });

  it('market metadata is cached: a second order on the same token costs one POST and no GET', async () => {
    await adapter.createOrder({ market: fine, side: 'buy', size: 5_000_000n, price: 100_000n, type: 'GTC' });
    const before = sandbox.requests.length;
    await adapter.createOrder({ market: fine, side: 'buy', size: 5_000_000n, price: 99_000n, type: 'GTC' });
    expect(sandbox.requests.slice(before).map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(['POST /order']);
    await adapter.cancelOrder({ orderIds: [], all: true });
  });
});

describe('venue refusals come back mapped, with the venue reason and raw payload', () => {
  it('not enough balance -> InsufficientFundsError', async () => {
    const { key, address } = newKey();
    sandbox.fund(address, 1_000_000n);
    const adapter = adapterFor(settings(), { privateKey: key });
    const error = (await adapter
      .createOrder({ market: yes, side: 'buy', size: 100_000_000n, price: 100_000n, type: 'GTC' })
      .catch((e: unknown) => e)) as InsufficientFundsError;
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(error.message).toContain('not enough balance / allowance');
    expect(error.info).toMatchObject({ reason: 'not enough balance / allowance', status: 400 });
  });

  it.each(['FOK', 'FAK'] as const)('%s that cannot match -> status cancelled, nothing filled, the venue reason in info', async (type) => {
    const { key, address } = newKey();
    sandbox.fund(address, 100_000_000n);
    const adapter = adapterFor(settings(), { privateKey: key });
    const bid = (await adapter.getMarketPrice(yes)).bid!;
    // A buy capped at the best bid cannot reach any ask.
    const result = await adapter.createOrder({ market: yes, side: 'buy', size: 10_000_000n, price: bid, type });
    expect(result).toMatchObject({ status: 'cancelled', filledSize: 0n, filledValue: 0n, type });
    expect(result.orderId).toMatch(/^0x[0-9a-f]{64}$/);
    expect(JSON.stringify(result.info)).toMatch(type === 'FOK' ? /FOK orders are fully filled or killed/ : /no orders found to match with FAK order/);
    expect(sandbox.collateralOf(address)).toBe(100_000_000n);
  });
});

describe('order ids are the EIP-712 order hash the venue computes (exchange V2 and V3)', () => {
  it.each([2, 3] as const)('exchange version %i, plain and neg-risk markets', async (exchangeVersion) => {
    const venue = exchangeVersion === 2 ? sandbox : await startPolymarketSandbox({ exchangeVersion });
    try {
      const { key, address } = newKey();
      venue.fund(address, 50_000_000n);
      const adapter = adapterFor({ clobUrl: venue.clobUrl, dataApiUrl: venue.dataApiUrl }, { privateKey: key });
      for (const market of [venue.markets[0]!, venue.markets[1]!]) {
        const token = market.tokens[0].tokenId;
        const placed = await adapter.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 50_000n, type: 'GTC' });
        const request = placed.request as { order: Parameters<typeof orderHash>[0] };
        expect(placed.orderId).toBe(orderHash(request.order, { chainId: 137, version: exchangeVersion, negRisk: market.negRisk }));
      }
    } finally {
      if (venue !== sandbox) await venue.close();
    }
  });
});

describe('a venue that only admits the deposit-wallet flow', () => {
  it('refuses an EOA order as an authentication problem with the way out, and accepts a deposit wallet', async () => {
    const venue = await startPolymarketSandbox({ depositWalletFlowOnly: true });
    try {
      const token = venue.markets[0]!.tokens[0].tokenId;
      const eoa = newKey();
      venue.fund(eoa.address, 10_000_000n);
      const refused = (await adapterFor({ clobUrl: venue.clobUrl }, { privateKey: eoa.key })
        .createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 100_000n, type: 'GTC' })
        .catch((e: unknown) => e)) as AuthenticationError;
      expect(refused).toBeInstanceOf(AuthenticationError);
      expect(refused.message).toContain('please use the deposit wallet flow');
      expect(refused.hint).toContain('POLYMARKET_SIGNATURE_TYPE=deposit-wallet');

      const owner = newKey();
      const wallet = derivedFunder(3, owner.address, 137)!;
      venue.registerDepositWallet(wallet, owner.address);
      venue.fund(wallet, 10_000_000n);
      const placed = await adapterFor({ clobUrl: venue.clobUrl, signatureType: 'deposit-wallet' }, { privateKey: owner.key })
        .createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 100_000n, type: 'GTC' });
      expect(placed.status).toBe('open');
    } finally {
      await venue.close();
    }
  });
});
