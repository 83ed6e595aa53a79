import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../src/mirror/events.js';
import { formatEvent, formatStatus } from '../../src/mirror/render.js';

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
  it('one status line: wallets, signals, positions, cash, PnL', () => {
    const line = formatStatus({
      wallets: ['0xa', '0xb'],
      sources: ['rtds'],
      startedAt: '',
      dryRun: false,
      signals: { seen: 7, copied: 4, skipped: 3, failed: 0, duplicates: 2, beforeStart: 0 },
      skipReasons: {},
      orders: { sent: 4, filled: 4, partiallyFilled: 0, missed: 0, unknown: 0 },
      positions: [{ token: 't', market: 'm', size: 1, cost: 1, mark: 1 }],
      cash: 990.5,
      reserved: 0,
      realizedPnl: 1.25,
      unrealizedPnl: -0.5,
      fees: 0,
    cashedOut: 0,
    });
    expect(line).toBe('2 wallet(s) | signals 7 seen, 4 copied, 3 skipped | 1 position(s) | cash $990.50 | PnL +0.75');
  });
});
