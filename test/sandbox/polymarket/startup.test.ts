/** The sandbox starts fast in-process (as a process it runs through `betmirror sandbox`: test/cli/binary.test.ts). */
import { describe, expect, it } from 'vitest';
import { startPolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';

describe('startup', () => {
  it('starts in-process well under a second, with liquidity on every open market', async () => {
    const started = performance.now();
    const sandbox = await startPolymarketSandbox();
    const elapsed = performance.now() - started;
    try {
      expect(elapsed).toBeLessThan(1000);
      const res = await fetch(`${sandbox.url}/book?token_id=${sandbox.markets[0]!.tokens[1].tokenId}`);
      const book = (await res.json()) as { bids: unknown[]; asks: unknown[] };
      expect(book.bids.length).toBeGreaterThan(0);
      expect(book.asks.length).toBeGreaterThan(0);
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.rtdsUrl).toBe(sandbox.url.replace('http', 'ws') + '/rtds');
    } finally {
      await sandbox.close();
    }
  });
});
