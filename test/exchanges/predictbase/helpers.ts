/** Shared fixtures for the PredictBase tests: a local PredictBase with one funded user and adapters wired to it. */
import { silentLogger, systemClock, type Clock } from '../../../src/core/runtime.js';
import { predictbaseVenue } from '../../../src/exchanges/predictbase/index.js';
import type { PredictBaseAdapter } from '../../../src/exchanges/predictbase/adapter.js';
import { startPredictBaseSandbox, type PredictBaseSandbox } from '../../../src/sandbox/predictbase/index.js';

export const USER = '0x1111111111111111111111111111111111111111';
export const OTHER = '0x2222222222222222222222222222222222222222';
export const KEY = 'pb-test-key-0123456789';
export const OTHER_KEY = 'pb-other-key-9876543210';
export const MARKET = '10744';

/** A local PredictBase: USER funded with $100, OTHER with $50; market 10744 (Yes/No) with house quotes. */
export async function startVenue(): Promise<PredictBaseSandbox> {
  const venue = await startPredictBaseSandbox();
  venue.registerKey(KEY, USER);
  venue.registerKey(OTHER_KEY, OTHER);
  venue.fund(USER, 100_000_000n);
  venue.fund(OTHER, 50_000_000n);
  venue.addMarket({
    id: MARKET,
    question: 'Will it rain in Lisbon on 2026-12-01?',
    optionTitles: ['Yes', 'No'],
    book: [
      { side: 'SELL', optionIndex: 0, price: '0.42', qty: '5' },
      { side: 'SELL', optionIndex: 0, price: '0.45', qty: '10' },
      { side: 'BUY', optionIndex: 0, price: '0.40', qty: '50' },
      { side: 'SELL', optionIndex: 1, price: '0.61', qty: '20' },
    ],
  });
  return venue;
}

export function makeAdapter(
  venue: { url: string; rpcUrl: string },
  options: { key?: string | null; address?: string | null; fetch?: typeof fetch; clock?: Clock } = {},
): PredictBaseAdapter {
  return predictbaseVenue.create({
    settings: { apiUrl: venue.url, rpcUrl: venue.rpcUrl, address: options.address === null ? undefined : (options.address ?? USER) },
    secrets: { apiKey: options.key === null ? undefined : (options.key ?? KEY) },
    fetch: options.fetch ?? globalThis.fetch,
    clock: options.clock ?? systemClock,
    logger: silentLogger,
  }) as PredictBaseAdapter;
}

/** Requests of one method and path that reached the local PredictBase. */
export const sent = (venue: PredictBaseSandbox, method: string, path: string) => venue.requests.filter((r) => r.method === method && r.path === path);
