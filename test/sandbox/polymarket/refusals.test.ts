/** Each refusal named in issue 3 comes back with the venue's status and error text. */
import { Wallet } from '@ethersproject/wallet';
import { OrderBuilder, Side, createL1Headers, createL2Headers, type ClobClient } from '@polymarket/clob-client-v2';
import { ClobClient as Client } from '@polymarket/clob-client-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { KEYS, USD, officialClient, refusal } from './helpers.js';

let sandbox: PolymarketSandbox;
let client: ClobClient;
let wallet: Wallet;
let creds: { key: string; secret: string; passphrase: string };
let tokenId: string;
const other = new Wallet(KEYS[1]);

beforeAll(async () => {
  sandbox = await startPolymarketSandbox();
  ({ client, wallet, creds } = await officialClient(sandbox, KEYS[0]));
  sandbox.fund(wallet.address, 20n * USD);
  tokenId = sandbox.markets[0]!.tokens[0].tokenId;
});
afterAll(() => sandbox.close());

const limit = (price: number, size: number) => ({ tokenID: tokenId, price, size, side: Side.BUY });

describe('order refusals', () => {
  it('a wrongly signed order: altered after signing, or signed by another key', async () => {
    const order = await client.createOrder(limit(0.3, 10));
    const altered = await client.postOrder({ ...order, makerAmount: String(Number(order.makerAmount) + 10000) });
    expect(altered).toMatchObject({ error: 'invalid signature', status: 400 });

    const foreign = await new OrderBuilder(other, 137).buildOrder(limit(0.3, 10), { tickSize: '0.01', negRisk: false }, 2);
    const forged = await client.postOrder({ ...foreign, maker: wallet.address, signer: wallet.address });
    expect(forged).toMatchObject({ error: 'invalid signature', status: 400 });
  });

  it("a validly signed order from another wallet than the API key's", async () => {
    const foreign = await new OrderBuilder(other, 137).buildOrder(limit(0.3, 10), { tickSize: '0.01', negRisk: false }, 2);
    expect(await client.postOrder(foreign)).toMatchObject({
      error: 'the order signer address has to be the address of the API KEY',
      status: 400,
    });
  });

  it('an off-tick price (signed with a finer tick than the market has)', async () => {
    const order = await new OrderBuilder(wallet, 137).buildOrder(limit(0.555, 10), { tickSize: '0.001', negRisk: false }, 2);
    const res = await client.postOrder(order);
    expect(res.status).toBe(400);
    expect(refusal(res).error).toMatch(/^order 0x[0-9a-f]{64} is invalid\. Price \(0\.555\) breaks minimum tick size rule: 0\.01$/);
  });

  it('an off-tick price after the venue coarsened the tick the client had cached', async () => {
    const market = sandbox.markets[2]!;
    const token = market.tokens[0].tokenId;
    expect(await client.getTickSize(token)).toBe('0.001');
    sandbox.setTickSize(market.conditionId, '0.01');
    try {
      const res = await client.createAndPostOrder({ tokenID: token, price: 0.123, size: 10, side: Side.BUY });
      expect(res).toMatchObject({ status: 400 });
      expect(refusal(res).error).toContain('breaks minimum tick size rule: 0.01');
    } finally {
      sandbox.setTickSize(market.conditionId, '0.001');
    }
  });

  it('an undersized order', async () => {
    const res = await client.createAndPostOrder(limit(0.3, 2));
    expect(res.status).toBe(400);
    expect(refusal(res).error).toMatch(/^order 0x[0-9a-f]{64} is invalid\. Size \(2\) lower than the minimum: 5$/);
  });

  it('an order beyond the balance', async () => {
    expect(await client.createAndPostOrder(limit(0.5, 41))).toMatchObject({ error: 'not enough balance / allowance', status: 400 });
    expect((await client.createAndPostOrder(limit(0.5, 40))).status).toBe('live');
    await client.cancelAll();
  });

  it('an order on a closed market', async () => {
    const token = sandbox.markets[3]!.tokens[0].tokenId;
    const res = await client.createAndPostOrder({ tokenID: token, price: 0.5, size: 5, side: Side.BUY });
    expect(res).toMatchObject({ error: 'the market is not yet ready to process new orders', status: 400 });
  });
});

describe('auth refusals', () => {
  it('a bad L2 HMAC (wrong secret), a wrong passphrase and an unknown key answer 401', async () => {
    const wrongSecret = new Client({ host: sandbox.url, chain: 137, signer: wallet, creds: { ...creds, secret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' } });
    expect(await wrongSecret.createAndPostOrder(limit(0.3, 10))).toEqual({ error: 'Unauthorized/Invalid api key', status: 401 });
    const wrongPass = new Client({ host: sandbox.url, chain: 137, signer: wallet, creds: { ...creds, passphrase: 'nope' } });
    expect(await wrongPass.getBalanceAllowance({ asset_type: 'COLLATERAL' as never })).toEqual({ error: 'Unauthorized/Invalid api key', status: 401 });
    const unknown = new Client({ host: sandbox.url, chain: 137, signer: wallet, creds: { ...creds, key: '00000000-0000-4000-8000-000000000000' } });
    expect(await unknown.getBalanceAllowance({ asset_type: 'COLLATERAL' as never })).toMatchObject({ status: 401 });
  });

  it('an HMAC over a different body than the one sent answers 401; the right body passes', async () => {
    const signed = JSON.stringify({ orderID: '0x01' });
    const headers = await createL2Headers(wallet, creds, { method: 'DELETE', requestPath: '/order', body: signed });
    const send = (body: string) => fetch(`${sandbox.url}/order`, { method: 'DELETE', headers: { ...headers, 'content-type': 'application/json' } as Record<string, string>, body });
    expect((await send(JSON.stringify({ orderID: '0x02' }))).status).toBe(401);
    const good = await send(signed);
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ canceled: [], not_canceled: { '0x01': 'order not found' } });
  });

  it('L2 credentials only work for the address that created them', async () => {
    const stranger = new Client({ host: sandbox.url, chain: 137, signer: other, creds });
    expect(await stranger.getBalanceAllowance({ asset_type: 'COLLATERAL' as never })).toMatchObject({ status: 401 });
  });

  it('an L1 signature from another wallet than POLY_ADDRESS answers 401', async () => {
    const headers = await createL1Headers(other, 137, 0);
    const res = await fetch(`${sandbox.url}/auth/api-key`, { method: 'POST', headers: { ...headers, POLY_ADDRESS: wallet.address } as Record<string, string> });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Invalid L1 Request headers' });
  });
});
