/** The sandbox starts fast in-process, and runs as a process that prints its URLs and exits on SIGTERM. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startPolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';

const MAIN = fileURLToPath(new URL('../../../src/sandbox/polymarket/main.ts', import.meta.url));

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

  it('main.ts prints one JSON line with its URLs, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const info = JSON.parse(line) as { url: string; dataApiUrl: string; rtdsUrl: string; whales: string[] };
      expect(info.dataApiUrl).toBe(`${info.url}/data-api`);
      expect(info.whales).toHaveLength(2);
      const version = await fetch(`${info.url}/version`);
      expect(await version.json()).toEqual({ version: 2 });
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
