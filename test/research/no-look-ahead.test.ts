import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MICRO } from '../../src/core/money.js';
import { parseMirrorSettings } from '../../src/mirror/settings.js';
import { replay, type BacktestConfig, type BacktestData } from '../../src/research/backtest.js';
import { loadBacktestData } from '../../src/research/load.js';
import { Tape } from '../../src/research/tape.js';
import type { HistoryFill, MarketInfo, PricePoint } from '../../src/research/types.js';
import { HISTORY_WALLETS } from '../../src/sandbox/polymarket/history.js';
import { historySandbox, M, NOW } from './support.js';

let data: BacktestData;
let close: () => Promise<void>;
beforeAll(async () => {
  const started = await historySandbox();
  close = started.close;
  data = await loadBacktestData(started.source, Object.values(HISTORY_WALLETS), FROM, NOW);
});
afterAll(() => close());

const FROM = NOW - 90 * 86_400_000;
const settings = parseMirrorSettings({ sizing: 'percent', percent: '5', 'max-slippage': '50' });
const config: BacktestConfig = { risk: settings.risk, bankroll: M('1000'), latencyMs: 2000, fillSlippage: 5_000n, from: FROM, to: NOW };

/** The same record, rewritten after `cut` (ms): other prices, other outcomes, later resolutions, an extra whale fill. */
function rewriteAfter(source: BacktestData, cut: number): BacktestData {
  const prices = new Map<string, PricePoint[]>();
  for (const [token, points] of source.tape.data.prices) {
    prices.set(token, [...points.map((pt) => (pt.t * 1000 > cut ? { t: pt.t, p: MICRO - pt.p } : pt)), { t: Math.floor(cut / 1000) + 1, p: 10_000n }].sort((a, b) => a.t - b.t));
  }
  const markets = new Map<string, MarketInfo>();
  for (const [token, info] of source.tape.data.markets) {
    const later = info.resolvedAt !== undefined && info.resolvedAt * 1000 > cut;
    markets.set(token, later ? { ...info, resolvedAt: info.resolvedAt! + 3600, payout: MICRO - info.payout! } : info);
  }
  const first = source.fills[0]!;
  const extra: HistoryFill = { ...first, timestamp: Math.floor(cut / 1000) + 2, txHash: '0xlater', size: M('500'), usd: M('250'), price: M('0.5') };
  return { fills: [...source.fills, extra], tape: new Tape({ markets, prices }) };
}

describe('no look-ahead', () => {
  it('what is known at t is only what happened up to t', () => {
    const info: MarketInfo = { token: 'T', market: 'C', tickSize: 10_000n, minSize: M('5'), resolvedAt: 1_000, payout: MICRO };
    const tape = new Tape({ markets: new Map([['T', info]]), prices: new Map([['T', [{ t: 10, p: M('0.4') }, { t: 20, p: M('0.6') }]]]) });
    expect(tape.asOf(9_999).price('T')).toBeUndefined();
    expect(tape.asOf(10_000).price('T')).toBe(M('0.4'));
    expect(tape.asOf(19_999).price('T')).toBe(M('0.4'));
    expect(tape.asOf(20_000).price('T')).toBe(M('0.6'));
    expect(tape.asOf(999_999).market('T')).toEqual({ token: 'T', market: 'C', tickSize: 10_000n, minSize: M('5') });
    expect(tape.asOf(1_000_000).market('T')).toEqual(info);
  });

  it('rewriting everything after a decision never changes that decision or anything before it', () => {
    const base = replay(data, config);
    expect(base.signals.length).toBe(41);
    for (const index of [0, 7, 15, 22, 30, 40]) {
      const cut = base.signals[index]!.at;
      const again = replay(rewriteAfter(data, cut), config);
      const upTo = <T extends { at: number }>(rows: T[]) => rows.filter((r) => r.at <= cut);
      expect(upTo(again.signals), `cut at signal ${index}`).toEqual(upTo(base.signals));
      expect(upTo(again.trades)).toEqual(upTo(base.trades));
      expect(upTo(again.equity)).toEqual(upTo(base.equity));
      // The rewrite does reach the result once its time comes: the test is not vacuous.
      expect(again.pnl).not.toBe(base.pnl);
    }
  });
});
