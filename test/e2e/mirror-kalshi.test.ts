/**
 * Mirroring Polymarket wallets onto Kalshi, end to end: a scripted whale trades on the local Polymarket,
 * `betmirror mirror --exchange kalshi --market-map` sees it over the Data API and places the mapped
 * order on the local Kalshi; a trade in an unmapped market is skipped with its reason.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKalshiSandbox } from '../doubles/kalshi/index.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { generateKey } from '../exchanges/kalshi/helpers.js';
import { tempConfigDir } from '../support/cli.js';
import { mirrorMappedTrades } from './support/mapped-mirror.js';

const TICKER = 'KXRAIN-26NOV26';
let polymarket: PolymarketSandbox;
let kalshi: Awaited<ReturnType<typeof startKalshiSandbox>>;
const key = generateKey();

beforeAll(async () => {
  [polymarket, kalshi] = await Promise.all([startPolymarketSandbox(), startKalshiSandbox()]);
  kalshi.registerKey('key-mirror', key.publicKeyPem);
  kalshi.fund('key-mirror', 500_00);
  kalshi.addMarket({ ticker: TICKER, yesBids: [['0.40', '500']], noBids: [['0.48', '500']] });
});

afterAll(async () => {
  await Promise.all([polymarket?.close(), kalshi?.close()]);
});

const kalshiOrders = () => kalshi.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/portfolio/events/orders'));

describe('mirror onto Kalshi', () => {
  it('copies a mapped whale trade as the mapped Kalshi order and skips an unmapped one', async () => {
    const [mapped, unmapped] = polymarket.markets.filter((m) => m.active && !m.closed);
    const whale = polymarket.whales[0]!;
    const dir = tempConfigDir();
    const mapFile = join(dir, 'map.json');
    writeFileSync(mapFile, JSON.stringify({ version: 1, entries: [{ tokenId: mapped!.tokens[0].tokenId, kalshi: TICKER, outcome: 'yes' }] }));
    const pem = join(dir, 'kalshi.pem');
    writeFileSync(pem, key.privateKeyPem);

    const { code, stderr, events, mappedFills } = await mirrorMappedTrades({
      exchange: 'kalshi',
      mapFile,
      configDir: dir,
      env: { KALSHI_API_URL: kalshi.url, KALSHI_API_KEY_ID: 'key-mirror', KALSHI_PRIVATE_KEY_PATH: pem },
      polymarket,
      whale,
      mappedToken: mapped!.tokens[0].tokenId,
      unmappedToken: unmapped!.tokens[0].tokenId,
    });
    expect(stderr).not.toMatch(/error:/);
    expect(code).toBe(0);

    const skip = events.find((e) => e.type === 'decision' && e.status === 'skip');
    expect(skip).toMatchObject({ token: unmapped!.tokens[0].tokenId, reason: 'unmapped_market' });
    const order = events.find((e) => e.type === 'order');
    expect(order).toMatchObject({ token: mapped!.tokens[0].tokenId, side: 'buy', status: 'filled' });

    const posts = kalshiOrders();
    expect(posts).toHaveLength(1);
    const raw = posts[0]!.body as unknown;
    const body = typeof raw === "string" ? JSON.parse(raw) : raw;
    expect(body).toMatchObject({ ticker: TICKER, side: 'bid', time_in_force: 'immediate_or_cancel' });
    // $5 at the whale's price in whole contracts, capped 10% above it; filled at the YES ask, 1 - 0.48.
    // Every amount below follows from the whale's price: it must be the one the venue filled the whale at.
    expect(mappedFills.map((f) => [f.size, f.price])).toContainEqual([order!.whaleSize, order!.whalePrice]);
    const whalePrice = order!.whalePrice as number;
    const contracts = Math.floor(5 / whalePrice);
    expect(order).toMatchObject({ copySize: contracts, filledSize: contracts, filledValue: Number((contracts * 0.52).toFixed(2)) });
    expect(kalshi.position('key-mirror', TICKER)).toBe(`${contracts}.00`);
    // Kalshi's taker fee, rounded up to the cent: 0.07 x C x 0.52 x 0.48.
    const fee = Math.ceil(0.07 * contracts * 0.52 * 0.48 * 100 - 1e-9) / 100;
    const cash = Number((500 - contracts * 0.52 - fee).toFixed(2));
    expect(kalshi.balanceCents('key-mirror')).toBe(Math.round(cash * 100));
    // The books, the summary and the venue agree on the money, fee included.
    const summary = events.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', cash, fees: fee, venue: { cash, positions: [{ token: mapped!.tokens[0].tokenId, size: contracts }], differences: [] } });
  });
});
