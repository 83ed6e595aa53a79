/** Shared test wiring: an adapter over an injected context, and generated (never real) keys. */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { silentLogger, systemClock, type Clock } from '../../../src/core/runtime.js';
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/adapter.js';

export function newKey(): { key: `0x${string}`; address: `0x${string}` } {
  const key = generatePrivateKey();
  return { key, address: privateKeyToAccount(key).address };
}

export function adapterFor(
  settings: Record<string, string | undefined>,
  secrets: Record<string, string | undefined>,
  options: { fetch?: typeof fetch; clock?: Clock } = {},
): PolymarketAdapter {
  return new PolymarketAdapter({
    settings,
    secrets,
    fetch: options.fetch ?? globalThis.fetch,
    clock: options.clock ?? systemClock,
    logger: silentLogger,
  });
}

/** A fetch that records every call and answers nothing: proves that no request left the adapter. */
export function refusingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    calls.push(String(input instanceof Request ? input.url : input));
    throw new Error('network disabled in this test');
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}
