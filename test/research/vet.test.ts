import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_WALLETS } from '../../src/sandbox/polymarket/history.js';
import { wilson } from '../../src/research/stats.js';
import { DEFAULT_THRESHOLDS, vet } from '../../src/research/vet.js';
import type { HttpResearchSource } from '../../src/research/client.js';
import { ANCHOR, DAY, historySandbox, M, NOW } from './support.js';

let source: HttpResearchSource;
let close: () => Promise<void>;
beforeAll(async () => ({ source, close } = await historySandbox()));
afterAll(() => close());

const nowSec = NOW / 1000;

describe('wilson interval', () => {
  it('matches the textbook values and never leaves [0, 1]', () => {
    expect(wilson(9, 12).low).toBeCloseTo(0.46769, 4);
    expect(wilson(9, 12).high).toBeCloseTo(0.91105, 4);
    expect(wilson(3, 3).low).toBeCloseTo(0.43850, 4);
    expect(wilson(3, 3).high).toBe(1);
    expect(wilson(0, 5).low).toBe(0);
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe('vet on the scripted wallets', () => {
  it('the steady winner: every figure, and "follow"', async () => {
    const report = vet(await source.history(HISTORY_WALLETS.steady), nowSec);
    expect(report).toEqual({
      wallet: HISTORY_WALLETS.steady,
      trades: 15,
      markets: 13,
      activeDays: 14,
      // 200 shares in 12 markets at prices summing to 4.70, 100 more at 0.36, 150 at 0.60.
      invested: M('1066'),
      // Nine wins (1102) minus three losses (242); the open position is 150 x (0.66 - 0.60).
      realizedPnl: M('860'),
      unrealizedPnl: M('9'),
      pnl: M('869'),
      roi: 0.8152,
      resolved: 12,
      wins: 9,
      winRate: 0.75,
      winRateLow: 0.4677,
      winRateHigh: 0.9111,
      avgEntryPrice: 0.3925,
      edge: 0.3575,
      edgeLow: 0.0752,
      bestMarket: { market: `0x${'b1'.padEnd(62, '0')}05`, title: 'History market S5?', pnl: M('198') },
      pnlWithoutBest: M('671'),
      // S1: bought 70, sold 36 = 106 of 1,102 traded.
      topMarketShare: 0.0962,
      makerShare: 0.3333,
      medianTradeUsd: M('78'),
      medianSecondsBetweenTrades: 4 * DAY,
      lastTradeAt: ANCHOR - 2 * DAY + 10 * 3600,
      truncated: false,
      verdict: 'follow',
      reason: 'won 75.0% (at least 46.8%) of 12 resolved positions paying 0.39 on average',
    });
  });

  it('the lucky wallet: all of its profit is one market', async () => {
    const report = vet(await source.history(HISTORY_WALLETS.lucky), nowSec);
    expect(report).toMatchObject({ trades: 6, resolved: 6, wins: 1, pnl: M('1750'), pnlWithoutBest: M('-150'), invested: M('250'), roi: 7, makerShare: 0 });
    expect(report.verdict).toBe('avoid');
    expect(report.reason).toBe('profit is one market: $1900 in "History market L4?", -$150 without it');
  });

  it('the loser: loses money; its two unredeemed losers (still in /positions) count as resolved losses', async () => {
    const report = vet(await source.history(HISTORY_WALLETS.loser), nowSec);
    expect(report).toMatchObject({ resolved: 10, wins: 4, realizedPnl: M('-300'), unrealizedPnl: 0n, winRate: 0.4, avgEntryPrice: 0.7, edge: -0.3, pnl: M('-300'), roi: -0.4286 });
    expect([report.verdict, report.reason]).toEqual(['avoid', 'loses money: PnL -$300 on $700 invested']);
  });

  it('the fast wallet: profitable, but its win rate is not reliably above what it paid', async () => {
    const report = vet(await source.history(HISTORY_WALLETS.fast), nowSec);
    expect(report).toMatchObject({ resolved: 10, wins: 7, winRate: 0.7, winRateLow: 0.3968, avgEntryPrice: 0.5, edgeLow: -0.1032, pnl: M('200'), pnlWithoutBest: M('150') });
    expect([report.verdict, report.reason]).toEqual(['watch', 'win rate not reliably above the prices paid: won 70.0% (at least 39.7%) paying 0.50 on average']);
  });

  it('thresholds are configurable: the steady winner needs 13 resolved markets, then it is "watch"', async () => {
    const history = await source.history(HISTORY_WALLETS.steady);
    expect(vet(history, nowSec, { ...DEFAULT_THRESHOLDS, minResolved: 13 })).toMatchObject({ verdict: 'watch', reason: 'too few resolved markets: 12 (need 13)' });
    expect(vet(history, nowSec, { ...DEFAULT_THRESHOLDS, minEdge: 0.08 })).toMatchObject({ verdict: 'watch' });
    // Its last trade is 2 days and 2 hours old.
    expect(vet(history, nowSec, { ...DEFAULT_THRESHOLDS, maxIdleDays: 1 })).toMatchObject({ verdict: 'watch', reason: 'inactive: last trade 2 days ago' });
  });

  it('a wallet with no record is "avoid: no trades on record"', () => {
    expect(vet({ wallet: '0xabc', fills: [], positions: [], closed: [], value: 0n }, nowSec)).toMatchObject({ trades: 0, pnl: 0n, verdict: 'avoid', reason: 'no trades on record' });
  });
});
