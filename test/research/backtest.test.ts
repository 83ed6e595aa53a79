import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMirrorSettings } from '../../src/mirror/settings.js';
import { replay, type BacktestConfig, type BacktestData } from '../../src/research/backtest.js';
import { loadBacktestData } from '../../src/research/load.js';
import { runBacktest } from '../../src/research/summary.js';
import { HISTORY_WALLETS } from '../../src/sandbox/polymarket/history.js';
import type { HttpResearchSource } from '../../src/research/client.js';
import { historySandbox, M, NOW } from './support.js';

let source: HttpResearchSource;
let close: () => Promise<void>;
beforeAll(async () => ({ source, close } = await historySandbox()));
afterAll(() => close());

const FROM = NOW - 90 * 86_400_000;

function config(flags: Record<string, string> = {}, latencyMs = 1000): BacktestConfig {
  const settings = parseMirrorSettings({ sizing: 'fixed', 'fixed-usd': '20', ...flags });
  return { risk: settings.risk, bankroll: M('1000'), latencyMs, fillSlippage: 5_000n, maxSignalAgeMs: settings.maxSignalAgeMs, from: FROM, to: NOW };
}

const load = (wallet: string): Promise<BacktestData> => loadBacktestData(source, [wallet], FROM, NOW);

describe('backtest of the scripted wallets ($20 fixed copies, 0.5% fill slippage, 2% fee rate)', () => {
  it('the fast wallet pays at 1 s and is not copyable at 10 s: the price is past the 2% cap', async () => {
    const report = runBacktest(await load(HISTORY_WALLETS.fast), config());
    // Each copy: 40 shares (20 / 0.50) filled at 0.49 x 1.005 = 0.49245 = 19.698 USD; the fee withholds
    // 40 x 0.02 x (1 - 0.49245) = 0.40604 shares. 7 wins pay 39.59396 - 19.698, 3 losses cost 19.698.
    expect(report.main).toMatchObject({ pnl: M('80.17772'), copied: 10, skipped: 0, fees: M('1.99954'), openPositions: 0 });
    expect(report.main.trades[0]).toMatchObject({ side: 'buy', whalePrice: M('0.5'), marketPrice: M('0.49'), price: M('0.49245'), size: M('40'), value: M('19.698') });
    expect(report.whale).toEqual({ fills: 10, invested: M('500'), pnl: M('200') });
    expect(report.latencies.map((r) => [r.latencyMs, r.pnl, r.copied, r.skipped])).toEqual([
      [1000, M('80.17772'), 10, 0],
      [10_000, 0n, 0, 10],
      [60_000, 0n, 0, 10],
    ]);
    const slow = replay(await load(HISTORY_WALLETS.fast), config({}, 10_000));
    expect(slow.skipReasons).toEqual({ no_fill_inside_cap: 10 });
    expect(slow.signals[0]!.detail).toBe('market 0.7 (0.7035 with slippage) is past the 0.51 price cap');
  });

  it('the fast wallet at 10 s with a 50% cap: copies fill at 0.7035 and the edge is gone', async () => {
    const result = replay(await load(HISTORY_WALLETS.fast), config({ 'max-slippage': '50' }, 10_000));
    // 40 shares at 0.7035 = 28.14 USD, fee 0.2372 shares: 7 x (39.7628 - 28.14) - 3 x 28.14.
    // The fee in dollars: 10 x 40 x 0.02 x 0.7035 x 0.2965 = 1.6687.
    expect(result).toMatchObject({ pnl: M('-3.0604'), copied: 10, skipped: 0, fees: M('1.6687') });
  });

  it('the steady winner, the lucky wallet and the loser', async () => {
    const steady = runBacktest(await load(HISTORY_WALLETS.steady), config());
    expect(steady.main).toMatchObject({ pnl: M('247.215763'), copied: 15, skipped: 0, openPositions: 1, maxDrawdown: M('19.863615') });
    expect(steady.whale).toEqual({ fills: 15, invested: M('1066'), pnl: M('869') });
    // Its price moves minutes after its trades: a minute late costs nothing.
    expect(steady.latencies.map((r) => r.pnl)).toEqual([M('247.215763'), M('247.215763'), M('247.215763')]);

    const lucky = runBacktest(await load(HISTORY_WALLETS.lucky), config());
    expect(lucky.main).toMatchObject({ pnl: M('277.7516'), copied: 6 });
    expect(lucky.whale.pnl).toBe(M('1750'));

    const loser = runBacktest(await load(HISTORY_WALLETS.loser), config());
    expect(loser.main).toMatchObject({ pnl: M('-84.5393'), copied: 10, maxDrawdown: M('93.122274') });
    expect(loser.whale.pnl).toBe(M('-300'));
  });

  it('proportional sizing sees the whale\'s positions as /value would have then, bounded by --max-copy-fraction', async () => {
    const settings = parseMirrorSettings({});
    const result = replay(await load(HISTORY_WALLETS.steady), { ...config(), risk: settings.risk });
    // First fill: the whale's 200 shares at the 0.34 price of the moment = 68 USD of positions, and it bet
    // 70: proportionally 1,029 USD of our 1,000, cut to 10% of equity = 100 USD at the 0.35 cap, taker fee
    // included as live: 282.04 x 0.35 = 98.714 + 282.04 x 0.02 x 0.35 x 0.65 = 1.283282 -> 99.997282 <= 100.
    expect(result.trades[0]).toMatchObject({ side: 'buy', size: M('282.04'), price: M('0.3417'), value: M('96.373068'), limitedBy: 'max_copy_fraction' });
  });

  it('skips what the live mirror skips: a sell with nothing held, signals older than --max-signal-age', async () => {
    const data = await load(HISTORY_WALLETS.steady);
    // With a $1 cap per trade no copy is big enough for the 5-share minimum, so the later sell has nothing to sell.
    const capped = replay(data, config({ 'max-per-trade': '1' }));
    expect(capped.skipReasons).toEqual({ max_per_trade: 14, no_position: 1 });
    expect(capped.pnl).toBe(0n);
    const old = replay(data, { ...config(), latencyMs: 5000, maxSignalAgeMs: 4000 });
    expect(old.skipReasons).toEqual({ signal_too_old: 15 });
  });
});
