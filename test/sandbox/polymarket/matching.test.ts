/** Matching semantics through the official client: partial fills, FOK/FAK, GTD expiry, duplicates, reservations. */
import { OrderType, Side, type ClobClient } from '@polymarket/clob-client-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { KEYS, USD, manualClock, officialClient, refusal } from './helpers.js';

const clock = manualClock();
let sandbox: PolymarketSandbox;
let seller: ClobClient;
let buyer: ClobClient;
let sellerAddress: string;
let buyerAddress: string;
let tokenId: string;

beforeAll(async () => {
  // No market maker: the book holds only what these tests put there.
  sandbox = await startPolymarketSandbox({ liquidity: false, clock });
  const s = await officialClient(sandbox, KEYS[1]);
  const b = await officialClient(sandbox, KEYS[2]);
  [seller, buyer, sellerAddress, buyerAddress] = [s.client, b.client, s.wallet.address, b.wallet.address];
  tokenId = sandbox.markets[0]!.tokens[0].tokenId;
  sandbox.setShares(sellerAddress, tokenId, 100n * USD);
  sandbox.fund(buyerAddress, 100n * USD);
});
afterAll(() => sandbox.close());

describe('matching engine', () => {
  it('fills a resting order partially, then fills an incoming order partially and rests its rest', async () => {
    const ask = await seller.createAndPostOrder({ tokenID: tokenId, price: 0.6, size: 20, side: Side.SELL });
    expect(ask.status).toBe('live');

    const first = await buyer.createAndPostOrder({ tokenID: tokenId, price: 0.6, size: 8, side: Side.BUY });
    expect(first).toMatchObject({ status: 'matched', takingAmount: '8', makingAmount: '4.8' });
    const [resting] = await seller.getOpenOrders();
    expect(resting).toMatchObject({ id: ask.orderID, size_matched: '8', original_size: '20', status: 'LIVE' });
    const makerTrades = await seller.getTrades();
    expect(makerTrades[0]).toMatchObject({ trader_side: 'MAKER', size: '8', price: '0.6' });
    expect(makerTrades[0]!.maker_orders[0]).toMatchObject({ order_id: ask.orderID, matched_amount: '8' });

    // Better-priced bid (0.65) takes the 12 left at the maker's 0.60 and rests 8 at 0.65.
    const second = await buyer.createAndPostOrder({ tokenID: tokenId, price: 0.65, size: 20, side: Side.BUY });
    expect(second).toMatchObject({ status: 'matched', takingAmount: '12', makingAmount: '7.2' });
    expect(await seller.getOpenOrders()).toEqual([]);
    const [rest] = await buyer.getOpenOrders();
    expect(rest).toMatchObject({ id: second.orderID, original_size: '20', size_matched: '12', price: '0.65' });
    expect(sandbox.sharesOf(buyerAddress, tokenId)).toBe(20n * USD);
    expect(sandbox.collateralOf(sellerAddress)).toBe(12n * USD);
    expect(sandbox.reservedOf(buyerAddress)).toBe(5_200_000n); // 8 x 0.65
    await buyer.cancelAll();
    expect(sandbox.reservedOf(buyerAddress)).toBe(0n);
  });

  it('FOK is killed when the book cannot fill it entirely; FAK fills what it can', async () => {
    await seller.createAndPostOrder({ tokenID: tokenId, price: 0.7, size: 10, side: Side.SELL });
    const fok = await buyer.createAndPostMarketOrder({ tokenID: tokenId, amount: 20, side: Side.BUY, price: 0.7 }, undefined, OrderType.FOK);
    expect(fok).toMatchObject({ error: "order couldn't be fully filled. FOK orders are fully filled or killed.", status: 400 });
    const fak = await buyer.createAndPostMarketOrder({ tokenID: tokenId, amount: 20, side: Side.BUY, price: 0.7 }, undefined, OrderType.FAK);
    expect(fak).toMatchObject({ success: true, status: 'matched', takingAmount: '10', makingAmount: '7' });
    const empty = await buyer.createAndPostMarketOrder({ tokenID: tokenId, amount: 5, side: Side.BUY, price: 0.7 }, undefined, OrderType.FAK);
    expect(empty).toMatchObject({ error: 'no orders found to match with FAK order', status: 400 });
  });

  it('GTD orders rest until their expiration on the venue clock, and need at least a minute', async () => {
    const now = Math.floor(clock.now() / 1000);
    const tooSoon = await buyer.createAndPostOrder({ tokenID: tokenId, price: 0.2, size: 5, side: Side.BUY, expiration: now + 30 }, undefined, OrderType.GTD);
    expect(tooSoon).toMatchObject({ error: 'invalid expiration', status: 400 });
    const gtd = await buyer.createAndPostOrder({ tokenID: tokenId, price: 0.2, size: 5, side: Side.BUY, expiration: now + 120 }, undefined, OrderType.GTD);
    expect(gtd.status).toBe('live');
    expect((await buyer.getOpenOrders()).map((o) => o.id)).toEqual([gtd.orderID]);
    clock.advance(121_000);
    expect(await buyer.getOpenOrders()).toEqual([]);
    expect(sandbox.reservedOf(buyerAddress)).toBe(0n);
  });

  it('refuses the same signed order twice (duplicate hash)', async () => {
    const order = await buyer.createOrder({ tokenID: tokenId, price: 0.1, size: 5, side: Side.BUY });
    expect(await buyer.postOrder(order)).toMatchObject({ success: true, status: 'live' });
    const again = await buyer.postOrder(order);
    expect(again.status).toBe(400);
    expect(refusal(again).error).toMatch(/^order 0x[0-9a-f]{64} is invalid\. Duplicated\./);
    await buyer.cancelAll();
  });

  it('counts open orders against the balance (reservation)', async () => {
    const cash = sandbox.collateralOf(buyerAddress);
    const size = Math.floor(Number(cash) / 1e6 / 0.5 / 2) + 1; // two of these need more than the cash
    expect((await buyer.createAndPostOrder({ tokenID: tokenId, price: 0.5, size, side: Side.BUY })).status).toBe('live');
    const second = await buyer.createAndPostOrder({ tokenID: tokenId, price: 0.5, size, side: Side.BUY });
    expect(second).toMatchObject({ error: 'not enough balance / allowance', status: 400 });
    await buyer.cancelAll();
    expect((await buyer.createAndPostOrder({ tokenID: tokenId, price: 0.5, size, side: Side.BUY })).status).toBe('live');
    await buyer.cancelAll();
  });

  it('a SELL needs shares not already offered by resting sells', async () => {
    const held = Number(sandbox.sharesOf(sellerAddress, tokenId)) / 1e6;
    expect((await seller.createAndPostOrder({ tokenID: tokenId, price: 0.9, size: held, side: Side.SELL })).status).toBe('live');
    const more = await seller.createAndPostOrder({ tokenID: tokenId, price: 0.9, size: 5, side: Side.SELL });
    expect(more).toMatchObject({ error: 'not enough balance / allowance', status: 400 });
    await seller.cancelAll();
  });
});
