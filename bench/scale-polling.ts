/**
 * Scale: 1,000 wallets followed by Data API polling alone (no firehose), against the local sandbox
 * with the Data API's documented rate limits switched on (1,000 requests / 10 s: 429 past it). The
 * poller runs as the engine builds it (one RequestBudget at 80% of the limit, fair share per wallet);
 * random wallets trade while it runs. Printed: fills detected, detection delay p50/p99 (the whale's
 * trade -> the poller delivers it), 429s received, requests per second sent and the busiest 10 s.
 * Real time: the run takes BENCH_SCALE_SECONDS (default 45).
 */
import { performance } from 'node:perf_hooks';
import { MICRO } from '../src/core/money.js';
import { silentLogger, systemClock, type Clock } from '../src/core/runtime.js';
import { RequestBudget, dataApiBudgetLimits } from '../src/mirror/sources/budget.js';
import { DataApiClient } from '../src/mirror/sources/data-api.js';
import { DataApiPoller } from '../src/mirror/sources/data-api-poller.js';
import { startPolymarketSandbox } from '../src/sandbox/polymarket/index.js';
import { prng } from '../src/sandbox/polymarket/whales.js';

const clock: Clock = { now: () => performance.timeOrigin + performance.now(), sleep: systemClock.sleep, after: systemClock.after };
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
};

export async function scalePolling(wallets = 1000, seconds = Number(process.env.BENCH_SCALE_SECONDS ?? 45)): Promise<void> {
  const sandbox = await startPolymarketSandbox({ clock, whales: { count: 0, autoStart: false }, dataApiRateLimits: true, maxRecordedRequests: 1_000_000 });
  const followed = Array.from({ length: wallets }, (_, i) => `0x${(0x5ca1e000 + i).toString(16).padStart(40, '0')}`);
  for (const wallet of followed) sandbox.fund(wallet, 10_000n * MICRO);
  const tokens = sandbox.markets.filter((m) => m.active && !m.closed).flatMap((m) => m.tokens.map((t) => t.tokenId));
  const budget = new RequestBudget(dataApiBudgetLimits(), clock);
  const client = new DataApiClient(sandbox.dataApiUrl, globalThis.fetch, budget);
  const poller = new DataApiPoller(client, { wallets: followed, intervalMs: 2000, since: clock.now(), budget }, clock, silentLogger);
  const made = new Map<string, number>(); // tx hash -> when the whale traded
  const delays = new Map<string, number>();
  const startedAt = clock.now();
  const firstRequest = sandbox.requests.length;
  await poller.start((fill) => {
    const at = made.get(fill.txHash);
    if (at !== undefined && !delays.has(fill.txHash)) delays.set(fill.txHash, clock.now() - at);
  });
  // Trades for the first 60% of the run (about 4 a second), then the pollers catch up.
  const random = prng(7);
  const tradeUntil = startedAt + seconds * 600;
  while (clock.now() < tradeUntil) {
    const wallet = followed[Math.floor(random() * followed.length)]!;
    const tokenId = tokens[Math.floor(random() * tokens.length)]!;
    const [fill] = await sandbox.whaleTrade({ wallet, tokenId, side: 'BUY', size: 5, price: 0.99 }).catch(() => []);
    if (fill) made.set(fill.transactionHash, clock.now());
    await new Promise((r) => setTimeout(r, 250));
  }
  while (clock.now() < startedAt + seconds * 1000) await new Promise((r) => setTimeout(r, 100));
  await poller.stop();
  const elapsed = (clock.now() - startedAt) / 1000;
  const dataRequests = sandbox.requests.slice(firstRequest).filter((r) => r.path.startsWith('/data-api/')).map((r) => r.at);
  let peak = 0;
  for (let i = 0, j = 0; i < dataRequests.length; i++) {
    while (dataRequests[i]! - dataRequests[j]! >= 10_000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  const delay = [...delays.values()];
  await sandbox.close();
  console.log(`\nScale: ${wallets} wallets on Data API polling only, sandbox rate limits on (1,000 requests / 10 s), ${elapsed.toFixed(0)} s`);
  console.log(`    fills detected      ${delays.size} of ${made.size}; each wallet polled every ${(poller.periodMs() / 1000).toFixed(2)} s (fair share)`);
  console.log(`    detection delay     p50 ${(pct(delay, 50) / 1000).toFixed(2)} s  p99 ${(pct(delay, 99) / 1000).toFixed(2)} s`);
  console.log(`    429s received       ${client.rateLimited}`);
  console.log(`    requests sent       ${(client.requests / elapsed).toFixed(1)}/s (${client.requests} in all; busiest 10 s: ${peak})`);
}
