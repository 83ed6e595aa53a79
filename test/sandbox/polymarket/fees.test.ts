/**
 * Fees at match and the marketable minimum, through the official client: the schedule served where
 * production serves it (/clob-markets `fd`, /fee-rate, Gamma), takers charged per fill (a BUY in shares,
 * a SELL in pUSD), makers never, rounding down to 5 decimals; FOK/FAK need $1, limit orders 5 shares.
 */
import { OrderType, Side, type ClobClient } from '@polymarket/clob-client-v2';
import { generatePrivateKey } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMarket, startPolymarketSandbox, type PolymarketSandbox, type SandboxMarket } from '../../../src/sandbox/polymarket/index.js';
import { USD, getJson, officialClient, refusal } from './helpers.js';

let sandbox: PolymarketSandbox;
let marketCount = 0;

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ liquidity: false, markets: [] });
});
afterAll(() => sandbox.close());

/** A fresh market per test (tick 0.01, minimum 5 shares), so every balance below is absolute. */
function newMarket(feeRate?: number, feeExponent?: number): SandboxMarket {
  marketCount += 1;
  const market = makeMarket({ slug: `fees-${marketCount}`, eventSlug: 'fees', question: `Fees ${marketCount}?`, tickSize: '0.01', feeRate, feeExponent });
  sandbox.markets.push(market);
  return market;
}

async function wallet(): Promise<{ client: ClobClient; address: string }> {
  const { client, wallet: w } = await officialClient(sandbox, generatePrivateKey());
  return { client, address: w.address };
}

describe('the fee schedule is served where production serves it', () => {
  it('/clob-markets fd, /fee-rate and Gamma for a market with fees, and for a fee-free one', async () => {
    const charged = newMarket(0.03);
    const free = newMarket();
    const token = charged.tokens[0].tokenId;
    expect((await getJson(`${sandbox.url}/clob-markets/${charged.conditionId}`)).body).toMatchObject({ fd: { r: 0.03, e: 1, to: true } });
    expect((await getJson(`${sandbox.url}/clob-markets/${free.conditionId}`)).body).toMatchObject({ fd: { r: 0, e: 0, to: false } });
    expect((await getJson(`${sandbox.url}/fee-rate?token_id=${token}`)).body).toEqual({ base_fee: 1000 });
    expect((await getJson(`${sandbox.url}/fee-rate?token_id=${free.tokens[0].tokenId}`)).body).toEqual({ base_fee: 0 });
    expect((await getJson(`${sandbox.gammaUrl}/markets?slug=${charged.slug}`)).body).toMatchObject([
      { feesEnabled: true, feeSchedule: { rate: 0.03, exponent: 1, takerOnly: true } },
    ]);

    const { client } = await wallet();
    await client.getClobMarketInfo(charged.conditionId);
    expect(client.feeInfos[token]).toEqual({ rate: 0.03, exponent: 1 });
  });

  it('setFeeSchedule gives an existing market a rate, and 0 takes it away', async () => {
    const market = newMarket();
    sandbox.setFeeSchedule(market.conditionId, 0.07, 2);
    expect((await getJson(`${sandbox.url}/clob-markets/${market.conditionId}`)).body).toMatchObject({ fd: { r: 0.07, e: 2, to: true } });
    sandbox.setFeeSchedule(market.conditionId, 0);
    expect((await getJson(`${sandbox.url}/clob-markets/${market.conditionId}`)).body).toMatchObject({ fd: { r: 0, e: 0, to: false } });
    expect(() => sandbox.setFeeSchedule(market.conditionId, 1.5)).toThrow(/invalid fee rate/);
  });
});

