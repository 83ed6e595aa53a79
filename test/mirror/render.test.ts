import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../src/mirror/events.js';
import { formatEvent, formatStatus, formatSummary } from '../../src/mirror/render.js';

describe('human output', () => {
  const base = { wallet: '0x42b538e020f19dd9cdfba5a9eeed86fd32c522d4', token: '2521398019804243497345', side: 'buy' as const, whaleSize: 10, whalePrice: 0.53 };
  it('says why a signal was skipped', () => {
    const line = formatEvent(makeEvent('decision', 0, { ...base, status: 'skip', reason: 'max_per_market', detail: 'max_per_market leaves room for 0 USD' }));
    expect(line).toBe('skip  0x42b5…22d4 BUY 10.00 @ 0.530 on 252139…7345: max_per_market (max_per_market leaves room for 0 USD)');
  });
  it('shows what a copy filled', () => {
    const line = formatEvent(makeEvent('order', 0, { ...base, status: 'filled', filledSize: 9.43, filledValue: 4.99, orderId: '0x1e9e8760da6539eed2682750206705e06c6be81c' }));
    expect(line).toBe('fill  0x42b5…22d4 BUY 10.00 @ 0.530 on 252139…7345: 9.43 shares for $4.99 (order 0x1e9e…e81c)');
  });
  it('names the market by title and outcome, by outcome alone when no title is known yet', () => {
    const fill = { ...base, status: 'filled', filledSize: 9.43, filledValue: 4.99, orderId: '0x1e9e8760da6539eed2682750206705e06c6be81c' };
    expect(formatEvent(makeEvent('order', 0, { ...fill, title: 'Will it rain in Sandbox City tomorrow?', outcome: 'No' }))).toBe(
      'fill  0x42b5…22d4 BUY 10.00 @ 0.530 on 252139…7345 ("Will it rain in Sandbox City tomorrow?" No): 9.43 shares for $4.99 (order 0x1e9e…e81c)',
    );
    expect(formatEvent(makeEvent('order', 0, { ...fill, outcome: 'Yes' }))).toBe('fill  0x42b5…22d4 BUY 10.00 @ 0.530 on 252139…7345 (Yes): 9.43 shares for $4.99 (order 0x1e9e…e81c)');
  });
  it('one status line: wallets, signals, positions, cash, PnL', () => {
    const line = formatStatus({
      wallets: ['0xa', '0xb'],
      sources: ['rtds'],
      startedAt: '',
      dryRun: false,
      signals: { seen: 7, copied: 4, skipped: 3, failed: 0, duplicates: 2, beforeStart: 0 },
      skipReasons: {},
      orders: { sent: 4, filled: 4, partiallyFilled: 0, missed: 0, unknown: 0 },
      positions: [{ token: 't', market: 'm', title: null, size: 1, cost: 1, mark: 1 }],
      cash: 990.5,
      reserved: 0,
      realizedPnl: 1.25,
      unrealizedPnl: -0.5,
      fees: 0,
      cashedOut: 0,
      detection: { windowMs: 120_000, pending: 0, sources: [] },
    });
    expect(line).toBe('2 wallet(s) | signals 7 seen, 4 copied, 3 skipped | 1 position(s) | cash $990.50 | PnL +0.75');
  });
  it('a detection line per fill: first source, the others\' delays, who missed it', () => {
    const line = formatEvent(
      makeEvent('detection', 0, { ...base, source: 'rtds', status: 'confirmed', detection: { first: 'rtds', reports: [{ source: 'rtds', afterMs: 0 }, { source: 'data-api', afterMs: 850.4 }], missed: ['onchain'] } }),
    );
    expect(line).toBe('seen  0x42b5…22d4 BUY 10.00 @ 0.530 on 252139…7345: first by rtds, data-api +850 ms, onchain missed');
  });
  it('the summary scores each source of the race', () => {
    const text = formatSummary({
      wallets: ['0xa'],
      sources: ['rtds', 'data-api'],
      startedAt: '',
      dryRun: true,
      signals: { seen: 3, copied: 0, skipped: 0, failed: 0, duplicates: 2, beforeStart: 0 },
      skipReasons: {},
      orders: { sent: 0, filled: 0, partiallyFilled: 0, missed: 0, unknown: 0 },
      positions: [
        { token: '2521398019804243497345', market: 'm', title: 'Will it rain in Sandbox City tomorrow?', size: 10, cost: 5.2, mark: 0.53 },
        { token: '6363120000000000001028', market: 'm', title: null, size: 4, cost: 1.8, mark: 0.45 },
      ],
      cash: 0,
      reserved: 0,
      realizedPnl: 0,
      unrealizedPnl: 0,
      fees: 0,
      cashedOut: 0,
      detection: {
        windowMs: 120_000,
        pending: 1,
        sources: [
          { source: 'rtds', first: 3, confirmed: 0, missed: 0, leadP50Ms: 840, leadP99Ms: 1910 },
          { source: 'data-api', first: 0, confirmed: 2, missed: 0, leadP50Ms: null, leadP99Ms: null },
        ],
      },
    });
    // Positions by title where one is known, the token's short id always (two outcomes share a title).
    expect(text).toContain('  positions: 252139…7345 "Will it rain in Sandbox City tomorrow?" 10.00 @ 0.520, 636312…1028 4.00 @ 0.450\n');
    expect(text.split('\n').slice(-3)).toEqual([
      '  detection (race window 120 s, 1 fill(s) still in it):',
      '    rtds     first 3, confirmed 0, missed 0, lead over the next p50 840 ms / p99 1910 ms',
      '    data-api first 0, confirmed 2, missed 0, lead over the next p50 - / p99 -',
    ]);
  });
});
