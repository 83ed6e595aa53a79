/**
 * The Polymarket vectors of VENUES.md, reproduced through the code the adapter really runs: the official
 * client's header builders and OrderBuilder, wired with the adapter's signer by createClobClient.
 */
import { createL1Headers, createL2Headers, Side } from '@polymarket/clob-client-v2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClobClient, createSigner } from '../../../src/exchanges/polymarket/client.js';
import { buildSignedOrder, orderHash } from '../../../src/exchanges/polymarket/orders.js';

const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

function wiredClient(chainId: 137 | 80002 = 137) {
  const signer = createSigner(KEY);
  return createClobClient({ host: 'http://127.0.0.1:9', chainId, signer, signatureType: 0, funder: ADDRESS });
}

describe('Polymarket auth vectors', () => {
  it('L1 ClobAuth signature (chain 80002, ts 10000000, nonce 23)', async () => {
    const client = wiredClient(80002);
    const headers = await createL1Headers(client.signer!, 80002, 23, 10000000);
    expect(headers.POLY_ADDRESS).toBe(ADDRESS);
    expect(headers.POLY_SIGNATURE).toBe(
      '0xf62319a987514da40e57e2f4d7529f7bac38f0355bd88bb5adbb3768d80de6c1682518e0af677d5260366425f4361e7b70c25ae232aff0ab2331e2b164a1aedc1b',
    );
  });

  it('L2 HMAC signature', async () => {
    const client = wiredClient();
    const creds = { key: 'k', secret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', passphrase: 'p' };
    const headers = await createL2Headers(client.signer!, creds, { method: 'test-sign', requestPath: '/orders', body: '{"hash": "0x123"}' }, 1000000);
    expect(headers.POLY_SIGNATURE).toBe('ZwAdJKvoYRlEKDkNMwd5BuwNNtg93kNaR_oU2HrfVvc=');
    expect(headers.POLY_ADDRESS).toBe(ADDRESS);
  });
});

describe('Polymarket order vectors', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('EOA order hash and signature (v2, chain 137, CTFExchangeV2)', async () => {
    // The official builder takes the salt from Math.random() * Date.now() and the timestamp from Date.now().
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1710000000000);
    vi.spyOn(Math, 'random').mockReturnValue(479249096354 / 1710000000000);
    const client = wiredClient();
    // price 2 is unreachable through createOrder's range check; the builder itself takes it, giving the vector's amounts.
    const order = await client.orderBuilder.buildOrder(
      { tokenID: '1234', price: 2, size: 50, side: Side.BUY },
      { tickSize: '0.01', negRisk: false },
      2,
    );
    expect(order).toMatchObject({
      salt: '479249096354',
      maker: ADDRESS,
      signer: ADDRESS,
      makerAmount: '100000000',
      takerAmount: '50000000',
      timestamp: '1710000000000',
    });
    expect(order.signature).toBe(
      '0x42c7b4857d51e344045fcfde17b37cf1290d784471ffe618c22aa56ea5ddcf0009015b87ffb299813f5597e86d4ad56f40d634558d915edb719e6fc71dbc0d891c',
    );
    expect(orderHash(order as never, { chainId: 137, version: 2, negRisk: false })).toBe(
      '0x10124949f84e9f7438c88d02bfd546ceb27ed6eb1fdb0175137af535b6e2513d',
    );
  });

  // Through buildSignedOrder: the adapter's translation of a unified order (micro-units) into the builders.
  const meta = (tickSize: '0.1' | '0.01') => ({
    tokenId: '1', conditionId: '0x01', tickSize, tick: 0n, minOrderSize: 0n, negRisk: false, feeRate: 0, feeExponent: 0, acceptingOrders: true,
  });
  it.each([
    ['0.01', 'buy', 560_000n, 21_040_000n, '11782400', '21040000'],
    ['0.1', 'buy', 500_000n, 21_040_000n, '10520000', '21040000'],
    ['0.01', 'buy', 700_000n, 170_000_000n, '119000000', '170000000'],
    ['0.01', 'sell', 370_000n, 7_777_000n, '7770000', '2874900'],
  ] as const)('limit amounts: tick %s %s %i x %i -> %s / %s', async (tick, side, price, size, maker, taker) => {
    const order = await buildSignedOrder(wiredClient(), { market: '1', side, price, size, type: 'GTC' }, meta(tick), 2);
    expect([order.makerAmount, order.takerAmount]).toEqual([maker, taker]);
  });

  it('market BUY $5 at 0.51 -> 5000000 / 9803900 (FOK of 9.81 shares capped at 0.51 spends $5.00)', async () => {
    const order = await buildSignedOrder(wiredClient(), { market: '1', side: 'buy', price: 510_000n, size: 9_810_000n, type: 'FOK' }, meta('0.01'), 2);
    expect([order.makerAmount, order.takerAmount]).toEqual(['5000000', '9803900']);
  });
});