describe('takers pay at match time; makers never', () => {
  it('BUY 100 @ 0.50 at rate 0.03: pays $50, receives 98.5 shares; the answer and the order still say 100', async () => {
    const market = newMarket(0.03);
    const token = market.tokens[0].tokenId;
    const maker = await wallet();
    const taker = await wallet();
    sandbox.setShares(maker.address, token, 100n * USD);
    sandbox.fund(taker.address, 100n * USD);
    await maker.client.createAndPostOrder({ tokenID: token, price: 0.5, size: 100, side: Side.SELL });

    const answer = await taker.client.createAndPostOrder({ tokenID: token, price: 0.5, size: 100, side: Side.BUY });
    // fee = 100 x 0.03 x 0.5 x 0.5 = $0.75, withheld as 0.75 / 0.5 = 1.5 shares.
    expect(answer).toMatchObject({ status: 'matched', takingAmount: '100', makingAmount: '50' });
    expect(sandbox.sharesOf(taker.address, token)).toBe(98_500_000n);
    expect(sandbox.collateralOf(taker.address)).toBe(50n * USD);
    expect(sandbox.collateralOf(maker.address)).toBe(50n * USD);
    expect(sandbox.sharesOf(maker.address, token)).toBe(0n);
    expect(sandbox.sharesOf(sandbox.feeCollector, token)).toBe(1_500_000n);
    expect(await taker.client.getOrder(answer.orderID)).toMatchObject({ size_matched: '100', original_size: '100' });

    const [trade] = await taker.client.getTrades({ id: answer.tradeIDs![0]! });
    expect(trade).toMatchObject({ trader_side: 'TAKER', size: '100', price: '0.5', fee_rate_bps: '300' });
    expect(trade!.maker_orders[0]).toMatchObject({ matched_amount: '100', price: '0.5', fee_rate_bps: '0' });
  });

  it('SELL 100 @ 0.40 at rate 0.03: receives $40 - $0.72 = $39.28; the maker receives all 100 shares', async () => {
    const market = newMarket(0.03);
    const token = market.tokens[0].tokenId;
    const maker = await wallet();
    const taker = await wallet();
    sandbox.fund(maker.address, 40n * USD);
    sandbox.setShares(taker.address, token, 100n * USD);
    await maker.client.createAndPostOrder({ tokenID: token, price: 0.4, size: 100, side: Side.BUY });

    const answer = await taker.client.createAndPostMarketOrder({ tokenID: token, amount: 100, side: Side.SELL, price: 0.4 }, undefined, OrderType.FAK);
    expect(answer).toMatchObject({ status: 'matched', makingAmount: '100', takingAmount: '40' });
    expect(sandbox.collateralOf(taker.address)).toBe(39_280_000n);
    expect(sandbox.sharesOf(taker.address, token)).toBe(0n);
    expect(sandbox.sharesOf(maker.address, token)).toBe(100n * USD);
    expect(sandbox.collateralOf(maker.address)).toBe(0n);
    expect(sandbox.collateralOf(sandbox.feeCollector)).toBe(720_000n);
  });

  it('one fee per fill at that fill price, each rounded down to 5 decimals', async () => {
    const market = newMarket(0.07);
    const token = market.tokens[0].tokenId;
    const [a, b, taker] = [await wallet(), await wallet(), await wallet()];
    sandbox.setShares(a.address, token, 5_010_000n);
    sandbox.setShares(b.address, token, 7_030_000n);
    sandbox.fund(taker.address, 10n * USD);
    await a.client.createAndPostOrder({ tokenID: token, price: 0.33, size: 5.01, side: Side.SELL });
    await b.client.createAndPostOrder({ tokenID: token, price: 0.37, size: 7.03, side: Side.SELL });

    const answer = await taker.client.createAndPostOrder({ tokenID: token, price: 0.37, size: 12.04, side: Side.BUY });
    // 5.01 x 0.07 x 0.67 = 0.234969 -> 0.23496; 7.03 x 0.07 x 0.63 = 0.310023 -> 0.31002; fee 0.54498 shares.
    expect(answer).toMatchObject({ takingAmount: '12.04', makingAmount: '4.2544' });
    expect(sandbox.sharesOf(taker.address, token)).toBe(11_495_020n);
    expect(sandbox.collateralOf(taker.address)).toBe(5_745_600n);
    expect(sandbox.sharesOf(sandbox.feeCollector, token)).toBe(544_980n);
  });

  it('the exponent of the schedule: SELL 10 @ 0.37 at rate 0.25, exponent 2 pays 10 x 0.25 x (0.37 x 0.63)^2 = 0.13583', async () => {
    const market = newMarket(0.25, 2);
    const token = market.tokens[0].tokenId;
    const maker = await wallet();
    const taker = await wallet();
    sandbox.fund(maker.address, 3_700_000n);
    sandbox.setShares(taker.address, token, 10n * USD);
    await maker.client.createAndPostOrder({ tokenID: token, price: 0.37, size: 10, side: Side.BUY });
    await taker.client.createAndPostOrder({ tokenID: token, price: 0.37, size: 10, side: Side.SELL });
    expect(sandbox.collateralOf(taker.address)).toBe(3_564_170n);
    expect(sandbox.sharesOf(maker.address, token)).toBe(10n * USD);
  });

  it('a fee-free market charges nothing', async () => {
    const market = newMarket();
    const token = market.tokens[0].tokenId;
    const maker = await wallet();
    const taker = await wallet();
    sandbox.setShares(maker.address, token, 10n * USD);
    sandbox.fund(taker.address, 5n * USD);
    await maker.client.createAndPostOrder({ tokenID: token, price: 0.5, size: 10, side: Side.SELL });
    const answer = await taker.client.createAndPostOrder({ tokenID: token, price: 0.5, size: 10, side: Side.BUY });
    expect(sandbox.sharesOf(taker.address, token)).toBe(10n * USD);
    expect(sandbox.collateralOf(taker.address)).toBe(0n);
    expect((await taker.client.getTrades({ id: answer.tradeIDs![0]! }))[0]).toMatchObject({ fee_rate_bps: '0' });
  });
});

