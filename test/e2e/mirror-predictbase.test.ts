/**
 * Mirroring a Polymarket wallet onto PredictBase, end to end: a scripted whale trades on the local
 * Polymarket, `betmirror mirror --exchange predictbase --market-map` sees it over the Data API and places
 * the mapped order on the local PredictBase; a trade in an unmapped market is skipped with its reason.
 * Exact amounts: shares, dollars, the wallet's USDC after, and the books agreeing with the venue.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { startPredictBaseSandbox, type PredictBaseSandbox } from '../../src/sandbox/predictbase/index.js';
import { tempConfigDir } from '../support/cli.js';
import { mirrorMappedTrades } from './support/mapped-mirror.js';

const MARKET = '20001';
const WALLET = '0x5555555555555555555555555555555555555555';
const KEY = 'pb-mirror-key';
let polymarket: PolymarketSandbox;
let predictbase: PredictBaseSandbox;

beforeAll(async () => {
  [polymarket, predictbase] = await Promise.all([startPolymarketSandbox(), startPredictBaseSandbox()]);
  predictbase.registerKey(KEY, WALLET);
  predictbase.fund(WALLET, 500_000_000n);
  predictbase.addMarket({
    id: MARKET,
    optionTitles: ['Yes', 'No'],
    book: [
      { side: 'SELL', optionIndex: 0, price: '0.52', qty: '500' },
      { side: 'BUY', optionIndex: 0, price: '0.40', qty: '500' },
    ],
  });
});

afterAll(async () => {
  await Promise.all([polymarket?.close(), predictbase?.close()]);
});


describe('mirror onto PredictBase', () => {
  it('copies a mapped whale trade as the mapped PredictBase order and skips an unmapped one', async () => {
    const [mapped, unmapped] = polymarket.markets.filter((m) => m.active && !m.closed);
    const whale = polymarket.whales[0]!;
    const dir = tempConfigDir();
    const mapFile = join(dir, 'map.json');
    writeFileSync(
      mapFile,
      JSON.stringify({
        version: 1,
        entries: [
          { tokenId: mapped!.tokens[0].tokenId, predictbase: MARKET, option: 'Yes' },
          // A Kalshi entry for the other market: not this venue's, so that trade is unmapped here.
          { tokenId: unmapped!.tokens[0].tokenId, kalshi: 'KXOTHER-1', outcome: 'yes' },
        ],
      }),
    );

    const { code, stderr, events, mappedFills } = await mirrorMappedTrades({
      exchange: 'predictbase',
      mapFile,
      configDir: dir,
      env: { PREDICTBASE_API_URL: predictbase.url, PREDICTBASE_API_KEY: KEY, PREDICTBASE_ADDRESS: WALLET, BASE_RPC_URL: predictbase.rpcUrl },
      polymarket,
      whale,
      mappedToken: mapped!.tokens[0].tokenId,
      unmappedToken: unmapped!.tokens[0].tokenId,
    });
    expect(stderr).not.toMatch(/error:/);
    expect(code).toBe(0);

    const skip = events.find((e) => e.type === 'decision' && e.status === 'skip');
    expect(skip).toMatchObject({
      token: unmapped!.tokens[0].tokenId,
      reason: 'unmapped_market',
      detail: `no PredictBase market mapped for Polymarket token ${unmapped!.tokens[0].tokenId} (market ${String(skip!.market)})`,
    });
    const order = events.find((e) => e.type === 'order');
    expect(order).toMatchObject({ token: mapped!.tokens[0].tokenId, side: 'buy', status: 'filled' });

    // $5 at the whale's price in whole shares, capped 10% above it: one LIMIT order on option 0 of the mapped market.
    // Every amount below follows from the whale's price: it must be the one the venue filled the whale at.
    expect(mappedFills.map((f) => [f.size, f.price])).toContainEqual([order!.whaleSize, order!.whalePrice]);
    const whalePrice = order!.whalePrice as number;
    const shares = Math.floor(5 / whalePrice);
    const posts = predictbase.requests.filter((r) => r.method === 'POST' && r.path === '/create-order');
    expect(posts).toHaveLength(1);
    const body = posts[0]!.body as { order: Record<string, unknown> };
    expect(body.order).toMatchObject({ type: 'LIMIT', side: 'BUY', marketId: MARKET, optionIndex: 0, qty: shares, userId: WALLET, timeInForce: 'GTC' });
    // The cap: 10% above the whale's price, down to the cent.
    expect(body.order.price).toBe(Math.floor(whalePrice * 1.1 * 100 + 1e-9) / 100);
    expect(body.order.price).toBe(order!.copyPrice);
    // Filled at the house ask; the buyer pays no fee (the seller does), so the wallet moved by exactly shares x 0.52.
    const cost = Number((shares * 0.52).toFixed(2));
    expect(order).toMatchObject({ copySize: shares, filledSize: shares, filledValue: cost });
    expect(predictbase.shares(WALLET, MARKET, 0)).toBe(BigInt(shares) * 1_000_000n);
    expect(predictbase.cash(WALLET)).toBe(500_000_000n - BigInt(shares) * 520_000n);
    const cash = Number((500 - cost).toFixed(2));
    const summary = events.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', cash, fees: 0, venue: { cash, differences: [] } });
  });
});
