/**
 * The backtest decides with the live mirror's code: for the same whale fill, market, settings and
 * books, TradeExecutor (live, dry run) and the replay's decideCopy choose the same order or skip.
 */
import { describe, expect, it } from 'vitest';
import { MICRO } from '../../src/core/money.js';
import { usd, type MirrorEvent } from '../../src/mirror/events.js';
import { Portfolio, type Holding } from '../../src/mirror/portfolio.js';
import { parseMirrorSettings } from '../../src/mirror/settings.js';
import { MirrorStore } from '../../src/mirror/store.js';
import { TradeExecutor } from '../../src/mirror/trade-executor.js';
import { WhaleBalanceCache } from '../../src/mirror/whale-balance-cache.js';
import { WhalePositions } from '../../src/mirror/whale-positions.js';
import { decideCopy, rulesOf, toWhaleFill } from '../../src/research/backtest.js';
import type { HistoryFill, MarketInfo } from '../../src/research/types.js';
import { FakeVenue, ManualClock } from '../mirror/support/fakes.js';
import { M } from './support.js';

const AT = Date.UTC(2026, 9, 1, 15);
const WALLET = '0x57ead1e000000000000000000000000000000001';

interface Case {
  name: string;
  flags: Record<string, string>;
  fill: Pick<HistoryFill, 'side' | 'size' | 'price'>;
  market?: Partial<MarketInfo>;
  holdings?: Holding[];
  whaleValue?: bigint;
  whalePositionBefore?: bigint;
}

const CASES: Case[] = [
  { name: 'proportional buy', flags: {}, fill: { side: 'buy', size: M('100'), price: M('0.4') }, whaleValue: M('2000') },
  { name: 'fixed buy shrunk by --max-per-trade', flags: { sizing: 'fixed', 'fixed-usd': '50', 'max-per-trade': '10' }, fill: { side: 'buy', size: M('100'), price: M('0.4') } },
  { name: 'percent buy', flags: { sizing: 'percent', percent: '3' }, fill: { side: 'buy', size: M('10'), price: M('0.62') } },
  {
    name: 'proportional sell of half',
    flags: {},
    fill: { side: 'sell', size: M('50'), price: M('0.55') },
    holdings: [{ token: 'T1', market: 'C1', size: M('30'), cost: M('12'), mark: M('0.5') }],
    whalePositionBefore: M('100'),
  },
  { name: 'buy below the venue minimum', flags: { sizing: 'fixed', 'fixed-usd': '1' }, fill: { side: 'buy', size: M('10'), price: M('0.5') } },
  { name: 'resolved market', flags: { sizing: 'fixed', 'fixed-usd': '10' }, fill: { side: 'buy', size: M('10'), price: M('0.5') }, market: { resolvedAt: AT / 1000 - 60, payout: MICRO } },
  { name: 'denied market', flags: { sizing: 'fixed', 'fixed-usd': '10', deny: 'C1' }, fill: { side: 'buy', size: M('10'), price: M('0.5') } },
  { name: 'sell with nothing held', flags: {}, fill: { side: 'sell', size: M('10'), price: M('0.5') }, whalePositionBefore: M('10') },
];

describe('backtest and live mirror make the same decision', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const settings = parseMirrorSettings(c.flags);
      const info: MarketInfo = { token: 'T1', market: 'C1', slug: 'history-s1', tickSize: 10_000n, minSize: M('5'), ...c.market };
      const fill: HistoryFill = { wallet: WALLET, timestamp: AT / 1000 - 2, market: 'C1', token: 'T1', usd: 0n, txHash: '0xabc', ...c.fill };

      const book = new Portfolio(M('1000'), AT, c.holdings);
      const replayed = decideCopy(fill, info, settings.risk, { value: c.whaleValue, positionBefore: c.whalePositionBefore ?? 0n }, book, AT);

      const clock = new ManualClock(AT);
      const events: MirrorEvent[] = [];
      const positions = new WhalePositions(async () => new Map([['T1', c.whalePositionBefore ?? 0n]]), clock);
      await positions.ensure(WALLET);
      const executor = new TradeExecutor({
        adapter: new FakeVenue(M('1000')),
        store: new MirrorStore(':memory:'),
        portfolio: new Portfolio(M('1000'), AT, c.holdings),
        markets: { get: async () => rulesOf(info) },
        whaleValues: new WhaleBalanceCache(async () => c.whaleValue ?? 0n, clock),
        whalePositions: positions,
        risk: settings.risk,
        clock,
        logger: { info: () => {}, warn: () => {}, debug: () => {} },
        emit: (event) => events.push(event),
        dryRun: true,
      });
      await executor.submit('k1', toWhaleFill(fill, AT));
      await executor.drain();
      const live = events.find((e) => e.type === 'decision')!;

      if (replayed.action === 'place') {
        expect(live).toMatchObject({ status: 'copy', copySize: usd(replayed.order.size), copyPrice: usd(replayed.order.price), reason: replayed.limitedBy ?? null });
      } else {
        expect(live).toMatchObject({ status: 'skip', reason: replayed.reason, detail: replayed.detail });
      }
    });
  }

  it('the cases cover copies, a shrunk copy and skips', () => {
    // Guards the table above against drifting into only one kind of outcome.
    const outcomes = CASES.map((c) => {
      const settings = parseMirrorSettings(c.flags);
      const info: MarketInfo = { token: 'T1', market: 'C1', slug: 'history-s1', tickSize: 10_000n, minSize: M('5'), ...c.market };
      const fill: HistoryFill = { wallet: WALLET, timestamp: AT / 1000 - 2, market: 'C1', token: 'T1', usd: 0n, txHash: '0xabc', ...c.fill };
      const d = decideCopy(fill, info, settings.risk, { value: c.whaleValue, positionBefore: c.whalePositionBefore ?? 0n }, new Portfolio(M('1000'), AT, c.holdings), AT);
      return d.action === 'place' ? `${d.order.side} ${d.order.size} @ ${d.order.price}${d.limitedBy ? ` (${d.limitedBy})` : ''}` : d.reason;
    });
    expect(outcomes).toEqual([
      'buy 50000000 @ 400000',
      'buy 25000000 @ 400000 (max_per_trade)',
      'buy 48380000 @ 630000',
      'sell 15000000 @ 540000',
      'below_minimum',
      'market_closed',
      'market_denied',
      'no_position',
    ]);
  });
});
