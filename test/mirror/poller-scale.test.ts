/**
 * A thousand wallets in one process (issue 12): a virtual minute of Data API polling never exceeds
 * the request budget (VENUES.md 1.7: 1,000 per 10 s, used at 80%), the Data API (enforcing its
 * documented limit) never answers 429, and every fill is detected within one polling period.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/runtime.js';
import { RequestBudget, dataApiBudgetLimits } from '../../src/mirror/sources/budget.js';
import { DataApiClient } from '../../src/mirror/sources/data-api.js';
import { DataApiPoller } from '../../src/mirror/sources/data-api-poller.js';
import { prng } from '../../src/sandbox/polymarket/whales.js';
import { FakeDataApi } from './support/fake-data-api.js';
import { ManualClock } from './support/fakes.js';

const wallets = Array.from({ length: 1000 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);

async function virtualMinute(options: { venueLimit: number; budgetMargin?: number; runMs?: number }) {
  const clock = new ManualClock();
  const api = new FakeDataApi(clock);
  api.rateLimit = options.venueLimit;
  const budget = new RequestBudget(dataApiBudgetLimits(options.budgetMargin), clock);
  const client = new DataApiClient('http://data', api.fetch, budget);
  const poller = new DataApiPoller(client, { wallets, intervalMs: 2000, since: clock.now(), budget }, clock, silentLogger);
  const detected = new Map<string, number>(); // tx hash -> ms from the fill to its first delivery
  const made = new Map<string, number>(); // tx hash -> when
  await poller.start((fill) => {
    if (!detected.has(fill.txHash)) detected.set(fill.txHash, clock.now() - made.get(fill.txHash)!);
  });
  const random = prng(12);
  // 300 whale fills at random times of the first 40 s, by random wallets (some twice in one second).
  const plan = Array.from({ length: 300 }, () => ({ at: Math.floor(random() * 40_000), wallet: wallets[Math.floor(random() * wallets.length)]! })).sort((a, b) => a.at - b.at);
  const start = clock.now();
  for (let t = 0; t < (options.runMs ?? 60_000); t += 100) {
    for (const trade of plan) if (trade.at >= t && trade.at < t + 100) made.set(api.trade(trade.wallet), start + t);
    await clock.run(100);
  }
  await poller.stop();
  return { api, poller, detected, made, client };
}

describe('1,000 wallets on Data API polling', () => {
  it('a virtual minute inside the documented limit: no 429, never over budget, every fill detected', async () => {
    const { api, poller, detected, made, client } = await virtualMinute({ venueLimit: 1000 });
    // Fair share: 800 requests / 10 s, 80% of them for /activity = 64 per second over 1,000 wallets.
    expect(poller.periodMs()).toBe(15_625);
    expect(client.rateLimited).toBe(0);
    expect(api.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(api.peak(10_000)).toBeLessThanOrEqual(800);
    expect(api.peak(10_000)).toBeGreaterThanOrEqual(630); // and the share is used, not left idle
    expect(made.size).toBe(300);
    expect([...detected.keys()].sort()).toEqual([...made.keys()].sort());
    // A fill waits at most one period for its wallet's turn (the fill's second is what the API shows).
    expect(Math.max(...detected.values())).toBeLessThanOrEqual(15_625 + 1000);
  }, 60_000);

  it('a venue stricter than documented: 429s pause everything for Retry-After, and no fill is lost', async () => {
    // 300 requests / 10 s: a round of 1,000 wallets takes over 30 s, so run two virtual minutes.
    const { api, detected, made, client } = await virtualMinute({ venueLimit: 300, runMs: 120_000 });
    const refused = api.requests.filter((r) => r.status === 429);
    expect(refused.length).toBe(client.rateLimited);
    expect(refused.length).toBeGreaterThan(0);
    // After each 429, nothing is sent before its Retry-After (the fake names the second its window frees).
    for (const r of refused) {
      const next = api.requests.find((q) => q.at > r.at);
      if (next) expect(next.at - r.at).toBeGreaterThanOrEqual(1000);
    }
    expect(made.size).toBe(300);
    expect([...detected.keys()].sort()).toEqual([...made.keys()].sort());
  }, 60_000);
});
