/** The unmodified official client (@polymarket/clob-client-v2) drives the sandbox end to end. */
import { AssetType, OrderType, Side, type ClobClient } from '@polymarket/clob-client-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { KEYS, USD, officialClient } from './helpers.js';

let sandbox: PolymarketSandbox;
let client: ClobClient;
let address: string;
let tokenId: string;

beforeAll(async () => {
  sandbox = await startPolymarketSandbox();
  const c = await officialClient(sandbox, KEYS[0]);
  client = c.client;
  address = c.wallet.address;
  sandbox.fund(address, 1_000n * USD);
  tokenId = sandbox.markets[0]!.tokens[0].tokenId;
});
afterAll(() => sandbox.close());

describe('official client against the sandbox', () => {
  it('createOrDeriveApiKey: creates once, then the venue refuses a second create and the client derives', async () => {
    const { creds } = await officialClient(sandbox, KEYS[0]);
    const again = await officialClient(sandbox, KEYS[0]);
    expect(again.creds).toEqual(creds);
    expect(creds.key).toMatch(/^[0-9a-f-]{36}$/);
    const derives = sandbox.requests.filter((r) => r.path === '/auth/derive-api-key');
    expect(derives.length).toBeGreaterThanOrEqual(2);
  });

  it('posts a GTC limit order that rests, lists it, reserves its cost and cancels it', async () => {
    const res = await client.createAndPostOrder({ tokenID: tokenId, price: 0.4, size: 10, side: Side.BUY });
    expect(res).toMatchObject({ success: true, status: 'live' });
    expect(res.orderID).toMatch(/^0x[0-9a-f]{64}$/);
    const open = await client.getOpenOrders({ asset_id: tokenId });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ id: res.orderID, side: 'BUY', price: '0.4', original_size: '10', size_matched: '0', status: 'LIVE', order_type: 'GTC', maker_address: address });
    expect(sandbox.reservedOf(address)).toBe(4n * USD);

    const cancelled = await client.cancelOrder({ orderID: res.orderID });
    expect(cancelled).toEqual({ canceled: [res.orderID], not_canceled: {} });
    expect(await client.getOpenOrders()).toEqual([]);
    expect(sandbox.reservedOf(address)).toBe(0n);
  });

  it('a market BUY (FOK) fills against resting liquidity; trades, balances and shares agree', async () => {
    const before = sandbox.collateralOf(address);
    const res = await client.createAndPostMarketOrder({ tokenID: tokenId, amount: 5, side: Side.BUY }, undefined, OrderType.FOK);
    expect(res).toMatchObject({ success: true, status: 'matched', makingAmount: '5' });
    expect(res.tradeIDs).toHaveLength(1);
    expect(res.transactionsHashes?.[0]).toMatch(/^0x[0-9a-f]{64}$/);
    const shares = sandbox.sharesOf(address, tokenId);
    expect(shares).toBeGreaterThan(9n * USD);
    expect(res.takingAmount).toBe((Number(shares) / 1e6).toString());
    expect(sandbox.collateralOf(address)).toBe(before - 5n * USD);

    const trades = await client.getTrades({ id: res.tradeIDs![0] });
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ side: 'BUY', trader_side: 'TAKER', asset_id: tokenId, status: 'CONFIRMED', transaction_hash: res.transactionsHashes![0] });
    expect(trades[0]!.maker_orders.length).toBeGreaterThan(0);

    const collateral = await client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
    expect(collateral.balance).toBe(sandbox.collateralOf(address).toString());
    const conditional = await client.getBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: tokenId });
    expect(conditional.balance).toBe(shares.toString());
  });

  it('a market SELL (FAK) sells the shares back at the bid', async () => {
    const shares = Number(sandbox.sharesOf(address, tokenId)) / 1e6;
    const before = sandbox.collateralOf(address);
    const sellable = Math.floor(shares * 100) / 100;
    const res = await client.createAndPostMarketOrder({ tokenID: tokenId, amount: sellable, side: Side.SELL }, undefined, OrderType.FAK);
    expect(res).toMatchObject({ success: true, status: 'matched', makingAmount: String(sellable) });
    expect(sandbox.collateralOf(address)).toBeGreaterThan(before);
    expect(sandbox.sharesOf(address, tokenId)).toBe(BigInt(Math.round((shares - sellable) * 1e6)));
  });

  it('batch posts, reads one order, cancels a batch and cancels by market', async () => {
    const orders = await Promise.all([0.31, 0.32, 0.33].map((price) => client.createOrder({ tokenID: tokenId, price, size: 5, side: Side.BUY })));
    const posted = (await client.postOrders(orders.map((order) => ({ order, orderType: OrderType.GTC })))) as Array<{ orderID: string; status: string }>;
    expect(posted.map((p) => p.status)).toEqual(['live', 'live', 'live']);
    expect(await client.getOrder(posted[1]!.orderID)).toMatchObject({ id: posted[1]!.orderID, price: '0.32', original_size: '5', status: 'LIVE' });

    const batch = await client.cancelOrders([posted[0]!.orderID, posted[1]!.orderID, '0xdead']);
    expect(batch.canceled).toEqual([posted[0]!.orderID, posted[1]!.orderID]);
    expect(Object.keys(batch.not_canceled)).toEqual(['0xdead']);
    expect(await client.getOrder(posted[0]!.orderID)).toMatchObject({ status: 'CANCELED' });

    const byMarket = await client.cancelMarketOrders({ asset_id: tokenId });
    expect(byMarket.canceled).toEqual([posted[2]!.orderID]);
    expect(await client.getOpenOrders()).toEqual([]);
  });

  it('the market data endpoints the client reads answer in the venue shapes', async () => {
    expect(await client.getTickSize(tokenId)).toBe('0.01');
    expect(await client.getNegRisk(sandbox.markets[1]!.tokens[0].tokenId)).toBe(true);
    const book = await client.getOrderBook(tokenId);
    const bestBid = book.bids[book.bids.length - 1]!.price;
    const bestAsk = book.asks[book.asks.length - 1]!.price;
    expect(Number(bestBid)).toBeLessThan(Number(bestAsk));
    expect(await client.getPrice(tokenId, 'BUY')).toEqual({ price: bestBid });
    expect(await client.getPrice(tokenId, 'SELL')).toEqual({ price: bestAsk });
    const mid = (await client.getMidpoint(tokenId)) as { mid: string };
    expect(Number(mid.mid)).toBeCloseTo((Number(bestBid) + Number(bestAsk)) / 2, 6);
    const info = await client.getClobMarketInfo(sandbox.markets[2]!.conditionId);
    expect(info).toMatchObject({ c: sandbox.markets[2]!.conditionId, mts: 0.001, nr: false });
    expect(await client.getVersion()).toBe(2);
    const prices = (await client.getPrices([{ token_id: tokenId, side: Side.BUY }, { token_id: tokenId, side: Side.SELL }])) as Record<string, Record<string, string>>;
    expect(prices[tokenId]).toEqual({ BUY: bestBid, SELL: bestAsk });
    const mids = (await client.getMidpoints([{ token_id: tokenId, side: Side.BUY }])) as Record<string, string>;
    expect(mids[tokenId]).toBe(mid.mid);
  });
});