describe('minimums: $1 for marketable orders, min_order_size shares for limit orders', () => {
  it('a FAK sell of 3 shares at 0.60 ($1.80) fills; one of 1 share ($0.60) and a GTC sell of 3 shares are refused', async () => {
    const market = newMarket();
    const token = market.tokens[0].tokenId;
    const bidder = await wallet();
    const seller = await wallet();
    sandbox.fund(bidder.address, 6n * USD);
    sandbox.setShares(seller.address, token, 4n * USD);
    await bidder.client.createAndPostOrder({ tokenID: token, price: 0.6, size: 10, side: Side.BUY });

    const small = await seller.client.createAndPostMarketOrder({ tokenID: token, amount: 3, side: Side.SELL, price: 0.6 }, undefined, OrderType.FAK);
    expect(small).toMatchObject({ status: 'matched', makingAmount: '3', takingAmount: '1.8' });
    expect(sandbox.sharesOf(seller.address, token)).toBe(USD);
    expect(sandbox.collateralOf(seller.address)).toBe(1_800_000n);

    const tiny = await seller.client.createAndPostMarketOrder({ tokenID: token, amount: 1, side: Side.SELL, price: 0.6 }, undefined, OrderType.FAK);
    expect(refusal(tiny)).toMatchObject({ status: 400, error: 'invalid amount for a marketable SELL order ($0.6), min size: $1' });
    const tinyBuy = await bidder.client.createAndPostMarketOrder({ tokenID: token, amount: 0.9, side: Side.BUY, price: 0.6 }, undefined, OrderType.FOK);
    expect(refusal(tinyBuy)).toMatchObject({ status: 400, error: 'invalid amount for a marketable BUY order ($0.9), min size: $1' });

    sandbox.setShares(seller.address, token, 3n * USD);
    const limit = await seller.client.createAndPostOrder({ tokenID: token, price: 0.6, size: 3, side: Side.SELL });
    expect(refusal(limit).error).toMatch(/^order 0x[0-9a-f]{64} is invalid\. Size \(3\) lower than the minimum: 5$/);
    expect(sandbox.sharesOf(seller.address, token)).toBe(3n * USD);
  });
});
