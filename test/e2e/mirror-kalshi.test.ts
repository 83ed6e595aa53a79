/**
 * Mirroring Polymarket wallets onto Kalshi, end to end: a scripted whale trades on the local Polymarket,
 * `betmirror mirror --exchange kalshi --market-map` sees it over the Data API and places the mapped
 * order on the local Kalshi; a trade in an unmapped market is skipped with its reason.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextFile } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/program.js';
import { nonInteractivePrompter } from '../../src/cli/prompter.js';
import { systemClock } from '../../src/core/runtime.js';
import { defaultRegistry } from '../../src/exchanges/registry.js';
import { startKalshiSandbox } from '../doubles/kalshi/index.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { generateKey } from '../exchanges/kalshi/helpers.js';
import { memoryStream, tempConfigDir } from '../support/cli.js';
import { assertValidEvent } from '../mirror/support/event-schema.js';

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
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

    const controller = new AbortController();
    const stdout = memoryStream(false);
    const stderr = memoryStream(false);
    const running = runCli(
      ['mirror', '--exchange', 'kalshi', '--follow', whale, '--market-map', mapFile, '--source', 'data-api', '--poll-interval', '100',
        '--sizing', 'fixed', '--fixed-usd', '5', '--max-slippage', '10', '--yes', '--json'],
      {
        io: { stdout, stderr, stdin: { isTTY: false } },
        env: {
          KALSHI_API_URL: kalshi.url,
          KALSHI_API_KEY_ID: 'key-mirror',
          KALSHI_PRIVATE_KEY_PATH: pem,
          POLYMARKET_DATA_API_URL: polymarket.dataApiUrl,
          POLYMARKET_GAMMA_URL: polymarket.gammaUrl,
          POLYMARKET_RTDS_URL: polymarket.rtdsUrl,
        },
        clock: systemClock,
        fetch: globalThis.fetch,
        prompter: nonInteractivePrompter(),
        exchanges: defaultRegistry(),
        signal: controller.signal,
        configDir: dir,
        version: 'test',
        readTextFile,
      },
    );
    const until = (ms: number, done: () => boolean) => (async () => {
      const end = Date.now() + ms;
      while (Date.now() < end && !done()) await sleep(50);
    })();
    await until(10_000, () => stdout.text().includes('"type":"started"'));
    expect(stdout.text()).toContain('"type":"started"');

    expect(await polymarket.whaleTrade({ wallet: whale, tokenId: mapped!.tokens[0].tokenId, side: 'BUY', size: 20, price: 0.6 })).not.toHaveLength(0);
    expect(await polymarket.whaleTrade({ wallet: whale, tokenId: unmapped!.tokens[0].tokenId, side: 'BUY', size: 20, price: 0.99 })).not.toHaveLength(0);
    await until(10_000, () => (stdout.text().match(/"type":"decision"/g) ?? []).length >= 2 && stdout.text().includes('"type":"order"'));
    controller.abort();
    const code = await running;
    expect(stderr.text()).not.toMatch(/error:/);
    expect(code).toBe(0);

    const events = stdout.text().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    events.forEach(assertValidEvent);
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
